"""Generated files remembered between builds, so that an unchanged SOP's page
(and its flowchart and guided-mode bundle) is not generated again.

An SOP's files depend on its own source, on the SOPs and procedures it hands
off to (their titles and kinds show on its page, flowchart and bundle), on
the SOPs that hand off to it (its "Referenced by" list), on the generation's
options and on sopc itself. `dependency_key()` hashes all of these, taking
whole source texts rather than the few fields used, so that no field can be
forgotten: editing an SOP generates again its own files and its neighbours'.

A file is reused only when its key is the one recorded and the docs folder
still holds exactly what was written there (same size and modification
time as recorded just after writing); anything else means generating it
again. The record is one JSON file per docs folder under the cache folder,
replaced whole; one that cannot be read is ignored, and one that cannot be
written only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sopc import cache_seal
from sopc.emit.publish import Kept
from sopc.model import Corpus, Sop

FOLDER = "pages"
FORMAT = 1


def source_digest(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest() if text else None


def dependency_keys(corpus: Corpus, environment: str) -> dict[str, str]:
    """SOP id -> the key of everything its generated files depend on (SOPs
    whose source text is not at hand get none: they are always generated)."""
    own = {sop_id: source_digest(sop.doc.text) for sop_id, sop in corpus.sops.items()}
    procedures = {key: source_digest(item.doc.text) for key, item in corpus.procedures.items()}
    callers: dict[str, set[str]] = {}
    for sop_id, sop in corpus.sops.items():
        for target in _targets(sop):
            callers.setdefault(target, set()).add(sop_id)
    keys = {}
    for sop_id, sop in corpus.sops.items():
        parts = [environment, sop_id, sop.path, own[sop_id]]
        for target in sorted(_targets(sop)):
            if target in corpus.sops:
                parts += ["sop", target, corpus.sops[target].path, own[target]]
            elif target in corpus.procedures:
                parts += ["procedure", target, corpus.procedures[target].path, procedures[target]]
            else:
                parts += ["none", target]
        for caller in sorted(callers.get(sop_id, ())):
            parts += ["caller", caller, corpus.sops[caller].path, own[caller]]
        if all(part is not None for part in parts):
            keys[sop_id] = hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return keys


def _targets(sop: Sop) -> set[str]:
    return {step.handoff for step in sop.steps.values() if step.handoff}


class PageCache:
    """What the last generation into one docs folder wrote: path -> key, digest, size, mtime."""

    def __init__(self, cache_dir, docs_dir):
        self.docs = Path(docs_dir)
        name = hashlib.sha256(str(self.docs.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.path = Path(cache_dir) / FOLDER / f"{name}.json"
        self.entries = self._read()

    def _read(self) -> dict:
        data = cache_seal.read_mapping(self.path)  # empty unless this user's sopc wrote it
        if data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def kept(self, relative: str, key: str) -> Kept | None:
        """The file as last written, if it was generated with `key` and is still there untouched."""
        entry = self.entries.get(relative)
        if not (isinstance(entry, list) and len(entry) == 4 and entry[0] == key):
            return None
        try:
            status = os.stat(self.docs / relative)
        except OSError:
            return None
        if [status.st_size, status.st_mtime_ns] != entry[2:]:
            return None
        return Kept(entry[1])

    def remember(self, keyed: dict[str, str], digests: dict[str, str]) -> None:
        """Record the files generated with a key (path -> key), as the docs folder holds them now."""
        files = {}
        for relative, key in keyed.items():
            try:
                status = os.stat(self.docs / relative)
            except OSError:
                continue
            files[relative] = [key, digests[relative], status.st_size, status.st_mtime_ns]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cache_seal.write(self.path, json.dumps({"format": FORMAT, "files": files}, separators=(",", ":")))
        except OSError:
            pass  # a read-only or full disk only costs speed
