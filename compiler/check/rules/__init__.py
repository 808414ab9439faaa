"""Stage 4, check: the rules, registered in one place.

Each rule is a module with:

- `ID`, its code in the registry of problem codes (`sopc.codes`), which holds
  its slug, default severity, summary, typed options and documentation;
- `check(sop, corpus, options)`, a generator of `Finding`s
  (`sopc.check.finding`) about that SOP, read from it alone: what it finds
  is kept with the file until the file changes (`sopc.check.modelled`).
  Rules work on the model only (never on YAML text); graph work goes
  through `sopc.model.graph`;
- or, for a rule that reads other SOPs than the one it checks (hand-offs,
  contracts, path policies), `check_across(sop, corpus, options)`: it runs
  once every file is read, and the SOPs it reads (the one it checks too) may
  be summaries (`sopc.check.summary`), which hold only what such rules read:
  a rule that needs more of another SOP adds it there. A rule may have both,
  each finding what it can;
- optionally `check_procedure(procedure, corpus, options)`, the same for each
  declared external procedure.

Suppressions are applied after every rule has run (`sopc.check.suppression`),
so a rule never needs to know about them or about the order of rules.

To add a rule: its entry and page in `sopc.codes`, its module here (listed
in `MODULES` below), its fixtures in `tests/rules/<slug>/`, and for a rule
that is on by default its name in `sopc/codes/presets.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sopc import codes
from sopc.check.rules import (
    broken_reference,
    dead_end,
    decision_options,
    duplicate_id,
    forbid_after,
    handoff_cycle,
    incomplete_decision,
    invalid_scenario,
    measure_on_non_date,
    must_reach,
    no_way_out,
    require_before,
    stale_review,
    single_brace_placeholder,
    text_cut_by_comment,
    todo_text,
    unbounded_loop,
    undeclared_outcome,
    undefined_placeholder,
    unhandled_outcome,
    unreachable_option,
    unreachable_step,
    unused_input,
)

MODULES = [
    broken_reference,
    duplicate_id,
    dead_end,
    unreachable_step,
    no_way_out,
    unbounded_loop,
    decision_options,
    incomplete_decision,
    undefined_placeholder,
    unused_input,
    handoff_cycle,
    stale_review,
    todo_text,
    invalid_scenario,
    unreachable_option,
    single_brace_placeholder,
    measure_on_non_date,
    text_cut_by_comment,
    require_before,
    forbid_after,
    must_reach,
    undeclared_outcome,
    unhandled_outcome,
]


@dataclass(frozen=True)
class Rule:
    """A check of the model, and its code in the registry."""

    code: codes.Code
    check: Callable | None  # reads one SOP's model
    check_across: Callable | None = None  # reads other SOPs too, from their summaries
    check_procedure: Callable | None = None

    @property
    def ID(self) -> str:  # noqa: N802  (the name rule modules use)
        return self.code.code

    @property
    def SLUG(self) -> str:  # noqa: N802
        return self.code.slug

    @property
    def SEVERITY(self) -> str:  # noqa: N802
        return self.code.severity


def _rule(module) -> Rule:
    code = codes.get(module.ID)
    if code is None or not code.is_rule:
        raise LookupError(f"{module.__name__}: `{module.ID}` is not a rule in sopc.codes")
    return Rule(code, getattr(module, "check", None), getattr(module, "check_across", None),
                getattr(module, "check_procedure", None))


RULES = [_rule(module) for module in MODULES]
