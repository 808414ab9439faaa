"""The check behind broken-reference (SOP100); what it finds is documented in sopc/codes/docs/broken-reference.md."""

from sopc import codes
from sopc.check.finding import Finding
from sopc.model.graph import flow
from sopc.problems import did_you_mean

ID = "SOP100"


def check(sop, corpus, options):
    if sop.start not in sop.steps:
        yield Finding(("start",), f"`start` names no step `{sop.start}`{did_you_mean(sop.start, sop.steps)}")
    for step_id, edge in flow(sop).broken:
        yield Finding(edge.where, f"step `{step_id}` leads to `{edge.target}`, which is not a step of this SOP{did_you_mean(edge.target, sop.steps)}", step_id)
    for step in sop.steps.values():
        if step.input and step.input not in sop.inputs:
            yield Finding(step.where + ("input",), f"decision bound to `{step.input}`, which is not an input of this SOP{did_you_mean(step.input, sop.inputs)}", step.id)
        if step.suppress:
            yield from unknown_suppressions(step.suppress, f"step `{step.id}`", step.id)
    for comparison in sop.comparisons():
        name = comparison.input
        if name not in sop.inputs and "input" in comparison.test:
            yield Finding(comparison.where + ("input",), f"condition on `{name}`, which is not an input of this SOP{did_you_mean(name, sop.inputs)}", comparison.step.id)
    yield from unknown_suppressions(sop.suppress, "the SOP", None)
    if sop.returns is not None:
        for i, fact in enumerate(sop.returns.facts):
            if fact not in sop.inputs:
                yield Finding(sop.returns.where + ("facts", i), f"`returns.facts` names `{fact}`, which is not an input of this SOP{did_you_mean(fact, sop.inputs)}")


def check_across(sop, corpus, options):
    """Hand-offs to ids that no file of the corpus declares."""
    for step in sop.steps.values():
        if step.handoff and not corpus.knows(step.handoff):
            known = list(corpus.sops) + list(corpus.procedures)
            yield Finding(step.where + ("handoff",), f"hand-off to `{step.handoff}`, which is neither an SOP nor a declared procedure{did_you_mean(step.handoff, known)}", step.id)


def unknown_suppressions(suppressions, who: str, step_id: str | None):
    for suppression in suppressions:
        if codes.rule(suppression.rule) is None:
            yield Finding(suppression.where + ("rule",), f"{who} suppresses `{suppression.rule}`, which is not a check rule{did_you_mean(suppression.rule, codes.rule_names())}", step_id)

