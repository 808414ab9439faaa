"""The check behind must-reach (SOP122): path policies of that kind; documented in sopc/codes/docs/must-reach.md."""

from sopc.check.policy_check import findings

ID = "SOP122"


def check_across(sop, corpus, options):
    yield from findings(sop, corpus, "must-reach")
