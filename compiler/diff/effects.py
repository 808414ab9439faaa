"""What the changes do to the flow: steps and ends reached or not, targets
that no longer exist, the outcomes an SOP can end with and the ways to each,
and what the SOP's scenarios walk on both sides (with their coverage).
"""

from __future__ import annotations

from dataclasses import dataclass

from sopc.diff.changes import Change, SopDiff
from sopc.model import Corpus, Sop
from sopc.model.graph import flow

# Ways are simple walks from the start to an exit; a branchy SOP has
# exponentially many, so enumeration stops here and only the counts are
# compared beyond it.
MAX_WAYS = 400
MAX_WAY_STEPS = 50_000


def flow_effects(diff: SopDiff, base_corpus: Corpus, head_corpus: Corpus) -> list[Change]:
    old, new = diff.base, diff.head
    if new is None:
        return []
    changes = reach_changes(diff.id, old, new)
    changes.extend(missing_targets(diff.id, old, new, base_corpus, head_corpus))
    if old is not None:
        changes.extend(outcome_changes(diff.id, old, new))
    return changes


def reach_changes(sop_id: str, old: Sop | None, new: Sop) -> list[Change]:
    before = flow(old).reachable if old is not None else set()
    after = flow(new).reachable
    changes = []
    for step_id, step in new.steps.items():
        existed = old is not None and step_id in old.steps
        if step_id not in after and (step_id in before or not existed):
            kind = "end-unreachable" if step.is_terminal and existed else "step-unreachable"
            changes.append(Change(kind, sop_id, step_id, old="reachable" if existed else None, new="unreachable"))
        elif step_id in after and existed and step_id not in before:
            changes.append(Change("step-reachable", sop_id, step_id, old="unreachable", new="reachable"))
    return changes


def missing_targets(sop_id: str, old: Sop | None, new: Sop, base_corpus: Corpus, corpus: Corpus) -> list[Change]:
    """Ways forward that lead to nothing in the new model and did not before."""
    def dangling(sop: Sop, known) -> set:
        found = {(e.source, e.kind, e.label, e.target) for e in sop.edges() if e.target not in sop.steps}
        found |= {(s.id, "handoff", None, s.handoff) for s in sop.steps.values() if s.handoff and not known(s.handoff)}
        if sop.start not in sop.steps:
            found.add((None, "start", None, sop.start))
        return found

    was = dangling(old, base_corpus.knows) if old is not None else set()
    return [Change("target-missing", sop_id, source, label or kind, None, target)
            for source, kind, label, target in sorted(dangling(new, corpus.knows) - was, key=str)]


def lost_handoff_targets(base_corpus: Corpus, head_corpus: Corpus, compared: set[str]) -> dict[str, list[Change]]:
    """Hand-offs of SOPs that did not change themselves, to an SOP or procedure that is gone (or renamed)."""
    found: dict[str, list[Change]] = {}
    for sop_id, sop in head_corpus.sops.items():
        if sop_id in compared or sop_id not in base_corpus.sops:
            continue
        for step in sop.steps.values():
            if step.handoff and not head_corpus.knows(step.handoff) and base_corpus.knows(step.handoff):
                found.setdefault(sop_id, []).append(Change("target-missing", sop_id, step.id, "handoff", None, step.handoff))
    return found


# -- outcomes and the ways to them ----------------------------------------------

def outcome_of(step) -> str | None:
    """What a walk that stops at this step ends with: its outcome, or the hand-off it ends in."""
    if step.end:
        return step.end
    if step.handoff and not step.then:
        return f"handoff:{step.handoff}"
    return None


@dataclass
class Ways:
    by_outcome: dict[str, list[tuple[str, ...]]]
    complete: bool  # False when enumeration stopped at MAX_WAYS or MAX_WAY_STEPS


def ways(sop: Sop) -> Ways:
    """Every simple walk (no step twice) from the start to a step with an outcome, by outcome."""
    found: dict[str, list[tuple[str, ...]]] = {}
    if sop.start not in sop.steps:
        return Ways(found, True)
    successors = flow(sop).successors
    budget, count = MAX_WAY_STEPS, 0
    stack = [(sop.start, (sop.start,))]
    while stack:
        step_id, path = stack.pop()
        budget -= 1
        if budget < 0 or count >= MAX_WAYS:
            return Ways(found, False)
        outcome = outcome_of(sop.steps[step_id])
        if outcome:
            found.setdefault(outcome, []).append(path)
            count += 1
            continue
        on_path = set(path)
        for following in reversed(successors.get(step_id, [])):
            if following not in on_path:
                stack.append((following, path + (following,)))
    return Ways(found, True)


def outcome_changes(sop_id: str, old: Sop, new: Sop) -> list[Change]:
    """Outcomes gained or lost, and the ways to each outcome that are new or gone.

    Ways are compared on the steps both sides have: a step added in the middle
    of a walk is reported as a step, not as every walk through it changing.
    """
    before, after = ways(old), ways(new)
    changes = []
    for outcome in before.by_outcome:
        if outcome not in after.by_outcome:
            changes.append(Change("outcome-removed", sop_id, subject=outcome, old=len(before.by_outcome[outcome]), new=0))
    for outcome in after.by_outcome:
        if outcome not in before.by_outcome:
            changes.append(Change("outcome-added", sop_id, subject=outcome, old=0, new=len(after.by_outcome[outcome])))
    if not (before.complete and after.complete):
        return changes
    common = set(old.steps) & set(new.steps)
    for outcome in sorted(set(before.by_outcome) | set(after.by_outcome)):
        was = {_project(p, common): p for p in before.by_outcome.get(outcome, [])}
        now = {_project(p, common): p for p in after.by_outcome.get(outcome, [])}
        for key, path in now.items():
            if key not in was and outcome in before.by_outcome:
                changes.append(Change("way-added", sop_id, path[-1], outcome, None, list(path)))
        for key, path in was.items():
            if key not in now and outcome in after.by_outcome:
                changes.append(Change("way-removed", sop_id, path[-1], outcome, list(path), None))
    return changes


def _project(path: tuple[str, ...], common: set) -> tuple[str, ...]:
    return tuple(step for step in path if step in common)
