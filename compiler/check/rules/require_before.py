"""The check behind require-before (SOP120): path policies of that kind; documented in sopc/codes/docs/require-before.md."""

from sopc.check.policy_check import findings

ID = "SOP120"


def check_across(sop, corpus, options):
    yield from findings(sop, corpus, "require-before")
