"""What a saved session may hold (docs/runtime.md, "Saved sessions").

A saved state comes back from wherever a tool kept it (a file, a browser's
storage, a ticket), so it is checked against the bundle before a session is
rebuilt from it: every part has its shape, every SOP and step it names exists
in the bundle, every fact is declared and of its input's type, and the status
agrees with the rest (a question stops at a decision, a wait says what it
waits for, an ended session is at no step). Anything else is refused with a
`SessionFormatError`; a state that passes can be walked on without any other
error than the runtime's documented ones.
"""

from __future__ import annotations

import json
from datetime import date

from sopc.runtime.errors import FactError, SessionFormatError

STATUSES = ("question", "waiting", "ended")
OUTCOMES = ("resolved", "transferred", "escalated", "referred", "pending", "closed-no-contact", "handed-off")
EDGE_KINDS = ("next", "option", "repeat", "return")
DECIDED_BY = ("agent", "facts")
WAIT_REASONS = ("wait", "repeat")


def check_state(bundle, state: dict, max_frames: int) -> None:
    """SessionFormatError unless `state` is a session of `bundle` a runtime could have saved."""
    check = _Checker(bundle)
    check.today(state.get("today"))
    status = _one_of(state.get("status"), STATUSES, "`status`")
    frames = check.frames(state.get("frames"), max_frames)
    check.pending(state.get("pending"), frames)
    check.facts(state.get("facts"), frames)
    check.counters(state.get("counters"))
    check.log(state.get("log"))
    check.edges(state.get("edges"))
    check.decisions(state.get("decisions"))
    check.handoffs(state.get("handoffs"))
    check.waiting(state.get("waiting"))
    outcome = state.get("outcome")
    if outcome is not None:
        _one_of(outcome, OUTCOMES, "`outcome`")
    check.end(state.get("end"))
    check.status_agrees(status, frames, state)


def _refuse(what: str):
    raise SessionFormatError(f"malformed session state: {what}")


def _one_of(value, allowed, what: str):
    if not isinstance(value, str) or value not in allowed:
        shown = value if isinstance(value, str) else json.dumps(value)[:40]
        _refuse(f"{what} is `{shown}`; it must be one of {', '.join(allowed)}")
    return value


def _mapping(value, what: str) -> dict:
    if not isinstance(value, dict):
        _refuse(f"{what} must be an object")
    return value


def _list(value, what: str) -> list:
    if not isinstance(value, list):
        _refuse(f"{what} must be a list")
    return value


def _text(value, what: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        _refuse(f"{what} must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        _refuse(f"{what} holds a lone surrogate, which is not a character")
    return value


class _Checker:
    def __init__(self, bundle):
        self.bundle = bundle

    def today(self, value) -> None:
        try:
            date.fromisoformat(_text(value, "`today`"))
        except ValueError:
            _refuse("`today` must be a date written YYYY-MM-DD")

    def step_of(self, item, what: str, sop_key: str = "sop", step_key: str = "step") -> tuple[str, str]:
        """(sop, step) of an object naming a step of the bundle."""
        item = _mapping(item, what)
        sop, step = _text(item.get(sop_key), f"{what}.{sop_key}"), _text(item.get(step_key), f"{what}.{step_key}")
        if sop not in self.bundle.steps or step not in self.bundle.steps[sop]:
            raise SessionFormatError(f"saved session names step `{sop}:{step}`, which this bundle does not have; "
                                     "it was saved with another bundle")
        return sop, step

    def frames(self, value, max_frames: int) -> list[tuple[str, str]]:
        frames = [self.step_of(item, "a frame") for item in _list(value, "`frames`")]
        if len(frames) > max_frames:
            _refuse(f"{len(frames)} frames; hand-offs nest at most {max_frames} deep")
        for (outer_sop, outer_step), (inner_sop, _) in zip(frames, frames[1:]):
            handoff = self.bundle.step(outer_sop, outer_step).get("handoff")
            if not handoff or handoff["target"] != "sop" or handoff["to"] != inner_sop:
                _refuse(f"frame `{outer_sop}:{outer_step}` does not hand off to `{inner_sop}`")
        return frames

    def pending(self, value, frames) -> None:
        if value is None:
            return
        action = _one_of(_mapping(value, "`pending`").get("do"), ("enter", "flow"), "`pending.do`")
        if not frames:
            _refuse("`pending` says what to do next, but the session is at no step")
        if action == "enter":
            sop = frames[-1][0]
            step = _text(value.get("step"), "`pending.step`")
            if step not in self.bundle.steps[sop]:
                _refuse(f"`pending` enters step `{sop}:{step}`, which this bundle does not have")

    def facts(self, value, frames) -> None:
        sop = frames[-1][0] if frames else None
        for name, fact in _mapping(value, "`facts`").items():
            _text(name, "a fact's name")
            if isinstance(fact, str):
                _text(fact, f"fact `{name}`")
            try:
                coerced = self.bundle.coerce(name, fact, sop)
            except FactError as exc:
                _refuse(f"fact {exc}")
            if coerced != fact or type(coerced) is not type(fact):
                _refuse(f"fact `{name}` is not stored as its input's type")

    def counters(self, value) -> None:
        for sop, counts in _mapping(value, "`counters`").items():
            for step, count in _mapping(counts, "`counters` of an SOP").items():
                self.step_of({"sop": sop, "step": step}, "a counter")
                if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 100:
                    _refuse(f"the counter of `{sop}:{step}` must be a whole number from 0 to 100")

    def log(self, value) -> None:
        from sopc.runtime.session import render_step

        for entry in _list(value, "`log`"):
            sop, step = self.step_of(entry, "a log entry")
            # An entry is the step as it was shown: the same shape as the step
            # rendered now, only the placeholders filled differently.
            if not _same_shape(entry, render_step(self.bundle, sop, step, {})):
                _refuse(f"the log entry of `{sop}:{step}` is not that step as shown")

    def edges(self, value) -> None:
        for edge in _list(value, "`edges`"):
            sop, _ = self.step_of(edge, "an edge", step_key="source")
            self.step_of(edge, "an edge", step_key="target")
            _one_of(edge.get("kind"), EDGE_KINDS, "an edge's `kind`")
            _text(edge.get("label"), "an edge's `label`", optional=True)

    def decisions(self, value) -> None:
        for decision in _list(value, "`decisions`"):
            self.step_of(decision, "a decision")
            _text(decision.get("label"), "a decision's `label`")
            _one_of(decision.get("by"), DECIDED_BY, "a decision's `by`")

    def handoffs(self, value) -> None:
        for handoff in _list(value, "`handoffs`"):
            self.step_of(handoff, "a hand-off")
            target = _one_of(handoff.get("target"), ("sop", "procedure"), "a hand-off's `target`")
            known = self.bundle.sops if target == "sop" else self.bundle.procedures
            if _text(handoff.get("to"), "a hand-off's `to`") not in known:
                _refuse(f"a hand-off to unknown {target} `{handoff['to']}`")

    def waiting(self, value) -> None:
        if value is None:
            return
        _mapping(value, "`waiting`")
        _one_of(value.get("reason"), WAIT_REASONS, "`waiting.reason`")
        _text(value.get("until"), "`waiting.until`", optional=True)
        duration = value.get("for")
        if duration is not None:
            _text(_mapping(duration, "`waiting.for`").get("text"), "`waiting.for.text`")

    def end(self, value) -> None:
        if value is not None:
            self.step_of(value, "`end`")

    def status_agrees(self, status: str, frames, state: dict) -> None:
        if status == "ended":
            if frames or state.get("pending") is not None:
                _refuse("an ended session is at no step and has nothing left to do")
            return
        if not frames:
            _refuse(f"a session that is `{status}` must be at a step")
        if status == "question":
            sop, step = frames[-1]
            if not self.bundle.step(sop, step).get("decision") or state.get("pending") is not None:
                _refuse(f"the session asks a question at `{sop}:{step}`, which is not a decision")
        elif state.get("waiting") is None or state.get("pending") is None:
            _refuse("a waiting session must say what it waits for and what follows")


def _same_shape(entry, shown) -> bool:
    """Whether `entry` has the keys, list lengths and kinds of value of `shown` (texts may differ)."""
    todo = [(entry, shown)]
    while todo:
        one, two = todo.pop()
        if isinstance(two, dict):
            if not isinstance(one, dict) or one.keys() != two.keys():
                return False
            todo.extend((one[key], two[key]) for key in two)
        elif isinstance(two, list):
            if not isinstance(one, list) or len(one) != len(two):
                return False
            todo.extend(zip(one, two))
        elif isinstance(two, str):
            if not isinstance(one, str):
                return False
            try:
                one.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif one != two and not (isinstance(one, bool) and isinstance(two, bool)):
            return False
    return True
