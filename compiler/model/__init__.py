"""Stage 3, model: typed objects built from a validated document.

Every object keeps `where`, its path in the source document, so that any rule
or emitter can point back at the YAML with `sop.locate(obj.where)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sopc.load import Document

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def memo(owner, key: str, compute):
    """`compute()` once per owner object (an Sop, Step or Corpus) and key.

    The model's dataclasses are not hashable, so the cache lives on the object
    itself and disappears with it.
    """
    cache = owner.__dict__.setdefault("_derived", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


DURATION_UNITS = {"minute": "minutes", "hour": "hours", "day": "days", "business day": "business_days", "week": "weeks"}

Path = tuple


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # minutes, hours, days, business_days or weeks
    text: str

    @classmethod
    def parse(cls, text: str | None) -> "Duration | None":
        if text is None:
            return None
        amount, unit = text.split(" ", 1)
        return cls(int(amount), DURATION_UNITS[unit.rstrip("s") if unit != "business days" else "business day"], text)


@dataclass
class Input:
    id: str
    type: str
    label: str
    help: str | None = None
    required: bool = True
    source: str | None = None
    values: list[str] = field(default_factory=list)
    where: Path = ()


@dataclass
class Script:
    mode: str  # say, send or voicemail
    text: str
    title: str | None = None
    where: Path = ()


@dataclass
class Record:
    system: str | None
    action: str
    title: str | None = None
    fields: dict[str, str | list[str]] = field(default_factory=dict)
    where: Path = ()


@dataclass
class Callout:
    kind: str  # note, info, tip or warning
    text: str
    where: Path = ()


@dataclass
class Option:
    label: str
    goto: str
    when: dict | None = None  # a condition; `value: x` is stored as {"eq": x}
    otherwise: bool = False
    where: Path = ()
    shorthand: bool = False  # written as `value: x`, which `when` holds as {"eq": x}


@dataclass
class Repeat:
    back_to: str
    max_attempts: int
    every: Duration | None = None
    within: Duration | None = None
    where: Path = ()


@dataclass
class Wait:
    duration: Duration | None = None
    until: str | None = None
    where: Path = ()


@dataclass
class Suppression:
    rule: str
    reason: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # next, option, repeat, return
    label: str | None = None
    where: Path = ()


@dataclass
class Step:
    id: str
    title: str
    index: int
    do: str | None = None
    callouts: list[Callout] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    wait: Wait | None = None
    next: str | None = None  # explicit or, when implicit, the step written after this one
    next_is_implicit: bool = False
    ask: str | None = None
    input: str | None = None
    options: list[Option] = field(default_factory=list)
    end: str | None = None
    handoff: str | None = None
    then: str | None = None
    repeat: Repeat | None = None
    suppress: list[Suppression] = field(default_factory=list)
    written: frozenset = frozenset()  # the keys the author wrote
    where: Path = ()

    @property
    def kind(self) -> str:
        """decision, end, handoff, repeat, wait or action: how the step is drawn and run."""
        if self.options:
            return "decision"
        if self.end:
            return "end"
        if self.handoff:
            return "handoff"
        if self.repeat:
            return "repeat"
        if self.wait:
            return "wait"
        return "action"

    @property
    def is_terminal(self) -> bool:
        """A step where a walk may legitimately stop."""
        return bool(self.end) or (bool(self.handoff) and not self.then)

    def edges(self) -> list[Edge]:
        """Every way forward from this step, in the order an agent reads them.

        Kept after the first call: several rules and the flowchart ask for
        them, and a step is not changed once the model is built.
        """
        return memo(self, "edges", self._find_edges)

    def _find_edges(self) -> list[Edge]:
        if self.options:
            return [Edge(self.id, o.goto, "option", o.label, o.where + ("goto",)) for o in self.options]
        if self.end:
            return []
        if self.handoff:
            return [Edge(self.id, self.then, "return", None, self.where + ("then",))] if self.then else []
        edges = []
        if self.repeat:
            edges.append(Edge(self.id, self.repeat.back_to, "repeat", "attempts remain", self.repeat.where + ("back_to",)))
        if self.next:
            where = self.where if self.next_is_implicit else self.where + ("next",)
            edges.append(Edge(self.id, self.next, "next", "attempts used up" if self.repeat else None, where))
        return edges


@dataclass
class Link:
    title: str
    url: str


@dataclass
class Sop:
    id: str
    title: str
    doc: Document = field(repr=False)
    steps: dict[str, Step] = field(default_factory=dict)
    start: str | None = None
    summary: str | None = None
    purpose: str | None = None
    owner: str | None = None
    revision: str | None = None
    reviewed: str | None = None
    tags: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    inputs: dict[str, Input] = field(default_factory=dict)
    scenarios: list[dict] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.doc.path

    def locate(self, where: Path, *, key: bool = False) -> tuple[int, int]:
        return self.doc.locate(where, key=key)

    def edges(self) -> list[Edge]:
        return [edge for step in self.steps.values() for edge in step.edges()]

    def texts(self) -> list[tuple[Path, str, bool]]:
        """(where, text, is_template) for every piece of prose an author wrote.

        Collected once: several rules read every text of every SOP.
        """
        return memo(self, "texts", lambda: list(self._find_texts()))

    def template_placeholders(self) -> list[tuple[Path, str]]:
        """(where, name) for every `{{ name }}` in a template text, in reading order."""
        return memo(self, "placeholders", lambda: [
            (where, name) for where, text, is_template in self.texts()
            if is_template and "{{" in text for name in placeholders(text)])

    def _find_texts(self):
        for key in ("title", "summary", "purpose"):
            if getattr(self, key):
                yield (key,), getattr(self, key), False
        for step in self.steps.values():
            yield from step_texts(step)


def step_texts(step: Step):
    if "title" in step.written:
        yield step.where + ("title",), step.title, False
    if step.do:
        yield step.where + ("do",), step.do, True
    if step.ask:
        yield step.where + ("ask",), step.ask, True
    for callout in step.callouts:
        yield callout.where + (callout.kind,), callout.text, True
    for script in step.scripts:
        yield script.where + (script.mode,), script.text, True
    for record in step.records:
        for name, value in record.fields.items():
            values = value if isinstance(value, list) else [value]
            for i, text in enumerate(values):
                where = record.where + ("fields", name) + ((i,) if isinstance(value, list) else ())
                yield where, text, True
    for option in step.options:
        yield option.where + ("label",), option.label, False


@dataclass
class Procedure:
    """A procedure that lives outside the corpus, declared so hand-offs can name it."""

    id: str
    title: str
    doc: Document = field(repr=False)
    url: str | None = None
    summary: str | None = None
    where: Path = ()

    @property
    def path(self) -> str:
        return self.doc.path


@dataclass
class Corpus:
    sops: dict[str, Sop] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    # Ids declared by files that failed validation: references to them are not
    # reported as broken, since the real problem is already reported.
    unusable_ids: set[str] = field(default_factory=set)
    duplicates: list[Sop | Procedure] = field(default_factory=list)

    def knows(self, target: str) -> bool:
        return target in self.sops or target in self.procedures or target in self.unusable_ids

    def referrers(self) -> dict[str, list[tuple[Sop, Step]]]:
        """For each hand-off target, the SOPs and steps that hand off to it."""
        found: dict[str, list[tuple[Sop, Step]]] = {}
        for sop in self.sops.values():
            for step in sop.steps.values():
                if step.handoff:
                    found.setdefault(step.handoff, []).append((sop, step))
        return found


def placeholders(text: str) -> list[str]:
    """The names used as `{{ name }}` in a template, in order."""
    return PLACEHOLDER.findall(text)


def humanize(identifier: str) -> str:
    words = re.split(r"[_-]+", identifier)
    return " ".join(words).capitalize()


# -- building -----------------------------------------------------------------

def build_sop(doc: Document) -> Sop:
    """The typed SOP of a document that passed validation."""
    data = doc.data
    sop = Sop(
        id=data["sop"], title=data["title"], doc=doc,
        summary=data.get("summary"), purpose=data.get("purpose"), owner=data.get("owner"),
        revision=None if data.get("revision") is None else str(data["revision"]),
        reviewed=data.get("reviewed"), tags=list(data.get("tags", [])),
        channels=list(data.get("channels", [])),
        links=[Link(link["title"], link["url"]) for link in data.get("links", [])],
        gaps=list(data.get("gaps", [])),
        inputs={key: _input(key, value) for key, value in (data.get("inputs") or {}).items()},
        scenarios=list(data.get("scenarios", [])),
    )
    ids = list(data["steps"])
    for index, step_id in enumerate(ids):
        following = ids[index + 1] if index + 1 < len(ids) else None
        sop.steps[step_id] = _step(step_id, index, data["steps"][step_id], following)
    sop.start = data.get("start") or ids[0]
    return sop


def _input(key: str, value) -> Input:
    where = ("inputs", key)
    if isinstance(value, str):
        return Input(key, value, humanize(key), where=where)
    return Input(key, value["type"], value.get("label") or humanize(key), value.get("help"),
                 value.get("required", True), value.get("source"), list(value.get("values", [])), where)


def _step(step_id: str, index: int, data: dict, following: str | None) -> Step:
    where = ("steps", step_id)
    step = Step(
        id=step_id, title=data.get("title") or humanize(step_id), index=index, do=data.get("do"),
        callouts=[_callout(item, where + ("callouts", i)) for i, item in enumerate(data.get("callouts", []))],
        scripts=[_script(item, where + ("scripts", i)) for i, item in enumerate(data.get("scripts", []))],
        records=[_record(item, where + ("records", i)) for i, item in enumerate(data.get("records", []))],
        gaps=list(data.get("gaps", [])),
        ask=data.get("ask"), input=data.get("input"),
        options=[_option(item, where + ("options", i)) for i, item in enumerate(data.get("options", []))],
        end=data.get("end"), handoff=data.get("handoff"), then=data.get("then"),
        suppress=[Suppression(s["rule"], s["reason"]) for s in data.get("suppress", [])],
        written=frozenset(data), where=where,
    )
    if "wait" in data:
        wait = data["wait"]
        step.wait = Wait(Duration.parse(wait.get("for")), wait.get("until"), where + ("wait",))
    if "repeat" in data:
        rep = data["repeat"]
        step.repeat = Repeat(rep["back_to"], rep["max_attempts"], Duration.parse(rep.get("every")),
                             Duration.parse(rep.get("within")), where + ("repeat",))
    if "next" in data:
        step.next = data["next"]
    elif not (step.options or step.end or step.handoff):
        step.next, step.next_is_implicit = following, True
    return step


def _callout(item: dict, where: Path) -> Callout:
    kind, text = next(iter(item.items()))
    return Callout(kind, text, where)


def _script(item: dict, where: Path) -> Script:
    mode = next(k for k in ("say", "send", "voicemail") if k in item)
    return Script(mode, item[mode], item.get("title"), where)


def _record(item: dict, where: Path) -> Record:
    return Record(item.get("system"), item["action"], item.get("title"), dict(item.get("fields") or {}), where)


def _option(item: dict, where: Path) -> Option:
    when = item.get("when")
    if "value" in item:
        when = {"eq": item["value"]}
    return Option(item["label"], item["goto"], when, bool(item.get("otherwise")), where, "value" in item)


def build_procedures(doc: Document) -> list[Procedure]:
    return [Procedure(key, value["title"], doc, value.get("url"), value.get("summary"), ("procedures", key))
            for key, value in doc.data["procedures"].items()]
