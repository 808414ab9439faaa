"""One description of a step: every property an author can write in a step,
every kind of step, and what each means to the rest of sopc.

The model builds a step from its YAML with `PROPERTIES`; the graph takes its
ways forward and dead ends from here; the site names and draws a kind with
`KINDS`; the bundle serializer writes each property under its bundle key.
Adding an optional step property is one field of `Step` and one `Property`
below, plus its schema, docs and fixtures; nothing else switches on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sopc.model.base import Path, humanize

DURATION_UNITS = {"minute": "minutes", "hour": "hours", "day": "days", "business day": "business_days", "week": "weeks"}
END_WORDS = {
    "resolved": "Resolved", "transferred": "Transferred", "escalated": "Escalated",
    "referred": "Referred", "pending": "Pending", "closed-no-contact": "Closed, no contact",
}


# -- the parts of a step ---------------------------------------------------------

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

    def to_json(self) -> dict:
        return {"amount": self.amount, "unit": self.unit, "text": self.text}


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
    where: Path = ()


@dataclass(frozen=True, init=False)
class Edge:
    source: str
    target: str
    kind: str  # next, option, repeat, return
    label: str | None = None
    where: Path = ()

    def __init__(self, source: str, target: str, kind: str, label: str | None = None, where: Path = ()):
        # A corpus has an edge or two per step: the frozen dataclass's own
        # __init__ (one object.__setattr__ per field) costs four times this.
        fields = self.__dict__
        fields["source"], fields["target"], fields["kind"], fields["label"], fields["where"] = (
            source, target, kind, label, where)


@dataclass
class Step:
    id: str
    title: str = ""
    index: int = 0
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
    tags: list[str] = field(default_factory=list)  # for path policies to select steps by
    handles: list[str] | str | None = None  # outcomes of the SOP handed off to that `then` is meant for, or "any"
    written: frozenset = frozenset()  # the keys the author wrote
    where: Path = ()
    # Kept once known (not fields): see `kind_of` and `edges`. Set as attributes,
    # never through `__dict__`, which would give every step a dictionary of its
    # own and make each attribute read of every step slower.
    _kind = None
    _edges = None

    @property
    def kind(self) -> str:
        """decision, end, handoff, repeat, wait or action: how the step is drawn and run."""
        return kind_of(self).name

    @property
    def is_terminal(self) -> bool:
        """A step where a walk may legitimately stop: one of a kind that may, with no way forward."""
        return kind_of(self).may_stop and not self.edges()

    def __getstate__(self):
        # Pickled into the check cache: the ways forward are found again when asked for.
        state = self.__dict__
        return {key: value for key, value in state.items() if key != "_edges"} if "_edges" in state else state

    def edges(self) -> list[Edge]:
        """Every way forward from this step, in the order an agent reads them.

        Kept after the first call: several rules and the flowchart ask for
        them, and a step is not changed once the model is built. Kept beside
        the fields rather than through `memo`: it is asked for several times
        per step of the corpus.
        """
        known = self._edges
        if known is None:
            known = self._edges = [edge for key, edges in _LEADING if getattr(self, key) for edge in edges(self)]
        return known


# -- how each property is read, followed, shown and carried ------------------------

Text = tuple  # (where, text, is_template)


@dataclass(frozen=True)
class Property:
    """A key an author may write in a step, and what sopc does with it.

    `build(value, where)` makes the model's value from the YAML value (where
    is the key's path); `texts(step)` yields the prose it holds; `edges(step)`
    the ways forward it gives. `goes_on` marks the keys a step goes on by (at
    most one per step, the schema says). `bundle` is the key the serializer
    writes it under (None: not in the bundle), made by `serialize(step, context)`
    or, without one, the model's value as it is;
    `shown` is the label the site shows a plain-text value with.
    """

    key: str
    build: Callable[[object, Path], object] | None = None  # None: the value as written
    texts: Callable[[Step], Iterable[Text]] | None = None
    edges: Callable[[Step], list[Edge]] | None = None
    goes_on: bool = False
    bundle: str | None = None
    serialize: Callable[[Step, object], object] | None = None
    shown: str | None = None


def _items(make):
    return lambda value, where: [make(item, where + (i,)) for i, item in enumerate(value)]


def suppression(item: dict, where: Path) -> Suppression:
    """One `suppress` entry, of a step or of the SOP as a whole."""
    return Suppression(item["rule"], item["reason"], where)


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


def _wait(value: dict, where: Path) -> Wait:
    return Wait(Duration.parse(value.get("for")), value.get("until"), where)


def _repeat(value: dict, where: Path) -> Repeat:
    return Repeat(value["back_to"], value["max_attempts"], Duration.parse(value.get("every")),
                  Duration.parse(value.get("within")), where)


def _record_texts(step: Step):
    for record in step.records:
        for name, value in record.fields.items():
            values = value if isinstance(value, list) else [value]
            for i, text in enumerate(values):
                where = record.where + ("fields", name) + ((i,) if isinstance(value, list) else ())
                yield where, text, True


def _template(key: str):
    def texts(step: Step) -> list[Text]:
        value = getattr(step, key)
        return [(step.where + (key,), value, True)] if value else []
    return texts


def _next_edges(step: Step) -> list[Edge]:
    # A repeat step's `next` is drawn by its repeat, after the way back.
    if not step.next or step.repeat:
        return []
    return [Edge(step.id, step.next, "next", None, _next_where(step))]


def _next_where(step: Step) -> Path:
    return step.where if step.next_is_implicit else step.where + ("next",)


def _repeat_edges(step: Step) -> list[Edge]:
    if not step.repeat:
        return []
    edges = [Edge(step.id, step.repeat.back_to, "repeat", "attempts remain", step.repeat.where + ("back_to",))]
    if step.next:
        edges.append(Edge(step.id, step.next, "next", "attempts used up", _next_where(step)))
    return edges


def _duration_json(duration: Duration | None) -> dict | None:
    return duration.to_json() if duration else None


def _wait_json(step: Step, context) -> dict | None:
    wait = step.wait
    return {"duration": _duration_json(wait.duration), "until": wait.until} if wait else None


def _repeat_json(step: Step, context) -> dict | None:
    repeat = step.repeat
    if not repeat:
        return None
    return {"back_to": repeat.back_to, "max_attempts": repeat.max_attempts,
            "every": _duration_json(repeat.every), "within": _duration_json(repeat.within)}


def _decision_json(step: Step, context) -> dict | None:
    if not step.options:
        return None
    options = [{"label": option.label, "goto": option.goto, "otherwise": option.otherwise,
                "condition": None if option.when is None else context.condition(option, step)}
               for option in step.options]
    return {"ask": step.ask, "input": step.input, "options": options}


def _handoff_json(step: Step, context) -> dict | None:
    if not step.handoff:
        return None
    return {"to": step.handoff, "target": context.handoff_target(step.handoff), "then": step.then}


def _field_json(name: str, value) -> dict:
    multiple = isinstance(value, list)
    return {"name": name, "templates": list(value) if multiple else [value], "multiple": multiple}


PROPERTIES: dict[str, Property] = {prop.key: prop for prop in [
    Property("title", texts=lambda step: [(step.where + ("title",), step.title, False)] if "title" in step.written else [],
             bundle="title"),
    Property("do", texts=_template("do"), bundle="do"),
    Property("ask", texts=_template("ask")),
    Property("callouts", _items(_callout), bundle="callouts",
             texts=lambda step: [(c.where + (c.kind,), c.text, True) for c in step.callouts],
             serialize=lambda step, context: [{"kind": c.kind, "text": c.text} for c in step.callouts]),
    Property("scripts", _items(_script), bundle="scripts",
             texts=lambda step: [(s.where + (s.mode,), s.text, True) for s in step.scripts],
             serialize=lambda step, context: [{"mode": s.mode, "title": s.title, "template": s.text} for s in step.scripts]),
    Property("records", _items(_record), texts=_record_texts, bundle="records",
             serialize=lambda step, context: [
                 {"title": r.title, "system": r.system, "action": r.action,
                  "fields": [_field_json(name, value) for name, value in r.fields.items()]}
                 for r in step.records]),
    Property("gaps", lambda value, where: list(value), bundle="gaps"),
    Property("wait", _wait, bundle="wait", serialize=_wait_json),
    Property("next", edges=_next_edges, goes_on=True, bundle="next"),
    Property("input"),
    Property("options", _items(_option), goes_on=True, bundle="decision", serialize=_decision_json,
             texts=lambda step: [(o.where + ("label",), o.label, False) for o in step.options],
             edges=lambda step: [Edge(step.id, o.goto, "option", o.label, o.where + ("goto",)) for o in step.options]),
    Property("end", goes_on=True, bundle="outcome"),
    Property("handoff", goes_on=True, bundle="handoff", serialize=_handoff_json),
    Property("then", edges=lambda step: [Edge(step.id, step.then, "return", None, step.where + ("then",))]
             if step.handoff and step.then else []),
    Property("repeat", _repeat, goes_on=True, edges=_repeat_edges, bundle="repeat", serialize=_repeat_json),
    Property("suppress", _items(lambda item, where: suppression(item, where))),
    Property("tags", lambda value, where: list(value)),
    Property("handles", lambda value, where: value if value == "any" else list(value)),
]}

GOES_ON = tuple(key for key, prop in PROPERTIES.items() if prop.goes_on)
_LEADING = [(prop.key, prop.edges) for prop in PROPERTIES.values() if prop.edges]  # read for every step
_WITH_TEXT = [(prop.key, prop.texts) for prop in PROPERTIES.values() if prop.texts]  # read for every step
BUNDLED = [prop for prop in PROPERTIES.values() if prop.bundle]
SHOWN = [prop for prop in PROPERTIES.values() if prop.shown]


# -- kinds ----------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """What a step is, decided by the property it goes on by (or waits with).

    `word`, `shape`, `fill` and `note(step)` are how the site names and draws
    it (`note`: a second line in its flowchart box). `without_next` is set for
    kinds that go on by `next` (written or, if not, the step written after):
    the dead-end reason when there is none. A kind that `may_stop` ends a walk
    where it has no way forward.
    """

    name: str
    marked_by: str | None
    word: str
    shape: str
    fill: str
    note: Callable[[Step], str | None] = lambda step: None
    without_next: str | None = None
    may_stop: bool = False

    def __reduce__(self):
        # Pickled by name (a model kept in the check cache): the table holds the one Kind of each name.
        return _kind_named, (self.name,)


def _kind_named(name: str) -> Kind:
    return KINDS[name]


def _wait_note(step: Step) -> str | None:
    return f"(wait {step.wait.duration.text})" if step.wait.duration else None


# In the order the site's legend lists them. Graphviz attributes; the fills are
# neutral light colours for the standalone SVG (the site's CSS recolours by
# class for light and dark mode).
KINDS: dict[str, Kind] = {kind.name: kind for kind in [
    Kind("action", None, "Action", 'shape=box, style="rounded,filled"', "#e8f0fe", without_next="no-next"),
    Kind("decision", "options", "Decision", 'shape=diamond, style="filled", margin="0.02,0.02"', "#fff4d6"),
    Kind("wait", "wait", "Wait", 'shape=box, style="dashed,filled"', "#f1ecfb", _wait_note, without_next="no-next"),
    Kind("repeat", "repeat", "Repeat", 'shape=hexagon, style="filled"', "#e6f6ef",
         lambda step: f"(up to {step.repeat.max_attempts} attempts)", without_next="repeat-exhausted"),
    Kind("end", "end", "End", 'shape=box, style="rounded,filled,bold", peripheries=2', "#eceff1",
         lambda step: f"(end: {END_WORDS.get(step.end, step.end)})", may_stop=True),
    Kind("handoff", "handoff", "Hand-off", 'shape=cds, style="filled"', "#fde8e4", may_stop=True),
]}

# The way a step goes on decides its kind; a step that goes on by `next` alone
# is a wait if it waits, else an action.
_DECIDING = sorted((kind for kind in KINDS.values() if kind.marked_by),
                   key=lambda kind: not PROPERTIES[kind.marked_by].goes_on)
_DEFAULT_KIND = next(kind for kind in KINDS.values() if kind.marked_by is None)


def kind_of(step: Step) -> Kind:
    known = step._kind  # set once the step is built: it never changes after
    if known is not None:
        return known
    for kind in _DECIDING:
        if getattr(step, kind.marked_by):
            return kind
    return _DEFAULT_KIND


def dead_end_reason(step: Step) -> str | None:
    """Why a step that is not an end has no way forward, or None if it has one."""
    reason = kind_of(step).without_next
    return reason if reason and not step.next else None


def step_texts(step: Step) -> list[Text]:
    """(where, text, is_template) for every piece of prose the step holds, in reading order."""
    found = []
    for key, texts in _WITH_TEXT:
        if getattr(step, key):
            found += texts(step)
    return found


# -- building ---------------------------------------------------------------------

def build_step(step_id: str, index: int, data: dict, following: str | None) -> Step:
    """The step of a validated document's `steps.<step_id>`; `following` is the step written after it."""
    where = ("steps", step_id)
    values = {}
    for key, value in data.items():
        build = PROPERTIES[key].build
        values[key] = value if build is None else build(value, where + (key,))
    step = Step(id=step_id, index=index, written=frozenset(data), where=where, **values)
    if not step.title:
        step.title = humanize(step_id)
    kind = step._kind = kind_of(step)
    if step.next is None and kind.without_next:
        step.next, step.next_is_implicit = following, True
    return step

