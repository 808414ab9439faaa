"""The condition language: comparisons combined with all/any/not.

Evaluation is three-valued: True, False, or None when a fact it needs is
unknown (the runtime then asks). A comparison between values of different
types is False, never an error: the author's condition simply does not hold.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
MEASURES = ("days_since", "business_days_since")


def evaluate(condition: dict, facts: dict, today: date, needs: set | None = None):
    """True, False, or None if unknown; names of missing facts are added to `needs`."""
    needs = needs if needs is not None else set()
    if "all" in condition:
        return _all([evaluate(c, facts, today, needs) for c in condition["all"]])
    if "any" in condition:
        return _any([evaluate(c, facts, today, needs) for c in condition["any"]])
    if "not" in condition:
        inner = evaluate(condition["not"], facts, today, needs)
        return None if inner is None else not inner
    return _compare(condition, facts, today, needs)


def _all(results):
    if False in results:
        return False
    return None if None in results else True


def _any(results):
    if True in results:
        return True
    return None if None in results else False


def _compare(comparison: dict, facts: dict, today: date, needs: set):
    name = comparison["input"]
    if name not in facts:
        needs.add(name)
        return None
    value = facts[name]
    measure = comparison.get("measure")
    if measure:
        value = measured(measure, value, today)
        if value is None:
            return False
    return compare(comparison["op"], value, comparison["value"])


def compare(op: str, value, literal) -> bool:
    if op == "in":
        return any(_same_type(value, item) and value == item for item in literal)
    if not _same_type(value, literal):
        return False
    if op == "eq":
        return value == literal
    if op == "ne":
        return value != literal
    if not _is_number(value):
        return False
    return {"lt": value < literal, "le": value <= literal, "gt": value > literal, "ge": value >= literal}[op]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_type(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if _is_number(a) or _is_number(b):
        return _is_number(a) and _is_number(b)
    return isinstance(a, str) and isinstance(b, str)


def measured(measure: str, value, today: date) -> int | None:
    """Days (or business days) from the date `value` to `today`; None if not a date."""
    since = parse_date(value)
    if since is None:
        return None
    if measure == "days_since":
        return (today - since).days
    return business_days_between(since, today)


def parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def business_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days d with start < d <= end (negative when end is before start)."""
    if end < start:
        return -business_days_between(end, start)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count
