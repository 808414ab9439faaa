from datetime import date, timedelta

import pytest

from sopc.runtime.conditions import business_days_between, evaluate
from sopc.runtime.templates import fill

TODAY = date(2026, 1, 5)  # a Monday


def comparison(op, value, name="x", measure=None):
    cond = {"input": name, "op": op, "value": value}
    if measure:
        cond["measure"] = measure
    return cond


@pytest.mark.parametrize("op, fact, literal, expected", [
    ("eq", "a", "a", True), ("eq", "a", "b", False), ("eq", True, True, True), ("eq", 3, 3.0, True),
    ("ne", "a", "b", True), ("ne", "a", "a", False),
    ("lt", 2, 3, True), ("lt", 3, 3, False), ("le", 3, 3, True), ("le", 4, 3, False),
    ("gt", 4, 3, True), ("gt", 3, 3, False), ("ge", 3, 3, True), ("ge", 2, 3, False),
    ("in", "b", ["a", "b"], True), ("in", "c", ["a", "b"], False), ("in", 2, [1, 2], True),
])
def test_each_operator(op, fact, literal, expected):
    assert evaluate(comparison(op, literal), {"x": fact}, TODAY) is expected


@pytest.mark.parametrize("op, fact, literal", [
    ("eq", "1", 1), ("ne", "1", 1), ("eq", True, 1), ("eq", 1, True), ("lt", "2", 3),
    ("ge", True, 0), ("in", "1", [1, 2]), ("in", True, [1]),
])
def test_type_mismatch_is_false(op, fact, literal):
    assert evaluate(comparison(op, literal), {"x": fact}, TODAY) is False


def test_missing_fact_is_unknown_and_named():
    needs = set()
    assert evaluate(comparison("eq", "a"), {}, TODAY, needs) is None
    assert needs == {"x"}


def test_combinators_are_three_valued():
    known_true = comparison("eq", 1, "a")
    known_false = comparison("eq", 2, "a")
    unknown = comparison("eq", 1, "missing")
    facts = {"a": 1}
    assert evaluate({"all": [known_true, unknown]}, facts, TODAY) is None
    assert evaluate({"all": [known_false, unknown]}, facts, TODAY) is False
    assert evaluate({"any": [known_true, unknown]}, facts, TODAY) is True
    assert evaluate({"any": [known_false, unknown]}, facts, TODAY) is None
    assert evaluate({"not": known_false}, facts, TODAY) is True
    assert evaluate({"not": unknown}, facts, TODAY) is None


def test_days_since_counts_calendar_days():
    cond = comparison("eq", 10, measure="days_since")
    assert evaluate(cond, {"x": "2025-12-26"}, TODAY) is True


def test_business_days_skip_the_weekend():
    friday = "2026-01-02"
    assert evaluate(comparison("eq", 1, measure="business_days_since"), {"x": friday}, TODAY) is True
    assert evaluate(comparison("eq", 3, measure="days_since"), {"x": friday}, TODAY) is True


def test_measure_of_a_non_date_is_false():
    assert evaluate(comparison("ge", 0, measure="days_since"), {"x": "yesterday"}, TODAY) is False
    assert evaluate(comparison("ge", 0, measure="days_since"), {"x": 5}, TODAY) is False


def test_business_days_match_counting_day_by_day():
    def naive(start, end):
        sign, (low, high) = (1, (start, end)) if start <= end else (-1, (end, start))
        days = (low + timedelta(days=n) for n in range(1, (high - low).days + 1))
        return sign * sum(1 for d in days if d.weekday() < 5)

    base = date(2026, 1, 1)
    for a in range(0, 21):
        for b in range(0, 21):
            start, end = base + timedelta(days=a), base + timedelta(days=b)
            assert business_days_between(start, end) == naive(start, end), (start, end)


def test_template_fills_known_facts_and_marks_unknown_ones():
    text = "Hi {{ name }}, {{ vip }} {{count}} {{ missing }} {{ not.an.id }}"
    filled = fill(text, {"name": "Ada", "vip": True, "count": 2.0}, {"missing": "Case number"})
    assert filled == "Hi Ada, yes 2 [Case number] {{ not.an.id }}"
