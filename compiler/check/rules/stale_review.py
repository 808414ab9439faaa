"""## stale-review (SOP111)

**What it does**: finds an SOP whose `reviewed` date is more than
`max-age-days` days before today (365 unless configured). An SOP without
`reviewed` is not reported.

Options: `max-age-days` (a whole number of days), e.g. in `pyproject.toml`:

```toml
[tool.sopc.rules]
stale-review = { severity = "warning", max-age-days = 180 }
```

**Why is this bad?** Policies, phone numbers and systems change. An SOP nobody
has compared with reality for a long time is likely to send agents the wrong
way, and agents cannot tell.

**Example**

```yaml
sop: rejected-payment-outreach
reviewed: 2021-03-01
```

**Use instead**: review the SOP against how the work is done today, fix what
changed, and update the date.

```yaml
sop: rejected-payment-outreach
reviewed: 2025-02-14
```
"""

from datetime import date

from sopc.problems import WARNING

ID = "SOP111"
SLUG = "stale-review"
SEVERITY = WARNING
OPTIONS: dict = {"max-age-days": 365}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    if not sop.reviewed:
        return
    try:
        reviewed = date.fromisoformat(sop.reviewed)
    except ValueError:  # the schema reports a date that is not a date
        return
    age = (date.today() - reviewed).days
    limit = options["max-age-days"]
    if age > limit:
        yield Finding(("reviewed",), f"last reviewed {age} days ago ({sop.reviewed}), more than the {limit} days allowed; review the SOP and update `reviewed`")
