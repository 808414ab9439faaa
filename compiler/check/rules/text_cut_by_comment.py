"""The check behind text-cut-by-comment (SOP118); what it finds is documented in sopc/codes/docs/text-cut-by-comment.md."""

import json

from sopc.check.finding import Finding

ID = "SOP118"

# Keys whose values are ids, kinds, durations, dates or literals, never prose:
# a comment after one of them is a comment.
NOT_TEXT = frozenset({"sop", "start", "next", "goto", "then", "handoff", "input", "back_to", "every", "within", "for",
                      "end", "type", "source", "action", "rule", "measure", "reviewed", "today", "outcome", "url",
                      "revision", "eq", "ne", "lt", "le", "gt", "ge", "max_attempts", "required", "otherwise",
                      "value", "step", "first", "after", "reach"})


def check(sop, corpus, options):
    starts = None  # the line each step starts on: located only for an SOP with a cut text
    for cut in sop.cut_texts:
        if cut.key in NOT_TEXT:
            continue
        if starts is None:
            starts = sorted((sop.locate(step.where, key=True)[0], step.id) for step in sop.steps.values())
        lost = cut.cut.split(" # ")[0].rstrip()  # up to a comment written as one, if any follows
        whole = f"{cut.kept} {lost}"
        step = next((step_id for line, step_id in reversed(starts) if line <= cut.line), None)
        yield Finding((), f"`{cut.key}` ends at \"{cut.kept}\": YAML reads ` {lost}` as a comment; "
                          f"if it is part of the text, quote it: `{cut.key}: {json.dumps(whole, ensure_ascii=False)}`",
                      step, at=(cut.line, cut.col))
