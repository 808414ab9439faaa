"""The site engines that turn the generated Markdown into HTML: MkDocs
(with Material, the default) and Zensical.

Both read the same `mkdocs.yml`. sopc hands each of them the pages it
generated, the menu and its style sheet without relying on anything an
engine runs at build time (Zensical runs no MkDocs hooks or plugins): MkDocs
gets them as configuration overrides, Zensical as a small configuration file
that inherits the project's (`INHERIT:`) and is removed after the build.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sopc import cache_seal
from sopc.emit import incremental, publish, search_index
from sopc.emit.markdown import SOP_DIR

from sopc.emit import ENGINES  # noqa: F401  (part of this module's API)
CSS = "assets/sopc/sopc.css"
# The site's script and the pan and zoom library it drives (loaded first);
# guided mode, which loads the JavaScript runtime and its stylesheet itself.
# The search box answered in the page (Material's worker indexes too slowly at scale).
JAVASCRIPT = ["assets/sopc/vendor/panzoom.min.js", "assets/sopc/sopc.js", "assets/sopc/guide.js",
              "assets/sopc/search.js"]
PLUGIN = "sopc"
INDEX_MERGER = "sopc-search-index-merger"  # registered for incremental builds only
# The SOP pages are not in sopc's menu (see site.navigation); said so, so
# that the engine does not list them as forgotten at every build.
NOT_IN_MENU = f"/{SOP_DIR}/"


class EngineError(Exception):
    """The engine could not build the site; the message says why."""


@dataclass
class SiteSettings:
    """What sopc needs to know of a site configuration before an engine reads it."""

    path: Path
    docs_dir: Path
    site_name: str
    directory_urls: bool
    plugins: list
    extra_css: list
    extra_javascript: list = field(default_factory=list)
    nav: list | None = None  # the configuration's own menu, which sopc leaves as it is


class _Tolerant(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' tags (`!ENV`, `!!python/name:...`) as
    plain values instead of failing: sopc only needs a few plain settings."""


def _any_tag(loader, _suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_Tolerant.add_multi_constructor("!", _any_tag)
_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def read_settings(config_file) -> SiteSettings:
    """The settings of a site configuration (with those it INHERITs)."""
    path = Path(config_file)
    raw = _read_raw(path, seen=set())
    root = path.resolve().parent
    docs = Path(str(raw.get("docs_dir") or "docs"))
    plugins = raw.get("plugins", ["search"])
    if isinstance(plugins, dict):
        plugins = [{name: options} if options else name for name, options in plugins.items()]
    return SiteSettings(path=path, docs_dir=docs if docs.is_absolute() else root / docs,
                        site_name=str(raw.get("site_name") or "Support SOPs"),
                        directory_urls=raw.get("use_directory_urls", True) is not False,
                                plugins=list(plugins or []), extra_css=list(raw.get("extra_css") or []),
                        extra_javascript=list(raw.get("extra_javascript") or []),
                        nav=raw.get("nav") or None)


def _read_raw(path: Path, seen: set) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=_Tolerant)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise EngineError(f"{path}: cannot read the site configuration: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EngineError(f"{path}: the site configuration is not valid YAML: {exc}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise EngineError(f"{path}: the site configuration must be a mapping of settings")
    parent = raw.pop("INHERIT", None)
    if parent and path.resolve() not in seen:
        seen.add(path.resolve())
        return {**_read_raw(path.resolve().parent / str(parent), seen), **raw}
    return raw


def plugin_name(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) and entry else str(entry)


def build(engine: str, settings: SiteSettings, docs_dir: Path, nav: list, into: Path,
          generated_pages: frozenset = frozenset(), origins: dict | None = None, previous: Path | None = None,
          removed: tuple = ()) -> None:
    """Build the site of the pages in `docs_dir` into the folder `into` with `engine`.

    The rendered HTML of `generated_pages` (paths relative to `docs_dir`) is
    sanitized before it is written (`sanitize.page_html`); `origins` names
    the source of a page, for messages. With `previous` (MkDocs only), only
    the pages that changed since that site was built are rendered again
    (`sopc.emit.incremental`); `removed` names the files this generation
    removed from `docs_dir`, which must not survive from `previous` either.
    """
    if engine == "zensical":
        _zensical(settings, docs_dir, nav, into, generated_pages)
        search_index.compact(into)  # Zensical runs no plugins: its index is merged once it is written
    else:
        _mkdocs(settings, docs_dir, nav, into, generated_pages, origins or {}, previous, removed)


def _missing_stylesheets(settings: SiteSettings) -> list:
    return [] if CSS in settings.extra_css else [CSS]


def missing_scripts(configured) -> list:
    """The site's scripts a configuration does not list yet (entries may be paths or mappings)."""
    listed = {entry.get("path") if isinstance(entry, dict) else str(entry) for entry in configured}
    return [script for script in JAVASCRIPT if script not in listed]


def _mkdocs(settings: SiteSettings, docs_dir: Path, nav: list, into: Path, generated_pages: frozenset,
            origins: dict, previous: Path | None = None, removed: tuple = ()) -> None:
    try:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, MkDocsException
    except ImportError:
        raise EngineError("MkDocs is not installed; install it with `pip install 'sopc[site]'`") from None
    _quiet_mkdocs()
    # Material's banner about its end of life would follow every build; the
    # docs say which engines sopc supports and why.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # The pages are already generated: the project's own `sopc` plugin entry
    # (for people running `mkdocs` by hand) would only do it again.
    plugins = [entry for entry in settings.plugins if plugin_name(entry) != PLUGIN]
    from sopc.emit.mkdocs_plugin import PageSanitizer

    sanitizer = PageSanitizer(generated_pages)
    try:
        menu = {} if settings.nav else {"nav": nav, "not_in_nav": NOT_IN_MENU}
        config = load_config(str(settings.path), site_dir=str(into), docs_dir=str(docs_dir), plugins=plugins,
                             extra_css=settings.extra_css + _missing_stylesheets(settings),
                             extra_javascript=settings.extra_javascript + missing_scripts(settings.extra_javascript),
                             **menu)
        config.plugins[PageSanitizer.NAME] = sanitizer
        if previous is not None:
            present = incremental.pages_present(docs_dir, settings.directory_urls)
            config.plugins[INDEX_MERGER] = incremental.search_index_merger(previous, present)
            incremental.seed(previous, into)
        with incremental.dirty_warning_silenced():
            mkdocs_build(config, dirty=previous is not None)
        if previous is not None:
            incremental.finish(previous, into, docs_dir, present, removed)
    except (MkDocsException, Abort) as exc:
        raise EngineError(f"MkDocs could not build the site: {exc}") from exc
    except (OSError, RecursionError, ValueError) as exc:
        # Not MkDocs' own errors: say which page (and so which SOP) it was at.
        page = sanitizer.current
        where = f" (page {page}" + (f", from {origins[page]})" if page in origins else ")") if page else ""
        raise EngineError(f"MkDocs could not build the site{where}: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return f"{type(exc).__name__}: {exc}"


def built_page(into: Path, page: str, directory_urls: bool) -> Path:
    """Where an engine writes the HTML of a Markdown page."""
    stem = page[:-len(".md")]
    if not directory_urls or stem == "index" or stem.endswith("/index"):
        return into / f"{stem}.html"
    return into / stem / "index.html"


def sanitize_built_pages(into: Path, pages: frozenset, directory_urls: bool, kept_in: Path) -> None:
    """Sanitize the content of generated pages an engine has already written
    (for engines that run no plugins); the theme around it is the engine's.

    A page whose HTML is what the engine wrote at the last build gets back
    what sanitizing made of it then (kept in the folder `kept_in`).
    """
    from sopc.emit.sanitize import page_content_html
    from sopc.emit.sanitized_pages import SanitizedPages

    built = [path for page in sorted(pages) if (path := built_page(into, page, directory_urls)).is_file()]
    SanitizedPages(kept_in).sanitize(into, built, page_content_html)


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


# Zensical renders again only what changed since its previous build (its
# cache in `.cache/` beside the configuration), but its cache is keyed by the
# whole configuration, `site_dir` included: sopc builds into one stable folder
# (and gives the same derived configuration), then moves the site out.
WORK_DIR = Path(".sopc-cache") / "zensical"
UNFINISHED = "unfinished"  # in the work folder while Zensical runs
BUILT = "built"  # in the work folder, sealed, once a build by this user's sopc finished there
DERIVED_CONFIG = ".sopc-zensical.yml"
REFERENCE_MEMO = "references.json"  # see sopc.emit.zensical_launch


def _zensical(settings: SiteSettings, docs_dir: Path, nav: list, into: Path, generated_pages: frozenset) -> None:
    try:
        import zensical  # noqa: F401
    except ImportError:
        raise EngineError("Zensical is not installed; install it with `pip install 'sopc[zensical]'`") from None
    root = settings.path.resolve().parent
    if not _inside(docs_dir, root):
        raise EngineError(f"Zensical reads pages only from inside {root} (the folder of {settings.path.name}); "
                          f"the docs folder {docs_dir} is not")
    # Zensical also wants the site inside that folder: build there, then move.
    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    with publish.locked(work, f"Zensical's work folder {work}"):
        staging = work / "site"
        try:
            publish.remove_tree(staging)
            from_scratch = _unfinished(work)
            _mark_unfinished(work)
            _run_zensical(settings, root, docs_dir, nav, staging, work, clean=from_scratch)
            (work / UNFINISHED).unlink()
            cache_seal.write(work / BUILT, "Zensical's cache was last written by a build that finished\n")
            sanitize_built_pages(staging, generated_pages, settings.directory_urls, kept_in=work)
            _move_into(staging, into)
        finally:
            publish.remove_tree(staging)


def _unfinished(work: Path) -> bool:
    """Whether Zensical's cache may not be what this user's builds left: a previous build
    stopped while Zensical ran (the cache may be half-written), or no build of this
    user's sopc finished here (a pull request can bring files into the cache)."""
    return (work / UNFINISHED).exists() or cache_seal.read(work / BUILT) is None


def _mark_unfinished(work: Path) -> None:
    (work / UNFINISHED).write_text("Zensical is building; if this stays, the next build cleans its cache\n",
                                   encoding="utf-8")


def _run_zensical(settings: SiteSettings, root: Path, docs_dir: Path, nav: list, into: Path, work: Path,
                  clean: bool = False) -> None:
    # Zensical resolves the folders relative to the configuration file, so
    # the derived file sits beside the project's; one name will do, since
    # the work folder's lock lets one Zensical build at a time run here.
    derived = root / DERIVED_CONFIG
    try:
        # INHERIT merges lists by appending: give only what the project's file lacks.
        derived_settings = {"INHERIT": settings.path.name, "docs_dir": _relative(docs_dir, root),
                            "site_dir": _relative(into, root), "extra_css": _missing_stylesheets(settings),
                            "extra_javascript": missing_scripts(settings.extra_javascript)}
        if not settings.nav:
            derived_settings.update(nav=nav, not_in_nav=NOT_IN_MENU)
        derived.write_text(yaml.safe_dump(derived_settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
        if clean:
            (work / REFERENCE_MEMO).unlink(missing_ok=True)
        command = [sys.executable, "-m", "sopc.emit.zensical_launch", str(work / REFERENCE_MEMO),
                   "build", "--config-file", str(derived)]
        done = subprocess.run(command + (["--clean"] if clean else []),
                              cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    finally:
        derived.unlink(missing_ok=True)
    if done.returncode != 0 or not (into / "index.html").is_file():
        output = (done.stderr or done.stdout).strip().splitlines()
        raise EngineError("Zensical could not build the site: " + (" ".join(output[-5:]) or f"exit {done.returncode}"))


def _move_into(built: Path, into: Path) -> None:
    """Move the built site into the (empty) folder `into`."""
    into.mkdir(parents=True, exist_ok=True)  # else the first move would be a copy
    for child in built.iterdir():
        shutil.move(str(child), str(into / child.name))


def _inside(path: Path, root: Path) -> bool:
    resolved = Path(path).resolve()
    return resolved == root or root in resolved.parents


def _relative(path: Path, root: Path) -> str:
    return os.path.relpath(Path(path).resolve(), root)
