"""The versioning promise of docs/runtime.md "Versions": a runtime reads any
bundle or saved session of its major version whose minimum it meets, ignores
what it does not know, and refuses a new major naming the version."""

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from sopc.check import load_corpus
from sopc.emit.bundle import build_bundle, build_scenarios
from sopc.runtime import Bundle, RuntimeFormatError, Session, SessionFormatError
from sopc.runtime import session as session_module
from sopc.runtime.bundle import digest
from sopc.runtime.scenarios import run_scenario
from sopc.runtime.versions import FORMAT_VERSION, MIN_RUNTIME_VERSION, SESSION_VERSION
from sopc.schemas import RUNTIME_SCHEMA

KEYED_BY_ID = ("sops", "procedures")  # maps whose keys are ids, not fields: a new key there is a new SOP


def with_keys_everywhere(value, parent_key=None):
    """A copy with an unknown key added to every object of the document (as a newer minor version might)."""
    if isinstance(value, list):
        return [with_keys_everywhere(item) for item in value]
    if not isinstance(value, dict):
        return value
    copied = {key: with_keys_everywhere(item, key) for key, item in value.items()}
    if parent_key not in KEYED_BY_ID:
        copied["added_in_1_7"] = {"note": "a later minor version", "list": [1, 2]}
    return copied


def newer_minor(data: dict) -> dict:
    newer = with_keys_everywhere(copy.deepcopy(data))
    newer.update(format_version="1.7", min_runtime_version=MIN_RUNTIME_VERSION)
    newer["digest"] = digest(newer)
    return newer


def resealed(data: dict, **changes) -> dict:
    data = {**copy.deepcopy(data), **changes}
    data["digest"] = digest(data)
    return data


@pytest.fixture
def seed(seed_corpus):
    corpus, problems, _ = load_corpus([seed_corpus])
    assert not problems
    data = build_bundle(corpus)
    return data, build_scenarios(corpus, data)["scenarios"]


def transcript(bundle, scenario):
    walk = run_scenario(bundle, scenario["sop"], scenario)
    return walk.failures, walk.path, walk.records, walk.scripts, walk.outcome, walk.end


def test_exporter_writes_the_version_this_runtime_implements(seed):
    data, _ = seed
    assert (data["format_version"], data["min_runtime_version"]) == (FORMAT_VERSION, MIN_RUNTIME_VERSION)


def test_the_schema_is_open_for_what_a_newer_minor_version_adds(seed):
    data, _ = seed
    schema = json.loads(RUNTIME_SCHEMA.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(newer_minor(data))) == []


def test_a_1_0_runtime_walks_a_1_7_bundle_that_adds_keys_everywhere(seed):
    data, scenarios = seed
    newer = newer_minor(data)
    assert "added_in_1_7" in newer["sops"]["rejected-payment-outreach"]["steps"][1]["decision"]["options"][0]
    current, later = Bundle.load(data), Bundle.load(newer)
    assert scenarios
    for scenario in scenarios:
        walked = transcript(later, scenario)
        assert walked[0] == [], (scenario["name"], walked[0])
        assert walked == transcript(current, scenario)


def test_a_1_0_runtime_walks_a_1_7_bundle_with_new_keys_in_conditions(make_bundle):
    newer = newer_minor(make_bundle().data)
    condition = newer["sops"]["main"]["steps"][1]["decision"]["options"][0]["condition"]
    assert condition["input"] == "plan" and "added_in_1_7" in condition
    session = Session.start(Bundle.load(newer), "main", {"plan": "premium"})
    assert session.path[-1] == ("helper", "check") and session.decisions[0]["by"] == "facts"


@pytest.mark.parametrize("changes, named", [
    ({"format_version": "2.0", "min_runtime_version": "2.0"}, "2.0"),
    ({"format_version": "2.0", "min_runtime_version": "1.0"}, "2.0"),
    ({"format_version": "0.9", "min_runtime_version": "0.9"}, "0.9"),
    ({"format_version": "1.7", "min_runtime_version": "1.3"}, "1.3"),
    ({"format_version": "1.7", "min_runtime_version": "2.0"}, "2.0"),
    ({"format_version": "1.x"}, "1.x"),
])
def test_a_bundle_this_runtime_cannot_run_is_refused_naming_the_version(seed, changes, named):
    data, _ = seed
    with pytest.raises(RuntimeFormatError) as error:
        Bundle.load(resealed(data, **changes))
    assert named in str(error.value) and FORMAT_VERSION in str(error.value)


def saved_state(make_bundle):
    bundle = make_bundle()
    session = Session.start(bundle, "main", {"plan": "basic", "name": "Ada"})
    session.resume()
    return bundle, session, json.loads(session.to_json())


def test_a_saved_session_carries_its_own_version_and_minimum(make_bundle):
    _, _, state = saved_state(make_bundle)
    assert state["format"] == "sopc-session"
    assert state["format_version"] == SESSION_VERSION and state["min_runtime_version"] == "1.0"


def test_a_newer_minor_saved_session_with_added_keys_is_restored(make_bundle):
    bundle, session, state = saved_state(make_bundle)
    newer = {**state, "format_version": "1.4", "added_in_1_4": {"x": 1}}
    restored = Session.from_json(bundle, json.dumps(newer))
    for walk in (session, restored):
        walk.choose("Yes")
    assert (restored.outcome, restored.path) == (session.outcome, session.path) == ("resolved", session.path)


@pytest.mark.parametrize("changes, named", [
    ({"format_version": "2.0"}, "2.0"),
    ({"format_version": "1.3", "min_runtime_version": "1.2"}, "1.2"),
    ({"format_version": "one"}, "one"),
])
def test_a_saved_session_this_runtime_cannot_restore_is_refused_naming_the_version(make_bundle, changes, named):
    bundle, _, state = saved_state(make_bundle)
    with pytest.raises(SessionFormatError) as error:
        Session.from_json(bundle, json.dumps({**state, **changes}))
    assert named in str(error.value)


def test_a_saved_session_older_than_the_oldest_version_restored_is_refused(make_bundle, monkeypatch):
    bundle, _, state = saved_state(make_bundle)
    monkeypatch.setattr(session_module, "SESSION_VERSION", "1.3")
    monkeypatch.setattr(session_module, "MIN_SESSION_VERSION", "1.2")
    with pytest.raises(SessionFormatError) as error:
        Session.from_json(bundle, json.dumps(state))
    assert "1.0" in str(error.value) and "1.2" in str(error.value)
    assert Session.from_json(bundle, json.dumps({**state, "format_version": "1.2"})).status == "question"
