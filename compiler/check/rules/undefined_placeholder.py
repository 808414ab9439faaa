"""The check behind undefined-placeholder (SOP108); what it finds is documented in sopc/codes/docs/undefined-placeholder.md."""

from sopc.check.finding import Finding
from sopc.language import is_input_id
from sopc.problems import did_you_mean

ID = "SOP108"


def check(sop, corpus, options):
    for where, name in sop.template_placeholders():
        if name in sop.inputs:
            continue
        step = where[1] if where[0] == "steps" else None
        if not is_input_id(name):
            yield Finding(where, f"`{{{{ {name} }}}}` is not a placeholder: only a plain input id may stand between the braces", step)
        else:
            yield Finding(where, f"placeholder `{{{{ {name} }}}}` is not an input of this SOP{did_you_mean(name, sop.inputs)}; declare it under `inputs`", step)
