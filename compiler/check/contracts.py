"""Hand-off contracts: what an SOP can end with, and what it promises (`returns:`)."""

from __future__ import annotations

from sopc.model.base import memo
from sopc.model.graph import flow

HANDED_OFF = "handed-off"  # the outcome of a walk that ends by handing off to an external procedure


def possible_outcomes(sop, corpus) -> dict[str, list[str]]:
    """outcome -> the steps (reachable from the start) a walk of `sop` can end with it at.

    A hand-off without `then` ends the walk with what the SOP handed off to
    ends with: its declared outcomes if it has a contract, else its own
    possible outcomes (hand-off cycles end nowhere new)."""
    return memo(sop, "possible-outcomes", lambda: _possible(sop, corpus, set()))


def _possible(sop, corpus, visiting: set) -> dict[str, list[str]]:
    visiting.add(sop.id)
    found: dict[str, list[str]] = {}
    reachable = flow(sop).reachable
    for step in sop.steps.values():
        if step.id not in reachable:
            continue
        if step.end:
            found.setdefault(step.end, []).append(step.id)
        elif step.handoff and not step.then:
            for outcome in _ends_of_target(step.handoff, corpus, visiting):
                found.setdefault(outcome, []).append(step.id)
    return found


def _ends_of_target(target: str, corpus, visiting: set) -> list[str]:
    if target in corpus.procedures:
        return [HANDED_OFF]
    callee = corpus.sops.get(target)
    if callee is None or callee.id in visiting:
        return []
    if callee.returns is not None and callee.returns.outcomes:
        return list(callee.returns.outcomes)
    return list(_possible(callee, corpus, visiting))
