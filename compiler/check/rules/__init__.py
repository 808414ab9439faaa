"""Stage 4, check: the rules, registered in one place.

Each rule is a module with:

- its documentation as the module docstring, in the form `## slug (CODE)`,
  **What it does**, **Why is this bad?**, **Example** and **Use instead**,
  rendered as the rule's page on the site (see `documentation()`);
- `ID` (a stable code such as `SOP103`), `SLUG` (such as `unreachable-step`),
  `SEVERITY` (`error` or `warning`) and `OPTIONS` (settings with defaults);
- `check(sop, corpus, options)`, a generator of `Finding`s. Rules work on the
  model only (never on YAML text); graph work goes through `compiler.graph`;
- optionally `check_procedure(procedure, corpus, options)`, the same for each
  declared external procedure.

To add a rule, write its module and its fixtures (`tests/rules/<slug>/`, see
`tests/test_rules.py`) and list it in `RULES` below.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

from sopc.model import memo
from sopc.check.rules import (
    broken_reference,
    dead_end,
    decision_options,
    duplicate_id,
    handoff_cycle,
    incomplete_decision,
    no_way_out,
    stale_review,
    todo_text,
    unbounded_loop,
    undefined_placeholder,
    unreachable_step,
    unused_input,
    unused_suppression,
)

RULES = [
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
    unused_suppression,  # last: it looks at what the rules before it silenced
]

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


@dataclass(frozen=True)
class Finding:
    """What a rule found, located by its path in the SOP's source document."""

    where: tuple
    message: str
    step: str | None = None
    key: bool = False  # point at the key instead of its value


@dataclass
class SuppressionUse:
    """What `check.run_rules` saw of one SOP's suppressions, for unused-suppression."""

    ran: set = field(default_factory=set)  # IDs of the rules that ran
    silenced: set = field(default_factory=set)  # (step id, rule ID) of suppressions that silenced a finding


def suppression_use(sop) -> SuppressionUse:
    """The record of one SOP's suppressions, kept on the SOP while its rules run."""
    return memo(sop, "suppression-use", SuppressionUse)


def find(name: str):
    """The rule with this code or slug, or None."""
    for rule in RULES:
        if name in (rule.ID, rule.SLUG):
            return rule
    return None


def documentation() -> list[tuple[str, str, str, str]]:
    """(code, slug, default severity, Markdown page) for every rule, in code order."""
    return [(rule.ID, rule.SLUG, rule.SEVERITY, markdown(rule)) for rule in sorted(RULES, key=lambda r: r.ID)]


def markdown(rule) -> str:
    return inspect.cleandoc(rule.__doc__ or "") + "\n"


def section(rule, name: str) -> str:
    """The text of one section of a rule's documentation, without its heading."""
    text = markdown(rule)
    headings = "|".join(re.escape(s) for s in SECTIONS)
    match = re.search(rf"\*\*{re.escape(name)}\*\*:?\s*(.*?)(?=\n\*\*(?:{headings})\*\*|\Z)", text, re.S)
    return match.group(1).strip() if match else ""


def summary(rule) -> str:
    """The first sentence of what the rule does, as one line."""
    what = " ".join(section(rule, "What it does").split())
    first = re.split(r"(?<=[.;:])\s", what, maxsplit=1)[0].rstrip(".;:")
    return first[:1].upper() + first[1:] + "."
