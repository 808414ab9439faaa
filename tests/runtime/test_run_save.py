"""`sopc run --save FILE` / `--resume FILE`: a walk stopped at a wait or where
the answers run out, saved in the shared saved-session format, and taken up
again by `sopc run` or by the JavaScript runtime."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SEED = "rejected-payment-outreach"
ANSWERS = ["No answer", "Answered", "Yes"]
DRIVER = Path(__file__).with_name("cross_runtime.mjs")


def walk_lines(stdout):
    """The end of a walk as `sopc run` prints it: outcome, path and records made."""
    return stdout[stdout.index("Ended:"):]


def run(sopc, corpus, *args, **kwargs):
    return sopc("run", "--sources", corpus, "--today", "2026-01-05", *args, **kwargs)


def test_a_walk_saved_where_the_answers_run_out_ends_as_an_uninterrupted_one(sopc, seed_corpus, tmp_path):
    saved = tmp_path / "walk.json"
    whole = run(sopc, seed_corpus, SEED, "--fact", "homeowner_name=Dana", "--answers", ",".join(ANSWERS))
    assert whole.returncode == 0, whole.stderr
    first = run(sopc, seed_corpus, SEED, "--fact", "homeowner_name=Dana", "--answers", ANSWERS[0], "--save", saved)
    assert first.returncode == 0, first.stderr
    assert f"--resume {saved}" in first.stdout and "Ended:" not in first.stdout
    state = json.loads(saved.read_text(encoding="utf-8"))
    assert (state["format"], state["status"]) == ("sopc-session", "question")
    second = run(sopc, seed_corpus, "--resume", saved, "--answers", ",".join(ANSWERS[1:]), "--save", saved)
    assert second.returncode == 0, second.stderr
    assert "Resuming at" in second.stdout
    assert walk_lines(second.stdout) == walk_lines(whole.stdout)
    assert json.loads(saved.read_text(encoding="utf-8"))["status"] == "ended"


def test_a_walk_stops_at_a_wait_and_the_wait_is_over_when_it_resumes(sopc, flow_corpus, tmp_path):
    saved = tmp_path / "walk.json"
    first = run(sopc, flow_corpus, "main", "--fact", "plan=basic", "--answers", "", "--save", saved)
    assert first.returncode == 0, first.stderr
    assert "2 business days" in first.stdout and "Saved to" in first.stdout
    state = json.loads(saved.read_text(encoding="utf-8"))
    assert state["status"] == "waiting" and state["waiting"]["until"] == "the customer replies"
    second = run(sopc, flow_corpus, "main", "--resume", saved, "--answers", "Yes")
    assert second.returncode == 0, second.stderr
    assert "Wait over" in second.stdout and "Ended: resolved at main:done" in second.stdout


def test_interactive_input_ending_with_save_keeps_the_walk(sopc, seed_corpus, tmp_path):
    saved = tmp_path / "walk.json"
    result = run(sopc, seed_corpus, SEED, "--fact", "homeowner_name=Dana", "--save", saved, input="\n" * 20)
    assert result.returncode == 0, result.stderr
    assert json.loads(saved.read_text(encoding="utf-8"))["status"] == "question"


def test_resume_with_facts_learned_since(sopc, flow_corpus, tmp_path):
    saved = tmp_path / "walk.json"
    assert run(sopc, flow_corpus, "main", "--answers", "", "--save", saved).returncode == 0
    resumed = run(sopc, flow_corpus, "--resume", saved, "--fact", "plan=premium", "--answers", "Yes")
    assert resumed.returncode == 0, resumed.stderr
    assert "Ended: resolved at main:done" in resumed.stdout and "helper:check" in resumed.stdout


@pytest.mark.parametrize("change, code, named", [
    (lambda path: path.unlink(), 2, "cannot read"),
    (lambda path: path.write_text("{", encoding="utf-8"), 2, "not valid JSON"),
    (lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "format_version": "2.0"}), encoding="utf-8"), 2, "2.0"),
    (lambda path: path.write_text(json.dumps({**json.loads(path.read_text()),
                                              "frames": [{"sop": SEED, "step": "gone"}]}), encoding="utf-8"), 2, "gone"),
])
def test_a_saved_walk_that_cannot_be_used_is_refused(sopc, seed_corpus, tmp_path, change, code, named):
    saved = tmp_path / "walk.json"
    assert run(sopc, seed_corpus, SEED, "--answers", "", "--save", saved).returncode == 0
    change(saved)
    result = run(sopc, seed_corpus, "--resume", saved, "--answers", "Answered,Yes")
    assert result.returncode == code and named in result.stderr and "Traceback" not in result.stderr


def test_usage_mistakes_with_resume(sopc, seed_corpus, flow_corpus, tmp_path):
    saved = tmp_path / "walk.json"
    assert run(sopc, flow_corpus, "main", "--answers", "", "--save", saved).returncode == 0
    nothing = run(sopc, flow_corpus)
    assert nothing.returncode == 2 and "--resume" in nothing.stderr
    other = run(sopc, flow_corpus, "helper", "--resume", saved)
    assert other.returncode == 2 and "main" in other.stderr
    unwritable = run(sopc, flow_corpus, "main", "--answers", "", "--save", tmp_path / "missing" / "walk.json")
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr


def test_a_walk_saved_by_sopc_run_goes_on_in_the_javascript_runtime_and_back(sopc, seed_corpus, tmp_path):
    node = shutil.which("node")
    assert node, "Node is missing: run scripts/setup.sh"
    bundle = tmp_path / "bundle.json"
    assert sopc("export", seed_corpus, "-o", bundle).returncode == 0
    saved = tmp_path / "walk.json"
    assert run(sopc, seed_corpus, SEED, "--fact", "homeowner_name=Dana", "--answers", ANSWERS[0], "--save", saved).returncode == 0
    jobs = [{"op": "continue", "text": saved.read_text(encoding="utf-8"), "answers": ANSWERS[1:2]}]
    result = subprocess.run([node, str(DRIVER), str(bundle)], input=json.dumps(jobs), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [js] = json.loads(result.stdout)
    assert js["state"]["status"] == "question"
    saved.write_text(json.dumps(js["state"]), encoding="utf-8")
    whole = run(sopc, seed_corpus, SEED, "--fact", "homeowner_name=Dana", "--answers", ",".join(ANSWERS))
    finished = run(sopc, seed_corpus, "--resume", saved, "--answers", ANSWERS[2])
    assert finished.returncode == 0, finished.stderr
    assert walk_lines(finished.stdout) == walk_lines(whole.stdout)
