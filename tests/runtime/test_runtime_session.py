import json
from datetime import date

import pytest

from sopc.runtime import (AnswerError, FactError, FlowError, Session, SessionFormatError,
                              SessionStateError, UnknownSopError)

TODAY = date(2026, 1, 5)


def test_known_fact_decides_without_asking(make_bundle):
    session = Session.start(make_bundle(), "main", {"plan": "premium"}, TODAY)
    assert session.status == "question"
    assert session.path[-1] == ("helper", "check")
    assert session.decisions[0]["by"] == "facts"


def test_unknown_fact_asks_and_names_what_would_decide(make_bundle):
    session = Session.start(make_bundle(), "main", {}, TODAY)
    view = session.view()
    assert (view["status"], view["step"]) == ("question", "route")
    assert [o["label"] for o in view["options"]] == ["Basic", "Premium"]
    assert [n["id"] for n in view["needs"]] == ["plan"]
    session.supply("plan", "basic")
    assert session.status == "waiting"
    assert session.decisions[-1]["by"] == "facts"


def test_view_fills_scripts_and_records_in_field_order(make_bundle):
    session = Session.start(make_bundle(), "main", {"name": "Ada"}, TODAY)
    greet = session.log[0]
    assert greet["scripts"][0]["text"] == "Hello Ada"
    fields = greet["records"][0]["fields"]
    assert [f["name"] for f in fields] == ["Note", "Tags"]
    assert fields[0]["values"] == ["Ada on [Plan]"]
    assert fields[1]["values"] == ["plan [Plan]", "second"] and fields[1]["multiple"]
    assert greet["records"][0]["title"] == "Jira comment"


def test_wait_stops_until_resumed(make_bundle):
    session = Session.start(make_bundle(), "main", {"plan": "basic"}, TODAY)
    assert session.status == "waiting"
    assert session.waiting["for"]["amount"] == 2 and session.waiting["for"]["unit"] == "business_days"
    assert session.waiting["until"] == "the customer replies"
    with pytest.raises(SessionStateError):
        session.choose("Yes")
    session.resume()
    assert session.status == "question" and session.view()["step"] == "retry"
    with pytest.raises(SessionStateError):
        session.resume()


def test_repeat_goes_back_until_attempts_are_used_up(make_bundle):
    session = Session.start(make_bundle(), "main", {"plan": "basic"}, TODAY)
    session.resume()
    for attempt in (1, 2):
        session.choose("No")
        assert session.status == "waiting" and session.waiting["reason"] == "repeat"
        assert session.counters["main"]["again"] == attempt
        session.resume()
        assert session.view()["step"] == "retry"
    session.choose("No")
    assert session.counters["main"]["again"] == 3
    assert (session.status, session.outcome) == ("ended", "handed-off")
    assert session.end == {"sop": "main", "step": "external"}
    assert [e["kind"] for e in session.edges if e["source"] == "again"] == ["repeat", "repeat", "next"]


def test_hand_off_with_then_returns_after_the_other_sop_ends(make_bundle):
    session = Session.start(make_bundle(), "main", {"plan": "premium"}, TODAY)
    session.choose("No")  # helper hands off outside, which ends helper
    assert (session.status, session.outcome) == ("ended", "resolved")
    assert session.path == [("main", "greet"), ("main", "route"), ("main", "sub"), ("helper", "check"),
                            ("helper", "escalate"), ("main", "done")]
    assert {"sop": "main", "source": "sub", "target": "done", "kind": "return", "label": None} in session.edges
    assert [h["to"] for h in session.handoffs] == ["helper", "outside"]


def test_hand_off_without_then_ends_with_the_other_sops_outcome(make_bundle):
    session = Session.start(make_bundle(), "chain", {}, TODAY)
    assert session.path[:3] == [("chain", "first"), ("chain", "pass_on"), ("helper", "check")]
    session.choose("Yes")
    assert (session.outcome, session.end) == ("resolved", {"sop": "helper", "step": "fixed"})
    other = Session.start(make_bundle(), "chain", {}, TODAY)
    other.choose("No")
    assert (other.outcome, other.end) == ("handed-off", {"sop": "helper", "step": "escalate"})


def test_answers_by_label_or_number(make_bundle):
    by_number = Session.start(make_bundle(), "main", {}, TODAY)
    by_number.choose(2)
    by_label = Session.start(make_bundle(), "main", {}, TODAY)
    by_label.choose("Premium")
    assert by_number.path == by_label.path
    assert by_number.path[-1] == ("helper", "check")


def test_answer_that_is_not_an_option_lists_the_options(make_bundle):
    session = Session.start(make_bundle(), "main", {}, TODAY)
    for bad in ("Gold", "premium", "2", 0, 3, True):
        with pytest.raises(AnswerError) as error:
            session.choose(bad)
        assert "Basic" in str(error.value) and "Premium" in str(error.value)
    assert session.status == "question"


def test_unknown_sop(make_bundle):
    with pytest.raises(UnknownSopError) as error:
        Session.start(make_bundle(), "mian", {}, TODAY)
    assert "main" in str(error.value)


@pytest.mark.parametrize("name, value", [("plan", "gold"), ("nothing", "x"), ("plan", True)])
def test_facts_are_checked_against_their_inputs(make_bundle, name, value):
    with pytest.raises(FactError):
        Session.start(make_bundle(), "main", {name: value}, TODAY)


def test_save_and_restore_continue_the_same_walk(make_bundle):
    bundle = make_bundle()
    session = Session.start(bundle, "main", {"plan": "basic", "name": "Ada"}, TODAY)
    session.resume()
    session.choose("No")
    saved = session.to_json()
    restored = Session.from_json(bundle, saved)
    assert restored.to_json() == saved
    for walk in (session, restored):
        walk.resume()
        walk.choose("Yes")
    assert restored.to_json() == session.to_json()
    assert restored.outcome == "resolved" and restored.today == TODAY


@pytest.mark.parametrize("change", [
    lambda s: s.update(format_version="0.9"),
    lambda s: s.update(format_version="2.0"),
    lambda s: s.update(format="something-else"),
    lambda s: s.pop("frames"),
    lambda s: s.update(frames=[{"sop": "main", "step": "gone"}]),
    lambda s: s.update(status="dancing"),
])
def test_restore_refuses_unusable_state(make_bundle, change):
    bundle = make_bundle()
    state = json.loads(Session.start(bundle, "main", {}, TODAY).to_json())
    change(state)
    with pytest.raises(SessionFormatError):
        Session.from_json(bundle, json.dumps(state))


def test_restore_refuses_truncated_state(make_bundle):
    bundle = make_bundle()
    text = Session.start(bundle, "main", {}, TODAY).to_json()
    with pytest.raises(SessionFormatError):
        Session.from_json(bundle, text[: len(text) // 2])


def test_flow_that_loops_without_asking_is_stopped(make_bundle):
    bundle = make_bundle({"loop.yaml": """
        sop: loop
        title: Loop
        steps:
          a:
            next: b
          b:
            next: a
        """})
    with pytest.raises(FlowError):
        Session.start(bundle, "loop", {}, TODAY)


def test_hand_off_cycle_is_stopped(make_bundle):
    bundle = make_bundle({
        "x.yaml": "sop: x\ntitle: X\nsteps:\n  go:\n    handoff: y\n    then: done\n  done:\n    end: resolved\n",
        "y.yaml": "sop: y\ntitle: Y\nsteps:\n  go:\n    handoff: x\n    then: done\n  done:\n    end: resolved\n",
    })
    with pytest.raises(FlowError):
        Session.start(bundle, "x", {}, TODAY)


def test_measured_condition_decides_from_today(make_bundle):
    text = """
        sop: age
        title: Age
        inputs:
          opened: date
        steps:
          how_old:
            ask: Opened more than 5 business days ago?
            input: opened
            options:
              - {label: Old, goto: old, when: {measure: business_days_since, gt: 5}}
              - {label: Recent, goto: recent, otherwise: true}
          old:
            end: escalated
          recent:
            end: resolved
        """
    bundle = make_bundle({"age.yaml": text})
    assert Session.start(bundle, "age", {"opened": "2025-12-26"}, TODAY).outcome == "escalated"  # 6 business days
    assert Session.start(bundle, "age", {"opened": "2025-12-29"}, TODAY).outcome == "resolved"  # 5 business days
    assert Session.start(bundle, "age", {}, TODAY).status == "question"
