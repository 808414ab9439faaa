"""The check behind no-way-out (SOP104); what it finds is documented in sopc/codes/docs/no-way-out.md."""

from sopc.model.graph import flow, strongly_connected
from sopc.problems import name_list
from sopc.check.finding import Finding

ID = "SOP104"


def check(sop, corpus, options):
    for trap in traps(sop):
        first = sop.steps[trap[0]]
        if len(trap) == 1:
            message = f"step `{first.id}` only leads back to itself: no end or final hand-off can be reached from it"
        else:
            names = name_list(trap)
            message = f"steps {names} lead only to each other: no end or final hand-off can be reached from them"
        yield Finding(first.where, message, first.id, key=True)


def traps(sop) -> list[list[str]]:
    """The loops nothing leaves: components of the trapped steps with no edge out.

    Every successor of a trapped step is trapped too, so a component whose
    edges all stay inside it is a loop the walk cannot leave.
    """
    graph = flow(sop)
    found = []
    for component in strongly_connected(graph.trapped, graph.successors):
        members = set(component)
        if all(t in members for s in component for t in graph.successors[s]):
            found.append(component)
    return sorted(found, key=lambda component: sop.steps[component[0]].index)
