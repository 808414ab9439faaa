"""## no-way-out (SOP104)

**What it does**: finds loops of reachable steps that, once entered, can
never reach an `end` or a final `handoff` (one without `then`): traps. It works
backwards from every step where a walk may stop, so each step that cannot get
there is found.

One finding is reported per trap, on its first step in reading order, listing
every step of the loop. Steps that only lead into a trap are not reported
separately: fixing the trap fixes them. Steps that are unreachable
(unreachable-step), dead ends (dead-end) or lead to a step that does not exist
(broken-reference) are left to those rules, so one cause gives one finding.

**Why is this bad?** An agent who enters the loop goes round it forever: the
procedure offers no way to finish the contact.

**Example**

```yaml
steps:
  ask_for_account:
    ask: Did the homeowner give the account number?
    options:
      - {label: "Yes", goto: verify}
      - {label: "No", goto: ask_for_account}
  verify:
    ask: Does it match?
    options:
      - {label: "Yes", goto: ask_for_account}
      - {label: "No", goto: ask_for_account}
```

**Use instead**

```yaml
steps:
  ask_for_account:
    ask: Did the homeowner give the account number?
    options:
      - {label: "Yes", goto: verify}
      - {label: "No", goto: ask_for_account}
  verify:
    ask: Does it match?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: escalate}
  resolve:
    end: resolved
  escalate:
    handoff: escalating-complaints
```
"""

from sopc.model.graph import flow, strongly_connected
from sopc.problems import ERROR, name_list

ID = "SOP104"
SLUG = "no-way-out"
SEVERITY = ERROR
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

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
