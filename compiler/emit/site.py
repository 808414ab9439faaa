"""Stage 5, emit: the agents' site.

`generate_docs()` compiles a checked corpus into plain Markdown pages (with
their flowcharts inlined as SVG) under the MkDocs docs folder; MkDocs then
turns them into the site. `mkdocs build` and `mkdocs serve` do the same
through the hook in `mkdocs_hooks.py`; `sopc build` (`build_site()`) checks
first, builds into a temporary folder and swaps it in only once complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sopc.check import Result, check_paths
from sopc.config import ConfigError, load_config
from sopc.model import Corpus
from sopc.report import text as text_report
from sopc.check.rules import RULES
from sopc.emit import markdown
from sopc.emit.flowchart import FlowchartError, RenderStats, render_all, to_dot
from sopc.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

# Everything under these (relative to docs/) is generated and owned by sopc:
# files there that a build does not produce are removed.
GENERATED_DIRS = ("sops", "rules", "assets/sopc", "schema")
SCHEMAS = [SOP_SCHEMA, RUNTIME_SCHEMA]
GENERATED_FILES = ("index.md", "tags.md", "procedures.md")
CSS = "assets/sopc/sopc.css"
DEFAULT_SOURCES = "sops"
CACHE_DIR = ".sopc-cache"


class SiteError(Exception):
    """The site cannot be built; the message says why and what to do."""


class CheckFailed(SiteError):
    """The sources have errors: nothing is published."""

    def __init__(self, result: Result):
        self.result = result
        super().__init__(text_report.render(result))


@dataclass
class Generated:
    files: dict[str, str]
    stats: RenderStats
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# -- compiling the docs tree ----------------------------------------------------

def checked(sources) -> Result:
    """The check result of the sources, with the project's settings; raises if there are errors."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise SiteError(str(exc)) from exc
    result = check_paths(sources, config)
    if result.errors:
        raise CheckFailed(result)
    return result


def checked_corpus(sources) -> Corpus:
    return checked(sources).corpus


def render_docs(corpus: Corpus, cache_dir, *, directory_urls: bool = True,
                site_name: str = "Support SOPs", progress: bool = True) -> tuple[dict[str, str], RenderStats]:
    """Every generated file (path relative to docs/ -> text)."""
    graphs = {sop_id: to_dot(sop, corpus, directory_urls) for sop_id, sop in corpus.sops.items()}
    try:
        svgs, stats = render_all(graphs, Path(cache_dir), progress=progress)
    except FlowchartError as exc:
        raise SiteError(str(exc)) from exc
    referrers = corpus.referrers()
    files = {markdown.sop_page_path(sop_id): markdown.sop_page(sop, corpus, svgs.get(sop_id), referrers)
             for sop_id, sop in corpus.sops.items()}
    files["index.md"] = markdown.home_page(corpus, site_name)
    files["tags.md"] = markdown.tags_page(corpus)
    files["procedures.md"] = markdown.procedures_page(corpus)
    files["rules/index.md"] = markdown.rules_index(RULES)
    for rule in RULES:
        files[f"rules/{rule.SLUG}.md"] = markdown.rule_page(rule)
    files[CSS] = resources.files(__package__).joinpath("assets/sopc.css").read_text(encoding="utf-8")
    for schema in SCHEMAS:  # published so that editors and other runtimes can fetch them from the site
        files[f"schema/{schema.name}"] = schema.read_text(encoding="utf-8")
    return files, stats


def write_docs(docs_dir, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write what changed and remove stale generated files; (written, removed).

    Unchanged files are left alone so that `mkdocs serve`, which watches the
    docs folder, does not rebuild in a loop.
    """
    docs = Path(docs_dir)
    written, removed = [], []
    for relative, text in sorted(files.items()):
        path = docs / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(relative)
    # Only kinds of file a build writes are stale outputs: a docs folder that
    # holds the sources (`--docs-dir .` makes `sops/` a generated folder)
    # must not lose them.
    kinds = {Path(relative).suffix for relative in files}
    for folder in GENERATED_DIRS:
        root = docs / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(docs).as_posix()
            if path.is_file() and path.suffix in kinds and relative not in files:
                path.unlink()
                removed.append(relative)
    return written, removed


def generate_docs(corpus: Corpus, docs_dir, cache_dir, **options) -> Generated:
    files, stats = render_docs(corpus, cache_dir, **options)
    written, removed = write_docs(docs_dir, files)
    return Generated(files, stats, written, removed)


def navigation(corpus: Corpus, docs_dir) -> list:
    """The site's menu. Pages are listed by path so that their titles come
    from their (escaped) headings, never raw from the sources."""
    sops = [markdown.sop_page_path(s.id) for s in sorted(corpus.sops.values(), key=lambda s: s.title.lower())]
    nav: list = [{"Home": "index.md"}, {"Procedures": sops + ["procedures.md", "tags.md"]}]
    guides = hand_written_pages(docs_dir)
    if guides:
        nav.append({"Guides": guides})
    nav.append({"Check rules": ["rules/index.md"] + [f"rules/{rule.SLUG}.md" for rule in sorted(RULES, key=lambda r: r.ID)]})
    return nav


def hand_written_pages(docs_dir) -> list[str]:
    docs = Path(docs_dir)
    if not docs.is_dir():
        return []
    owned = set(GENERATED_FILES)
    pages = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if relative in owned or relative.split("/")[0] in {d.split("/")[0] for d in GENERATED_DIRS}:
            continue
        if any(part.startswith(".") for part in path.relative_to(docs).parts):
            continue
        pages.append(relative)
    return pages


# -- MkDocs -------------------------------------------------------------------

_prepared: dict | None = None  # set by build_site() for the hook, which runs in-process


@contextlib.contextmanager
def prepared(corpus: Corpus, cache_dir, progress: bool = True):
    """Hand an already checked corpus to the MkDocs hook for one build."""
    global _prepared
    previous, _prepared = _prepared, {"corpus": corpus, "cache_dir": Path(cache_dir), "progress": progress}
    try:
        yield
    finally:
        _prepared = previous


def configure_mkdocs(config):
    """The hook's work on `on_config`: generate the pages, then set the menu,
    the style sheet and the watched sources."""
    root = Path(config.config_file_path or ".").resolve().parent
    sources = root / os.environ.get("SOPC_SOURCES", DEFAULT_SOURCES)
    if _prepared:
        corpus, cache_dir, progress = _prepared["corpus"], _prepared["cache_dir"], _prepared["progress"]
    else:
        corpus, cache_dir, progress = checked_corpus([sources]), root / CACHE_DIR, True
        if sources.is_dir() and str(sources) not in config.watch:
            config.watch.append(str(sources))
    generated = generate_docs(corpus, config.docs_dir, cache_dir, directory_urls=config.use_directory_urls,
                              site_name=config.site_name, progress=progress)
    logging.getLogger("mkdocs.sopc").info(
        "sopc: %d pages, %d flowcharts drawn, %d from cache", len(generated.files),
        generated.stats.rendered, generated.stats.cached)
    if _prepared:
        _prepared["generated"] = generated
    if not config.nav:
        config.nav = navigation(corpus, config.docs_dir)
    if CSS not in config.extra_css:
        config.extra_css.append(CSS)
    return config


@dataclass
class BuildOutcome:
    site_dir: Path
    result: Result
    stats: RenderStats | None = None


def build_site(sources, site_dir="site", config_file="mkdocs.yml", docs_dir=None, cache_dir=CACHE_DIR,
               progress: bool = True) -> BuildOutcome:
    """Check, then build the site into a temporary folder and swap it in.

    A failed build leaves the previous site as it was.
    """
    result = checked(sources)
    config_path = Path(config_file)
    if not config_path.is_file():
        raise SiteError(f"{config_file}: no MkDocs configuration here; run from the project root "
                        "or pass --config-file")
    site = Path(site_dir).resolve()
    keep_out_of_site(site, {"the working folder": Path.cwd(), "the MkDocs configuration": config_path,
                            **{f"the sources {s}": Path(s) for s in sources}})
    site.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".site-tmp-", dir=site.parent))
    try:
        stats = _mkdocs_build(config_path, temporary, docs_dir, result.corpus, cache_dir, progress, site)
        _swap(temporary, site)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return BuildOutcome(site, result, stats)


def _mkdocs_build(config_path: Path, into: Path, docs_dir, corpus: Corpus, cache_dir, progress: bool, site: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    overrides = {"site_dir": str(into)}
    if docs_dir:
        Path(docs_dir).mkdir(parents=True, exist_ok=True)
        overrides["docs_dir"] = str(Path(docs_dir).resolve())
    _quiet_mkdocs()
    try:
        with prepared(corpus, cache_dir, progress):
            config = load_config(str(config_path), **overrides)
            keep_out_of_site(site, {"the docs folder": Path(config.docs_dir)})
            build(config)
            generated = _prepared.get("generated")
    except MkDocsException as exc:
        raise SiteError(f"MkDocs could not build the site: {exc}") from exc
    return generated.stats if generated else None


def keep_out_of_site(site: Path, protected: dict[str, Path]) -> None:
    """Refuse a site folder that is, or holds, something an author wrote: the swap replaces it whole."""
    for what, path in protected.items():
        resolved = path.resolve()
        if resolved == site or site in resolved.parents:
            raise SiteError(f"the site folder {site} would replace {what}; give --site-dir a folder of its own, "
                            "such as `site`")


def in_sopc_build() -> bool:
    """Whether MkDocs runs inside `build_site()` (rather than `mkdocs build` or `serve`)."""
    return _prepared is not None


def _quiet_mkdocs() -> None:
    """Show MkDocs warnings and errors, not its progress chatter."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_sopc", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._sopc = True
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def _swap(new: Path, site: Path) -> None:
    """Put `new` in place of `site` with renames, so readers never see a half-built site."""
    if not site.exists():
        os.replace(new, site)
        return
    old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=site.parent))
    os.rmdir(old)
    os.replace(site, old)
    try:
        os.replace(new, site)
    except OSError:
        os.replace(old, site)
        raise
    shutil.rmtree(old, ignore_errors=True)
