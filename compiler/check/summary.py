"""What the rules that look across SOPs read of an SOP, kept once its model is let go.

`sopc check` runs the rules that read one SOP while that SOP's model is in
memory, then keeps only an `SopSummary` of it: its id, its steps' ids, kinds,
hand-offs, ends, options, tags and records, its inputs' types, its contract,
scenarios, policies and suppressions, and its flow graph (which the per-SOP
rules have built already). The rules that follow hand-offs into other SOPs
(`check_across` in a rule module) read these, so a corpus of thousands of SOPs
is held as a few kilobytes per SOP, not as every SOP's full model and text.

A summary answers `locate()` like an SOP, by reading its file again: only the
few places a finding points at are ever located this way.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from sopc.model import Sop
from sopc.model.base import memo
from sopc.model.graph import Flow, flow


class StepSummary:
    """A step as the rules across SOPs read it."""

    __slots__ = ("id", "kind", "handoff", "then", "handles", "end", "input", "options", "tags", "records",
                 "suppress", "where")

    def __init__(self, step):
        self.id, self.kind, self.where = step.id, step.kind, step.where
        self.handoff, self.then, self.handles, self.end, self.input = (
            step.handoff, step.then, step.handles, step.end, step.input)
        self.options = [OptionSummary(option) for option in step.options] if step.options else ()
        self.records = [RecordSummary(record) for record in step.records] if step.records else ()
        self.tags = step.tags or ()
        self.suppress = step.suppress or ()


class OptionSummary:
    __slots__ = ("label", "goto", "when", "where")

    def __init__(self, option):
        self.label, self.goto, self.when, self.where = option.label, option.goto, option.when, option.where


class RecordSummary:
    __slots__ = ("system", "action")

    def __init__(self, record):
        self.system, self.action = record.system, record.action


class InputSummary:
    __slots__ = ("type", "values")

    def __init__(self, declared):
        self.type, self.values = declared.type, declared.values


class SopSummary:
    """An SOP as the rules across SOPs read it (see the module's docstring)."""

    def __init__(self, sop: Sop, source: Path):
        self.id, self.path, self.start = sop.id, sop.path, sop.start
        self.source = source
        self.steps = {step_id: StepSummary(step) for step_id, step in sop.steps.items()}
        self.inputs = {name: InputSummary(declared) for name, declared in sop.inputs.items()}
        self.returns, self.scenarios, self.policies, self.suppress = sop.returns, sop.scenarios, sop.policies, sop.suppress
        whole = flow(sop)
        # Only what the rules across SOPs ask of the flow; it is the one the per-SOP rules built.
        memo(self, "flow", lambda: Flow([], whole.successors, reachable=whole.reachable, exits=whole.exits))

    def locate(self, where, *, key: bool = False) -> tuple[int, int]:
        return _reloaded(self.source, self.path).locate(where, key=key)


_RELOADED: OrderedDict = OrderedDict()
_RELOADED_KEPT = 8  # a path a policy finding shows crosses a few files, again and again


def _reloaded(source: Path, display: str):
    """The file's document, read again (the last few are kept)."""
    from sopc.load import load_file

    key = (str(source), display)
    document = _RELOADED.pop(key, None)
    if document is None:
        document = load_file(source, display)
    _RELOADED[key] = document
    while len(_RELOADED) > _RELOADED_KEPT:
        _RELOADED.popitem(last=False)
    return document


def forget_reloaded() -> None:
    """Drop the documents read again: a new check may see files that changed since."""
    _RELOADED.clear()
