"""Path policies end to end: the corpus keeps the rules its sources state, and
an edit that breaks one fails `sopc check` with the policy's message and the
shortest path; policies in the settings; SARIF code flows."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import SOPS, run_sopc
from test_check_output import sarif_validator  # noqa: F401  (a fixture)

CALLS = "homeowner-support-calls.yaml"
EMAILS = "homeowner-support-emails.yaml"


@pytest.fixture
def corpus_copy(tmp_path):
    target = tmp_path / "sops"
    shutil.copytree(SOPS, target)
    return target


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def policy_problems(folder, *args):
    done = run_sopc("check", "--no-cache", "--format", "json", *args, folder, cwd=folder.parent)
    problems = json.loads(done.stdout)["problems"]
    return done, [p for p in problems if p["code"] in ("SOP120", "SOP121", "SOP122")]


def test_the_corpus_keeps_its_policies():
    done, found = policy_problems(SOPS)
    assert found == []
    assert done.returncode == 0


def test_retargeting_the_call_flow_around_the_m3_decision_fails_with_the_shortest_path(corpus_copy):
    edit(corpus_copy, CALLS, "    then: check_m3\n", "    then: verify_homeowner\n")
    done, found = policy_problems(corpus_copy)
    assert done.returncode == 1
    [problem] = [p for p in found if "m3-approved-before-transfer" in p["message"]]
    assert problem["code"] == "SOP120" and problem["step"] == "transfer"
    assert "DO NOT TRANSFER calls to Account Servicing or Omnidian unless M3 has been approved." in problem["message"]
    steps = [point["step"] for point in problem["path_taken"]]
    assert steps == ["homeowner-support-calls:incoming_call", "homeowner-support-calls:gather_details",
                     "homeowner-support-calls:verify_homeowner",
                     "homeowner-support-calls:verify_homeowner “Verified homeowner”",
                     "homeowner-support-calls:spanish_speaking",
                     "homeowner-support-calls:spanish_speaking “No translation needed”",
                     "homeowner-support-calls:transfer"]
    lines = [point["line"] for point in problem["path_taken"]]
    assert lines == sorted(lines) and lines[-1] == problem["line"]


def test_skipping_the_homeowner_verification_fails(corpus_copy):
    edit(corpus_copy, CALLS, "        value: true\n        goto: verify_homeowner\n",
         "        value: true\n        goto: spanish_speaking\n")
    _done, found = policy_problems(corpus_copy)
    assert [(p["code"], p["step"]) for p in found if "homeowner-verified-before-transfer" in p["message"]] == [
        ("SOP120", "transfer")]
    assert "Verify you are speaking with the homeowner prior to completing WARM TRANSFERS" in found[0]["message"]


def test_closing_the_ticket_without_the_confirmation_fails(corpus_copy):
    edit(corpus_copy, EMAILS, "        goto: keep_checking\n", "        goto: close_ticket\n")
    _done, found = policy_problems(corpus_copy)
    assert [(p["code"], p["step"]) for p in found] == [("SOP120", "close_ticket")]
    assert "close-only-after-confirmation" in found[0]["message"]
    assert "Ticket can only be closed if there is confirmation" in found[0]["message"]


def test_the_finding_shows_in_text_and_as_a_sarif_code_flow(corpus_copy, sarif_validator):
    edit(corpus_copy, CALLS, "    then: check_m3\n", "    then: verify_homeowner\n")
    (corpus_copy.parent / ".git").mkdir()
    text = run_sopc("check", "--no-cache", corpus_copy, cwd=corpus_copy.parent)
    assert "shortest path: incoming_call (line " in text.stdout
    done = run_sopc("check", "--no-cache", "--format", "sarif", "sops", cwd=corpus_copy.parent)
    log = json.loads(done.stdout)
    assert not list(sarif_validator.iter_errors(log))
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SOP120"]
    locations = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert locations[0]["location"]["message"]["text"] == "homeowner-support-calls:incoming_call"
    assert locations[-1]["location"]["physicalLocation"]["region"]["startLine"] == \
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert all(l["location"]["physicalLocation"]["artifactLocation"]["uri"] == f"sops/{CALLS}" for l in locations)


POLICY = """
[[policies]]
id = "no-transfer"
kind = "forbid-after"
step = {{ handoff = "warm-transfer-account-servicing" }}
after = {{ sop = "homeowner-support-calls", id = "gather_details" }}
message = "A settings policy."
{extra}
"""


def test_a_policy_in_the_settings_applies_to_walks_of_every_sop(corpus_copy):
    (corpus_copy.parent / "sopc.toml").write_text(POLICY.format(extra='severity = "warning"'), encoding="utf-8")
    done, found = policy_problems(corpus_copy)
    assert [(p["code"], p["severity"], p["sop"], p["step"]) for p in found] == [
        ("SOP121", "warning", "homeowner-support-calls", "transfer")]
    assert done.returncode == 0  # a warning


@pytest.mark.parametrize("extra, fragment", [
    ('first = { id = "x" }', "only that one"),
    ('colour = "red"', "unknown key"),
])
def test_a_bad_policy_in_the_settings_is_a_located_settings_error(corpus_copy, extra, fragment):
    (corpus_copy.parent / "sopc.toml").write_text(POLICY.format(extra=extra), encoding="utf-8")
    done = run_sopc("check", "--no-cache", "sops", cwd=corpus_copy.parent)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sopc.toml:2:" in done.stderr and fragment in done.stderr, done.stderr


def test_valid_settings_policies_are_read_without_building_the_explaining_validator(tmp_path):
    """A quick yes/no check passes valid policies; `jsonschema`, which only explains errors, is not imported."""
    import subprocess
    import sys

    settings = tmp_path / "sopc.toml"
    settings.write_text(POLICY.format(extra=""), encoding="utf-8")
    probe = ("import sys; from sopc.config import load_config; config = load_config(sys.argv[1]); "
             "print(len(config.policies), 'jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(settings)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "False"]


def test_a_bad_policy_in_an_sop_is_a_located_schema_error(corpus_copy):
    edit(corpus_copy, CALLS, "    first: {input: m3_approved, value: true}\n", "")
    done = run_sopc("check", "--no-cache", "--format", "json", "sops", cwd=corpus_copy.parent)
    codes = {(p["code"], p["path"]) for p in json.loads(done.stdout)["problems"]}
    assert codes == {("SOP011", f"sops/{CALLS}")}


def test_a_new_outcome_in_a_contract_fails_every_caller_until_it_is_handled(corpus_copy):
    edit(corpus_copy, "gather-homeowner-details.yaml", "  outcomes: [pending]\n", "  outcomes: [pending, escalated]\n")
    done = run_sopc("check", "--no-cache", "--format", "json", "sops", cwd=corpus_copy.parent)
    found = {(p["code"], p["sop"], p["step"]) for p in json.loads(done.stdout)["problems"]}
    assert found == {("SOP124", "homeowner-support-calls", "gather_details"),
                     ("SOP124", "homeowner-support-emails", "gather_details"),
                     ("SOP124", "homeowner-support-voicemails", "gather_details")}


def test_an_end_outside_the_contract_fails_where_it_ends(corpus_copy):
    edit(corpus_copy, "gather-homeowner-details.yaml", "  outcomes: [pending]\n", "  outcomes: [resolved]\n")
    done = run_sopc("check", "--no-cache", "--format", "json", "sops", cwd=corpus_copy.parent)
    codes = sorted((p["code"], p["sop"]) for p in json.loads(done.stdout)["problems"])
    assert ("SOP123", "gather-homeowner-details") in codes
    assert codes.count(("SOP124", "homeowner-support-calls")) == 2  # pending is not declared, resolved not handled
