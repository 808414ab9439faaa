"""Inputs that once crashed a command: each gets a located problem and exit 1 now."""

import re

import pytest

from compiler.load import MAX_DEPTH, LoadError, load_bytes

VALID_TAIL = b"title: T\nsteps:\n  a: {end: resolved}\n"


def load_codes(raw):
    """The codes of the problems loading `raw` gives (raised or kept), with their positions."""
    try:
        doc = load_bytes(raw, "f.yaml")
    except LoadError as exc:
        return [(p.code, p.line, p.col) for p in exc.problems]
    return [(p.code, p.line, p.col) for p in doc.problems]


@pytest.mark.parametrize("raw", [
    b"sop: " + b"[" * 5000 + b"]" * 5000 + b"\n" + VALID_TAIL,  # once a RecursionError in the loader
    b"sop: x\n" + VALID_TAIL + b"gaps: " + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"\n",
    b"sop: x\n" + VALID_TAIL + b"gaps:\n" + b"".join(b"  " * i + b"- \n" for i in range(MAX_DEPTH + 5)),
])
def test_deep_nesting_is_a_located_problem(raw):
    codes = load_codes(raw)
    assert [c for c, _, _ in codes] == ["SOP005"]
    assert all(line >= 1 and col >= 1 for _, line, col in codes)


def test_nesting_up_to_the_limit_loads():
    depth = MAX_DEPTH - 1  # the document's own mapping is one level
    doc = load_bytes(b"gaps: " + b"[" * depth + b"]" * depth + b"\n", "f.yaml")
    assert doc.problems == []


def test_nesting_too_deep_for_the_yaml_composer_is_refused_without_crashing(tmp_path, sopc):
    # libyaml's composer recurses in C: tens of thousands of levels overflow
    # the stack and kill the process (no exception at all), so this runs in a
    # process of its own.
    source = tmp_path / "deep.yaml"
    source.write_bytes(b"sop: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    done = sopc("check", "--no-cache", source, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert re.search(r"^deep\.yaml:1:\d+: error\[SOP005 ", done.stdout, re.M)
    assert "Traceback" not in done.stderr


def test_an_integer_too_long_for_python_is_a_located_problem():
    # Python refuses to read integers of more than 4,300 digits (a ValueError).
    codes = load_codes(b"sop: x\n" + VALID_TAIL + b"revision: " + b"9" * 5000 + b"\n")
    assert codes == [("SOP013", 5, 11)]
