"""`sopc diff`: two versions of a corpus compared as models, by stable ids.

    from sopc.diff import diff_sides
    from sopc.diff.render import render

    report = diff_sides("origin/main", None, ["sops"])   # None: the working tree
    print(render(report, "markdown"))

`sides` loads each side (a git revision, the working tree, a file or a
folder), `changes` compares the models, `effects` and `scenarios` add what
the changes do to the flow, `describe` words each change once for `text` and
`markdown` (with `mermaid` for the flowcharts), and `json_format` writes them
for tools.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field

from sopc.diff.changes import KINDS, Change, SopDiff, compare_corpora
from sopc.diff.effects import flow_effects, lost_handoff_targets
from sopc.diff.scenarios import scenario_changes
from sopc.diff.sides import Side, SideError, load_side
from sopc.problems import Problem

# --fail-on names: a kind of change, or one of these groups of kinds.
FAIL_GROUPS = {
    "any": set(KINDS),
    "unreachable": {"step-unreachable", "end-unreachable"},
    "outcome-removed": {"outcome-removed"},
    "removed": {"sop-removed", "step-removed", "option-removed", "outcome-removed"},
    "scenario": {"scenario-failing"},
    "missing-target": {"target-missing"},
}
FAIL_CONDITIONS = sorted(set(FAIL_GROUPS) | set(KINDS) | {"problems"})

__all__ = ["Report", "diff_sides", "SideError", "FAIL_CONDITIONS", "KINDS", "Change", "SopDiff"]


@dataclass
class Report:
    base: Side
    head: Side
    sops: list[SopDiff] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.base.problems + self.head.problems

    @property
    def changes(self) -> list[Change]:
        return [change for diff in self.sops for change in diff.changes]

    def kinds(self) -> set[str]:
        return {change.kind for change in self.changes}

    def failing(self, conditions) -> list[str]:
        """The --fail-on conditions this report meets."""
        met = []
        kinds = self.kinds()
        for condition in conditions:
            if condition == "problems":
                if self.problems:
                    met.append(condition)
            elif kinds & FAIL_GROUPS.get(condition, {condition}):
                met.append(condition)
        return met


def diff_sides(base: str, head: str | None, sources: list[str]) -> Report:
    """Compare two sides; SideError if one cannot be read at all (a usage mistake)."""
    with tempfile.TemporaryDirectory(prefix="sopc-diff-") as scratch:
        report = Report(load_side(base, sources, scratch), load_side(head, sources, scratch))
        report.sops = compare_corpora(report.base, report.head)
        add_effects(report)
    return report


def add_effects(report: Report) -> None:
    """The flow effects and scenario results of every SOP that changed."""
    head_ids = {diff.id for diff in report.sops if diff.head is not None}
    base_ids = {diff.old_id or diff.id for diff in report.sops if diff.base is not None}
    by_id = {diff.id: diff for diff in report.sops}
    base, head = report.base.corpus, report.head.corpus
    for diff in report.sops:
        if diff.status != "not-compared":
            diff.changes.extend(flow_effects(diff, base, head))
    renamed = {diff.old_id: diff.id for diff in report.sops if diff.old_id}
    found = [lost_handoff_targets(base, head, set(by_id)), scenario_changes(base, head, head_ids | base_ids, renamed)]
    for effects in found:
        for sop_id, changes in effects.items():
            diff = by_id.get(sop_id)
            if diff is None:  # unchanged itself, but hands off to a changed or missing SOP
                diff = by_id[sop_id] = SopDiff(sop_id, "affected", base.sops.get(sop_id), head.sops.get(sop_id))
                report.sops.append(diff)
            diff.changes.extend(changes)
    report.sops.sort(key=lambda d: d.id)
