"""Suppressions, applied once every rule has run over an SOP.

A step's `suppress` entries silence findings of their rule on that step; the
SOP's own `suppress` entries silence findings about the SOP as a whole (those
not tied to a step). An entry that silences nothing, for a rule that ran, is
itself a finding (unused-suppression, SOP113): left behind, it would silence
the next finding there, which nobody has looked at.

Working on the collected findings, not inside the rules, keeps every rule
ignorant of suppressions and of the order rules run in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopc import codes
from sopc.check.finding import Finding

UNUSED = codes.get("unused-suppression")


@dataclass
class Outcome:
    kept: list = field(default_factory=list)  # (code, severity, finding) not silenced
    silenced: int = 0
    unused: list[Finding] = field(default_factory=list)


def apply(sop, found: list, ran: set[str]) -> Outcome:
    """Split `found` ((code, severity, finding) of the rules whose codes are in `ran`) by the SOP's suppressions."""
    entries = _entries(sop)
    outcome = Outcome()
    if not entries:
        outcome.kept = found
        return outcome
    used: set[int] = set()
    for item in found:
        code, _severity, finding = item
        matched = entries.get((finding.step, code.code))
        if matched is None:
            outcome.kept.append(item)
            continue
        used.add(id(matched))
        outcome.silenced += 1
    for (step_id, code), suppression in entries.items():
        if code in ran and code != UNUSED.code and id(suppression) not in used:
            outcome.unused.append(_unused(suppression, step_id, code))
    return outcome


def _entries(sop) -> dict:
    """(step id or None, rule code) -> the suppression, for every entry that names a rule."""
    entries = {}
    for suppression in sop.suppress:
        code = codes.rule(suppression.rule)
        if code is not None:
            entries.setdefault((None, code.code), suppression)
    for step in sop.steps.values():
        for suppression in step.suppress:
            code = codes.rule(suppression.rule)
            if code is not None:
                entries.setdefault((step.id, code.code), suppression)
    return entries


def _unused(suppression, step_id: str | None, code: str) -> Finding:
    where = f"step `{step_id}`" if step_id else "the SOP as a whole (findings not tied to a step)"
    return Finding(suppression.where + ("rule",),
                   f"`{suppression.rule}` reports nothing on {where}; remove this suppression", step_id)
