"""Locating from the marks kept while loading gives the same place as the node tree."""

from pathlib import Path

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
