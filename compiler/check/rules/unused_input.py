"""## unused-input (SOP109)

**What it does**: finds an input declared under `inputs` that nothing uses:
no `{{ placeholder }}` in a text, no decision's `input`, no condition's
`input`.

**Why is this bad?** Agents are asked to gather a fact that changes nothing,
and tools are told to supply it. Often it is a sign of a typo elsewhere, or of
a script that lost the sentence that used it.

**Example**

```yaml
inputs:
  homeowner_name: text
  job_address: text      # used nowhere
steps:
  greet:
    scripts:
      - say: Hello {{ homeowner_name }}.
    end: resolved
```

**Use instead**

```yaml
inputs:
  homeowner_name: text
steps:
  greet:
    scripts:
      - say: Hello {{ homeowner_name }}.
    end: resolved
```
"""

from sopc.problems import WARNING

ID = "SOP109"
SLUG = "unused-input"
SEVERITY = WARNING
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    if not sop.inputs:
        return
    used = sop.used_inputs()
    for input_ in sop.inputs.values():
        if input_.id not in used:
            yield Finding(input_.where, f"input `{input_.id}` is declared but no text, decision or condition uses it", key=True)

