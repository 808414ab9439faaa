"""The language: every construct loads into the model; every kind of bad
input gets the right code at the right line, and nothing else."""

from pathlib import Path

import pytest

from sopc.check import check_paths, load_corpus
from sopc.load import LoadError, load_bytes
from sopc.model import Duration
from expectations import expected_problems, reported

HERE = Path(__file__).parent / "language"
INVALID = sorted((HERE / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_reports_exactly_the_expected_codes_and_lines(path):
    corpus, problems, _ = load_corpus([path])
    expected = expected_problems(path) or {("SOP003", 1)}  # an empty file cannot carry a comment
    assert reported(problems, path) == expected
    assert not corpus.sops


def test_valid_fixtures_pass_every_check():
    result = check_paths([HERE / "valid"])
    assert result.problems == []
    assert set(result.corpus.sops) == {"every-construct", "minimal"}
    assert set(result.corpus.procedures) == {"escalating-complaints", "concert-cancellations"}


@pytest.fixture(scope="module")
def sop():
    return check_paths([HERE / "valid"]).corpus.sops["every-construct"]


def test_metadata_is_typed(sop):
    assert sop.title == "Every construct of the language"
    assert sop.revision == "4" and sop.reviewed == "2026-01-15"
    assert sop.channels == ["phone", "chat", "email", "voicemail"]
    assert [link.url for link in sop.links] == ["https://example.com/wiki/article", "mailto:support@example.com"]
    assert sop.start == "greet"


def test_inputs_shorthand_and_full_form(sop):
    assert sop.inputs["homeowner_name"].type == "text"
    assert sop.inputs["homeowner_name"].label == "Homeowner name"
    assert sop.inputs["homeowner_name"].required is True
    contract = sop.inputs["contract_id"]
    assert (contract.label, contract.required, contract.help) == ("Contract ID", False, "Located on the initial welcome letter.")
    assert sop.inputs["platform"].values == ["everbright", "concert"]


def test_step_without_flow_key_goes_on_to_the_next_step_written(sop):
    greet = sop.steps["greet"]
    assert greet.next == "m3_gate" and greet.next_is_implicit
    assert [e.target for e in greet.edges()] == ["m3_gate"]


def test_scripts_callouts_and_records(sop):
    greet = sop.steps["greet"]
    assert [s.mode for s in greet.scripts] == ["say", "send", "voicemail"]
    assert [c.kind for c in greet.callouts] == ["warning", "note", "info", "tip"]
    case = sop.steps["create_case"].records[0]
    assert (case.system, case.action, case.title) == ("Salesforce", "create", "Reactivation case")
    assert list(case.fields) == ["Primary Reason", "Secondary Reason", "Participants"]
    assert case.fields["Participants"] == ["Account Manager", "{{ homeowner_name }}"]
    unnamed = sop.steps["call_homeowner"].records[0]
    assert (unnamed.system, unnamed.fields) == (None, {})  # the source did not say which system


def test_decision_values_become_conditions(sop):
    gate = sop.steps["m3_gate"]
    assert gate.kind == "decision" and gate.input == "m3_approved"
    assert [o.when for o in gate.options] == [{"eq": True}, {"eq": False}]
    platform = sop.steps["platform_check"]
    assert platform.options[1].otherwise and platform.options[1].when is None


def test_comparisons_lists_every_comparison_of_every_option_with_the_input_it_compares(sop):
    found = [(c.step.id, c.where, c.test, c.input) for c in sop.comparisons()]
    payment = ("steps", "payment_age", "options")
    assert found == [
        ("m3_gate", ("steps", "m3_gate", "options", 0, "value"), {"eq": True}, "m3_approved"),
        ("m3_gate", ("steps", "m3_gate", "options", 1, "value"), {"eq": False}, "m3_approved"),
        ("platform_check", ("steps", "platform_check", "options", 0, "value"), {"eq": "everbright"}, "platform"),
        ("payment_age", payment + (0, "when"),
         {"input": "payment_date", "measure": "business_days_since", "lt": 10}, "payment_date"),
        ("payment_age", payment + (1, "when", "all", 0), {"input": "payment_date", "measure": "days_since", "ge": 10},
         "payment_date"),
        ("payment_age", payment + (1, "when", "all", 1, "any", 0), {"input": "attempts_made", "gt": 2}, "attempts_made"),
        ("payment_age", payment + (1, "when", "all", 1, "any", 1, "not"), {"input": "platform", "in": ["concert"]},
         "platform"),
    ]


def test_repeat_wait_handoff_and_end(sop):
    retry = sop.steps["retry"]
    assert retry.kind == "repeat"
    assert (retry.repeat.back_to, retry.repeat.max_attempts) == ("call_homeowner", 5)
    assert retry.repeat.within == Duration(10, "business_days", "10 business days")
    assert retry.repeat.every == Duration(2, "days", "2 days")
    assert [(e.kind, e.target) for e in retry.edges()] == [("repeat", "call_homeowner"), ("next", "escalate")]
    wait = sop.steps["wait_for_payment"]
    assert wait.kind == "wait" and wait.wait.duration == Duration(10, "business_days", "10 business days")
    assert wait.wait.until == "The payment is verified"
    escalate = sop.steps["escalate"]
    assert (escalate.kind, escalate.handoff, escalate.then, escalate.is_terminal) == ("handoff", "escalating-complaints", "closed", False)
    assert sop.steps["concert_handoff"].is_terminal
    assert sop.steps["resolved"].end == "resolved" and sop.steps["resolved"].edges() == []


def test_locate_points_at_keys_and_values(sop):
    assert sop.locate(("steps", "retry"), key=True) == (118, 3)
    line, _ = sop.locate(("steps", "retry", "repeat", "max_attempts"))
    assert line == 121


@pytest.mark.parametrize("raw, code", [
    (b"sop: x\x00\n", "SOP004"),
    (b"sop: \xff\xfe\n", "SOP004"),
    (b"a: " + b"x" * (3 * 1024 * 1024), "SOP004"),
    (b"   \n# only a comment\n", "SOP003"),
    (b"just text", "SOP003"),
    (b"a: [1, 2\n", "SOP001"),
    (b"a: b: c\n", "SOP001"),
])
def test_unusable_files_raise_a_located_load_error(raw, code):
    with pytest.raises(LoadError) as caught:
        load_bytes(raw, "f.yaml")
    assert [p.code for p in caught.value.problems] == [code]
    assert all(p.line >= 1 and p.col >= 1 for p in caught.value.problems)


def test_not_utf8_points_at_the_bad_byte():
    with pytest.raises(LoadError) as caught:
        load_bytes(b"sop: x\ntitle: caf\xe9\n", "f.yaml")
    problem = caught.value.problems[0]
    assert (problem.line, problem.col) == (2, 11)


def test_misspelt_step_reference_suggests_the_right_id(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("sop: a\ntitle: A\nsteps:\n  verify:\n    next: transfr\n  transfer:\n    end: transferred\n")
    result = check_paths([path])
    [problem] = [p for p in result.problems if p.code == "SOP100"]
    assert (problem.line, problem.step) == (5, "verify")
    assert "`transfer`" in problem.message


@pytest.mark.parametrize("text, fix", [
    ("sop: t\ntitle: T\nsteps:\n  a:\n\tend: resolved\n", "use spaces"),
    ("sop: t\ntitle: T\nsteps:\n  a:\n    scripts:\n      - say: Note: call back\n    end: resolved\n",
     'say: "Note: call back"'),
    ("sop: t\ntitle: T\nsteps:\n  a:\n    ask: Owner?\n    options:\n      - {label: Yes, goto: b}\n"
     "      - {label: No, goto: b}\n  b:\n    end: resolved\n", '"Yes"'),
    ("sop: t\ntitle: T\ninputs:\n  k: {type: choice, valeus: [a, b]}\nsteps:\n  a: {end: resolved}\n", "`values`"),
    ("sop: t\ntitle: T\ninputs:\n  k: {type: choise, values: [a, b]}\nsteps:\n  a: {end: resolved}\n", "`choice`"),
])
def test_a_common_mistake_is_reported_with_its_fix(tmp_path, text, fix):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems, _ = load_corpus([path])
    assert len(problems) == len({p.line for p in problems}) >= 1
    assert any(fix in p.message for p in problems), [p.message for p in problems]
