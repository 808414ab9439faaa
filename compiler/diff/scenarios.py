"""The scenarios of changed SOPs, run on both sides, and their flow coverage.

An SOP's scenarios can change outcome because of an SOP it hands off to, so
the SOPs handing off (directly or not) to a changed SOP are run too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sopc.commands.test import measure
from sopc.diff.changes import Change
from sopc.model import Corpus
from sopc.runtime import Bundle, SopcRuntimeError
from sopc.runtime.scenarios import Walk, run_scenario


@dataclass
class Outcome:
    """What one scenario did on one side (None: it could not run there)."""

    passed: bool
    outcome: str | None
    end: str | None
    path: list[str]
    failures: list[str]

    def as_json(self) -> dict:
        return {"passed": self.passed, "outcome": self.outcome, "end": self.end, "path": self.path,
                "failures": self.failures}


def affected(changed: set[str], corpus: Corpus) -> set[str]:
    """The changed SOPs and every SOP of `corpus` that reaches one of them by hand-offs."""
    callers: dict[str, set[str]] = {}
    for sop in corpus.sops.values():
        for step in sop.steps.values():
            if step.handoff:
                callers.setdefault(step.handoff, set()).add(sop.id)
    found, todo = set(changed), list(changed)
    while todo:
        for caller in callers.get(todo.pop(), ()):
            if caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


def run_side(corpus: Corpus, sop_ids) -> tuple[dict[str, dict[str, Outcome]], dict[str, Walk | None]]:
    """Per SOP, each scenario's outcome by name; and the walks, for coverage."""
    from sopc.emit.bundle import ExportError, build_bundle

    results: dict[str, dict[str, Outcome]] = {}
    walks: dict[str, list[Walk]] = {}
    for sop_id in sorted(sop_ids):
        sop = corpus.sops.get(sop_id)
        if sop is None or not sop.scenarios:
            continue
        try:
            bundle = Bundle.load(build_bundle(corpus, sop_id))
        except (ExportError, SopcRuntimeError) as exc:
            reason = str(exc)
            results[sop_id] = {s["name"]: Outcome(False, None, None, [], [f"not runnable: {reason}"]) for s in sop.scenarios}
            continue
        results[sop_id], walks[sop_id] = {}, []
        for scenario in sop.scenarios:
            walk = run_scenario(bundle, sop_id, scenario)
            walks[sop_id].append(walk)
            results[sop_id][scenario["name"]] = Outcome(walk.passed, walk.outcome, walk.end, walk.path, walk.failures)
    return results, walks


def coverage(corpus: Corpus, sop_id: str, walks: list[Walk]) -> dict:
    only = Corpus(sops={sop_id: corpus.sops[sop_id]})
    per_sop, _total = measure(only, walks)
    cover = per_sop[sop_id]
    return {"edges": round(cover.edge_percent, 1), "steps": round(cover.step_percent, 1),
            "edges_walked": cover.edges_covered, "edge_count": cover.edges}


def scenario_changes(base: Corpus, head: Corpus, changed: set[str], renamed: dict[str, str]) -> dict[str, list[Change]]:
    """Per SOP id (of the head), the scenarios whose result differs and the coverage before and after.

    `renamed` maps base ids to head ids, so a renamed SOP's scenarios are
    compared with themselves.
    """
    ids = affected(changed, head) | affected(changed, base)
    before, base_walks = run_side(base, ids)
    after, head_walks = run_side(head, ids)
    before = {renamed.get(k, k): v for k, v in before.items()}
    base_walks = {renamed.get(k, k): v for k, v in base_walks.items()}
    base_ids = {v: k for k, v in renamed.items()}
    found: dict[str, list[Change]] = {}
    for sop_id in sorted(after):
        changes = found.setdefault(sop_id, [])
        was, now = before.get(sop_id, {}), after[sop_id]
        for name, result in now.items():
            changes.extend(_compare(sop_id, name, was.get(name), result))
        if sop_id in base_walks and sop_id in head_walks:
            old_cover = coverage(base, base_ids.get(sop_id, sop_id), base_walks[sop_id])
            new_cover = coverage(head, sop_id, head_walks[sop_id])
            if (old_cover["edges"], old_cover["steps"]) != (new_cover["edges"], new_cover["steps"]):
                changes.append(Change("coverage-changed", sop_id, subject="coverage", old=old_cover, new=new_cover))
    return {k: v for k, v in found.items() if v}


def _compare(sop_id: str, name: str, was: Outcome | None, now: Outcome) -> list[Change]:
    old = was.as_json() if was else None
    if not now.passed and (was is None or was.passed):
        return [Change("scenario-failing", sop_id, None, name, old, now.as_json())]
    if now.passed and was is not None and not was.passed:
        return [Change("scenario-fixed", sop_id, None, name, old, now.as_json())]
    if was is not None and (was.outcome, was.path) != (now.outcome, now.path):
        return [Change("scenario-walk-changed", sop_id, None, name, old, now.as_json())]
    return []
