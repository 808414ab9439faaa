"""Where each path policy is broken, with the shortest path that breaks it.

Each kind is decided by reachability (`sopc.check.paths`), linear in the
size of the corpus:

- require-before (`step` X, `first` Y): X is reached with every Y node
  removed from the flow;
- forbid-after (`step` X, `after` Y): X is reached by a walk that has passed
  a Y node (walks remember one bit: Y passed or not);
- must-reach (`step` X, `reach` Y): from X, with every Y node removed, the
  walk can still finish (reach an end of the SOP it started in). Loops are
  taken to be left eventually: no-way-out reports those that cannot be.

One violation per policy and SOP: at the X node nearest the SOP's start.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sopc.check import paths
from sopc.check.finding import Finding
from sopc.check.policies import all_policies, option_selectors
from sopc.check.paths import EXIT, Walks, shortest, spread_over_calls
from sopc.model.base import memo


@dataclass
class Violation:
    sop: str
    node: object
    path: list = field(default_factory=list)  # (sop id, node), from the walk's start


class Graphs(dict):
    """Every SOP's walkable flow, built when first asked for. Options are nodes only where a
    policy names them, except in the `shown` graphs that counterexamples are drawn on."""

    def __init__(self, corpus, shown: bool = False):
        super().__init__()
        self.corpus, self.shown = corpus, shown

    def __missing__(self, sop_id):
        sop = self.corpus.sops[sop_id]
        if self.shown:
            expanded = {step.id for step in sop.steps.values() if step.options}
        else:
            expanded = {node[0] for selector in option_selectors(self.corpus) for node in selector.nodes(sop)}
        graph = self[sop_id] = paths.walkable(sop, self.corpus, expanded)
        return graph


class Nodes(dict):
    """sop id -> the nodes a selector picks in it, found when first asked for."""

    def __init__(self, corpus, selector):
        super().__init__()
        self.corpus, self.selector = corpus, selector

    def __missing__(self, sop_id):
        found = self[sop_id] = self.selector.nodes(self.corpus.sops[sop_id])
        return found


def graphs_of(corpus) -> Graphs:
    return memo(corpus, "walkable-graphs", lambda: Graphs(corpus))


def shown_graphs(graphs: Graphs) -> Graphs:
    """The graphs paths are shown on: every answer taken is a step of the path."""
    return memo(graphs.corpus, "shown-graphs", lambda: Graphs(graphs.corpus, shown=True))


def plain_walks(graphs) -> Walks:
    """Walks with nothing blocked, shared by every policy that needs them."""
    return memo(graphs.corpus, "plain-walks", lambda: Walks(graphs, lambda sop_id: ()))


def violations(corpus, policy) -> dict[str, Violation]:
    """sop id -> the violation of `policy` found in it."""
    return memo(corpus, ("policy", policy), lambda: _decide(corpus, policy))


def _decide(corpus, policy) -> dict[str, Violation]:
    graphs = graphs_of(corpus)
    if policy.sop is not None:
        starts = [policy.sop] if policy.sop in corpus.sops else []
    else:
        starts = memo(corpus, "walk-entries", lambda: paths.entries({s: graphs[s] for s in corpus.sops}))
    targets = Nodes(corpus, policy.step)
    if not any(targets[sop_id] for sop_id in corpus.sops):  # nothing it is about: nothing to walk
        return {}
    check = {"require-before": _require_before, "forbid-after": _forbid_after, "must-reach": _must_reach}[policy.kind]
    return check(graphs, starts, targets, Nodes(corpus, policy.other))


# -- require-before ---------------------------------------------------------------

def _require_before(graphs, starts, targets, gates) -> dict:
    walks = Walks(graphs, lambda sop_id: gates[sop_id])
    for sop_id in starts:
        walks.walk(sop_id)
    entered = spread_over_calls(graphs, {s: None for s in starts},
                                lambda sop_id, node: node in walks.walk(sop_id))
    found = {}
    for sop_id in entered:
        hit = walks.walk(sop_id) & targets[sop_id]
        if hit:
            shown = shown_graphs(graphs)
            free = lambda node, s=sop_id: node not in gates[s]
            local = shortest(shown[sop_id], [shown[sop_id].start], hit, free, lambda callee: callee in walks.through)
            prefix = _prefix(graphs, entered, sop_id, lambda s, node: shortest(
                shown[s], [shown[s].start], {node}, lambda n: n not in gates[s], lambda c: c in walks.through))
            found[sop_id] = Violation(sop_id, local[-1], prefix + [(sop_id, n) for n in local])
    return found


def _prefix(graphs, parents, sop_id, segment) -> list:
    """(sop, node) from a walk's start to the hand-off that entered `sop_id`, following `parents`."""
    chain = []
    while parents.get(sop_id) is not None:
        caller, node = parents[sop_id]
        chain.append((caller, node))
        sop_id = caller
    path = []
    for caller, node in reversed(chain):
        path.extend((caller, n) for n in segment(caller, node))
    return path


# -- forbid-after -----------------------------------------------------------------

def _forbid_after(graphs, starts, targets, gates) -> dict:
    plain = plain_walks(graphs)
    for sop_id in starts:
        plain.walk(sop_id)
    entered = spread_over_calls(graphs, {s: None for s in starts}, lambda sop_id, node: node in plain.walk(sop_id))
    after = _AfterGate(graphs, plain, gates)
    # Entered with the gate already passed: from a caller's node after the gate, or from an SOP entered so.
    passed = {}
    for sop_id in entered:
        for node, (callee, _then) in graphs[sop_id].calls.items():
            if callee not in passed and node in after.nodes(sop_id):
                passed[callee] = (sop_id, node)
    passed = spread_over_calls(graphs, passed, lambda sop_id, node: node in plain.walk(sop_id))
    found = {}
    for sop_id in set(entered) | set(passed):
        local_hit = after.nodes(sop_id) & targets[sop_id] if sop_id in entered else set()
        entered_hit = plain.walk(sop_id) & targets[sop_id] if sop_id in passed else set()
        if not (local_hit or entered_hit):
            continue
        shown = shown_graphs(graphs)
        graph = shown[sop_id]
        if local_hit:
            local = _through_gate(graph, gates[sop_id], local_hit, plain, after)
            prefix = _prefix(graphs, entered, sop_id, lambda s, n: _plain_path(shown[s], n, plain))
        else:
            local = _plain_path(graph, entered_hit, plain)
            prefix = _passed_prefix(shown, passed, entered, sop_id, plain, after, gates)
        found[sop_id] = Violation(sop_id, local[-1], prefix + [(sop_id, n) for n in local])
    return found


class _AfterGate:
    """For each SOP: the nodes a walk from its start reaches after passing a gate node (context-free)."""

    def __init__(self, graphs, plain: Walks, gates):
        self.graphs, self.plain, self.gates = graphs, plain, gates
        self.seen: dict[str, set] = {}
        self.passes: set[str] = set()  # SOPs a walk may pass a gate in and still end
        self._waiting: dict[str, list] = {}

    def nodes(self, sop_id) -> set:
        if sop_id not in self.seen:
            todo = deque([sop_id])
            self.seen[sop_id] = set()
            while todo:  # a list, not recursion: chains of hand-offs may be long
                self._start(todo.popleft(), todo)
        return self.seen[sop_id]

    def _start(self, sop_id, todo) -> None:
        walked = self.plain.walk(sop_id)
        queue = [(sop_id, node) for node in walked & self.gates[sop_id]]
        for node in queue:
            self.seen[sop_id].add(node[1])
        for node, (callee, _then) in self.graphs[sop_id].calls.items():
            if node in walked:
                if callee not in self.seen:
                    self.seen[callee] = set()
                    todo.append(callee)
                if callee in self.passes:
                    queue.extend(self._resume(sop_id, node))
                else:
                    self._waiting.setdefault(callee, []).append((sop_id, node))
        self._spread(queue)

    def _spread(self, queue) -> None:
        while queue:
            sop_id, node = queue.pop()
            graph = self.graphs[sop_id]
            if node in graph.exits:
                queue.extend(self._mark(sop_id))
            call = graph.calls.get(node)
            if call is not None and call[0] in self.plain.through:
                queue.extend(self._resume(sop_id, node))
            for target in graph.succ[node]:
                if target not in self.seen[sop_id]:
                    self.seen[sop_id].add(target)
                    queue.append((sop_id, target))

    def _resume(self, sop_id, node) -> list:
        then = self.graphs[sop_id].calls[node][1]
        if then is None:
            return self._mark(sop_id)
        if then in self.seen[sop_id]:
            return []
        self.seen[sop_id].add(then)
        return [(sop_id, then)]

    def _mark(self, sop_id) -> list:
        if sop_id in self.passes:
            return []
        self.passes.add(sop_id)
        resumed = []
        for caller, node in self._waiting.pop(sop_id, []):
            resumed.extend(self._resume(caller, node))
        return resumed


def _plain_path(graph, targets, plain: Walks) -> list:
    targets = targets if isinstance(targets, set) else {targets}
    return shortest(graph, [graph.start], targets, passes=lambda callee: callee in plain.through)


def _through_gate(graph, gates, targets, plain: Walks, after: _AfterGate) -> list:
    """The shortest walk in one SOP from its start through a gate node (or a hand-off that passes one) to a target."""
    start = graph.start
    first = (start, start in gates)
    parents = {first: None}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        node, passed = state
        if passed and node in targets:
            path = [node]
            while parents[state] is not None:
                state = parents[state]
                path.append(state[0])
            return path[::-1]
        steps = [(t, passed or t in gates) for t in graph.succ[node]]
        call = graph.calls.get(node)
        if call is not None and call[1] is not None:
            callee, then = call
            if callee in plain.through:
                steps.append((then, passed or then in gates))
            if not passed and callee in after.passes:
                steps.append((then, True))
        for nxt in steps:
            if nxt not in parents:
                parents[nxt] = state
                queue.append(nxt)
    return [start]


def _passed_prefix(graphs, passed, entered, sop_id, plain, after, gates) -> list:
    caller, node = passed[sop_id]
    if caller in passed:
        head = _passed_prefix(graphs, passed, entered, caller, plain, after, gates)
        local = _plain_path(graphs[caller], node, plain)
    else:
        head = _prefix(graphs, entered, caller, lambda s, n: _plain_path(graphs[s], n, plain))
        local = _through_gate(graphs[caller], gates[caller], {node}, plain, after)
    return head + [(caller, n) for n in local]


# -- must-reach -------------------------------------------------------------------

def _must_reach(graphs, starts, targets, gates) -> dict:
    plain = plain_walks(graphs)
    for sop_id in starts:
        plain.walk(sop_id)
    free = _FreeToEnd(graphs, gates)
    # The walks whose way on, after the SOP ends, can finish without a gate node.
    unguarded = spread_over_calls(graphs, {s: None for s in starts}, lambda sop_id, node: (
        node in plain.walk(sop_id) and (graphs[sop_id].calls[node][1] is None
                                        or graphs[sop_id].calls[node][1] in free.nodes(sop_id))))
    found = {}
    for sop_id in unguarded:
        hit = plain.walk(sop_id) & targets[sop_id] & free.nodes(sop_id)
        if not hit:
            continue
        shown = shown_graphs(graphs)
        graph = shown[sop_id]
        to_hit = _plain_path(graph, hit, plain)
        onward = shortest(graph, [to_hit[-1]], {EXIT}, _free_or_unnamed(graphs, free, sop_id),
                          lambda callee: callee in free.through)
        prefix = _prefix(graphs, unguarded, sop_id, lambda s, n: _plain_path(shown[s], n, plain))
        path = prefix + [(sop_id, n) for n in to_hit] + [(sop_id, n) for n in (onward or [])[1:]]
        path += _way_out(graphs, unguarded, sop_id, free)
        found[sop_id] = Violation(sop_id, to_hit[-1], path)
    return found


def _free_or_unnamed(graphs, free, sop_id):
    """On a shown graph: a node free to the end, or an answer no policy names (free if its step is)."""
    compact, found = graphs[sop_id].succ, free.nodes(sop_id)
    return lambda node: node in found or node not in compact


def _way_out(graphs, unguarded, sop_id, free) -> list:
    """After `sop_id` ends: the callers' ways on to their own ends, none passing a gate."""
    path = []
    while unguarded.get(sop_id) is not None:
        caller, node = unguarded[sop_id]
        then = graphs[caller].calls[node][1]
        if then is not None:
            onward = shortest(shown_graphs(graphs)[caller], [then], {EXIT}, _free_or_unnamed(graphs, free, caller),
                              lambda callee: callee in free.through)
            path.extend((caller, n) for n in onward or [then])
        sop_id = caller
    return path


@dataclass(frozen=True)
class _Return:
    """In the predecessors of a hand-off's `then`: the hand-off, passed only through the SOP it hands off to."""

    hand_off: object


class _FreeToEnd:
    """For each SOP: the nodes from which a walk reaches an exit of the SOP without entering a gate node."""

    def __init__(self, graphs, gates):
        self.graphs, self.gates = graphs, gates
        self.seen: dict[str, set] = {}
        self.through: set[str] = set()  # SOPs whose start is free: a walk of them can avoid every gate node
        self._preds: dict[str, dict] = {}
        self._waiting: dict[str, list] = {}

    def nodes(self, sop_id) -> set:
        if sop_id not in self.seen:
            self._todo = deque([sop_id])
            self.seen[sop_id] = set()
            while self._todo:  # a list, not recursion: chains of hand-offs may be long
                self._start(self._todo.popleft())
        return self.seen[sop_id]

    def _start(self, sop_id) -> None:
        graph = self.graphs[sop_id]
        queue = []
        for node in graph.exits:
            queue.extend(self._add(sop_id, node))
        for node, (callee, then) in graph.calls.items():
            if then is None:
                self._when_through(callee, sop_id, node, queue)
        self._spread(queue)

    def _when_through(self, callee, sop_id, node, queue) -> None:
        if callee not in self.seen:
            self.seen[callee] = set()
            self._todo.append(callee)
        if callee in self.through:
            queue.extend(self._add(sop_id, node))
        else:
            self._waiting.setdefault(callee, []).append((sop_id, node))

    def _add(self, sop_id, node) -> list:
        if node in self.seen[sop_id] or node in self.gates[sop_id]:
            return []
        self.seen[sop_id].add(node)
        added = [(sop_id, node)]
        if node == self.graphs[sop_id].start and sop_id not in self.through:
            self.through.add(sop_id)
            for caller, hand_off in self._waiting.pop(sop_id, []):
                added.extend(self._add(caller, hand_off))
        return added

    def _predecessors(self, sop_id) -> dict:
        """Built only for SOPs where some node is free: in many, none is."""
        preds = self._preds.get(sop_id)
        if preds is None:
            graph = self.graphs[sop_id]
            preds = self._preds[sop_id] = {}
            for node, targets in graph.succ.items():
                for target in targets:
                    preds.setdefault(target, []).append(node)
            for node, (_callee, then) in graph.calls.items():
                if then is not None:  # passing the hand-off leads on to `then`
                    preds.setdefault(then, []).append(_Return(node))
        return preds

    def _spread(self, queue) -> None:
        while queue:
            sop_id, node = queue.pop()
            for pred in self._predecessors(sop_id).get(node, ()):
                if isinstance(pred, _Return):
                    self._when_through(self.graphs[sop_id].calls[pred.hand_off][0], sop_id, pred.hand_off, queue)
                else:
                    queue.extend(self._add(sop_id, pred))


# -- findings -----------------------------------------------------------------------

WHAT = {
    "require-before": "reaches {step} without passing {other} first",
    "forbid-after": "reaches {step} after {other}",
    "must-reach": "can go on from {step} to its end without reaching {other}",
}


def findings(sop, corpus, kind: str):
    """The Findings of every policy of `kind` broken in `sop`."""
    for policy in all_policies(corpus, kind):
        found = violations(corpus, policy).get(sop.id)
        if found is None:
            continue
        trace = tuple(_trace_point(corpus, sop_id, node) for sop_id, node in found.path)
        shown = " → ".join(_shown(corpus, sop, point) for point in _shortened(trace))
        what = WHAT[kind].format(step=f"`{_label(sop, found.node)}`", other=policy.other.describe())
        yield Finding(_where(sop, found.node), f"policy `{policy.id}`: {policy.message} (a walk {what}; "
                      f"shortest path: {shown})", _step_id(found.node), key=not isinstance(found.node, tuple),
                      severity=policy.severity, trace=trace)


SHOWN_STEPS = 12  # a longer path is cut in the message (JSON and SARIF carry it whole)


def _shortened(trace) -> list:
    if len(trace) <= SHOWN_STEPS:
        return list(trace)
    head, tail = trace[:4], trace[-(SHOWN_STEPS - 4):]
    return [*head, None, *tail]


def _shown(corpus, sop, point) -> str:
    if point is None:
        return "…"
    sop_id, where, label, key = point
    line = corpus.sops[sop_id].locate(where, key=key)[0]
    return f"{label if sop_id != sop.id else label.split(':', 1)[1]} (line {line})"


def _step_id(node) -> str:
    return node[0] if isinstance(node, tuple) else node


def _where(sop, node) -> tuple:
    if isinstance(node, tuple):
        return sop.steps[node[0]].options[node[1]].where
    return sop.steps[node].where


def _label(sop, node) -> str:
    if isinstance(node, tuple):
        return f"{node[0]} “{sop.steps[node[0]].options[node[1]].label}”"
    return node


def _trace_point(corpus, sop_id, node) -> tuple:
    """(sop id, where, label, at the key?) of one node of a path."""
    sop = corpus.sops[sop_id]
    return sop_id, _where(sop, node), f"{sop_id}:{_label(sop, node)}", not isinstance(node, tuple)
