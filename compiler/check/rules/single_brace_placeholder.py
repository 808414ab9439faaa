"""The check behind single-brace-placeholder (SOP116); what it finds is documented in sopc/codes/docs/single-brace-placeholder.md."""

import re

from sopc.check.finding import Finding

ID = "SOP116"

# `{ name }` not part of `{{ name }}`; linear (no nested repetition).
SINGLE_BRACES = re.compile(r"(?<!\{)\{ *([a-z][a-z0-9_]*) *\}(?!\})")


def check(sop, corpus, options):
    for where, text, is_template in sop.texts():
        if not is_template or "{" not in text:
            continue
        step = where[1] if where[0] == "steps" else None
        for name in dict.fromkeys(SINGLE_BRACES.findall(text)):
            if name in sop.inputs:
                yield Finding(where, f"`{{ {name} }}` has single braces, so it is shown as written; "
                                     f"write `{{{{ {name} }}}}` to fill in the input `{name}`", step)
