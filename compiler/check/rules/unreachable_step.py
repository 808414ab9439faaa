"""## unreachable-step (SOP103)

**What it does**: finds steps that no walk from `start` can reach, following
`next`, options, `then` and `repeat` in every way the flow allows. Each such
step is reported, so two forgotten steps that lead to each other are both
found. When `start` names no step, broken-reference reports that instead.

**Why is this bad?** An unreachable step is either dead text, or a part of the
procedure agents should follow but never will, because no answer leads there.

**Example**

```yaml
steps:
  verify:
    ask: Is the address on file?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: resolve}
  update_address:        # nothing leads here
    next: resolve
  resolve:
    end: resolved
```

**Use instead**

```yaml
steps:
  verify:
    ask: Is the address on file?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: update_address}
  update_address:
    next: resolve
  resolve:
    end: resolved
```
"""

from sopc.model.graph import flow
from sopc.problems import ERROR

ID = "SOP103"
SLUG = "unreachable-step"
SEVERITY = ERROR
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    if sop.start not in sop.steps:
        return
    reached = flow(sop).reachable
    for step in sop.steps.values():
        if step.id not in reached:
            yield Finding(step.where, f"step `{step.id}` cannot be reached from the start `{sop.start}`: no step leads to it", step.id, key=True)
