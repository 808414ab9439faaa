"""## decision-options (SOP106)

**What it does**: finds a decision (`ask` with `options`) that offers fewer
than two options, two options with the same label (ignoring case and
surrounding spaces), or two options that lead to the same step.

It is a warning, not an error, even for a single option: the flow still goes
on, so nothing breaks on a call, but the question is a false choice or the
options are hard to tell apart. (A decision with no options at all falls
through to the next step, and is reported here too.)

**Why is this bad?** A question with one answer wastes the agent's time; two
answers labelled alike force a guess; two answers that lead to the same step
usually mean one of them was meant to go elsewhere.

**Example**

```yaml
steps:
  verify:
    ask: Is the caller the homeowner?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "yes", goto: resolve}
```

**Use instead**

```yaml
steps:
  verify:
    ask: Is the caller the homeowner?
    options:
      - {label: "Yes", goto: resolve}
      - {label: "No", goto: ask_for_authorisation}
```

When several input values really lead to the same step, give them one option
with `when: {in: [...]}`.
"""

from sopc.problems import WARNING

ID = "SOP106"
SLUG = "decision-options"
SEVERITY = WARNING
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

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
