"""## unbounded-loop (SOP105)

**What it does**: finds loops in the flow that have no `repeat` step and no
`wait` in them, listing the steps of each (one finding per group of steps
that loop among themselves, on its first step in reading order). A loop that
goes back through a `repeat` is bounded by its `max_attempts`; a loop through
a `wait` is paced by it. Loops that are unreachable (unreachable-step) or have
no way out at all (no-way-out) are left to those rules.

**Why is this bad?** Nothing in the procedure says when to stop trying: one
agent calls back twice, another twenty times, and the runtime can loop
forever. Policy belongs in the SOP, as a `repeat` with a maximum.

**Example**

```yaml
steps:
  call_homeowner:
    ask: Did the homeowner answer?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: call_homeowner}
  resolve:
    end: resolved
```

**Use instead**

```yaml
steps:
  call_homeowner:
    ask: Did the homeowner answer?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: call_again}
  call_again:
    repeat: {back_to: call_homeowner, max_attempts: 5, within: 10 business days}
    next: close_no_contact
  resolve:
    end: resolved
  close_no_contact:
    end: closed-no-contact
```
"""

from sopc.model.graph import flow, is_cycle, strongly_connected
from sopc.problems import WARNING, name_list

ID = "SOP105"
SLUG = "unbounded-loop"
SEVERITY = WARNING
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    graph = flow(sop)
    trapped = set(graph.trapped)
    # A loop that avoids every repeat and wait step is a loop of the graph
    # without them, so removing them finds exactly the unbounded loops.
    unpaced = [s for s in graph.order if s in graph.reachable and not sop.steps[s].repeat and not sop.steps[s].wait]
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
