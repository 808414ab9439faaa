"""Run Zensical's command line, remembering what it scans of each page.

    python -m sopc.emit.zensical_launch MEMO build --config-file FILE [--clean]

Zensical (0.0.73) renders again only the pages that changed, but at every
build it scans the Markdown of every page for links and footnotes
(`zensical.collectors.references`), in Python: at 100 generated SOPs, whose
pages inline their flowcharts, that scan is nine tenths of a build where
nothing changed. The scan depends on the page's text alone, so its result is
remembered by the text's hash in the file MEMO, which holds the pages of
the last successful build only. Where Zensical has no such scanner, it runs
as it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import threading
from pathlib import Path

from sopc import cache_seal

FORMAT = 1


class ReferenceMemo:
    """Page text hash -> the references Zensical's scanner found in it."""

    def __init__(self, path: Path, version: str, known: dict[str, type]):
        self.path = path
        self.version = version
        self.known = known
        self.found: dict[str, list] = {}
        self.used: dict[str, list] = {}
        self.lock = threading.Lock()

    def load(self) -> None:
        data = cache_seal.read_mapping(self.path)  # empty unless this user's sopc wrote it
        if data.get("format") == FORMAT and data.get("zensical") == self.version:
            entries = data.get("entries")
            self.found = entries if isinstance(entries, dict) else {}

    def save(self) -> None:
        try:
            text = json.dumps({"format": FORMAT, "zensical": self.version, "entries": self.used},
                              separators=(",", ":"))
        except (TypeError, ValueError):  # what another Zensical returns is not JSON: no memo, the build stands
            self.path.unlink(missing_ok=True)
            return
        try:
            cache_seal.write(self.path, text)
        except OSError:  # only costs speed at the next build
            pass

    def wrap(self, scan):
        """`scan(markdown, *options)`, answered from the memo when the same text was scanned before."""

        def remembered(markdown, *args, **kwargs):
            key = self._key(markdown, args, kwargs)
            with self.lock:
                stored = self.found.get(key)
            references = self._decode_all(stored) if stored is not None else None
            if references is None:
                references = list(scan(markdown, *args, **kwargs))
                stored = [self._encode(reference) for reference in references]
            with self.lock:
                self.used[key] = stored
            return iter(references)

        return remembered

    def _key(self, markdown, args, kwargs) -> str:
        data = markdown.encode("utf-8", "surrogatepass") if isinstance(markdown, str) else bytes(markdown)
        options = json.dumps([repr(arg) for arg in args] + sorted(f"{k}={v!r}" for k, v in kwargs.items()))
        return hashlib.sha256(data + b"\0" + options.encode()).hexdigest()

    def _encode(self, value):
        if dataclasses.is_dataclass(value):
            return {"@": type(value).__name__,
                    **{field.name: self._encode(getattr(value, field.name)) for field in dataclasses.fields(value)}}
        return value

    def _decode_all(self, stored) -> list | None:
        """The references as stored, or None if any is not what this Zensical makes (scanned again)."""
        try:
            return [self._decode(item) for item in stored]
        except (KeyError, TypeError, ValueError):
            return None

    def _decode(self, value):
        if isinstance(value, dict):
            fields = dict(value)
            kind = self.known[fields.pop("@")]
            return kind(**{name: self._decode(item) for name, item in fields.items()})
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return value
        raise ValueError(f"unexpected value in the memo: {value!r}")


def zensicals_scanner():
    """(Zensical's reference scanner, the kinds of what it returns by name), or None if this Zensical has none."""
    try:
        import zensical.collectors as collectors
        from zensical.collectors.references import types
        from zensical.utilities.span import Span
    except ImportError:
        return None
    scan = getattr(sys.modules.get("zensical.collectors.references"), "references", None)
    if not callable(scan) or getattr(collectors, "references", None) is not scan:
        return None
    kinds = (Span, types.Link, types.LinkReference, types.LinkDefinition, types.FootnoteReference,
             types.FootnoteDefinition)
    return scan, {kind.__name__: kind for kind in kinds}


def install(memo_path: Path) -> ReferenceMemo | None:
    """Put the memo in front of Zensical's reference scanner; None if this Zensical has none."""
    found = zensicals_scanner()
    if found is None:
        return None
    import zensical
    import zensical.collectors as collectors

    scan, kinds = found
    memo = ReferenceMemo(memo_path, zensical.version(), kinds)
    memo.load()
    sys.modules["zensical.collectors.references"].references = collectors.references = memo.wrap(scan)
    return memo


def main(argv: list[str]) -> None:
    memo = install(Path(argv[0]))
    from zensical.main import cli

    try:
        cli(args=argv[1:], prog_name="zensical")
    except SystemExit as exit:
        if memo is not None and exit.code in (0, None):
            memo.save()
        raise


if __name__ == "__main__":
    main(sys.argv[1:])
