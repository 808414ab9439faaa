"""The check behind unbounded-loop (SOP105); what it finds is documented in sopc/codes/docs/unbounded-loop.md."""

from sopc.model.graph import flow, is_cycle, only_forward, strongly_connected
from sopc.problems import name_list
from sopc.check.finding import Finding

ID = "SOP105"


def check(sop, corpus, options):
    graph = flow(sop)
    # A loop that avoids every repeat and wait step is a loop of the graph
    # without them, so removing them finds exactly the unbounded loops.
    unpaced = [s for s in graph.order if s in graph.reachable and not sop.steps[s].repeat and not sop.steps[s].wait]
    if only_forward(unpaced, graph.successors):
        return
    trapped = set(graph.trapped)
    for component in strongly_connected(unpaced, graph.successors):
        if not is_cycle(component, graph.successors) or all(s in trapped for s in component):
            continue
        first = sop.steps[component[0]]
        if len(component) == 1:
            message = f"step `{first.id}` leads back to itself with no `repeat` or `wait` to limit how often"
        else:
            names = name_list(component)
            message = f"steps {names} loop with no `repeat` or `wait` to limit how often"
        yield Finding(first.where, message, first.id, key=True)
