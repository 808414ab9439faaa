"""Graph work shared by the flow rules: reachability, strongly connected
components and the facts about one SOP's flow that several rules need.

Everything here is iterative (a long SOP cannot hit Python's recursion limit)
and linear in steps + edges. `flow(sop)` is computed once per SOP and shared by
every rule that asks for it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sopc.model.base import memo
from sopc.model.steps import dead_end_reason

# -- generic algorithms --------------------------------------------------------

def reachable(starts, successors: dict) -> set:
    """Every node reachable from `starts` (themselves included) by following `successors`."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for following in successors.get(node, ()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def reverse(successors: dict) -> dict:
    """The predecessors of every node: the same graph with its edges turned round."""
    predecessors: dict = {node: [] for node in successors}
    for node, targets in successors.items():
        for target in targets:
            predecessors.setdefault(target, []).append(node)
    return predecessors


def strongly_connected(nodes, successors: dict) -> list[list]:
    """Tarjan's strongly connected components of the graph restricted to `nodes`.

    Edges to nodes outside `nodes` are ignored, so a caller can ask about a
    subgraph without building it. Components come out in reverse topological
    order (a component before every component that leads to it); the nodes of
    a component keep the order of `nodes`.
    """
    nodes = list(nodes)
    order = {node: i for i, node in enumerate(nodes)}
    index: dict = {}
    low: dict = {}
    stack: list = []
    on_stack: set = set()
    components: list[list] = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(successors.get(node, ()))

    for root in nodes:
        if root in index:
            continue
        work = [visit(root)]
        while work:
            node, pending = work[-1]
            for target in pending:
                if target not in order:
                    continue
                if target not in index:
                    work.append(visit(target))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    components.append(_pop_component(node, stack, on_stack, order))
    return components


def _pop_component(root, stack: list, on_stack: set, order: dict) -> list:
    component = []
    while True:
        node = stack.pop()
        on_stack.discard(node)
        component.append(node)
        if node == root:
            return sorted(component, key=order.__getitem__)


def only_forward(nodes, successors: dict) -> bool:
    """Whether every edge between `nodes` leads to a node later in their order.

    Such a graph has no cycle, and this costs one look at each edge: most
    SOPs are written top to bottom, so it spares them the search for loops.
    """
    order = {node: i for i, node in enumerate(nodes)}
    for node, i in order.items():
        for target in successors.get(node, ()):
            if order.get(target, len(order)) <= i:
                return False
    return True


def is_cycle(component: list, successors: dict) -> bool:
    """Whether a strongly connected component holds a cycle (more than one node, or a self-loop)."""
    return len(component) > 1 or component[0] in successors.get(component[0], ())


# -- one SOP's flow ------------------------------------------------------------

@dataclass
class Flow:
    """The facts about an SOP's flow graph that the flow rules share.

    `exits` are the steps where a walk stops, rightly (an end, a final hand-off)
    or because of a problem another rule reports (a dead end, a link to a step
    that does not exist). Counting the latter as ways out keeps no-way-out from
    repeating what dead-end and broken-reference already say. `broken` are
    those links to no step, in reading order.
    """

    order: list[str]
    successors: dict[str, list[str]]
    dead_ends: dict[str, str] = field(default_factory=dict)  # step -> why it is a dead end
    reachable: set[str] = field(default_factory=set)
    exits: set[str] = field(default_factory=set)
    can_finish: set[str] = field(default_factory=set)
    broken: list = field(default_factory=list)  # (step id, Edge) of every way forward to no step

    @property
    def trapped(self) -> list[str]:
        """Reachable steps from which no exit can be reached, in reading order."""
        return [s for s in self.order if s in self.reachable and s not in self.can_finish]


def flow(sop) -> Flow:
    return memo(sop, "flow", lambda: _analyse(sop))


def _analyse(sop) -> Flow:
    # One pass over the steps, each step's edges read once: a corpus has tens
    # of thousands of steps, and every SOP's flow is asked for.
    steps = sop.steps
    result = Flow(list(steps), {})
    for step_id, step in steps.items():
        edges = step.edges()
        targets = [edge.target for edge in edges if edge.target in steps]
        result.successors[step_id] = _unique(targets) if len(targets) > 1 else targets  # most steps have one
        reason = dead_end_reason(step)
        if reason:
            result.dead_ends[step_id] = reason
        if len(targets) < len(edges):
            result.broken.extend((step_id, edge) for edge in edges if edge.target not in steps)
            result.exits.add(step_id)  # a way forward to no step is an exit too (see `Flow`)
        elif reason or step.is_terminal:
            result.exits.add(step_id)
    if sop.start in steps:
        result.reachable = reachable([sop.start], result.successors)
    result.can_finish = reachable(result.exits, reverse(result.successors))
    return result


def _unique(items) -> list:
    return list(dict.fromkeys(items))
