"""Stage 4, check: the rules, registered in one place.

Each rule is a module with:

- its documentation as the module docstring (What it does / Why is this bad? /
  Example / Use instead), rendered as the rule's page on the site;
- `ID` (a stable code such as `SOP103`), `SLUG` (such as `unreachable-step`),
  `SEVERITY` (`error` or `warning`) and `OPTIONS` (settings with defaults);
- `check(sop, corpus, options)`, a generator of `Finding`s.

To add a rule, write its module and fixture (`tests/rules/<slug>.yaml`) and
list it in `RULES` below.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import broken_reference, duplicate_id, undefined_placeholder

RULES = [
    broken_reference,
    duplicate_id,
    undefined_placeholder,
]


@dataclass(frozen=True)
class Finding:
    """What a rule found, located by its path in the SOP's source document."""

    where: tuple
    message: str
    step: str | None = None
    key: bool = False  # point at the key instead of its value


def find(name: str):
    """The rule with this code or slug, or None."""
    for rule in RULES:
        if name in (rule.ID, rule.SLUG):
            return rule
    return None
