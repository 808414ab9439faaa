"""The check behind unreachable-step (SOP103); what it finds is documented in sopc/codes/docs/unreachable-step.md."""

from sopc.model.graph import flow
from sopc.check.finding import Finding

ID = "SOP103"


def check(sop, corpus, options):
    if sop.start not in sop.steps:
        return
    reached = flow(sop).reachable
    for step in sop.steps.values():
        if step.id not in reached:
            yield Finding(step.where, f"step `{step.id}` cannot be reached from the start `{sop.start}`: no step leads to it", step.id, key=True)
