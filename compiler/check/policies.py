"""Path policies: what they say, and which steps their selectors pick.

A policy is declared in the settings (`[[policies]]` in sopc.toml, for every
SOP) or in an SOP (`policies:`, for walks from that SOP's start). Both are
checked against one definition, `$defs/policy` of the language's schema:

    [[policies]]
    id = "m3-before-transfer"
    kind = "require-before"          # or forbid-after, must-reach
    step = { handoff = "warm-transfer-account-servicing" }
    first = { input = "m3_approved", value = true }
    message = "DO NOT TRANSFER calls to Account Servicing or Omnidian unless M3 has been approved."

What a walk must keep is decided in `sopc.check.paths`; this module only
reads declarations and matches selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopc.model.base import memo

KINDS = {"require-before": "first", "forbid-after": "after", "must-reach": "reach"}
OPTION_KEYS = ("option", "value", "input")


@dataclass(frozen=True)
class Criteria:
    """One selector: every key it gives must match."""

    keys: tuple[tuple[str, object], ...]

    @property
    def selects_options(self) -> bool:
        return any(key in OPTION_KEYS for key, _value in self.keys)

    def nodes(self, sop) -> set:
        """The nodes of `sop` this picks: each key one lookup in the SOP's index of that key."""
        given = dict(self.keys)
        if given.pop("sop", sop.id) != sop.id:
            return set()
        if "system" in given and "action" in given:
            given["record"] = (given.pop("system"), given.pop("action"))
        steps = _intersect(index_of(sop, k).get(_typed(v), ()) for k, v in given.items() if k not in OPTION_KEYS)
        if not self.selects_options:
            return steps if steps is not None else set()
        options = _intersect(index_of(sop, k).get(_typed(v), ()) for k, v in given.items() if k in OPTION_KEYS)
        return options if steps is None else {node for node in options if node[0] in steps}


def _intersect(sets) -> set | None:
    found = None
    for candidates in sets:
        found = set(candidates) if found is None else found & set(candidates)
        if not found:
            return set()
    return found


def _typed(value):
    """A value as an index key: `true` and 1 are different answers."""
    return (type(value).__name__, value) if not isinstance(value, (str, tuple)) else value


def index_of(sop, key: str) -> dict:
    """value -> the nodes of `sop` with that value of selector key `key`, built once per SOP and key."""
    return memo(sop, ("policy-index", key), lambda: _index(sop, key))


def _index(sop, key: str) -> dict:
    index: dict = {}
    for value, node in _PAIRS[key](sop.steps.values()):
        index.setdefault(value, set()).add(node)
    return index


def _option_values(steps):
    for step in steps:
        for i, option in enumerate(step.options):
            condition = option.when
            if condition and "eq" in condition and isinstance(condition["eq"], (str, int, float, bool)):
                yield _typed(condition["eq"]), (step.id, i)


# key -> the (value, node) pairs of a list of steps
_PAIRS = {
    "id": lambda steps: ((step.id, step.id) for step in steps),
    "kind": lambda steps: ((step.kind, step.id) for step in steps),
    "tag": lambda steps: ((tag, step.id) for step in steps for tag in step.tags),
    "handoff": lambda steps: ((step.handoff, step.id) for step in steps if step.handoff),
    "outcome": lambda steps: ((step.end, step.id) for step in steps if step.end),
    "system": lambda steps: ((record.system, step.id) for step in steps for record in step.records),
    "action": lambda steps: ((record.action, step.id) for step in steps for record in step.records),
    "record": lambda steps: (((r.system, r.action), step.id) for step in steps for r in step.records),
    "option": lambda steps: ((option.label, (step.id, i)) for step in steps for i, option in enumerate(step.options)),
    "input": lambda steps: ((step.input, (step.id, i)) for step in steps if step.input for i in range(len(step.options))),
    "value": _option_values,
}


@dataclass(frozen=True)
class Selector:
    """Any of several criteria."""

    any_of: tuple[Criteria, ...]

    @classmethod
    def read(cls, data) -> "Selector":
        items = data if isinstance(data, list) else [data]
        return cls(tuple(Criteria(tuple(sorted(item.items()))) for item in items))

    def nodes(self, sop) -> set:
        """The flow nodes of `sop` this selects: step ids, and (step id, option index) for options."""
        found = set()
        for criteria in self.any_of:
            found |= criteria.nodes(sop)
        return found


    def describe(self) -> str:
        """As written: `{id: x, option: y}`, several joined by `or`."""
        return " or ".join("`{" + ", ".join(f"{k}: {_text(v)}" for k, v in c.keys) + "}`" for c in self.any_of)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Policy:
    id: str
    kind: str
    step: Selector
    other: Selector  # `first`, `after` or `reach`, by kind
    message: str
    severity: str | None = None
    sop: str | None = None  # the SOP that declares it; None: the settings
    where: tuple = field(default=(), compare=False)  # in that SOP's source

    @classmethod
    def read(cls, data: dict, sop: str | None = None, where: tuple = ()) -> "Policy":
        """A policy from a declaration the schema has accepted."""
        kind = data["kind"]
        return cls(data["id"], kind, Selector.read(data["step"]), Selector.read(data[KINDS[kind]]),
                   data["message"], data.get("severity"), sop, where)

    @property
    def other_key(self) -> str:
        return KINDS[self.kind]


def of_sop(sop) -> list[Policy]:
    """The policies an SOP declares, read once."""
    return memo(sop, "policies", lambda: [Policy.read(data, sop.id, ("policies", i)) for i, data in enumerate(sop.policies)])


def option_selectors(corpus) -> list[Selector]:
    """The selectors of any policy of the corpus that pick decision options."""
    def collect():
        policies = list(corpus.policies) + [p for sop in corpus.sops.values() if sop.policies for p in of_sop(sop)]
        return [Selector(tuple(c for c in selector.any_of if c.selects_options))
                for p in policies for selector in (p.step, p.other) if any(c.selects_options for c in selector.any_of)]
    return memo(corpus, "policy-option-selectors", collect)


def all_policies(corpus, kind: str) -> list[Policy]:
    """Every policy of this kind: the settings' first, then each SOP's.

    Asked for by every SOP, so found once per corpus: walking all the SOPs
    for each of them made a check grow with the square of the corpus.
    """
    def collect():
        declared = [p for p in corpus.policies if p.kind == kind]
        for sop in corpus.sops.values():
            if sop.policies:
                declared.extend(p for p in of_sop(sop) if p.kind == kind)
        return declared
    return memo(corpus, f"policies-{kind}", collect)
