"""The step table is the one description of a step: it agrees with the
schema, and the model, graph, site and bundle follow it."""

import json
from pathlib import Path

from sopc.check import check_paths
from sopc.emit import flowchart, markdown
from sopc.emit.bundle import build_bundle
from sopc.model.steps import GOES_ON, KINDS, PROPERTIES, Step, dead_end_reason, kind_of
from sopc.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

VALID = Path(__file__).parent / "language" / "valid"


def _schema(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_every_step_key_of_the_schema_is_in_the_table_and_no_other():
    step_schema = _schema(SOP_SCHEMA)["$defs"]["step"]
    assert set(PROPERTIES) == set(step_schema["properties"])


def test_the_keys_a_step_goes_on_by_are_the_ones_the_schema_lets_a_step_have_one_of():
    exclusive = {key for branch in _schema(SOP_SCHEMA)["$defs"]["step"]["not"]["anyOf"]
                 for key in branch["required"]} - {"wait"}  # a wait may not end: not a way on
    assert set(GOES_ON) == exclusive


def test_every_bundle_key_of_the_table_is_a_step_key_of_the_runtime_schema():
    runtime_step = _schema(RUNTIME_SCHEMA)["$defs"]["step"]
    bundled = {prop.bundle for prop in PROPERTIES.values() if prop.bundle} | {"id", "kind", "source"}
    assert bundled == set(runtime_step["properties"])


def test_each_kind_is_named_and_drawn_from_the_table():
    for kind in KINDS.values():
        assert markdown.KIND_WORDS[kind.name] == kind.word
        assert flowchart.SHAPES[kind.name] == kind.shape and flowchart.FILLS[kind.name] == kind.fill
    assert [item for item, _word in markdown.LEGEND][:-1] == list(KINDS)


def test_kind_is_decided_by_the_way_on_before_the_wait():
    assert kind_of(Step("s", wait=object(), options=[object()])).name == "decision"
    assert kind_of(Step("s", wait=object(), handoff="x")).name == "handoff"
    assert kind_of(Step("s", wait=object(), next="t")).name == "wait"
    assert kind_of(Step("s", next="t")).name == "action"


def test_dead_ends_come_from_the_kind():
    assert dead_end_reason(Step("s")) == "no-next"
    assert dead_end_reason(Step("s", repeat=object())) == "repeat-exhausted"
    assert dead_end_reason(Step("s", end="resolved")) is None
    assert dead_end_reason(Step("s", handoff="x")) is None


def test_the_bundle_holds_every_bundled_property_of_every_step_in_the_model():
    corpus = check_paths([VALID]).corpus
    bundle = build_bundle(corpus)
    for sop_id, sop in corpus.sops.items():
        exported = {step["id"]: step for step in bundle["sops"][sop_id]["steps"]}
        for step in sop.steps.values():
            data = exported[step.id]
            assert data["kind"] == step.kind
            # The bundle's `next` is the model's way forward of kind next, and nothing else.
            nexts = [edge.target for edge in step.edges() if edge.kind == "next"]
            assert data["next"] == (nexts[0] if nexts else None)
            for prop in PROPERTIES.values():
                if prop.bundle and prop.serialize is None:
                    assert data[prop.bundle] == getattr(step, prop.key)


def test_a_repeat_step_goes_back_first_then_on_once_attempts_are_used_up():
    sop = check_paths([VALID]).corpus.sops["every-construct"]
    repeating = next(step for step in sop.steps.values() if step.repeat and step.next)
    assert [edge.kind for edge in repeating.edges()] == ["repeat", "next"]
    assert repeating.edges()[1].label == "attempts used up"
