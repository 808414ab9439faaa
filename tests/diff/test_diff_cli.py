"""`sopc diff` as a command: sides, formats, exit codes, broken input."""

import json

from diff_helpers import changes, kinds

RPO = "rejected-payment-outreach.yaml"
NO_ANSWER = "      - label: No answer\n        goto: leave_voicemail\n"
RETARGETED = "      - label: No answer\n        goto: schedule_callback\n"


def test_head_defaults_to_the_working_tree(repo):
    repo.edit(RPO, NO_ANSWER, RETARGETED)
    report = repo.diff_json("HEAD")
    assert report["head"] == "working tree"
    assert changes(report, "option-retargeted")


def test_two_folders(repo, tmp_path):
    old = tmp_path / "old"
    import shutil

    shutil.copytree(repo.path / "sops", old)
    repo.edit(RPO, NO_ANSWER, RETARGETED)
    done = repo.diff(str(old), "sops", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert changes(json.loads(done.stdout), "option-retargeted")


def test_two_files(repo, tmp_path):
    old = tmp_path / "old.yaml"
    old.write_bytes((repo.path / "sops" / RPO).read_bytes())
    repo.edit(RPO, NO_ANSWER, RETARGETED)
    report = repo.diff_json(str(old), f"sops/{RPO}")
    assert [s["id"] for s in report["sops"]] == ["rejected-payment-outreach"]


def test_fail_on_exits_1_only_when_met(repo):
    repo.edit(RPO, NO_ANSWER, RETARGETED)
    repo.commit()
    met = repo.diff("HEAD~1", "HEAD", "--fail-on", "unreachable")
    assert met.returncode == 1 and "unreachable" in met.stderr
    assert repo.diff("HEAD~1", "HEAD", "--fail-on", "outcome-removed").returncode == 0
    assert repo.diff("HEAD~1", "HEAD", "--fail-on", "outcome-removed,option-retargeted").returncode == 1
    assert repo.diff("HEAD~1", "HEAD").returncode == 0


def test_removed_outcome_fails_on_outcome_removed(repo):
    repo.edit(RPO, "    end: closed-no-contact\n", "    end: pending\n")
    repo.commit()
    done = repo.diff("HEAD~1", "HEAD", "--fail-on", "outcome-removed", "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert {c["subject"] for c in changes(report, "outcome-removed")} == {"closed-no-contact"}
    assert ("end-changed", "close_no_contact") in kinds(report)


def test_usage_errors_exit_2(repo):
    for args in (["no-such-revision"], ["HEAD", "--fail-on", "nonsense"], ["--format", "pdf", "HEAD"], [],
                 ["--upload-pack=x"], ["HEAD", "HEAD", "extra"]):
        done = repo.diff(*args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def test_outside_a_repository_a_revision_is_a_usage_error(tmp_path):
    from helpers import run_sopc

    done = run_sopc("diff", "HEAD~1", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_broken_side_gives_located_problems_and_compares_the_rest(repo):
    repo.edit(RPO, "title: Rejected payment outreach\n", "title: [unclosed\n")
    repo.edit("autopay-opt-out-request.yaml", "sop: autopay-opt-out-request\n", "sop: autopay-opt-out-request\nbogus: 1\n")
    repo.commit()
    for fmt in ("json", "text", "markdown"):
        done = repo.diff("HEAD~1", "HEAD", "--format", fmt)
        assert done.returncode == 0 and "Traceback" not in done.stderr
    report = repo.diff_json("HEAD~1", "HEAD")
    assert {(p["path"], p["code"]) for p in report["problems"]} == {
        ("HEAD:sops/rejected-payment-outreach.yaml", "SOP001"), ("HEAD:sops/autopay-opt-out-request.yaml", "SOP010")}
    assert all(p["line"] > 0 for p in report["problems"])
    assert not changes(report, "sop-removed")
    assert {c["sop"] for c in changes(report, "sop-not-compared")} == \
        {"autopay-opt-out-request", "rejected-payment-outreach"}
    assert repo.diff("HEAD~1", "HEAD", "--fail-on", "problems").returncode == 1


def test_text_format_shows_word_diff_and_old_new_targets(repo):
    repo.edit(RPO, NO_ANSWER, RETARGETED)
    repo.edit(RPO, "It only takes a minute or two, reduces", "It only takes a minute, reduces")
    repo.commit()
    done = repo.diff("HEAD~1", "HEAD")
    assert done.returncode == 0
    assert "leave_voicemail -> schedule_callback" in done.stdout
    assert "minute [-or two-], reduces" in done.stdout


def test_sop_text_cannot_forge_ci_log_commands(repo):
    # Control characters are refused by the schema; what a valid text can still
    # try in a CI log is a workflow command.
    repo.edit(RPO, "title: Outbound voice script\n    scripts:", 'title: "Outbound ##[error]forged script"\n    scripts:')
    repo.commit()
    for fmt in ("text", "json"):
        done = repo.diff("HEAD~1", "HEAD", "--format", fmt)
        assert done.returncode == 0 and "forged" in done.stdout and "##[" not in done.stdout


def test_a_symbolic_link_or_a_huge_file_in_a_revision_is_a_located_problem(repo):
    import os

    (repo.path / "sops" / "linked.yaml").symlink_to(RPO)
    (repo.path / "sops" / "huge.yaml").write_text("sop: huge\n" + "# padding\n" * 300_000, encoding="utf-8")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    assert {(p["path"], p["code"], p["line"]) for p in report["problems"]} == {
        ("HEAD:sops/linked.yaml", "SOP004", 1), ("HEAD:sops/huge.yaml", "SOP004", 1)}
    assert report["sops"] == []
    assert os.path.getsize(repo.path / "sops" / "huge.yaml") > 2 * 1024 * 1024


def test_two_folders_match_files_by_their_place_for_a_rename(repo, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(repo.path / "sops", old)
    repo.edit(RPO, "sop: rejected-payment-outreach\n", "sop: rejected-payment-calls\n")
    repo.edit(RPO, "      max_attempts: 5\n", "      max_attempts: 4\n")  # not the same content any more
    report = json.loads(repo.diff(str(old), "sops", "--format", "json").stdout)
    assert [(s["id"], s["status"], s["old_id"], s["path"]) for s in report["sops"]] == \
        [("rejected-payment-calls", "renamed", "rejected-payment-outreach", f"sops/{RPO}")]


def test_from_a_subfolder_of_the_repository(repo):
    from helpers import run_sopc

    repo.edit(RPO, NO_ANSWER, RETARGETED)
    repo.edit("autopay-opt-out-request.yaml", "sop: autopay-opt-out-request\n", "sop: autopay-opt-out-request\nbogus: 1\n")
    repo.commit()
    (repo.path / "notes").mkdir()
    for args in (["HEAD~1", "HEAD"], ["HEAD~1"]):
        done = run_sopc("diff", *args, "--sources", "../sops", "--format", "json", cwd=repo.path / "notes")
        report = json.loads(done.stdout)
        assert changes(report, "option-retargeted"), args
        assert {c["sop"] for c in changes(report, "sop-not-compared")} == {"autopay-opt-out-request"}, args
    assert [p["path"] for p in report["problems"]] == ["../sops/autopay-opt-out-request.yaml"]
    report = json.loads(run_sopc("diff", "HEAD~1", "HEAD", "--sources", "../sops", "--format", "json",
                                 cwd=repo.path / "notes").stdout)
    assert [p["path"] for p in report["problems"]] == ["HEAD:sops/autopay-opt-out-request.yaml"]
