"""The check behind incomplete-decision (SOP107); what it finds is documented in sopc/codes/docs/incomplete-decision.md."""

from sopc.check.finding import Finding

ID = "SOP107"

_CLOSED_TYPES = ("yesno", "choice")


def check(sop, corpus, options):
    # Each input's values are listed once per SOP, not once per comparison.
    domains = {name: _domain(input_) for name, input_ in sop.inputs.items() if input_.type in _CLOSED_TYPES}
    if not domains:
        return  # only an input with a closed set of values can be compared with a value it cannot take
    for comparison in sop.comparisons():
        allowed = domains.get(comparison.input)
        if allowed is None or "measure" in comparison.test:
            continue
        for at, literal in _literals(comparison):
            if not _member(literal, allowed):
                yield Finding(at, f"{_show(literal)} is not a value of `{comparison.input}`, which takes {_list(allowed)}",
                              comparison.step.id)
    for step in sop.decisions():
        missing = _uncovered(step, domains.get(step.input) if step.input else None)
        if missing:
            yield Finding(step.where + ("options",), f"decision `{step.id}` on `{step.input}` has no option for {_list(missing)} and no `otherwise`", step.id, key=True)


def _domain(input_) -> list | None:
    if input_ is None or input_.type not in _CLOSED_TYPES:
        return None
    return [True, False] if input_.type == "yesno" else list(input_.values)


def _member(value, allowed) -> bool:
    # True == 1 in Python; a yesno value is only ever a boolean.
    return any(type(value) is type(a) and value == a for a in allowed)


def _literals(comparison):
    """(where, literal) for every value a comparison compares its input with by eq, ne or in."""
    test, where = comparison.test, comparison.where
    for op in ("eq", "ne"):
        if op in test:
            yield (where if comparison.option.shorthand else where + (op,)), test[op]
    for i, literal in enumerate(test.get("in", ())):
        yield where + ("in", i), literal


def _uncovered(step, domain) -> list:
    """Values of the bound input no option selects; [] when complete or undecidable."""
    if domain is None or any(o.otherwise for o in step.options):
        return []
    covered: set[int] = set()
    for option in step.options:
        selected = _selects(option.when, step.input, domain)
        if selected is None:
            return []
        covered |= selected
    return [v for i, v in enumerate(domain) if i not in covered]


def _selects(condition, bound, domain) -> set[int] | None:
    """Indexes of the domain values for which the condition holds, or None if that
    depends on more than the bound input."""
    if not isinstance(condition, dict):
        return None
    everything = set(range(len(domain)))
    if "all" in condition or "any" in condition:
        parts = [_selects(c, bound, domain) for c in condition.get("all", condition.get("any"))]
        if any(p is None for p in parts):
            return None
        return set.intersection(*parts) if "all" in condition else set.union(*parts)
    if "not" in condition:
        inner = _selects(condition["not"], bound, domain)
        return None if inner is None else everything - inner
    if condition.get("input", bound) != bound or "measure" in condition:
        return None
    if "eq" in condition or "ne" in condition:
        literal = condition.get("eq", condition.get("ne"))
        equal = {i for i, v in enumerate(domain) if _member(literal, [v])}
        return equal if "eq" in condition else everything - equal
    if "in" in condition:
        return {i for i, v in enumerate(domain) if _member(v, condition["in"])}
    return None


def _show(value) -> str:
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def _list(values) -> str:
    shown = [_show(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
