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

    def matches_step(self, sop, step) -> bool:
        return not self.selects_options and all(_step_has(sop, step, key, value) for key, value in self.keys)

    def matches_option(self, sop, step, option) -> bool:
        return self.selects_options and all(
            _option_has(option, step, key, value) if key in OPTION_KEYS else _step_has(sop, step, key, value)
            for key, value in self.keys)


def _step_has(sop, step, key, value) -> bool:
    if key == "id":
        return step.id == value
    if key == "sop":
        return sop.id == value
    if key == "tag":
        return value in step.tags
    if key == "kind":
        return step.kind == value
    if key == "handoff":
        return step.handoff == value
    if key == "outcome":
        return step.end == value
    if key in ("system", "action"):
        return any(getattr(record, key) == value for record in step.records)
    return False


def _option_has(option, step, key, value) -> bool:
    if key == "option":
        return option.label == value
    if key == "input":
        return step.input == value
    # `value: x` is stored as the condition {"eq": x}; True == 1 must not match.
    condition = option.when or {}
    return "eq" in condition and type(condition["eq"]) is type(value) and condition["eq"] == value


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
        for step in sop.steps.values():
            for criteria in self.any_of:
                if criteria.selects_options:
                    found.update((step.id, i) for i, option in enumerate(step.options)
                                 if criteria.matches_option(sop, step, option))
                elif criteria.matches_step(sop, step):
                    found.add(step.id)
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


def all_policies(corpus, kind: str) -> list[Policy]:
    """Every policy of this kind: the settings' first, then each SOP's."""
    declared = [p for p in corpus.policies if p.kind == kind]
    for sop in corpus.sops.values():
        if sop.policies:
            declared.extend(p for p in of_sop(sop) if p.kind == kind)
    return declared
