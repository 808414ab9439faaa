"""The check behind unreachable-option (SOP115); what it finds is documented in sopc/codes/docs/unreachable-option.md."""

from sopc.check.finding import Finding

ID = "SOP115"


def check(sop, corpus, options):
    for step in sop.decisions():
        first = next((i for i, option in enumerate(step.options) if option.otherwise), None)
        if first is None or first == len(step.options) - 1:
            continue
        later = step.options[first + 1:]
        shown = ", ".join(f"`{option.label}`" for option in later)
        yield Finding(step.options[first].where + ("otherwise",),
                      f"`otherwise` option `{step.options[first].label}` of `{step.id}` comes before {shown}: "
                      f"a tool that knows the facts takes it whenever no option before it holds, so "
                      f"{'that option is' if len(later) == 1 else 'those options are'} never chosen; "
                      "move the `otherwise` option to the end", step.id, key=True)
