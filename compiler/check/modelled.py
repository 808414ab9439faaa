"""The check cache's per-file models: a check after an edit reads again only what changed.

The rules across SOPs (hand-offs, contracts, path policies, duplicate ids)
must look at every SOP again whenever any file changes, but what comes before
them depends on one file alone: loading, validating and modelling it, and the
per-SOP rules (a rule's `check(sop, ...)` reads that SOP only; the per-SOP
findings also depend on the settings and on the date). So what a check read
of each file without a problem is kept beside its check cache entry: its
SOPs' summaries (what `sopc check` keeps, `sopc.check.summary`) or their
models (what `sopc build` needs), and their per-SOP findings, located. An
unchanged file is then taken from there: at 1,000 SOPs, a check after one
edit reads one file instead of a thousand.

The entries are pickled, and sealed like every cache file (`sopc.cache_seal`):
only what this user's sopc wrote is ever unpickled; anything else reads as
empty. They are kept by the key of each file's path and content and of sopc
itself (`StageCache.key`), under the settings and the date they were checked
with, and only for the files of the last check: an edited file, another sopc
or other settings never meet an old entry.

The first check of a set of paths keeps none: keeping them (pickling every
file's summaries) adds a few percent to a check that reads every file, which
a check that is never run again (a CI job on a fresh clone) would pay for
nothing. A build keeps them from the first: pickling the models is a small
part of building the site.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from sopc import cache_seal, codes


class ModelledFiles:
    """What the last check read of each file (file key -> pickled entry), and what this one reads."""

    def __init__(self, path: Path, rules: str, keep: bool):
        self.path = Path(path)
        self.rules = rules  # the settings and the date: what else the per-SOP findings depend on
        self.keep = keep  # whether to keep this check's entries for the next
        self.before = self._read()
        self.now: dict[str, bytes] = {}

    def lookup(self, key: str) -> list | None:
        """What `read_file` read of an unchanged file, or None: [(an SOP's summary or model, or a
        procedure; its per-SOP findings)]."""
        entry = self.before.get(key)
        if entry is None:
            return None
        try:
            read = [(item, [(codes.get(code), severity, finding) for code, severity, finding in found])
                    for item, found in pickle.loads(entry)]
        except Exception:  # noqa: BLE001 - sealed by this user's sopc, yet unreadable: only a miss
            return None
        self.now[key] = entry
        return read

    def store(self, key: str, read: list) -> None:
        """Keep what `read_file` read of one file ([(item, per-SOP findings)])."""
        if not self.keep:
            return
        entry = [(item, [(code.code, severity, finding) for code, severity, finding in found]) for item, found in read]
        try:
            self.now[key] = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            pass  # not kept: only costs speed

    def save(self) -> None:
        """Write this check's entries, if they are not the ones already there."""
        if not self.keep or self.now.keys() == self.before.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cache_seal.write_from(self.path, lambda out: pickle.dump((self.rules, self.now), out,
                                                                   protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only or full disk only costs speed

    def _read(self) -> dict[str, bytes]:
        content = cache_seal.read(self.path)
        try:
            rules, entries = pickle.loads(content) if content is not None else (None, None)
        except Exception:  # noqa: BLE001 - as in `lookup`
            return {}
        return entries if rules == self.rules and isinstance(entries, dict) else {}
