"""The check behind undeclared-outcome (SOP123); documented in sopc/codes/docs/undeclared-outcome.md."""

from sopc.check.contracts import possible_outcomes
from sopc.check.finding import Finding
from sopc.problems import name_list

ID = "SOP123"


def check_across(sop, corpus, options):
    if sop.returns is None or not sop.returns.outcomes:
        return
    declared = set(sop.returns.outcomes)
    for outcome, step_ids in possible_outcomes(sop, corpus).items():
        if outcome in declared:
            continue
        for step_id in step_ids:
            step = sop.steps[step_id]
            where = step.where + (("end",) if step.end else ("handoff",))
            how = "ends" if step.end else f"hands off to `{step.handoff}` without `then`, and so ends"
            yield Finding(where, f"step `{step_id}` {how} with `{outcome}`, which `returns.outcomes` does not "
                                 f"declare (it declares {name_list(sop.returns.outcomes)}); declare it, or end otherwise",
                          step_id)
