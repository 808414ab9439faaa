import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from sopc.runtime import Bundle, RuntimeFormatError
from sopc.runtime.bundle import digest

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "schema" / "runtime.schema.json"


@pytest.fixture
def bundle_data(make_bundle):
    return copy.deepcopy(make_bundle().data)


def resealed(data):
    data["digest"] = digest(data)
    return data


def test_bundle_conforms_to_the_schema(bundle_data):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(bundle_data)) == []


def test_schema_refuses_what_the_runtime_cannot_run(bundle_data):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    step = bundle_data["sops"]["main"]["steps"][1]
    step["decision"]["options"][0]["condition"] = {"input": "plan", "op": "like", "value": "b%"}
    assert list(Draft202012Validator(schema).iter_errors(bundle_data))


def test_conditions_are_normalized(bundle_data):
    options = bundle_data["sops"]["main"]["steps"][1]["decision"]["options"]
    assert options[0]["condition"] == {"input": "plan", "op": "eq", "value": "basic"}
    assert options[0]["otherwise"] is False


def test_durations_are_structured(bundle_data):
    steps = {s["id"]: s for s in bundle_data["sops"]["main"]["steps"]}
    assert steps["pause"]["wait"]["duration"] == {"amount": 2, "unit": "business_days", "text": "2 business days"}
    assert steps["again"]["repeat"]["every"]["unit"] == "days"


def test_tampered_bundle_is_refused(bundle_data):
    bundle_data["sops"]["main"]["steps"][0]["title"] = "Changed by hand"
    with pytest.raises(RuntimeFormatError, match="digest"):
        Bundle.load(bundle_data)


def test_resealed_bundle_with_broken_reference_is_refused(bundle_data):
    bundle_data["sops"]["main"]["steps"][1]["decision"]["options"][0]["goto"] = "nowhere"
    with pytest.raises(RuntimeFormatError, match="nowhere"):
        Bundle.load(resealed(bundle_data))


def test_malformed_bundle_names_the_place(bundle_data):
    del bundle_data["sops"]["main"]["start"]
    with pytest.raises(RuntimeFormatError, match="sops/main"):
        Bundle.load(resealed(bundle_data))


def test_truncated_json_is_refused(bundle_data, tmp_path):
    text = json.dumps(bundle_data)
    path = tmp_path / "bundle.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(RuntimeFormatError, match="JSON"):
        Bundle.load(path)


@pytest.mark.parametrize("key, value", [
    ("format_version", "2.0"), ("min_runtime_version", "1.1"), ("format_version", "one"), ("format", "other"),
])
def test_versions_this_runtime_cannot_run_are_refused(bundle_data, key, value):
    bundle_data[key] = value
    with pytest.raises(RuntimeFormatError):
        Bundle.load(resealed(bundle_data))


def test_newer_minor_version_still_loads_when_runtime_suffices(bundle_data):
    bundle_data["format_version"] = "1.7"
    assert Bundle.load(resealed(bundle_data)).sops


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(RuntimeFormatError):
        Bundle.load(tmp_path / "absent.json")


NODE = shutil.which("node")
AJV = REPO / "node_modules" / "ajv"


@pytest.mark.skipif(not NODE or not AJV.exists(), reason="needs node and `npm ci` (scripts/setup.sh)")
def test_seed_bundle_validates_under_node(tmp_path, seed_corpus, sopc):
    out = tmp_path / "bundle.json"
    assert sopc("export", seed_corpus, "-o", out).returncode == 0
    good = subprocess.run([NODE, "tests/runtime/validate_bundle.mjs", SCHEMA, out], cwd=REPO, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    data["sops"]["rejected-payment-outreach"]["steps"][0]["kind"] = "teleport"
    out.write_text(json.dumps(data), encoding="utf-8")
    bad = subprocess.run([NODE, "tests/runtime/validate_bundle.mjs", SCHEMA, out], cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 1 and "/kind" in bad.stdout


def test_runtime_needs_only_the_standard_library(tmp_path, make_bundle):
    import sys

    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(make_bundle().data), encoding="utf-8")
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in ("yaml", "click", "jinja2", "jsonschema", "mkdocs"))
    code = (f"import sys; {blocked}; from sopc.runtime import Bundle, Session; "
            f"s = Session.start(Bundle.load({str(path)!r}), 'main', {{'plan': 'premium'}}); s.choose('Yes'); print(s.outcome)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "resolved"


ODD_VALUES = [None, True, 0, -1, 2.5, "", "x", "1.0", [], ["x"], {}, {"x": 1}]


def _containers(value, found):
    """Every mapping and list inside a bundle, to mutate one at random."""
    if isinstance(value, (dict, list)):
        found.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            _containers(child, found)
    return found


def _mutated(data, rng):
    data = copy.deepcopy(data)
    target = rng.choice(_containers(data, []))
    if isinstance(target, list):
        if target and rng.random() < 0.5:
            del target[rng.randrange(len(target))]
        else:
            target.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    elif target and rng.random() < 0.4:
        del target[rng.choice(sorted(target))]
    elif target and rng.random() < 0.8:
        target[rng.choice(sorted(target))] = copy.deepcopy(rng.choice(ODD_VALUES))
    else:
        target[rng.choice(["extra", "kind", "op", "unit", "then"])] = copy.deepcopy(rng.choice(ODD_VALUES))
    return data


def test_fast_schema_check_agrees_with_jsonschema_on_valid_and_mutated_bundles(bundle_data):
    import random

    from sopc.runtime.bundle import _fast_checker

    fast = _fast_checker()
    assert fast is not None, "schema/runtime.schema.json no longer compiles: loading falls back to jsonschema alone"
    slow = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert fast(bundle_data) and slow.is_valid(bundle_data)
    rng = random.Random(11)
    invalid = 0
    for i in range(400):
        data = _mutated(bundle_data, rng)
        assert fast(data) == slow.is_valid(data), (i, data)
        invalid += not slow.is_valid(data)
    assert invalid > 100  # the mutations do make invalid bundles


def test_an_invalid_bundle_is_still_explained_where_it_is_wrong(bundle_data):
    bundle_data["sops"]["main"]["steps"][0]["kind"] = "teleport"
    with pytest.raises(RuntimeFormatError, match="sops/main/steps/0"):
        Bundle.load(resealed(bundle_data))


def test_a_loaded_bundle_is_kept_out_of_the_cycle_collector(tmp_path, bundle_data):
    import gc
    import json as json_module

    from sopc.runtime import Bundle as LoadedBundle

    path = tmp_path / "b.json"
    path.write_text(json_module.dumps(bundle_data, ensure_ascii=False), encoding="utf-8")
    was_enabled = gc.isenabled()
    bundle = LoadedBundle.load(path)
    assert gc.isenabled() == was_enabled
    assert gc.get_freeze_count() > 0 and all(o is not bundle.data for o in gc.get_objects())


def test_loading_a_bundle_sets_off_no_scan_by_the_cycle_collector(tmp_path, bundle_data):
    """The collector counts the objects made while it was paused: were the bundle frozen only
    after it was back, the first object made would set off a scan of the whole bundle."""
    import gc
    import json as json_module

    from sopc.runtime import Bundle as LoadedBundle

    for index in range(2000):  # enough objects that a scan would be due
        bundle_data["procedures"][f"p{index}"] = {"id": f"p{index}", "title": "A procedure", "url": None,
                                                  "summary": None, "source": {"path": "p.yaml", "line": 1, "col": 1}}
    path = tmp_path / "b.json"
    path.write_text(json_module.dumps(resealed(bundle_data), ensure_ascii=False), encoding="utf-8")
    scans, was_enabled = [], gc.isenabled()
    gc.enable()
    gc.collect()  # counts from zero: the few objects made before the load pauses the collector set off nothing
    gc.callbacks.append(lambda phase, info: scans.append(info) if phase == "start" else None)
    try:
        LoadedBundle.load(path)
    finally:
        gc.callbacks.pop()
        if not was_enabled:
            gc.disable()
    assert scans == []
