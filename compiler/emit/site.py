"""Stage 5, emit: the agents' site.

`generate_docs()` compiles a checked corpus into plain Markdown pages (with
their flowcharts inlined as SVG) in the docs folder; a site engine (MkDocs
or Zensical, `sopc.emit.engines`) then turns them into the site with the
menu `navigation()` gives. `sopc build` (`build_site()`) checks first, builds
into a temporary folder and swaps it in only once complete. For `mkdocs
build` and `mkdocs serve` run by hand, the `sopc` MkDocs plugin
(`sopc.emit.mkdocs_plugin`) does the same generation.
"""

from __future__ import annotations

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
from sopc import codes
from sopc.emit import engines, markdown
from sopc.emit.flowchart import FlowchartError, RenderStats, render_all, to_dot
from sopc.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

# Everything under these (relative to docs/) is generated and owned by sopc:
# files there that a build does not produce are removed.
GENERATED_DIRS = ("sops", "rules", "assets/sopc", "schema")
SCHEMAS = [SOP_SCHEMA, RUNTIME_SCHEMA]
GENERATED_FILES = ("index.md", "tags.md", "procedures.md", markdown.READING_PAGE)
CSS = engines.CSS
ASSETS = {  # path in docs/ -> file in the package
    CSS: "assets/sopc.css",
    "assets/sopc/sopc.js": "assets/sopc.js",
    # The pan and zoom library the site's script drives, shipped with its licence.
    "assets/sopc/vendor/panzoom.min.js": "assets/vendor/panzoom/panzoom.min.js",
    "assets/sopc/vendor/panzoom-LICENSE.txt": "assets/vendor/panzoom/MIT-License.txt",
}
DEFAULT_SOURCES = "sops"
CACHE_DIR = ".sopc-cache"
# Where the generated pages go when the configuration does not say: a folder
# sopc owns, apart from anything an author wrote.
DEFAULT_DOCS_DIR = ".sopc/docs"


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

def checked(sources, start=None) -> Result:
    """The check result of the sources, with the settings found from `start`
    (default: the working folder) up; raises if there are errors."""
    try:
        config = load_config(start=start)
    except ConfigError as exc:
        raise SiteError(str(exc)) from exc
    result = check_paths(sources, config)
    if result.errors:
        raise CheckFailed(result)
    return result


def checked_corpus(sources, start=None) -> Corpus:
    return checked(sources, start).corpus


def render_docs(corpus: Corpus, cache_dir, *, directory_urls: bool = True, site_name: str = "Support SOPs",
                progress: bool = True, rule_pages: bool = False) -> tuple[dict[str, str], RenderStats]:
    """Every generated file (path relative to docs/ -> text).

    The agents' site holds the SOPs and procedures only; `rule_pages` adds
    the reference of the check rules, for a site its authors read too.
    """
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
    files[markdown.READING_PAGE] = markdown.reading_page()
    if rule_pages:
        files.update(rule_reference())
    for published, packaged in ASSETS.items():
        files[published] = resources.files(__package__).joinpath(packaged).read_text(encoding="utf-8")
    for schema in SCHEMAS:  # published so that editors and other runtimes can fetch them from the site
        files[f"schema/{schema.name}"] = schema.read_text(encoding="utf-8")
    return files, stats


def rule_reference(folder: str = "rules") -> dict[str, str]:
    """The problem codes' pages (path -> Markdown), from the registry of codes."""
    files = {f"{folder}/index.md": markdown.rules_index(codes.CODES)}
    for code in codes.CODES:
        files[f"{folder}/{code.slug}.md"] = markdown.rule_page(code)
    return files


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


def navigation(corpus: Corpus, rule_pages: bool = False) -> list:
    """The site's menu, written out for every engine (Zensical reads it from
    the configuration; nothing may set it at build time). Pages are listed by
    path so that their titles come from their (escaped) headings, never raw
    from the sources."""
    sops = [markdown.sop_page_path(s.id) for s in sorted(corpus.sops.values(), key=lambda s: s.title.lower())]
    nav: list = [{"Home": "index.md"}, {"Procedures": sops + ["procedures.md", "tags.md"]},
                 {"How to read this site": markdown.READING_PAGE}]
    if rule_pages:
        nav.append({"Check rules": ["rules/index.md"] + [f"rules/{code.slug}.md" for code in codes.CODES]})
    return nav


# -- building -------------------------------------------------------------------

@dataclass
class BuildOutcome:
    site_dir: Path
    result: Result
    stats: RenderStats | None = None
    engine: str = "mkdocs"


def build_site(sources, site_dir="site", config_file="mkdocs.yml", docs_dir=None, cache_dir=CACHE_DIR,
               progress: bool = True, engine: str = "mkdocs", rule_pages: bool = False) -> BuildOutcome:
    """Check, generate the pages, then build the site with `engine` into a
    temporary folder and swap it in.

    A failed build leaves the previous site as it was.
    """
    result = checked(sources)
    settings = site_settings(config_file)
    docs = Path(docs_dir).resolve() if docs_dir else settings.docs_dir
    site = Path(site_dir).resolve()
    keep_out_of_site(site, {"the working folder": Path.cwd(), "the site configuration": settings.path,
                            "the docs folder": docs, **{f"the sources {s}": Path(s) for s in sources}})
    site.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".site-tmp-", dir=site.parent))
    try:
        generated = render_site(result.corpus, settings, docs, temporary, engine=engine, rule_pages=rule_pages,
                                cache_dir=cache_dir, progress=progress)
        _swap(temporary, site)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return BuildOutcome(site, result, generated.stats, engine)


def site_settings(config_file) -> engines.SiteSettings:
    """What the site configuration says, or SiteError naming what is wrong with it."""
    if not Path(config_file).is_file():
        raise SiteError(f"{config_file}: no site configuration here; run `sopc init` to write one, "
                        "run from the project root, or pass --config-file")
    try:
        return engines.read_settings(config_file)
    except engines.EngineError as exc:
        raise SiteError(str(exc)) from exc


def render_site(corpus: Corpus, settings: engines.SiteSettings, docs: Path, into: Path, *, engine: str = "mkdocs",
                rule_pages: bool = False, cache_dir=CACHE_DIR, progress: bool = True) -> Generated:
    """Generate the pages of a checked corpus into `docs`, then build the site into the folder `into`."""
    docs.mkdir(parents=True, exist_ok=True)
    generated = generate_docs(corpus, docs, cache_dir, directory_urls=settings.directory_urls,
                              site_name=settings.site_name, progress=progress, rule_pages=rule_pages)
    try:
        engines.build(engine, settings, docs, navigation(corpus, rule_pages), into)
    except engines.EngineError as exc:
        raise SiteError(str(exc)) from exc
    return generated


def keep_out_of_site(site: Path, protected: dict[str, Path]) -> None:
    """Refuse a site folder that is, or holds, something an author wrote: the swap replaces it whole."""
    for what, path in protected.items():
        resolved = path.resolve()
        if resolved == site or site in resolved.parents:
            raise SiteError(f"the site folder {site} would replace {what}; give --site-dir a folder of its own, "
                            "such as `site`")


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
