"""## undefined-placeholder (SOP108)

**What it does**: finds a `{{ placeholder }}` in a script, instruction,
callout or record field that is not one of the SOP's `inputs`, or that is not
a plain input id.

**Why is this bad?** The agent reads the script aloud with a hole in it, or a
ticket is filed with a literal `{{ homeowner_nmae }}` in its summary.

**Example**

```yaml
inputs:
  homeowner_name: text
steps:
  greet:
    scripts:
      - say: Hello {{ homeowner }}, ...
```

**Use instead**

```yaml
steps:
  greet:
    scripts:
      - say: Hello {{ homeowner_name }}, ...
```
"""

from sopc.language import is_input_id
from sopc.problems import ERROR, did_you_mean

ID = "SOP108"
SLUG = "undefined-placeholder"
SEVERITY = ERROR
OPTIONS: dict = {}

def check(sop, corpus, options):
    from sopc.check.rules import Finding

    for where, name in sop.template_placeholders():
        if name in sop.inputs:
            continue
        step = where[1] if where[0] == "steps" else None
        if not is_input_id(name):
            yield Finding(where, f"`{{{{ {name} }}}}` is not a placeholder: only a plain input id may stand between the braces", step)
        else:
            yield Finding(where, f"placeholder `{{{{ {name} }}}}` is not an input of this SOP{did_you_mean(name, sop.inputs)}; declare it under `inputs`", step)
