"""The check behind unreachable-step (SOP103); what it finds is documented in sopc/codes/docs/unreachable-step.md."""

from sopc.check.finding import Finding
from sopc.model.graph import flow, reachable
from sopc.problems import closest

ID = "SOP103"


def check(sop, corpus, options):
    if sop.start not in sop.steps:
        return
    reached = reached_as_meant(sop)
    if reached is None:
        return
    for step in sop.steps.values():
        if step.id not in reached:
            yield Finding(step.where, f"step `{step.id}` cannot be reached from the start `{sop.start}`: no step leads to it", step.id, key=True)


def reached_as_meant(sop) -> set[str] | None:
    """The steps a walk from `start` reaches, a link to a missing step read as
    the step it most likely meant (the one broken-reference suggests).

    A misspelt `goto` is one mistake, reported by broken-reference; the steps
    only it led to are not reported again as unreachable. When a link names
    nothing close to any step, where it was meant to go is unknown: None, and
    no step is reported.
    """
    graph = flow(sop)
    successors, reached, guessed = None, graph.reachable, set()
    while True:
        broken = [(step_id, edge.target) for step_id, edge in graph.broken
                  if step_id in reached and (step_id, edge.target) not in guessed]
        if not broken:
            return reached
        if successors is None:  # copied only when a guess is added to it
            successors = {step_id: list(targets) for step_id, targets in graph.successors.items()}
        for source, target in broken:
            meant = closest(target, sop.steps)
            if meant is None:
                return None
            successors[source].append(meant)
            guessed.add((source, target))
        reached = reachable([sop.start], successors)
