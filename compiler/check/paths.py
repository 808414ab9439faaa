"""Walks across SOPs, for path policies.

A walk starts at an entry SOP (one no other SOP of the corpus hands off to,
or one none of those reaches) and follows hand-offs into the SOP handed off
to and, when that SOP ends, back to the hand-off's `then`. Policies are
decided by reachability on the flow with the policy's gate removed, never by
listing paths, and each SOP is summarised once ("a walk of it can get from
its start to its end without passing the gate"), so that the work grows
linearly with the size of the corpus: every node is visited a bounded number
of times per policy.

Nodes are step ids, and `(step id, option index)` for the options of a
decision (so that a policy can name an answer, not just a question).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sopc.model.graph import flow

EXIT = object()  # the end of a walk of the SOP: an end, or a hand-off without `then` that ends it


@dataclass
class Walkable:
    """One SOP as walks see it."""

    id: str
    start: str | None
    succ: dict = field(default_factory=dict)  # node -> nodes it goes on to within the SOP
    calls: dict = field(default_factory=dict)  # hand-off node -> (SOP handed off to, `then` node or None)
    exits: set = field(default_factory=set)  # ends, and hand-offs to procedures without `then`


def walkable(sop, corpus, expanded=frozenset()) -> Walkable:
    """The SOP's flow. The options of the decisions in `expanded` (those a policy names an
    answer of) are nodes of their own; other decisions lead straight on: fewer nodes to walk."""
    steps = sop.steps
    # The model's flow graph (which other rules have built already) gives the ways forward;
    # only hand-offs into the corpus (and, with_options, decisions) are walked differently.
    graph = Walkable(sop.id, sop.start if sop.start in steps else None, dict(flow(sop).successors))
    for step in steps.values():
        sid = step.id
        if step.end:
            graph.exits.add(sid)
        elif step.handoff:
            then = step.then if step.then in steps else None
            if step.handoff in corpus.sops:
                graph.succ[sid] = []
                if step.then is None or then is not None:
                    graph.calls[sid] = (step.handoff, then)
            elif step.then is None:
                graph.exits.add(sid)
        elif sid in expanded:
            graph.succ[sid] = [(sid, i) for i in range(len(step.options))]
            for i, option in enumerate(step.options):
                graph.succ[(sid, i)] = [option.goto] if option.goto in steps else []
    return graph


class Walks:
    """For each SOP, the nodes a walk from its start reaches without entering a blocked node.

    A hand-off to another SOP is passed (on to its `then`) once a walk of
    that SOP, with the same nodes blocked, gets from its start to an exit:
    the SOP is then `through`. SOPs are walked on demand; each node once.
    """

    def __init__(self, graphs: dict, blocked):
        self.graphs = graphs
        self.blocked = blocked  # sop id -> set of nodes
        self.seen: dict[str, set] = {}
        self.through: set[str] = set()
        self._waiting: dict[str, list] = {}
        self._queue: deque = deque()

    def walk(self, sop_id: str) -> set:
        self._ensure(sop_id)
        self._run()
        return self.seen[sop_id]

    def _ensure(self, sop_id: str) -> None:
        if sop_id in self.seen:
            return
        self.seen[sop_id] = set()
        start = self.graphs[sop_id].start
        if start is not None:
            self._visit(sop_id, start)

    def _visit(self, sop_id, node) -> None:
        seen = self.seen[sop_id]
        if node not in seen and node not in self.blocked(sop_id):
            seen.add(node)
            self._queue.append((sop_id, node))

    def _run(self) -> None:
        queue, graphs = self._queue, self.graphs
        while queue:
            sop_id, node = queue.popleft()
            graph = graphs[sop_id]
            if node in graph.exits:
                self._mark_through(sop_id)
            call = graph.calls.get(node)
            if call is not None:
                callee = call[0]
                self._ensure(callee)
                if callee in self.through:
                    self._after_call(sop_id, node)
                else:
                    self._waiting.setdefault(callee, []).append((sop_id, node))
            targets = graph.succ[node]
            if targets:
                # `_visit` written out: this is the walk's inner loop, once per edge of every SOP walked.
                seen, blocked = self.seen[sop_id], self.blocked(sop_id)
                for target in targets:
                    if target not in seen and target not in blocked:
                        seen.add(target)
                        queue.append((sop_id, target))

    def _after_call(self, sop_id, node) -> None:
        then = self.graphs[sop_id].calls[node][1]
        if then is None:  # the hand-off ends this SOP once the other one ends
            self._mark_through(sop_id)
        else:
            self._visit(sop_id, then)

    def _mark_through(self, sop_id) -> None:
        if sop_id not in self.through:
            self.through.add(sop_id)
            for caller, node in self._waiting.pop(sop_id, []):
                self._after_call(caller, node)


def entries(graphs: dict) -> list[str]:
    """The SOPs a walk may start at: those no SOP hands off to, then any the walks from those miss."""
    called = {callee for graph in graphs.values() for callee, _then in graph.calls.values()}
    roots = [sop_id for sop_id in graphs if sop_id not in called]
    reached = set(roots)
    queue = deque(roots)
    for sop_id in graphs:  # SOPs only reached through a cycle of hand-offs start walks too
        while queue:
            for callee, _then in graphs[queue.popleft()].calls.values():
                if callee not in reached:
                    reached.add(callee)
                    queue.append(callee)
        if sop_id not in reached:
            roots.append(sop_id)
            reached.add(sop_id)
            queue.append(sop_id)
    return roots


def spread_over_calls(graphs: dict, starts: dict, passes) -> dict:
    """SOP -> (caller, hand-off node) it was first entered from (None for a start), following
    hand-offs at nodes for which `passes(sop_id, node)` holds. Breadth first: the parent is a nearest caller."""
    parents = dict(starts)
    queue = deque(starts)
    while queue:
        sop_id = queue.popleft()
        for node, (callee, _then) in graphs[sop_id].calls.items():
            if callee not in parents and passes(sop_id, node):
                parents[callee] = (sop_id, node)
                queue.append(callee)
    return parents


def shortest(graph: Walkable, sources, targets, allowed=lambda node: True, passes=lambda callee: True):
    """The shortest list of nodes from one of `sources` to one of `targets` (EXIT: an exit) within one SOP,
    entering only `allowed` nodes and passing a hand-off when `passes(callee)`; None if there is none."""
    parents = {}
    queue = deque()
    for source in sources:
        if source is not None and allowed(source) and source not in parents:
            parents[source] = None
            queue.append(source)
    while queue:
        node = queue.popleft()
        if node in targets or (EXIT in targets and _ends(graph, node, passes)):
            path = [node]
            while parents[path[-1]] is not None:
                path.append(parents[path[-1]])
            return path[::-1]
        for target in _next(graph, node, passes):
            if target not in parents and allowed(target):
                parents[target] = node
                queue.append(target)
    return None


def _next(graph: Walkable, node, passes):
    yield from graph.succ[node]
    call = graph.calls.get(node)
    if call is not None and call[1] is not None and passes(call[0]):
        yield call[1]


def _ends(graph: Walkable, node, passes) -> bool:
    if node in graph.exits:
        return True
    call = graph.calls.get(node)
    return call is not None and call[1] is None and passes(call[0])
