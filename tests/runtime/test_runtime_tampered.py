"""The reference runtime raises only its documented errors (`SopcRuntimeError`
and its subclasses, docs/runtime.md) on any bundle or saved session, however
malformed: tampered fields, deep nesting, lone surrogates, states that point
nowhere. Mutations are seeded; a failure names the seed that reproduces it.
SOPC_FUZZ_ITERATIONS makes the run longer."""

from __future__ import annotations

import copy
import json
import os
import random
from datetime import date

import pytest

import fuzzing
from conftest import CHAIN, FLOW, HELPER, PROCEDURES, corpus_files
from sopc.check import load_corpus
from sopc.emit.bundle import build_bundle
from sopc.runtime import Bundle, RuntimeFormatError, Session, SessionFormatError, SopcRuntimeError
from sopc.runtime.bundle import digest
from sopc.runtime.session import ENDED, QUESTION, WAITING

ITERATIONS = int(os.environ.get("SOPC_FUZZ_ITERATIONS", "40"))
FIRST_SEED = int(os.environ.get("SOPC_FUZZ_SEED", "0"))
TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def bundle_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flow")
    corpus_files(folder, {"main.yaml": FLOW, "helper.yaml": HELPER, "chain.yaml": CHAIN, "procedures.yaml": PROCEDURES})
    corpus, problems, _ = load_corpus([folder])
    assert not problems
    return build_bundle(corpus)


def resealed(data: dict) -> dict:
    data = dict(data)  # the top level only: the tampering already copied what it changed
    data["digest"] = digest(data) if _encodable(data) else "sha256:" + "0" * 64
    return data


def _encodable(data) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return True
    except (UnicodeError, ValueError, RecursionError):
        return False


def walk_everything(bundle: Bundle, rng: random.Random) -> None:
    """Start every SOP and answer at random until it ends: only documented errors may come out."""
    for sop_id in list(bundle.sops):
        session = Session.start(bundle, sop_id, {}, TODAY)
        drive(session, rng)


def drive(session: Session, rng: random.Random, rounds: int = 60) -> None:
    for _ in range(rounds):
        session.view()
        if session.status == QUESTION:
            options = session.view()["options"]
            session.choose(rng.choice([o["number"] for o in options] + ["no such answer"]) if options else 1)
        elif session.status == WAITING:
            session.resume()
        elif session.status == ENDED:
            break
        else:
            session.resume()
    Session.from_json(session.bundle, session.to_json())


def only_documented_errors(action, *args) -> str | None:
    """None if `action` succeeded or raised a documented error; else what escaped."""
    try:
        action(*args)
    except SopcRuntimeError:
        return None
    except Exception as exc:  # noqa: BLE001  the point is to catch what must not escape
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + ITERATIONS))
def test_tampered_bundles_raise_only_runtime_errors(bundle_data, seed):
    fuzzing.skip_when_out_of_time()
    rng = random.Random(seed)
    data = copy.deepcopy(bundle_data)
    for _ in range(rng.randint(1, 3)):
        data = fuzzing.mutate_data(data, rng)
    data = resealed(data) if rng.random() < 0.8 else data  # mostly resealed: else the digest refuses all

    def load_and_walk():
        walk_everything(Bundle.load(data), rng)

    escaped = only_documented_errors(load_and_walk)
    assert escaped is None, (seed, escaped)


def nested(depth: int):
    value: object = "leaf"
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_BUNDLES = {
    "nested 2,000 deep": lambda data: {**data, "sops": {**data["sops"], "x": nested(2000)}},
    "nested text 100,000 deep": lambda data: '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "lone surrogate in a title": lambda data: _set(data, ["sops", "main", "title"], "A\ud800"),
    "condition on an input no SOP declares": lambda data: _set(
        data, ["sops", "main", "steps", 1, "decision", "options", 0, "condition"],
        {"input": "nobody_declares_this", "op": "eq", "value": "x"}),
    "start at nothing": lambda data: _set(data, ["sops", "main", "start"], "nowhere"),
    "steps not a list": lambda data: _set(data, ["sops", "main", "steps"], {"a": 1}),
    "sops a list": lambda data: _set(data, ["sops"], []),
    "huge number": lambda data: _set(data, ["sops", "main", "steps", 4, "repeat", "max_attempts"], 10 ** 400),
    "nan in a condition": lambda data: _set(data, ["sops", "main", "steps", 1, "decision", "options", 0, "condition"],
                                            {"input": "plan", "op": "lt", "value": float("nan")}),
}


def _set(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("name", sorted(HOSTILE_BUNDLES))
def test_hostile_bundles_are_refused_with_a_runtime_error(bundle_data, name):
    tampered = HOSTILE_BUNDLES[name](bundle_data)
    source = tampered if isinstance(tampered, str) else resealed(tampered)
    if not isinstance(source, str) and _encodable(source):
        source = json.dumps(source, ensure_ascii=False)  # through the JSON reader too, as a file would be
    with pytest.raises(RuntimeFormatError):
        Bundle.load(source)


# -- saved sessions -----------------------------------------------------------------

@pytest.fixture(scope="module")
def saved(bundle_data):
    """Saved states of sessions stopped at a question, a wait, inside a hand-off and at the end."""
    bundle = Bundle.load(bundle_data)
    states = []
    question = Session.start(bundle, "main", {"name": "Ada"}, TODAY)
    states.append(question.to_json())
    question.choose("Basic")
    states.append(question.to_json())  # waiting
    inside = Session.start(bundle, "main", {"plan": "premium"}, TODAY)
    states.append(inside.to_json())  # a question of the SOP handed off to
    inside.choose("Yes")
    states.append(inside.to_json())  # ended
    return bundle, [json.loads(s) for s in states]


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + ITERATIONS))
def test_tampered_sessions_raise_only_runtime_errors(saved, seed):
    bundle, states = saved
    fuzzing.skip_when_out_of_time()
    rng = random.Random(seed)
    state = copy.deepcopy(rng.choice(states))
    for _ in range(rng.randint(1, 3)):
        state = fuzzing.mutate_data(state, rng)

    def restore_and_go_on():
        session = Session.from_json(bundle, json.dumps(state, ensure_ascii=False) if _encodable(state) else state)
        drive(session, rng)
        session.supply("name", "Grace")

    escaped = only_documented_errors(restore_and_go_on)
    assert escaped is None, (seed, escaped)


def _state(states, index, **changes):
    state = copy.deepcopy(states[index])
    state.update(changes)
    return state


HOSTILE_SESSIONS = {
    "pending names an unknown step": lambda s: _state(s, 0, pending={"do": "enter", "step": "nowhere"}),
    "pending does something unknown": lambda s: _state(s, 0, pending={"do": "explode"}),
    "frame at an unknown SOP": lambda s: _state(s, 0, frames=[{"sop": "nowhere", "step": "greet"}]),
    "question at a step that asks nothing": lambda s: _state(s, 0, frames=[{"sop": "main", "step": "greet"}]),
    "waiting without a wait": lambda s: _state(s, 1, waiting=None),
    "ended with frames left": lambda s: _state(s, 3, frames=[{"sop": "main", "step": "done"}]),
    "running with nothing to do": lambda s: _state(s, 0, status="running", pending=None),
    "a fact no SOP declares": lambda s: _state(s, 0, facts={"nobody": 1}),
    "a fact of the wrong type": lambda s: _state(s, 0, facts={"plan": 7}),
    "counters not numbers": lambda s: _state(s, 0, counters={"main": {"again": "many"}}),
    "counter of an unknown step": lambda s: _state(s, 0, counters={"main": {"nowhere": 1}}),
    "negative counter": lambda s: _state(s, 0, counters={"main": {"again": -1}}),
    "log entries not steps": lambda s: _state(s, 0, log=[1, 2]),
    "log at an unknown step": lambda s: _state(s, 0, log=[{**s[0]["log"][0], "step": "nowhere"}]),
    "end at an unknown step": lambda s: _state(s, 3, end={"sop": "main", "step": "nowhere"}),
    "unknown outcome": lambda s: _state(s, 3, outcome="exploded"),
    "today not a date": lambda s: _state(s, 0, today="yesterday"),
    "today nested": lambda s: _state(s, 0, today=nested(3000)),
    "frames nested 3,000 deep": lambda s: _state(s, 0, frames=nested(3000)),
    "lone surrogate in a fact": lambda s: _state(s, 0, facts={"name": "A\ud800"}),
    "edges of unknown steps": lambda s: _state(s, 0, edges=[{"sop": "main", "source": "x", "target": "y", "kind": "next", "label": None}]),
    "decisions not a list": lambda s: _state(s, 0, decisions={"a": 1}),
    "handoffs to nowhere": lambda s: _state(s, 0, handoffs=[{"sop": "main", "step": "sub", "to": "nowhere", "target": "sop"}]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SESSIONS))
def test_hostile_sessions_are_refused_with_a_session_error(saved, name):
    bundle, states = saved
    state = HOSTILE_SESSIONS[name](states)
    with pytest.raises(SessionFormatError):
        Session.from_json(bundle, json.dumps(state, ensure_ascii=False) if _encodable(state) else state)


def test_every_saved_state_of_a_real_walk_is_restored(saved):
    bundle, states = saved
    for state in states:
        restored = Session.from_json(bundle, json.dumps(state))
        assert json.loads(restored.to_json()) == state


def test_a_state_without_an_optional_part_restores_it_as_empty(saved):
    bundle, states = saved
    for state in states:
        for key in ("pending", "waiting", "outcome", "end"):
            partial = {name: value for name, value in state.items() if name != key}
            assert only_documented_errors(Session.from_json, bundle, json.dumps(partial)) is None, key
