"""One numbering of steps: the source's own numbers leave the heading."""

import pytest

from sopc.emit.numbering import heading_title, step_number


@pytest.mark.parametrize("title, shown, source", [
    ("Step 2 - Create a Case in Salesforce", "Create a Case in Salesforce", "Step 2"),
    ("Step 1 (lost in the source)", "Lost in the source", "Step 1"),
    ("Step 3: Type of complaint", "Type of complaint", "Step 3"),
    ("1. Assemble the homeowner's information", "Assemble the homeowner's information", "1."),
    ("A. Homeowner ticket (heading lost)", "Homeowner ticket (heading lost)", "A."),
    ("Check M3 approval", "Check M3 approval", None),
    ("Less than 48 hours since the last update", "Less than 48 hours since the last update", None),
    ("Step 4", "Step 4", None),  # nothing but the number: kept as the title
    ("2024 review", "2024 review", None),
])
def test_the_source_number_leaves_the_heading(title, shown, source):
    assert heading_title(title) == (shown, source)


def test_steps_are_numbered_in_reading_order(corpus_of):
    corpus = corpus_of({"s.yaml": """
        sop: s
        title: S
        steps:
          b: {next: a}
          a: {end: resolved}
        """})
    sop = corpus.sops["s"]
    assert [step_number(sop, step_id) for step_id in ("b", "a")] == [1, 2]
