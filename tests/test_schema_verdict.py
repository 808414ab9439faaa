"""The quick yes/no verdict (jsonschema-rs) never passes a document that
jsonschema, which explains the errors, rejects; and on real documents the two agree."""

import copy
import random
import sys
from pathlib import Path

import pytest

from sopc.load import load_bytes, load_file
from sopc.validate import KIND_PROCEDURES, KIND_SOP, _passes, _validator, validate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402


def verdicts(data):
    kind = KIND_PROCEDURES if "procedures" in data else KIND_SOP
    return _passes(kind)(data), _validator(kind).is_valid(data)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    generate.generate(12, folder, seed=3, steps=12)
    return [load_file(path).data for path in sorted(folder.glob("*.yaml"))]


def test_every_source_file_of_the_repository_gets_the_same_verdict():
    files = [p for p in REPO.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and not
             {"node_modules", "corpus", ".git", "site", ".venv"} & set(p.relative_to(REPO).parts)]
    checked = 0
    for path in files:
        try:
            data = load_file(path).data
        except Exception:
            continue
        if not isinstance(data, dict) or not ({"sop", "procedures"} & set(data)):
            continue
        quick, explained = verdicts(data)
        assert quick == explained, path
        checked += 1
    assert checked >= 20


def test_generated_corpus_passes_both(generated):
    for data in generated:
        assert verdicts(data) == (True, True)


ODD_VALUES = (None, True, False, 0, 1, 1.5, -3, 101, 2 ** 70, float("inf"), "", "x", "Bad Id", "48 hourz",
              "1 days\n", "evil\n", "2026-02-30", "2026-02-03", "٢٠٢٦-٠٢-٠٣", "mailto:a@b.c", "ftp://x", [],
              ["a", "a"], ["a"], {}, {"eq": 1}, {"all": []}, {"not": {"eq": 1}}, {1: "x"}, {None: "x"},
              {"say": "hi"}, {"say": "a", "send": "b"}, {"note": "n", "tip": "t"}, "resolved", "yes", "choice")
KEYS = ("extra", "nxet", "Title", "values", "when", "otherwise", "then", "ask", "wait", "end", "next", "handoff",
        "repeat", "options", "input", "value", 3, None, True)


def mutate(data, rng: random.Random):
    """A copy of data with one random change somewhere deep inside."""
    data = copy.deepcopy(data)
    containers = []

    def walk(node):
        if isinstance(node, (dict, list)):
            containers.append(node)
            for value in (node.values() if isinstance(node, dict) else node):
                walk(value)

    walk(data)
    target = rng.choice(containers)
    value = copy.deepcopy(rng.choice(ODD_VALUES))
    if isinstance(target, list):
        if target and rng.random() < 0.5:
            target.pop(rng.randrange(len(target)))
        else:
            target.append(value)
    elif target and rng.random() < 0.3:
        del target[rng.choice(list(target))]
    elif target and rng.random() < 0.5:
        target[rng.choice(list(target))] = value
    else:
        target[rng.choice(KEYS)] = value
    return data


def test_no_mutated_document_is_passed_that_jsonschema_rejects(generated):
    rng = random.Random(2024)
    invalid = agreed = 0
    for i in range(600):
        data = mutate(rng.choice(generated), rng)
        if rng.random() < 0.3:
            data = mutate(data, rng)
        quick, explained = verdicts(data)
        assert explained or not quick, (i, data)
        invalid += not explained
        agreed += quick == explained
    assert invalid > 150  # the mutations do make invalid documents
    # Only what JSON cannot hold (`.inf`, keys that are not text) is left to jsonschema alone.
    assert agreed > 560


@pytest.mark.parametrize("text, code", [
    (b"sop: a\ntitle: T\nsteps:\n  s:\n    end: resolved\n    1: x\n", "SOP010"),
    (b"sop: a\ntitle: T\ninputs: {n: number}\nsteps:\n  s:\n    ask: Q\n    input: n\n    options:\n"
     b"      - {label: A, goto: s, value: .inf}\n"
     b"      - {label: B, goto: s, value: 2}\n", None),
    (b"sop: \"evil\\n\"\ntitle: T\nsteps:\n  s:\n    end: resolved\n", "SOP013"),
])
def test_documents_json_cannot_hold_are_decided_by_jsonschema(text, code):
    problems = validate(load_bytes(text, "x.yaml"))
    assert [p.code for p in problems][:1] == ([code] if code else [])
