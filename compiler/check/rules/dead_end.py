"""## dead-end (SOP102)

**What it does**: finds a step that is not an end and has no way forward: the
last step written with no `next`, `options`, `end`, `handoff` or `repeat`
(only the last step can fall through to nothing), and a `repeat` with nowhere
to go once its attempts are used up (no `next` and no step written after it).

Every dead end is reported, reachable or not: it is a fault of the step itself.

**Why is this bad?** The agent finishes the step and the procedure simply
stops: nobody knows whether the case is resolved, pending or lost, and the
runtime cannot tell how the walk ended.

**Example**

```yaml
steps:
  call_homeowner:
    ask: Did the homeowner answer?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: try_again}
  resolve:
    end: resolved
  try_again:
    repeat: {back_to: call_homeowner, max_attempts: 5}
    # last step: where do we go after the fifth attempt?
```

**Use instead**

```yaml
  try_again:
    repeat: {back_to: call_homeowner, max_attempts: 5}
    next: close_no_contact
  close_no_contact:
    end: closed-no-contact
```
"""

from sopc.model.graph import flow
from sopc.problems import ERROR

ID = "SOP102"
SLUG = "dead-end"
SEVERITY = ERROR
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    for step_id, reason in flow(sop).dead_ends.items():
        step = sop.steps[step_id]
        if reason == "repeat-exhausted":
            yield Finding(step.repeat.where, f"step `{step_id}` repeats, but has nowhere to go once its {step.repeat.max_attempts} attempts are used up; add `next`", step_id, key=True)
        else:
            yield Finding(step.where, f"step `{step_id}` is the last step and has no way forward; end it with `end`, `handoff` or `next`", step_id, key=True)
