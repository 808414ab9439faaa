"""Incremental MkDocs builds: start from a copy of the previous site and
re-render only the pages whose Markdown changed.

sopc writes a generated page only when its text changes, and the menu lists
no SOP (see `site.navigation`), so a page whose Markdown did not change
would render to the same HTML as before, as long as nothing else that goes
into a page changed: the site configuration, the theme and MkDocs versions,
sopc itself, the engine and its options. Those are fingerprinted; any
change to them, a site configuration with its own menu, or no previous
site, means a build from scratch.

MkDocs' `dirty` build decides what to re-render by comparing each page's
modification time with its output's (so the copy keeps them), but leaves two
things to its caller: the search index, which then holds only the pages it
re-rendered (merged here with the previous one, inside the build, before
any plugin post-processes the index), and the pages of removed SOPs
(deleted here).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import shutil
from pathlib import Path

import sopc
from sopc import cache_seal

STATE_FILE = "site-state.json"
SEARCH_INDEX = Path("search") / "search_index.json"


@contextlib.contextmanager
def dirty_warning_silenced():
    """MkDocs warns that a dirty build may leave menus and links stale; here
    the menu lists no page that changes, and the pages that link to a changed
    one are re-rendered, since their Markdown changed too."""
    logger = logging.getLogger("mkdocs.commands.build")
    quiet = _DropDirtyWarning()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record):
        return "'dirty' build" not in record.getMessage()


def fingerprint(config_file: Path, engine: str, options: dict) -> str:
    """What, besides the pages, decides the HTML of every page."""
    from importlib import metadata  # MkDocs builds only (it imports it anyway); not worth it for Zensical

    digest = hashlib.sha256()
    digest.update(Path(config_file).read_bytes())
    digest.update(json.dumps({"engine": engine, **options}, sort_keys=True).encode())
    for package in ("mkdocs", "mkdocs-material", "nh3"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """sopc's own code and assets, by name, size and modification time."""
    digest = hashlib.sha256()
    for source in sorted(Path(sopc.__file__).parent.rglob("*")):
        if source.is_file() and source.suffix != ".pyc":
            digest.update(f"{source.name}:{source.stat().st_size}:{source.stat().st_mtime_ns}".encode())
    return digest.hexdigest()


def previous_site(site: Path, state_dir: Path, key: str) -> Path | None:
    """The site to start from, if this user's sopc built it with the same fingerprint.

    The record is sealed (`sopc.cache_seal`): a site that a pull request
    brings is never started from, since its pages would be published
    without being built again.
    """
    if cache_seal.read_mapping(Path(state_dir) / STATE_FILE).get(str(site)) != key or not (site / SEARCH_INDEX).is_file():
        return None
    return site


def remember(site: Path, state_dir: Path, key: str | None) -> None:
    """Record the fingerprint `site` was built with (None: it cannot be started from)."""
    path = Path(state_dir) / STATE_FILE
    state = cache_seal.read_mapping(path)
    state[str(site)] = key
    path.parent.mkdir(parents=True, exist_ok=True)
    cache_seal.write(path, json.dumps(state, indent=1))


def seed(previous: Path, into: Path) -> None:
    """Copy the previous site, keeping modification times (hard links would
    let the build write through into the site that is being served)."""
    shutil.copytree(previous, into, dirs_exist_ok=True, copy_function=shutil.copy2)


def page_url(markdown_path: str, directory_urls: bool) -> str:
    """Where MkDocs puts a page, relative to the site: `sops/x.md` -> `sops/x/`."""
    stem = markdown_path[:-len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-len("index")]
    return f"{stem}/" if directory_urls else f"{stem}.html"


def pages_present(docs_dir: Path, directory_urls: bool) -> set[str]:
    """The site addresses of the Markdown pages in the docs folder."""
    return {page_url(path.relative_to(docs_dir).as_posix(), directory_urls)
            for path in Path(docs_dir).rglob("*.md")
            if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)}


def search_index_merger(previous: Path, present: set[str]):
    """A MkDocs plugin that completes the dirty build's search index with the
    previous site's entries of the pages not rendered again.

    It runs right after the search plugin has written the index (whose
    `on_post_build` has the default priority) and before the plugins that
    post-process the index (lower priorities), so they see every page.
    """
    from mkdocs.plugins import BasePlugin, event_priority

    class SearchIndexMerger(BasePlugin):
        @event_priority(-50)
        def on_post_build(self, *, config):
            merge_search_index(previous, Path(config.site_dir), present)

    return SearchIndexMerger()


def merge_search_index(previous: Path, into: Path, present: set[str]) -> None:
    """The index `into` holds only the pages rendered again: add the previous
    index's entries of the other pages that are still there."""
    new = json.loads((into / SEARCH_INDEX).read_text(encoding="utf-8"))
    old = json.loads((previous / SEARCH_INDEX).read_text(encoding="utf-8"))
    rebuilt = {_page_of(entry["location"]) for entry in new["docs"]}
    kept = [entry for entry in old["docs"]
            if _page_of(entry["location"]) not in rebuilt and _page_of(entry["location"]) in present]
    new["docs"] = kept + new["docs"]
    (into / SEARCH_INDEX).write_text(json.dumps(new, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def finish(previous: Path, into: Path, docs_dir: Path, present: set[str], removed=()) -> None:
    """After a dirty build into a copy of `previous` (its search index merged
    by `search_index_merger`): delete the pages whose Markdown is gone and the
    copies of other files `removed` from the docs folder (the bundle of a
    deleted SOP)."""
    for relative in removed:
        if not relative.endswith(".md"):
            _remove_output(into / relative)
    old = json.loads((previous / SEARCH_INDEX).read_text(encoding="utf-8"))
    for gone in {_page_of(entry["location"]) for entry in old["docs"]} - present:
        _remove_output(into / gone if gone else into / "index.html")
    _remove_stale_files(into, Path(docs_dir))


def _remove_stale_files(into: Path, docs_dir: Path) -> None:
    """Delete the copied files of the docs folder that are gone from it (a removed SOP's bundle).

    A file counts as one of the docs folder's when its folder is there too
    (`assets/sopc/bundles/`); the theme's files (`assets/javascripts/`, no
    such folder in the docs) and the pages (handled by the search index) stay.
    """
    for output in [path for path in into.rglob("*") if path.is_file()]:
        relative = output.relative_to(into)
        if len(relative.parts) < 2 or output.suffix == ".html":
            continue
        if (docs_dir / relative.parent).is_dir() and not (docs_dir / relative).exists():
            output.unlink()


def _remove_output(output: Path) -> None:
    if output.is_dir():
        shutil.rmtree(output, ignore_errors=True)
    else:
        output.unlink(missing_ok=True)


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]
