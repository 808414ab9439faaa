"""Stage 4, check: the rules (`rules/`, one module per rule) and the pipeline
that runs every stage over a corpus (`pipeline.py`: `check_paths()`,
`load_corpus()`).

The pipeline's functions are imported from here (`from sopc.check import
check_paths`), but only when first asked for: a check answered from the
cache (`cache.py`) reads no YAML, and so never imports the loader, the
model or the rules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from sopc.check.result import Result  # noqa: F401  (part of this package's API)

if TYPE_CHECKING:  # what the names below are, for readers and editors
    from sopc.check.pipeline import (  # noqa: F401
        SOURCE_SUFFIXES, add_file, check_paths, cyclic_gc_paused, discover, display_path, enabled_rules,
        load_corpus, per_sop_findings, read_file, read_source, run_rules)

_PIPELINE = frozenset({
    "SOURCE_SUFFIXES", "add_file", "check_paths", "cyclic_gc_paused", "discover", "display_path", "enabled_rules",
    "load_corpus", "per_sop_findings", "read_file", "read_source", "run_rules"})


def __getattr__(name: str):
    if name in _PIPELINE:
        return getattr(import_module("sopc.check.pipeline"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
