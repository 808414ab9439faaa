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
from sys import intern

from sopc.model import Sop
from sopc.model.base import memo
from sopc.model.graph import flow


class StepSummary:
    """A step as the rules across SOPs read it."""

    __slots__ = ("id", "kind", "handoff", "then", "handles", "end", "input", "options", "tags", "records", "suppress")

    def __init__(self, step, same: dict):
        self.id, self.kind = step.id, step.kind
        self.handoff, self.then, self.handles, self.end, self.input = (
            step.handoff, same.get(step.then, step.then), step.handles, step.end, step.input)
        self.options = [OptionSummary(option, step.id, i, same) for i, option in enumerate(step.options)] if step.options else ()
        self.records = [RecordSummary(record) for record in step.records] if step.records else ()
        self.tags = step.tags or ()
        self.suppress = step.suppress or ()

    @property
    def where(self) -> tuple:
        return ("steps", self.id)  # as `build_step` places every step


class PlainStep:
    """A step with nothing but its id and kind that the rules across SOPs read (most steps)."""

    __slots__ = ("id", "kind")
    handoff = then = handles = end = input = None
    options = records = tags = suppress = ()
    where = StepSummary.where

    def __init__(self, step, _same: dict):
        self.id, self.kind = step.id, step.kind

    @staticmethod
    def fits(step) -> bool:
        return not (step.handoff or step.then or step.handles or step.end or step.input or step.options
                    or step.records or step.tags or step.suppress)


class FlowSummary:
    """What the rules across SOPs ask of an SOP's flow (`sopc.model.graph.Flow`)."""

    __slots__ = ("successors", "reachable", "exits")

    def __init__(self, whole, steps: dict, same: dict):
        one = same.__getitem__  # one bound method for every target, not one per target
        self.successors = {one(s): tuple(map(one, targets)) for s, targets in whole.successors.items()}
        # Usually every step is reachable: then the steps' keys answer `in` as well as a set would.
        self.reachable = steps.keys() if len(whole.reachable) == len(steps) else frozenset(whole.reachable)
        self.exits = frozenset(whole.exits)

    @classmethod
    def every_step_reachable(cls, flow: "FlowSummary") -> "FlowSummary":
        """A copy with `reachable` None: every step (the receiver fills in its steps' keys)."""
        copy = cls.__new__(cls)
        copy.successors, copy.reachable, copy.exits = flow.successors, None, flow.exits
        return copy


class OptionSummary:
    __slots__ = ("label", "goto", "when", "step", "index")

    def __init__(self, option, step_id: str, index: int, same: dict):
        self.label, self.when, self.step, self.index = intern(option.label), option.when, step_id, index
        self.goto = same.get(option.goto, option.goto)

    @property
    def where(self) -> tuple:
        return ("steps", self.step, "options", self.index)  # as `build_step` places every option


class RecordSummary:
    __slots__ = ("system", "action")

    def __init__(self, record):
        self.system = None if record.system is None else intern(record.system)
        self.action = intern(record.action)


class InputSummary:
    __slots__ = ("type", "values")

    def __init__(self, declared):
        self.type, self.values = intern(declared.type), declared.values


class SopSummary:
    """An SOP as the rules across SOPs read it (see the module's docstring)."""

    def __init__(self, sop: Sop, source: Path):
        self.id, self.path, self.start = sop.id, sop.path, sop.start
        self.source = source
        same = {step_id: step_id for step_id in sop.steps}  # one string object per step id
        self.steps = {step_id: (PlainStep if PlainStep.fits(step) else StepSummary)(step, same)
                      for step_id, step in sop.steps.items()}
        self.inputs = {name: InputSummary(declared) for name, declared in sop.inputs.items()}
        self.returns, self.scenarios, self.policies, self.suppress = sop.returns, sop.scenarios, sop.policies, sop.suppress
        # What `flow(summary)` answers: from the flow the per-SOP rules built.
        memo(self, "flow", lambda: FlowSummary(flow(sop), self.steps, same))

    def locate(self, where, *, key: bool = False) -> tuple[int, int]:
        return _reloaded(self.source, self.path).locate(where, key=key)

    # Sent between processes by `sopc check --jobs`: the steps' keys that stand for
    # "every step is reachable" cannot be pickled, so they travel as None.
    def __getstate__(self):
        state = dict(self.__dict__)
        flow = state["_derived"]["flow"]
        if not isinstance(flow.reachable, frozenset):
            state["_derived"] = {**state["_derived"], "flow": FlowSummary.every_step_reachable(flow)}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        flow = self._derived["flow"]
        if flow.reachable is None:
            flow.reachable = self.steps.keys()


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
