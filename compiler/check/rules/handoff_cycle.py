"""The check behind handoff-cycle (SOP110); what it finds is documented in sopc/codes/docs/handoff-cycle.md."""

from sopc.model.graph import flow, is_cycle, reachable, strongly_connected
from sopc.model import memo
from sopc.problems import name_list
from sopc.check.finding import Finding

ID = "SOP110"


def check_across(sop, corpus, options):
    if corpus.sops.get(sop.id) is not sop:  # a duplicate: duplicate-id reports it
        return
    for step_id, cycle in memo(corpus, "handoff-cycles", lambda: closed_cycles(corpus)).get(sop.id, []):
        step = sop.steps[step_id]
        names = name_list(cycle)
        yield Finding(step.where + ("handoff",), f"hand-off to `{step.handoff}` closes a cycle of SOPs ({names}) none of which reaches an end without handing off again", step_id)


def closed_cycles(corpus) -> dict[str, list[tuple[str, list[str]]]]:
    """For each SOP caught in a hand-off cycle with no way out: (hand-off step, SOPs of the cycle)."""
    handoffs = {sop_id: _reachable_handoffs(sop, corpus) for sop_id, sop in corpus.sops.items()}
    successors = {sop_id: list(dict.fromkeys(s.handoff for s in steps)) for sop_id, steps in handoffs.items()}
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for cycle in strongly_connected(list(corpus.sops), successors):
        if not is_cycle(cycle, successors) or any(_finishes_alone(corpus.sops[s], corpus) for s in cycle):
            continue
        members = set(cycle)
        for sop_id in cycle:
            found[sop_id] = [(step.id, cycle) for step in handoffs[sop_id] if step.handoff in members]
    return found


def _reachable_handoffs(sop, corpus) -> list:
    reached = flow(sop).reachable
    return [step for step in sop.steps.values() if step.id in reached and step.handoff in corpus.sops]


def _finishes_alone(sop, corpus) -> bool:
    """Whether a walk from the start can finish without handing off to an SOP of the corpus."""
    if sop.start not in sop.steps:
        return True  # broken-reference reports it; do not guess
    graph = flow(sop)
    # Hand-off steps to corpus SOPs are where the walk leaves this SOP: stop there.
    passable = {s: ([] if sop.steps[s].handoff in corpus.sops else targets) for s, targets in graph.successors.items()}
    # Dead ends and broken links count as finishing: their own rules report them.
    return any(s in graph.exits and sop.steps[s].handoff not in corpus.sops
               for s in reachable([sop.start], passable))
