"""The check behind unhandled-outcome (SOP124); documented in sopc/codes/docs/unhandled-outcome.md."""

from sopc.check.finding import Finding
from sopc.problems import name_list

ID = "SOP124"


def check_across(sop, corpus, options):
    for step in sop.steps.values():
        callee = corpus.sops.get(step.handoff) if step.handoff and step.then else None
        if callee is None or callee.returns is None or not callee.returns.outcomes or step.handles == "any":
            continue
        declared = list(callee.returns.outcomes)
        handled = step.handles or []
        missing = [o for o in declared if o not in handled]
        if missing:
            yield Finding(step.where + (("handles",) if step.handles else ("then",)),
                          f"step `{step.id}` hands off to `{callee.id}`, which may return {name_list(missing)}, and comes "
                          f"back to `{step.then}` without saying that is right for {'it' if len(missing) == 1 else 'them'}; "
                          f"list {'it' if len(missing) == 1 else 'them'} in `handles` (or write `handles: any`), "
                          f"or route {'it' if len(missing) == 1 else 'them'} elsewhere first", step.id, key=bool(step.handles))
        for i, outcome in enumerate(handled):
            if outcome not in declared:
                yield Finding(step.where + ("handles", i), f"step `{step.id}` handles `{outcome}`, which `{callee.id}` "
                              f"does not declare it returns (it declares {name_list(declared)})", step.id)
