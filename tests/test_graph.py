"""The shared graph algorithms, on graphs small enough to check by hand and
on one long enough to break a recursive implementation."""

from sopc.model.graph import is_cycle, reachable, reverse, strongly_connected


def as_sets(components):
    return {frozenset(c) for c in components}


def test_reachable_follows_edges_from_every_start():
    graph = {"a": ["b"], "b": ["c"], "c": [], "d": ["a"]}
    assert reachable(["a"], graph) == {"a", "b", "c"}
    assert reachable(["d"], graph) == {"a", "b", "c", "d"}
    assert reachable([], graph) == set()


def test_reverse_turns_every_edge_round():
    assert reverse({"a": ["b", "c"], "b": ["c"], "c": []}) == {"a": [], "b": ["a"], "c": ["a", "b"]}


def test_components_of_two_loops_joined_by_one_edge():
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c"], "e": ["e"], "f": []}
    components = strongly_connected(list(graph), graph)
    assert as_sets(components) == {frozenset("ab"), frozenset("cd"), frozenset("e"), frozenset("f")}
    # Reverse topological order: the loop {c, d} comes before {a, b}, which leads to it.
    order = [frozenset(c) for c in components]
    assert order.index(frozenset("cd")) < order.index(frozenset("ab"))


def test_components_keep_the_order_of_the_nodes_given():
    graph = {"x": ["y"], "y": ["z"], "z": ["x"]}
    assert strongly_connected(["y", "x", "z"], graph) == [["y", "x", "z"]]


def test_components_ignore_nodes_outside_the_subgraph():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"]}
    assert as_sets(strongly_connected(["a", "c"], graph)) == {frozenset("a"), frozenset("c")}


def test_is_cycle_needs_two_nodes_or_a_self_loop():
    graph = {"a": ["a"], "b": []}
    assert is_cycle(["a"], graph)
    assert not is_cycle(["b"], graph)
    assert is_cycle(["a", "b"], graph)


def test_a_long_chain_and_a_long_loop_do_not_hit_the_recursion_limit():
    size = 50_000
    chain = {i: [i + 1] for i in range(size)}
    chain[size] = []
    assert len(strongly_connected(list(chain), chain)) == size + 1
    loop = {i: [(i + 1) % size] for i in range(size)}
    assert [len(c) for c in strongly_connected(list(loop), loop)] == [size]
    assert len(reachable([0], loop)) == size


def test_a_flow_lists_its_links_to_no_step_in_reading_order_and_counts_their_steps_as_exits():
    from sopc.model import Option, Step, Sop
    from sopc.model.graph import flow
    from sopc.load import Document

    steps = {
        "ask": Step("ask", options=[Option("Yes", "gone"), Option("No", "done")]),
        "go": Step("go", next="missing"),
        "done": Step("done", end="resolved"),
    }
    graph = flow(Sop("s", "S", Document("s.yaml", None), steps=steps, start="ask"))
    assert [(step_id, edge.target) for step_id, edge in graph.broken] == [("ask", "gone"), ("go", "missing")]
    assert graph.exits == {"ask", "go", "done"}
    assert graph.successors["ask"] == ["done"]
