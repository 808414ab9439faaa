"""Locating from the marks kept while loading gives the same place as the node tree."""

from pathlib import Path

import yaml

from sopc.load import LoadError, load_bytes

REPO = Path(__file__).resolve().parent.parent

ODD = b"""sop: odd
title: Odd
tags: [a, b]
steps:
  first:
    do: x
  first:
    do: duplicate
  second: &shared
    do: y
  third: *shared
  "quoted key": {do: z}
  ? [not, plain]
  : 1
"""


def paths(data, prefix=(), depth=3):
    """Every path into `data`, up to `depth` parts, and a few that leave it."""
    yield prefix
    yield prefix + ("absent",)
    if len(prefix) >= depth:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, prefix + (key,), depth)
    elif isinstance(data, list):
        yield prefix + (len(data),)
        for index, value in enumerate(data):
            yield from paths(value, prefix + (index,), depth)


def documents():
    sources = sorted((REPO / "sops").glob("*.yaml")) + sorted((REPO / "tests" / "language" / "valid").glob("*.yaml"))
    assert sources
    for path in sources:
        try:
            yield load_bytes(path.read_bytes(), str(path))
        except LoadError:
            continue
    yield load_bytes(ODD, "odd.yaml")


def test_marks_answer_as_the_node_tree_does():
    compared = 0
    for doc in documents():
        assert doc.marks, doc.path
        fresh = load_bytes(doc.text.encode("utf-8"), doc.path)
        fresh.marks = {}  # force the node tree
        for path in paths(doc.data):
            for key in (False, True):
                assert doc.locate(path, key=key) == fresh.locate(path, key=key), (doc.path, path, key)
                compared += 1
    assert compared > 200


def test_shallow_paths_are_located_without_composing_the_tree_again():
    doc = load_bytes(ODD, "odd.yaml")
    assert doc.locate(("steps", "second"), key=True) == (9, 3)
    assert doc.locate(("steps", "first")) == (6, 5)  # the first of two duplicate keys
    assert doc.locate(("tags", 1)) == (3, 11)
    assert doc._root is None
    assert doc.locate(("steps", "first", "do")) == (6, 9)
    assert doc._root is not None


# Every type YAML 1.1 implies from a plain scalar's text, prose around them,
# and texts that look like one type but are another.
IMPLIED_SAMPLES = ["yes", "No", "off", "true", "~", "null", "", "12", "-0x1F", "0o17", "1_000", "190:20:30",
                   "3.5", ".inf", "-.5e3", "a b", "Call the homeowner", "yes please", "1 2", "12 days",
                   "2002-12-14 is the day", "\u0663 x", "N"]
DATES = ["2002-12-14", "2001-12-14 21:59:43.10 -5", "2001-12-14t21:59:43.10-05:00"]


def test_a_plain_scalar_is_read_as_pyyaml_reads_it():
    for text in IMPLIED_SAMPLES:
        source = f"sop: x\nvalue: {text}\n"
        expected = yaml.safe_load(source)["value"]
        read = load_bytes(source.encode(), "x.yaml").data["value"]
        assert (type(read), read) == (type(expected), expected), text


def test_a_date_stays_the_text_written():
    for text in DATES:
        assert load_bytes(f"sop: x\nvalue: {text}\n".encode(), "x.yaml").data["value"] == text


def test_merge_and_value_keys_are_reported_not_read():
    for text in ("<<", "="):
        doc = load_bytes(f"sop: x\nvalue: {text}\n".encode(), "x.yaml")
        assert [p.code for p in doc.problems] == ["SOP005"] and doc.data["value"] is None
