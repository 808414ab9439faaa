"""The check behind decision-options (SOP106); what it finds is documented in sopc/codes/docs/decision-options.md."""

from sopc.check.finding import Finding

ID = "SOP106"


def check(sop, corpus, options):
    for step in sop.steps.values():
        if "options" not in step.written:
            continue
        if len(step.options) < 2:
            count = "no options" if not step.options else "only one option"
            yield Finding(step.where + ("options",), f"decision `{step.id}` offers {count}; a decision needs at least two, otherwise use `next`", step.id, key=True)
        labels: dict[str, int] = {}
        targets: dict[str, int] = {}
        for i, option in enumerate(step.options):
            label = option.label.strip().casefold()
            if label in labels:
                yield Finding(option.where + ("label",), f"options {labels[label] + 1} and {i + 1} of `{step.id}` have the same label `{option.label}`", step.id)
            else:
                labels[label] = i
            if option.goto in targets:
                yield Finding(option.where + ("goto",), f"options {targets[option.goto] + 1} and {i + 1} of `{step.id}` both lead to `{option.goto}`", step.id)
            else:
                targets[option.goto] = i
