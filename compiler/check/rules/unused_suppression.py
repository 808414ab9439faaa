"""## unused-suppression (SOP113)

**What it does**: finds a step's `suppress` entry for a rule that reports
nothing on that step. Rules that are turned off are not looked at, and a rule
name that does not exist is reported by broken-reference.

**Why is this bad?** A suppression is a promise that a finding was looked at
and is fine. Once the step changes and the finding is gone, the suppression
stays behind, unexplained, and it would silence a new finding of that rule on
the step that nobody has looked at.

**Example**

```yaml
steps:
  call_again:
    repeat: {back_to: call, max_attempts: 5}
    suppress:
      - rule: unbounded-loop
        reason: The call-back loop is on purpose.
```

The loop is bounded by `max_attempts`, so unbounded-loop finds nothing here.

**Use instead**: remove the suppression.

```yaml
steps:
  call_again:
    repeat: {back_to: call, max_attempts: 5}
```
"""

from sopc.problems import WARNING

ID = "SOP113"
SLUG = "unused-suppression"
SEVERITY = WARNING
OPTIONS: dict = {}


def check(sop, corpus, options):
    # Runs after every other rule (last in RULES), from what they silenced.
    from sopc.check.rules import Finding, find, suppression_use

    use = suppression_use(sop)
    for step in sop.steps.values():
        for i, suppression in enumerate(step.suppress):
            rule = find(suppression.rule)
            if rule is None or rule.ID == ID or rule.ID not in use.ran:
                continue
            if (step.id, rule.ID) not in use.silenced:
                yield Finding(step.where + ("suppress", i, "rule"),
                              f"`{suppression.rule}` reports nothing on step `{step.id}`; remove this suppression",
                              step.id)
