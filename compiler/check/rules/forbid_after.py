"""The check behind forbid-after (SOP121): path policies of that kind; documented in sopc/codes/docs/forbid-after.md."""

from sopc.check.policy_check import findings

ID = "SOP121"


def check_across(sop, corpus, options):
    yield from findings(sop, corpus, "forbid-after")
