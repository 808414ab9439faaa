"""The check behind unused-input (SOP109); what it finds is documented in sopc/codes/docs/unused-input.md."""

from sopc.check.finding import Finding
from sopc.check.rules.single_brace_placeholder import single_brace_names

ID = "SOP109"


def check(sop, corpus, options):
    if not sop.inputs:
        return
    # An input written with single braces is meant to be used: single-brace-placeholder says so, once.
    used = sop.used_inputs() | single_brace_names(sop)
    for input_ in sop.inputs.values():
        if input_.id not in used:
            yield Finding(input_.where, f"input `{input_.id}` is declared but no text, decision or condition uses it", key=True)

