"""The check behind stale-review (SOP111); what it finds is documented in sopc/codes/docs/stale-review.md."""

from datetime import date

from sopc.check.finding import Finding

ID = "SOP111"


def check(sop, corpus, options):
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
