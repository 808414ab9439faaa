"""The bundle's compact text is byte for byte what Python's json writes,
whichever encoder wrote it; the runtime verifies the digest either way."""

import json
import random

import pytest

from sopc.canonical_json import compact, exact, json_compact
from sopc.runtime import Bundle
from sopc.runtime.bundle import digest

ODD = ["\u0000\u001f\u007f\u2028\u2029\ufeff😀é\"\\/", {"é": 1, "Z": 2, "z": [1, 2.5, None, True]}, -0.0, 2 ** 63 - 1,
       2 ** 64, -(2 ** 63) - 1, "\ud800", 1e16, 1e-5, 5e-324, float("inf"), float("nan"), 0.1, 100.0]


def reference(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("value", ODD, ids=repr)
def test_odd_values_are_written_as_json_writes_them(value):
    assert compact(exact(value)) == reference(value)
    assert json_compact(value) == reference(value)


def test_random_floats_are_written_as_json_writes_them():
    rng = random.Random(5)
    values = [exact(rng.uniform(-1, 1) * 10 ** rng.randint(-12, 24)) for _ in range(20_000)]
    assert compact(values) == reference(values)


def test_a_bundle_with_floats_json_writes_with_an_exponent_is_exported_and_loads(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "sop: a\ntitle: A\ninputs:\n  amount: number\nsteps:\n  ask:\n    ask: How much?\n    input: amount\n"
        "    options:\n      - {label: Huge, goto: huge, when: {gt: 1.0e+16}}\n"
        "      - {label: Tiny, goto: tiny, when: {lt: 1.0e-7}}\n      - {label: Else, goto: done, otherwise: true}\n"
        "  huge:\n    end: escalated\n  tiny:\n    end: referred\n  done:\n    end: resolved\n", encoding="utf-8")
    from sopc.check import check_paths
    from sopc.emit.bundle import export_bundle

    result = check_paths([tmp_path])
    assert not [p for p in result.problems if p.severity == "error"]
    data, text = export_bundle(result.corpus)
    assert "1e+16" in text and "1e-07" in text
    loaded = Bundle.load(text)
    assert loaded.digest == digest(json.loads(text))
