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

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sopc.check import Result
from sopc.check.cache import check_cached
from sopc.config import ConfigError, load_config
from sopc.model import Corpus
from sopc.report import text as text_report
from sopc import codes
from sopc.emit import engines, incremental, markdown, page_cache, publish
from sopc.emit.flowchart import FlowchartError, RenderStats, render_all, to_dot
from sopc.emit import bundle as runtime_bundle
from sopc.schemas import JAVASCRIPT_RUNTIME, RUNTIME_SCHEMA, SOP_SCHEMA

# Pages are generated under these (relative to docs/); only the files a build
# recorded in its manifest are ever removed (publish.py).
GENERATED_DIRS = ("sops", "rules", "assets/sopc", "schema")
SCHEMAS = [SOP_SCHEMA, RUNTIME_SCHEMA]
GENERATED_FILES = ("index.md", "tags.md", "procedures.md", markdown.READING_PAGE)
CSS = engines.CSS
ASSETS = {  # path in docs/ -> file in the package
    CSS: "assets/sopc.css",
    "assets/sopc/sopc.js": "assets/sopc.js",
    "assets/sopc/search.js": "assets/search.js",
    "assets/sopc/guide.js": "assets/guide.js",
    "assets/sopc/guide.css": "assets/guide.css",
    # The pan and zoom library the site's script drives, shipped with its licence.
    "assets/sopc/vendor/panzoom.min.js": "assets/vendor/panzoom/panzoom.min.js",
    "assets/sopc/vendor/panzoom-LICENSE.txt": "assets/vendor/panzoom/MIT-License.txt",
}
# Guided mode: the runtime's modules and the bundles, beside guide.js (which finds them from its own address).
GUIDE_DIR = "assets/sopc"
NODE_ONLY = {"node.js"}  # reads files: not for browsers
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
    files: dict[str, str | publish.Kept | None]  # path in docs/ -> text (None once written and let go)
    stats: RenderStats
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def pages(self) -> frozenset[str]:
        """The generated Markdown pages (paths relative to the docs folder)."""
        return frozenset(relative for relative in self.files if relative.endswith(".md"))


# -- compiling the docs tree ----------------------------------------------------

def checked(sources, start=None) -> Result:
    """The check result of the sources, with the settings found from `start`
    (default: the working folder) up; raises if there are errors."""
    try:
        config = load_config(start=start)
    except ConfigError as exc:
        raise SiteError(str(exc)) from exc
    # Files unchanged since the last check are not validated again.
    result = check_cached(sources, config, need_corpus=True)
    if result.errors:
        raise CheckFailed(result)
    return result


def checked_corpus(sources, start=None) -> Corpus:
    return checked(sources, start).corpus


def render_docs(corpus: Corpus, cache_dir, *, directory_urls: bool = True, site_name: str = "Support SOPs",
                progress: bool = True, rule_pages: bool = False,
                kept: dict[str, publish.Kept] | None = None) -> tuple[dict[str, str | publish.Kept], RenderStats]:
    """Every generated file (path relative to docs/ -> text).

    The agents' site holds the SOPs and procedures only; `rule_pages` adds
    the reference of the check rules, for a site its authors read too.
    The SOPs whose files are all in `kept` (see `page_cache`) are not
    generated again, nor their flowcharts: they count as flowcharts from the
    cache.
    """
    kept = kept or {}
    fresh = {sop_id: sop for sop_id, sop in corpus.sops.items()
             if not all(path in kept for path in sop_files(sop_id))}
    kept = {path: kept[path] for sop_id in corpus.sops if sop_id not in fresh for path in sop_files(sop_id)}
    graphs = {sop_id: to_dot(sop, corpus, directory_urls) for sop_id, sop in fresh.items()}
    try:
        svgs, stats = render_all(graphs, Path(cache_dir), progress=progress)
    except FlowchartError as exc:
        raise SiteError(flowchart_failure(exc, corpus)) from exc
    stats.cached += len(corpus.sops) - len(fresh)
    referrers = corpus.referrers()
    files: dict[str, str | publish.Kept] = dict(kept)
    files.update({markdown.sop_page_path(sop_id): markdown.sop_page(sop, corpus, svgs.get(sop_id), referrers)
                  for sop_id, sop in fresh.items()})
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
    files.update(guided_mode_files(corpus, fresh))
    return files, stats


def flowchart_failure(exc: FlowchartError, corpus: Corpus) -> str:
    """A flowchart failure located at the SOP (and step) it came from."""
    sop = corpus.sops.get(exc.graph or "")
    if sop is None:
        return str(exc)
    step = sop.steps.get(exc.step or "")
    line, col = sop.locate(step.where, key=True) if step else sop.locate(("sop",))
    what = f"the flowchart of SOP `{sop.id}`" + (f", step `{step.id}`" if step else "")
    return f"{sop.path}:{line}:{col}: {what}: {exc}"


def guided_mode_files(corpus: Corpus, sop_ids=None) -> dict[str, str]:
    """What guided mode loads: the JavaScript runtime's browser modules and,
    per SOP (of `sop_ids`, default all), the part of the bundle holding that
    SOP alone; guide.js loads the parts of the SOPs it hands off to as well,
    so that no SOP is published more than once."""
    files = {f"{GUIDE_DIR}/runtime/{path.name}": path.read_text(encoding="utf-8")
             for path in sorted(JAVASCRIPT_RUNTIME.glob("*.js")) if path.name not in NODE_ONLY}
    for sop_id in corpus.sops if sop_ids is None else sop_ids:
        files[bundle_path(sop_id)] = runtime_bundle.export_bundle(corpus, sop_id, part=True)[1]
    return files


def bundle_path(sop_id: str) -> str:
    """Where guided mode finds the part of the bundle of an SOP (relative to docs/)."""
    return f"{GUIDE_DIR}/bundles/{sop_id}.json"


def sop_files(sop_id: str) -> tuple[str, str]:
    """The files generated for one SOP alone: its page and its part of the bundle."""
    return markdown.sop_page_path(sop_id), bundle_path(sop_id)


def rule_reference(folder: str = "rules") -> dict[str, str]:
    """The problem codes' pages (path -> Markdown), from the registry of codes."""
    files = {f"{folder}/index.md": markdown.rules_index(codes.CODES)}
    for code in codes.CODES:
        files[f"{folder}/{code.slug}.md"] = markdown.rule_page(code)
    return files


def write_docs(docs_dir, files: dict[str, str | publish.Kept], origins: dict[str, str] | None = None,
               hashes: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Write what changed and remove the pages a previous build generated and
    this one does not; (written, removed). Nothing else is ever removed."""
    try:
        return publish.write_generated(docs_dir, files, origins, hashes)
    except publish.PublishError as exc:
        raise SiteError(str(exc)) from exc


def page_origins(corpus: Corpus) -> dict[str, str]:
    """Generated SOP page -> where its SOP is declared (`path:line:col`), for messages."""
    origins = {}
    for sop_id, sop in corpus.sops.items():
        line, col = sop.locate(("sop",))
        origins[markdown.sop_page_path(sop_id)] = f"{sop.path}:{line}:{col}"
    return origins


def generate_docs(corpus: Corpus, docs_dir, cache_dir, **options) -> Generated:
    """Generate the pages into `docs_dir`; the pages of SOPs whose sources and
    neighbours did not change since the last generation there are kept."""
    remembered = page_cache.PageCache(cache_dir, docs_dir)
    keys = page_cache.dependency_keys(corpus, generation_environment(options))
    keyed = {path: key for sop_id, key in keys.items() for path in sop_files(sop_id)}
    kept = {path: found for path, key in keyed.items() if (found := remembered.kept(path, key))}
    files, stats = render_docs(corpus, cache_dir, kept=kept, **options)
    hashes = publish.digests(files)
    written, removed = write_docs(docs_dir, files, page_origins(corpus), hashes)
    remembered.remember(keyed, hashes)
    return Generated(files, stats, written, removed)


def generation_environment(options: dict) -> str:
    """What, besides the sources, decides the generated files: sopc itself and the options."""
    deciding = {name: value for name, value in options.items() if name != "progress"}
    return json.dumps({"sopc": incremental.code_fingerprint(), **deciding}, sort_keys=True, default=str)


def navigation(rule_pages: bool = False) -> list:
    """The site's menu, written out for every engine (Zensical reads it from
    the configuration; nothing may set it at build time).

    It lists the few pages every site has, never the SOPs themselves: a menu
    of every SOP on every page makes each page grow with the number of SOPs
    and the site with its square (at 1,000 SOPs, 340 KB of menu per page).
    The home page lists every SOP once (A-Z and by tag), and search finds
    them. Pages are listed by path so that their titles come from their
    (escaped) headings, never raw from the sources.
    """
    nav: list = [{"Home": "index.md"}, {"External procedures": "procedures.md"}, {"Tags": "tags.md"},
                 {"How to read this site": markdown.READING_PAGE}]
    if rule_pages:
        nav.append({"Check rules": ["rules/index.md"] + [f"rules/{code.slug}.md" for code in codes.CODES]})
    return nav


# -- building -------------------------------------------------------------------

@dataclass
class BuildOutcome:
    site_dir: Path
    result: Result  # the check's problems; its corpus is let go before the engine runs
    sops: int  # how many SOPs the site holds
    stats: RenderStats | None = None
    engine: str = "mkdocs"
    only_changed: bool = False  # only the pages that changed were rendered again


def build_site(sources, site_dir="site", config_file="mkdocs.yml", docs_dir=None, cache_dir=CACHE_DIR,
               progress: bool = True, engine: str = "mkdocs", rule_pages: bool = False) -> BuildOutcome:
    """Check, generate the pages, then build the site with `engine` into a
    temporary folder and swap it in.

    A failed build leaves the previous site as it was.
    """
    settings = site_settings(config_file)
    docs = Path(docs_dir).resolve() if docs_dir else settings.docs_dir
    site = Path(site_dir).resolve()
    keep_out_of_site(site, {"the working folder": Path.cwd(), "the site configuration": settings.path,
                            "the docs folder": docs, **{f"the sources {s}": Path(s) for s in sources}})
    result = checked(sources)  # the first thing written: the check cache
    sops = len(result.corpus.sops)
    try:
        site.parent.mkdir(parents=True, exist_ok=True)
        with publish.locked(site.parent, f"the site {site}"):
            publish.remove_leftovers(site)
            key = incremental_key(settings, engine, rule_pages, docs)
            previous = incremental.previous_site(site, cache_dir, key) if key else None
            temporary = publish.temporary_site(site)
            try:
                generated = render_site(handed_over(result), settings, docs, temporary, engine=engine,
                                        rule_pages=rule_pages, cache_dir=cache_dir, progress=progress,
                                        previous=previous)
                publish.swap_in(temporary, site)
                incremental.remember(site, cache_dir, key)
            except BaseException:
                publish.remove_tree(temporary)
                raise
    except OSError as exc:
        raise SiteError(f"cannot put the site in place at {site}: {exc.strerror or exc}") from exc
    return BuildOutcome(site, result, sops, generated.stats, engine, only_changed=previous is not None)


def handed_over(result: Result) -> Corpus:
    """The result's corpus, which the result then no longer holds: given straight to
    `render_site`, it is let go once the pages are written (see there)."""
    corpus, result.corpus = result.corpus, None
    return corpus


def incremental_key(settings: engines.SiteSettings, engine: str, rule_pages: bool, docs: Path) -> str | None:
    """The fingerprint a later build may start from this one with; None when it may not.

    MkDocs only: Zensical decides itself what to render again (its cache in
    `.cache/`). A configuration with its own menu may list SOPs, which every
    page then shows: such a site is built from scratch.
    """
    if engine != "mkdocs" or settings.nav:
        return None
    return incremental.fingerprint(settings.path, engine, {"rule_pages": rule_pages, "docs": str(docs)})


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
                rule_pages: bool = False, cache_dir=CACHE_DIR, progress: bool = True,
                previous: Path | None = None) -> Generated:
    """Generate the pages of a checked corpus into `docs`, then build the site
    into the folder `into` (from `previous`, re-rendering only what changed)."""
    docs.mkdir(parents=True, exist_ok=True)
    # Locked until the engine has read the pages: another build must not
    # rewrite them in between.
    with publish.locked(docs, f"the docs folder {docs}"):
        generated = generate_docs(corpus, docs, cache_dir, directory_urls=settings.directory_urls,
                                  site_name=settings.site_name, progress=progress, rule_pages=rule_pages)
        origins = page_origins(corpus)
        # The engine reads the pages from `docs`: the models and the texts are let go
        # before it runs (a caller that hands the corpus over, `handed_over`, holds
        # no other reference), so that they do not add to the engine's own peak.
        del corpus
        generated.files = dict.fromkeys(generated.files)
        try:
            engines.build(engine, settings, docs, navigation(rule_pages), into,
                          generated_pages=generated.pages(), origins=origins, previous=previous,
                          removed=tuple(generated.removed))
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
