"""The sanitized HTML of the generated pages of the last Zensical build.

Zensical runs no plugins, so sopc sanitizes each generated page after
Zensical wrote it (`engines.sanitize_built_pages`), and Zensical writes
every page again at every build, from its cache when the page did not
change. Sanitizing the same HTML again would give the same result: a page
whose HTML, as Zensical wrote it, has the hash recorded at the last build
gets the sanitized page kept then, provided that file still has the hash
recorded for it and sopc and nh3 (the sanitizer) are the same. Any other
page is sanitized again.

The kept pages are hard links to the pages of the site built (nothing
writes a published page in place: a site is replaced whole); the record is
one JSON file, replaced whole and sealed (`sopc.cache_seal`): a record that
cannot be read, or that this user's sopc did not write (a pull request can
add files to `.sopc-cache/`), only means sanitizing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path

from sopc import cache_seal
from sopc.emit import incremental

FOLDER = "sanitized"
RECORD = "sanitized.json"


def environment() -> str:
    """What, besides a page's HTML, decides what sanitizing makes of it."""
    try:
        nh3 = metadata.version("nh3")
    except metadata.PackageNotFoundError:
        nh3 = "none"
    return f"sopc={incremental.code_fingerprint()} nh3={nh3}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SanitizedPages:
    """Page (relative to the site) -> [hash of Zensical's HTML, hash of the sanitized HTML], kept in `work`."""

    def __init__(self, work: Path):
        self.folder = work / FOLDER
        self.record = work / RECORD
        self.environment = environment()
        self.pages = self._read()

    def _read(self) -> dict:
        data = cache_seal.read_mapping(self.record)  # empty unless this user's sopc wrote it
        if data.get("environment") != self.environment:
            return {}
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else {}

    def sanitize(self, site: Path, built: list[Path], sanitize_html) -> None:
        """Sanitize the pages `built` (paths in `site`) with `sanitize_html`, or put back what it made of the same HTML."""
        kept = {}
        for path in built:
            relative = path.relative_to(site).as_posix()
            raw = path.read_bytes()
            raw_digest = digest(raw)
            stored = self.folder / relative
            recorded = self.pages.get(relative)
            if _same(recorded, raw_digest) and _holds(stored, recorded[1]):
                _link_over(stored, path)
                kept[relative] = recorded
                continue
            text = sanitize_html(raw.decode("utf-8")).encode("utf-8")
            path.write_bytes(text)
            _link_over(path, stored)
            kept[relative] = [raw_digest, digest(text)]
        self._remove_others(set(kept))
        cache_seal.write(self.record, json.dumps({"environment": self.environment, "pages": kept}, indent=0))

    def _remove_others(self, kept: set[str]) -> None:
        """The kept pages of pages this build did not write (a removed SOP's)."""
        for relative in set(self.pages) - kept:
            (self.folder / relative).unlink(missing_ok=True)


def _same(recorded, raw_digest: str) -> bool:
    return isinstance(recorded, list) and len(recorded) == 2 and recorded[0] == raw_digest


def _holds(path: Path, expected: str) -> bool:
    try:
        return digest(path.read_bytes()) == expected
    except OSError:
        return False


def _link_over(source: Path, target: Path) -> None:
    """Make `target` the file `source` is (a hard link where the system allows, else a copy), replacing it whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)
