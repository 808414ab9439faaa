"""A walk through one SOP of a bundle: the reference implementation of
docs/runtime.md.

The session moves on by itself through steps that need nobody (actions,
decisions that known facts decide, repeats, hand-offs) and stops where a
person is needed: a question (`status == "question"`), a wait
(`status == "waiting"`) or the end (`status == "ended"`).
"""

from __future__ import annotations

import json
from datetime import date

from sopc.runtime import conditions
from sopc.runtime.bundle import Bundle
from sopc.runtime.errors import AnswerError, FlowError, SessionFormatError, SessionStateError
from sopc.runtime.saved_state import check_state
from sopc.runtime.templates import fill
from sopc.runtime.versions import (MIN_SESSION_VERSION, SESSION_FORMAT, SESSION_MIN_RUNTIME_VERSION, SESSION_VERSION,
                                   require_compatible)

HANDED_OFF = "handed-off"
MAX_FRAMES = 32  # hand-offs nested deeper than this are a cycle
MAX_AUTO_STEPS = 10_000  # steps passed without stopping: the flow loops by itself

QUESTION, WAITING, ENDED, RUNNING = "question", "waiting", "ended", "running"


class Session:
    def __init__(self, bundle: Bundle, today: date):
        self.bundle = bundle
        self.today = today
        self.facts: dict = {}
        self.frames: list[dict] = []  # {"sop", "step"}: the innermost SOP last
        self.status = RUNNING
        self.pending: dict | None = None  # what to do when the session goes on
        self.counters: dict[str, dict[str, int]] = {}
        self.log: list[dict] = []  # each step as shown when the walk reached it
        self.edges: list[dict] = []
        self.decisions: list[dict] = []
        self.handoffs: list[dict] = []
        self.waiting: dict | None = None
        self.outcome: str | None = None
        self.end: dict | None = None

    # -- starting and answering --------------------------------------------

    @classmethod
    def start(cls, bundle: Bundle, sop_id: str, facts: dict | None = None, today: date | None = None) -> "Session":
        sop = bundle.sop(sop_id)
        session = cls(bundle, today or date.today())
        for name, value in (facts or {}).items():
            session.facts[name] = bundle.coerce(name, value, sop_id)
        session.frames.append({"sop": sop_id, "step": sop["start"]})
        session.pending = {"do": "enter", "step": sop["start"]}
        session._run()
        return session

    def choose(self, answer) -> None:
        """Answer the pending question by option label (text) or by its number (int, from 1)."""
        self._expect(QUESTION, "choose an option")
        options = self._step()["decision"]["options"]
        index = _option_index(options, answer)
        if index is None:
            labels = "; ".join(f"{n}) {o['label']}" for n, o in enumerate(options, 1))
            raise AnswerError(f"`{answer}` is not an option of `{self._where()}`; options: {labels}")
        self._take(index, "agent")
        self._run()

    def supply(self, name: str, value) -> None:
        """Learn a fact; a pending question it decides is answered at once."""
        self.facts[name] = self.bundle.coerce(name, value, self.frames[-1]["sop"] if self.frames else None)
        if self.status == QUESTION:
            self._decide()
            self._run()

    def resume(self) -> None:
        """The wait is over: go on."""
        self._expect(WAITING, "resume")
        self.status, self.waiting = RUNNING, None
        self._run()

    # -- what the walk shows and made ---------------------------------------

    @property
    def path(self) -> list[tuple[str, str]]:
        return [(visit["sop"], visit["step"]) for visit in self.log]

    @property
    def records(self) -> list[dict]:
        return [record for visit in self.log for record in visit["records"]]

    @property
    def scripts(self) -> list[dict]:
        return [script for visit in self.log for script in visit["scripts"]]

    def view(self) -> dict:
        """The step the session stopped at, filled with what is known now."""
        if not self.frames:
            last = self.log[-1] if self.log else {}
            return {**last, "status": self.status, "outcome": self.outcome, "options": [], "needs": [], "waiting": None}
        frame = self.frames[-1]
        shown = self._render(frame["sop"], frame["step"])
        shown.update(status=self.status, outcome=self.outcome, waiting=self.waiting, options=[], needs=[])
        if self.status == QUESTION:
            options = self._step()["decision"]["options"]
            shown["options"] = [{"number": n, "label": o["label"]} for n, o in enumerate(options, 1)]
            shown["needs"] = self._needed_facts()
        return shown

    # -- the engine ---------------------------------------------------------

    def _run(self) -> None:
        for _ in range(MAX_AUTO_STEPS):
            if self.status != RUNNING:
                return
            action, self.pending = self.pending, None
            if action is None:
                return
            if action["do"] == "enter":
                self._enter(action["step"])
            else:
                self._flow()
        raise FlowError(f"the flow passed {MAX_AUTO_STEPS} steps without stopping at `{self._where()}`; it loops without asking anything")

    def _enter(self, step_id: str) -> None:
        frame = self.frames[-1]
        frame["step"] = step_id
        self.log.append(self._render(frame["sop"], step_id))
        wait = self._step()["wait"]
        self.pending = {"do": "flow"}
        if wait:
            self._wait(wait.get("duration"), wait.get("until"), "wait")

    def _wait(self, duration, until, reason: str) -> None:
        self.status = WAITING
        self.waiting = {"for": duration, "until": until, "reason": reason}

    def _flow(self) -> None:
        step = self._step()
        if step["kind"] == "end":
            self._finish(step["outcome"])
        elif step["kind"] == "handoff":
            self._hand_off(step)
        elif step["kind"] == "decision":
            self._decide()
        elif step["kind"] == "repeat":
            self._repeat(step)
        else:
            self._go(step["next"], "next")

    def _go(self, target: str | None, kind: str, label: str | None = None) -> None:
        if target is None:
            self._finish(None)  # a dead end: nothing says how to go on
            return
        frame = self.frames[-1]
        self.edges.append({"sop": frame["sop"], "source": frame["step"], "target": target, "kind": kind, "label": label})
        self.pending = {"do": "enter", "step": target}

    def _decide(self) -> None:
        chosen, _ = self._evaluate()
        if chosen is None:
            self.status = QUESTION
            return
        self._take(chosen, "facts")

    def _evaluate(self) -> tuple[int | None, set]:
        """The option the facts select (first true wins, `otherwise` last), else None."""
        step = self._step()
        needs: set = set()
        for index, option in enumerate(step["decision"]["options"]):
            if option["otherwise"]:
                return index, needs
            if option["condition"] is None:
                return None, needs
            result = conditions.evaluate(option["condition"], self.facts, self.today, needs)
            if result is None:
                return None, needs
            if result:
                return index, needs
        return None, needs

    def _needed_facts(self) -> list[dict]:
        _, needs = self._evaluate()
        sop_id = self.frames[-1]["sop"]
        found = []
        for name in sorted(needs):
            declared = self.bundle.input_def(name, sop_id) or {"id": name, "label": name, "type": "text", "values": []}
            found.append({"id": name, "label": declared["label"], "type": declared["type"], "values": declared.get("values") or []})
        return found

    def _take(self, index: int, by: str) -> None:
        frame = self.frames[-1]
        option = self._step()["decision"]["options"][index]
        self.decisions.append({"sop": frame["sop"], "step": frame["step"], "label": option["label"], "by": by})
        self.status = RUNNING
        self._go(option["goto"], "option", option["label"])

    def _repeat(self, step: dict) -> None:
        frame = self.frames[-1]
        counts = self.counters.setdefault(frame["sop"], {})
        counts[frame["step"]] = counts.get(frame["step"], 0) + 1
        repeat = step["repeat"]
        if counts[frame["step"]] < repeat["max_attempts"]:
            self._go(repeat["back_to"], "repeat")
            if repeat.get("every"):
                self._wait(repeat["every"], None, "repeat")
        else:
            self._go(step["next"], "next")

    def _hand_off(self, step: dict) -> None:
        handoff = step["handoff"]
        frame = self.frames[-1]
        self.handoffs.append({"sop": frame["sop"], "step": frame["step"], "to": handoff["to"], "target": handoff["target"]})
        if handoff["target"] == "sop":
            if len(self.frames) >= MAX_FRAMES:
                raise FlowError(f"hand-offs nested {MAX_FRAMES} deep at `{self._where()}`; the SOPs hand off to each other in a cycle")
            start = self.bundle.sop(handoff["to"])["start"]
            self.frames.append({"sop": handoff["to"], "step": start})
            self.pending = {"do": "enter", "step": start}
        elif handoff.get("then"):
            self._go(handoff["then"], "return")
        else:
            self._finish(HANDED_OFF)

    def _finish(self, outcome: str | None) -> None:
        """The innermost SOP ended: return to the hand-off's `then`, or end the
        SOP that handed off too, with the same outcome."""
        self.end = dict(self.frames[-1])
        while True:
            self.frames.pop()
            if not self.frames:
                self.status, self.outcome = ENDED, outcome
                return
            handoff = self._step()["handoff"]
            if handoff.get("then"):
                self.end = None
                self._go(handoff["then"], "return")
                return

    # -- helpers ------------------------------------------------------------

    def _step(self) -> dict:
        frame = self.frames[-1]
        return self.bundle.step(frame["sop"], frame["step"])

    def _where(self) -> str:
        return f"{self.frames[-1]['sop']}:{self.frames[-1]['step']}" if self.frames else "(ended)"

    def _expect(self, status: str, doing: str) -> None:
        if self.status != status:
            raise SessionStateError(f"cannot {doing}: the session is `{self.status}`, not `{status}`")

    def _render(self, sop_id: str, step_id: str) -> dict:
        return render_step(self.bundle, sop_id, step_id, self.facts)

    # -- saving and restoring -----------------------------------------------

    def to_json(self) -> str:
        state = {
            "format": SESSION_FORMAT, "format_version": SESSION_VERSION,
            "min_runtime_version": SESSION_MIN_RUNTIME_VERSION, "bundle_digest": self.bundle.digest,
            "today": self.today.isoformat(), "status": self.status, "frames": self.frames, "pending": self.pending,
            "facts": self.facts, "counters": self.counters, "log": self.log, "edges": self.edges,
            "decisions": self.decisions, "handoffs": self.handoffs, "waiting": self.waiting,
            "outcome": self.outcome, "end": self.end,
        }
        return json.dumps(state, sort_keys=True, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, bundle: Bundle, text) -> "Session":
        state = _read_state(text)
        check_state(bundle, state, MAX_FRAMES)
        session = cls(bundle, date.fromisoformat(state["today"]))
        for key in ("status", "frames", "pending", "facts", "counters", "log", "edges",
                    "decisions", "handoffs", "waiting", "outcome", "end"):
            # A part left out is empty, as in the JavaScript runtime: check_state has
            # already refused a state whose required parts are missing.
            setattr(session, key, state.get(key))
        return session


def render_step(bundle: Bundle, sop_id: str, step_id: str, facts: dict) -> dict:
    """A step with every template filled: what an agent sees."""
    step = bundle.step(sop_id, step_id)
    labels = bundle.labels(sop_id)

    def filled(text):
        return fill(text, facts, labels)

    decision, callouts, scripts, records = step["decision"], step["callouts"], step["scripts"], step["records"]
    # Most steps have no callouts, scripts or records: their lists are made only when there are some.
    return {
        "sop": sop_id, "step": step_id, "kind": step["kind"], "title": step["title"],
        "do": filled(step["do"]),
        "callouts": [{"kind": c["kind"], "text": filled(c["text"])} for c in callouts] if callouts else [],
        "scripts": [{"mode": s["mode"], "title": s["title"], "text": filled(s["template"])} for s in scripts]
        if scripts else [],
        "records": [_render_record(record, filled) for record in records] if records else [],
        "gaps": list(step["gaps"]),
        "ask": filled(decision["ask"]) if decision else None,
    }


def _render_record(record: dict, filled) -> dict:
    title = record["title"] or f"{record['system']} {record['action']}"
    fields = [{"name": f["name"], "values": [filled(t) for t in f["templates"]], "multiple": f["multiple"]}
              for f in record["fields"]]
    return {"title": title, "system": record["system"], "action": record["action"], "fields": fields}


def _option_index(options: list[dict], answer) -> int | None:
    """A label (text, exactly as written) or a number counted from 1."""
    if isinstance(answer, str):
        labels = [option["label"] for option in options]
        return labels.index(answer) if answer in labels else None
    if isinstance(answer, int) and not isinstance(answer, bool) and 1 <= answer <= len(options):
        return answer - 1
    return None


# The largest integer every runtime holds exactly: JSON numbers are doubles in JavaScript.
_EXACT = 2 ** 53


def _json_integer(text: str):
    """An integer of a saved state as every runtime reads it: beyond 2^53, the
    nearest double (as JavaScript does), so a state restores alike everywhere."""
    number = int(text)
    return number if -_EXACT <= number <= _EXACT else float(text)


def _read_state(text) -> dict:
    try:
        state = json.loads(text, parse_int=_json_integer) if isinstance(text, (str, bytes)) else text
    except ValueError as exc:
        raise SessionFormatError(f"saved session is not valid JSON (truncated or damaged?): {exc}") from None
    except RecursionError:
        raise SessionFormatError("saved session nests far deeper than any session a runtime saves") from None
    if not isinstance(state, dict):
        raise SessionFormatError("not a saved sopc session: the top level must be a JSON object")
    require_compatible(state, fmt=SESSION_FORMAT, implemented=SESSION_VERSION, oldest=MIN_SESSION_VERSION,
                       what="saved sopc session", error=SessionFormatError, again="; start the session again")
    return state
