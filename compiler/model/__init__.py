"""Stage 3, model: typed objects built from a validated document.

Every object keeps `where`, its path in the source document, so that any rule
or emitter can point back at the YAML with `sop.locate(obj.where)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sopc.language import comparisons, inputs_used, placeholders
from sopc.load import Document
from sopc.model.base import Path, humanize, memo
from sopc.model.steps import (  # noqa: F401  (the step model is part of this module's API)
    END_WORDS, KINDS, PROPERTIES, Callout, Duration, Edge, Option, Record, Repeat, Script, Step, Suppression,
    Wait, build_step, step_texts, suppression)


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


class Comparison(NamedTuple):
    """One comparison of a decision's option: `test` is the comparison as written,
    `input` the input it compares (its own `input`, else the decision's)."""

    step: Step
    option: Option
    where: Path  # of the comparison; of `value` for an option written `value: x`
    test: dict
    input: str | None


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
    suppress: list[Suppression] = field(default_factory=list)  # for findings about the whole SOP
    policies: list[dict] = field(default_factory=list)  # path policies, as written (sopc.check.policies reads them)
    returns: Returns | None = None  # what it promises the SOPs that hand off to it
    cut_texts: list = field(default_factory=list)  # plain values a ` #word` cut short (`sopc.load.CutText`)

    @property
    def path(self) -> str:
        return self.doc.path

    def __getstate__(self):
        # Pickled into the check cache: what `memo` keeps is worked out again when asked for
        # (about as fast as reading it back, and the entry is smaller).
        return {key: value for key, value in self.__dict__.items() if key != "_derived"}

    def locate(self, where: Path, *, key: bool = False) -> tuple[int, int]:
        return self.doc.locate(where, key=key)

    def edges(self) -> list[Edge]:
        return [edge for step in self.steps.values() for edge in step.edges()]

    def decisions(self) -> list[Step]:
        """The steps with options, in reading order: several rules look at nothing else."""
        return memo(self, "decisions", lambda: [step for step in self.steps.values() if step.options])

    def comparisons(self) -> list[Comparison]:
        """Every comparison of every decision's options, in reading order.

        Collected once: several rules read the conditions of every SOP.
        """
        return memo(self, "comparisons", self._find_comparisons)

    def texts(self) -> list[tuple[Path, str, bool]]:
        """(where, text, is_template) for every piece of prose an author wrote.

        Collected once: several rules read every text of every SOP.
        """
        return memo(self, "texts", self._find_texts)

    def template_placeholders(self) -> list[tuple[Path, str]]:
        """(where, name) for every `{{ name }}` in a template text, in reading order."""
        return memo(self, "placeholders", lambda: [
            (where, name) for where, text, is_template in self.texts()
            if is_template and "{{" in text for name in placeholders(text)])

    def used_inputs(self) -> set[str]:
        """The inputs its templates name and its decisions are bound to or test."""
        return memo(self, "used_inputs", lambda: inputs_used(
            (name for _where, name in self.template_placeholders()),
            ((step.input, [option.when for option in step.options]) for step in self.steps.values() if step.options)))

    def _find_comparisons(self) -> list[Comparison]:
        found = []
        for step in self.decisions():
            bound = step.input
            for option in step.options:
                when = option.when
                if when is None:
                    continue
                if option.shorthand:
                    found.append(Comparison(step, option, option.where + ("value",), when, bound))
                else:
                    found.extend(Comparison(step, option, where, test, name)
                                 for where, test, name in comparisons(when, option.where + ("when",), bound))
        return found

    def _find_texts(self) -> list[tuple[Path, str, bool]]:
        found = [((key,), getattr(self, key), False) for key in ("title", "summary", "purpose") if getattr(self, key)]
        for step in self.steps.values():
            found.extend(step_texts(step))
        return found


@dataclass(frozen=True)
class Returns:
    """A hand-off contract: the outcomes an SOP may end with and the facts it sets."""

    outcomes: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    where: Path = ("returns",)


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

    def locate(self, where: Path, *, key: bool = False) -> tuple[int, int]:
        return self.doc.locate(where, key=key)


@dataclass
class Corpus:
    sops: dict[str, Sop] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    # Ids declared by files that failed validation: references to them are not
    # reported as broken, since the real problem is already reported.
    unusable_ids: set[str] = field(default_factory=set)
    duplicates: list[Sop | Procedure] = field(default_factory=list)
    # Path policies declared in the settings, for every SOP (sopc.check.policies.Policy).
    policies: list = field(default_factory=list)

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
        cut_texts=list(doc.cut_texts),
        suppress=[suppression(item, ("suppress", i)) for i, item in enumerate(data.get("suppress", []))],
        policies=list(data.get("policies", [])),
        returns=_returns(data["returns"]) if "returns" in data else None,
    )
    written = data["steps"]
    ids = list(written)
    steps = sop.steps
    for index, (step_id, following) in enumerate(zip(ids, ids[1:] + [None])):
        steps[step_id] = build_step(step_id, index, written[step_id], following)
    sop.start = data.get("start") or ids[0]
    return sop


def _returns(data: dict) -> Returns:
    return Returns(tuple(data.get("outcomes", [])), tuple(data.get("facts", [])))


def _input(key: str, value) -> Input:
    where = ("inputs", key)
    if isinstance(value, str):
        return Input(key, value, humanize(key), where=where)
    return Input(key, value["type"], value.get("label") or humanize(key), value.get("help"),
                 value.get("required", True), value.get("source"), list(value.get("values", [])), where)


def build_procedures(doc: Document) -> list[Procedure]:
    return [Procedure(key, value["title"], doc, value.get("url"), value.get("summary"), ("procedures", key))
            for key, value in doc.data["procedures"].items()]
