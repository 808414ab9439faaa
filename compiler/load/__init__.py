"""Stage 1, load: read a source file safely into plain data that keeps its
positions (`loader.py`), and find and read the source files (`sources.py`).

The loader's names are imported from here (`from sopc.load import
load_bytes`), but only when first asked for: what only finds and reads
files (a check answered from its cache, a report quoting a line) never
imports PyYAML.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names below are, for readers and editors
    from sopc.load.loader import (  # noqa: F401
        MAX_DEPTH, CutText, Document, LoadError, declared_ids, load_bytes, load_file)

_LOADER = frozenset({"MAX_DEPTH", "CutText", "Document", "LoadError", "declared_ids", "load_bytes", "load_file"})


def __getattr__(name: str):
    if name in _LOADER:
        return getattr(import_module("sopc.load.loader"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
