"""The compiled schema checker must give jsonschema's verdict on every document."""

import copy
import random
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from sopc.validate.fastschema import NotCompilable, compile_schema
from sopc.load import load_file
from sopc.validate import KIND_PROCEDURES, KIND_SOP, _fast_check, _validator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402


def verdicts(kind, data):
    return _fast_check(kind)(data), _validator(kind).is_valid(data)


def kind_of(data):
    return KIND_PROCEDURES if "procedures" in data else KIND_SOP


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    generate.generate(12, folder, seed=3, steps=30)
    return [load_file(path).data for path in sorted(folder.glob("*.yaml"))]


def test_the_schema_compiles():
    assert _fast_check(KIND_SOP) is not None
    assert _fast_check(KIND_PROCEDURES) is not None


def test_every_source_file_of_the_repository_gets_the_same_verdict():
    files = [p for p in REPO.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and not
             {"node_modules", "corpus", ".git", "site"} & set(p.relative_to(REPO).parts)]
    checked = 0
    for path in files:
        try:
            data = load_file(path).data
        except Exception:
            continue
        if not isinstance(data, dict) or not ({"sop", "procedures"} & set(data)):
            continue
        fast, slow = verdicts(kind_of(data), data)
        assert fast == slow, path
        checked += 1
    assert checked >= 2


def test_generated_corpus_is_valid_for_both(generated):
    for data in generated:
        assert verdicts(kind_of(data), data) == (True, True)


MUTATIONS = ("delete", "wrong_type", "unknown_key", "bad_string", "empty", "add_flow_key", "number")
ODD_VALUES = (None, True, False, 0, 1, 1.5, -3, 101, "", "x", "Bad Id", "48 hourz", "2026-02-30", "2026-02-03",
              "mailto:a@b.c", "ftp://x", [], ["a", "a"], ["a"], {}, {"eq": 1}, {"all": []}, {"not": {"eq": 1}},
              {"say": "hi"}, {"say": "a", "send": "b"}, {"note": "n", "tip": "t"}, "resolved", "yes", "choice")


def mutate(data, rng: random.Random):
    """A copy of data with one random change somewhere deep inside."""
    data = copy.deepcopy(data)
    containers = []

    def walk(node):
        if isinstance(node, dict):
            containers.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            containers.append(node)
            for value in node:
                walk(value)

    walk(data)
    target = rng.choice(containers)
    how = rng.choice(MUTATIONS)
    if isinstance(target, list):
        if target and how in ("delete", "empty"):
            target.pop(rng.randrange(len(target)))
        else:
            target.append(copy.deepcopy(rng.choice(ODD_VALUES)))
        return data
    keys = list(target)
    if how == "delete" and keys:
        del target[rng.choice(keys)]
    elif how == "unknown_key":
        target[rng.choice(["extra", "nxet", "Title", "values", "when", "otherwise", "then", "ask", "wait", "end"])] = \
            copy.deepcopy(rng.choice(ODD_VALUES))
    elif how == "add_flow_key":
        target[rng.choice(["next", "end", "handoff", "repeat", "options", "input", "value"])] = \
            copy.deepcopy(rng.choice(ODD_VALUES))
    elif keys:
        target[rng.choice(keys)] = copy.deepcopy(rng.choice(ODD_VALUES))
    return data


def test_thousands_of_mutated_documents_get_the_same_verdict(generated):
    rng = random.Random(2024)
    invalid = 0
    for i in range(1000):
        data = mutate(rng.choice(generated), rng)
        if rng.random() < 0.3:
            data = mutate(data, rng)
        fast, slow = verdicts(kind_of(data), data)
        assert fast == slow, (i, data)
        invalid += not slow
    assert invalid > 200  # the mutations do make invalid documents


@pytest.mark.parametrize("schema, valid, invalid", [
    ({"type": "integer"}, [1, 2.0, -5], [1.5, True, "1", None]),
    ({"type": "number", "minimum": 1, "maximum": 3}, [1, 2.5, 3], [0, 3.1, False]),
    ({"const": True}, [True], [1, "true", False]),
    ({"enum": [1, "a"]}, [1, 1.0, "a"], [True, "b", [1]]),
    ({"uniqueItems": True}, [[1, True], ["a", "b"], [], [[1], [True]], [{"a": 1}, {"a": True}]],
     [[1, 1.0], ["a", "a"], [{"a": 1}, {"a": 1}], [[1, "x"], [1.0, "x"]], [False, False]]),
    ({"enum": [[1], {"a": False}]}, [[1], [1.0], {"a": False}], [[True], {"a": 0}, 1]),
    ({"format": "date"}, ["2024-02-29", 5, None], ["2023-02-29", "2024-2-1", "2024-02-29T00:00", "２０２４-01-01",
                                                 "2024-13-01", "2024-01-01\n"]),
    ({"pattern": "^a"}, ["abc", 3], ["bac"]),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, "x"], [{"Ab": 1}]),
    ({"patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": False}, [{"x1": 1}, {}],
     [{"x1": "a"}, {"y": 1}]),
    ({"dependentRequired": {"a": ["b"]}}, [{"a": 1, "b": 2}, {"b": 1}], [{"a": 1}]),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"not": {"required": ["b"]}}},
     [{"a": 1, "b": 1}, {}], [{"a": 1}, {"b": 1}]),
    ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, ["a", 5], ["ab"]),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, ["a", None], [1]),
    ({"$defs": {"t": {"type": "array", "items": {"$ref": "#/$defs/t"}}}, "$ref": "#/$defs/t"},
     [[], [[[]]]], [[1], [[], [2]]]),
    ({"minProperties": 1, "maxProperties": 1}, [{"a": 1}], [{}, {"a": 1, "b": 2}]),
    (False, [], [1, None]),
])
def test_keywords_agree_with_jsonschema(schema, valid, invalid):
    fast = compile_schema(schema)
    slow = Draft202012Validator(schema, format_checker=FormatChecker())
    for value in valid + invalid:
        assert fast(value) == slow.is_valid(value), value
    assert all(fast(v) for v in valid) and not any(fast(v) for v in invalid)


@pytest.mark.parametrize("schema", [
    {"type": "string", "contains": {"const": 1}},
    {"$ref": "https://example.com/other.json"},
    {"$ref": "#/$defs/missing"},
    {"type": "decimal"},
    {"format": "email"},
])
def test_a_schema_it_cannot_follow_is_refused(schema):
    with pytest.raises(NotCompilable):
        compile_schema(schema)


def test_validate_still_explains_what_the_fast_check_refuses(write):
    path = write("bad.yaml", """
        sop: bad
        title: Bad
        steps:
          first:
            end: finished
    """)
    from sopc.validate import validate

    problems = validate(load_file(path))
    assert [p.code for p in problems] == ["SOP013"]
    assert problems[0].line == 5
