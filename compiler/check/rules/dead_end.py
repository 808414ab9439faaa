"""The check behind dead-end (SOP102); what it finds is documented in sopc/codes/docs/dead-end.md."""

from sopc.model.graph import flow
from sopc.check.finding import Finding

ID = "SOP102"


def check(sop, corpus, options):
    for step_id, reason in flow(sop).dead_ends.items():
        step = sop.steps[step_id]
        if reason == "repeat-exhausted":
            yield Finding(step.repeat.where, f"step `{step_id}` repeats, but has nowhere to go once its {step.repeat.max_attempts} attempts are used up; add `next`", step_id, key=True)
        else:
            yield Finding(step.where, f"step `{step_id}` is the last step and has no way forward; end it with `end`, `handoff` or `next`", step_id, key=True)
