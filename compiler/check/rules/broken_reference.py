"""## broken-reference (SOP100)

**What it does**: finds a `next`, `goto`, `then`, `back_to`, `start`,
decision `input` or condition `input` naming a step or input this SOP does
not have, a `handoff` naming neither an SOP of the corpus nor a declared
external procedure, and a `suppress` naming no check rule.

**Why is this bad?** An agent following the flow reaches a link that leads
nowhere, in the middle of a call.

**Example**

```yaml
steps:
  verify:
    next: transfr          # no step `transfr`
  escalate:
    handoff: escalating-complaint   # declared as `escalating-complaints`
```

**Use instead**

```yaml
steps:
  verify:
    next: transfer
  escalate:
    handoff: escalating-complaints
```

Declare procedures that live outside the corpus once, in a file with
`procedures:`, and hand off to them by id.
"""

from sopc.language import condition_inputs
from sopc.problems import ERROR, did_you_mean

ID = "SOP100"
SLUG = "broken-reference"
SEVERITY = ERROR
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    if sop.start not in sop.steps:
        yield Finding(("start",), f"`start` names no step `{sop.start}`{did_you_mean(sop.start, sop.steps)}")
    for step in sop.steps.values():
        for edge in step.edges():
            if edge.target not in sop.steps and not (edge.kind == "next" and step.next_is_implicit):
                yield Finding(edge.where, f"step `{step.id}` leads to `{edge.target}`, which is not a step of this SOP{did_you_mean(edge.target, sop.steps)}", step.id)
        if step.handoff and not corpus.knows(step.handoff):
            known = list(corpus.sops) + list(corpus.procedures)
            yield Finding(step.where + ("handoff",), f"hand-off to `{step.handoff}`, which is neither an SOP nor a declared procedure{did_you_mean(step.handoff, known)}", step.id)
        if step.input and step.input not in sop.inputs:
            yield Finding(step.where + ("input",), f"decision bound to `{step.input}`, which is not an input of this SOP{did_you_mean(step.input, sop.inputs)}", step.id)
        for option in step.options:
            if option.when is None:
                continue
            for where, name in condition_inputs(option.when, option.where + ("when",)):
                if name not in sop.inputs:
                    yield Finding(where, f"condition on `{name}`, which is not an input of this SOP{did_you_mean(name, sop.inputs)}", step.id)
        if step.suppress:
            yield from unknown_suppressions(step)


def unknown_suppressions(step):
    from sopc.check.rules import RULES, Finding, find

    for i, suppression in enumerate(step.suppress):
        if find(suppression.rule) is None:
            names = [r.SLUG for r in RULES] + [r.ID for r in RULES]
            yield Finding(step.where + ("suppress", i, "rule"), f"step `{step.id}` suppresses `{suppression.rule}`, which is not a check rule{did_you_mean(suppression.rule, names)}", step.id)

