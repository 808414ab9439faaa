"""`sopc diff` on real edits of the seed corpus, between two commits: the
reported change kinds, steps and values, never the wording."""

from diff_helpers import changes, kinds

RPO = "rejected-payment-outreach.yaml"
NO_ANSWER = "      - label: No answer\n        goto: leave_voicemail\n"


def test_retargeted_option_names_old_and_new_target_and_what_became_unreachable(repo):
    repo.edit(RPO, NO_ANSWER, "      - label: No answer\n        goto: schedule_callback\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    assert [(s["id"], s["path"]) for s in report["sops"]] == [("rejected-payment-outreach", f"HEAD:sops/{RPO}")]
    [retarget] = changes(report, "option-retargeted")
    assert (retarget["step"], retarget["subject"], retarget["old"], retarget["new"]) == \
        ("call_homeowner", "No answer", "leave_voicemail", "schedule_callback")
    assert ("step-unreachable", "leave_voicemail") in kinds(report)
    assert {c["subject"] for c in changes(report, "way-removed")} == {"closed-no-contact"}


def test_reworded_script_gives_the_changed_words(repo):
    repo.edit(RPO, "It only takes a minute or two, reduces", "It only takes a minute, reduces")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    [text] = changes(report, "text-changed")
    assert (text["step"], text["subject"]) == ("voice_script", "script 1 (say)")
    changed = [(w["kind"], w["text"]) for w in text["words"] if w["kind"] != "equal"]
    assert changed == [("deleted", " or two")]
    assert "".join(w["text"] for w in text["words"] if w["kind"] != "inserted") == " ".join(text["old"].split())
    assert "".join(w["text"] for w in text["words"] if w["kind"] != "deleted") == " ".join(text["new"].split())
    assert kinds(report) == {("text-changed", "voice_script")}  # no flow effect, no scenario changed


def test_added_step_is_reported_with_the_targets_that_now_lead_to_it(repo):
    repo.edit(RPO, "    next: call_answered_end\n",
              "    next: confirm_email\n\n  confirm_email:\n    title: Confirm the email address\n"
              "    do: Confirm the homeowner's email address.\n    next: call_answered_end\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    assert ("step-added", "confirm_email") in kinds(report)
    [nxt] = changes(report, "next-changed")
    assert (nxt["step"], nxt["old"], nxt["new"]) == ("email_homeowner", "call_answered_end", "confirm_email")
    # The scenarios that expect the exact path notice the new step.
    assert changes(report, "scenario-failing")
    assert not changes(report, "way-added") and not changes(report, "way-removed")


def test_deleted_step_others_point_to_gives_a_missing_target(repo):
    file = repo.path / "sops" / RPO
    text = file.read_text(encoding="utf-8")
    start, end = text.index("  leave_voicemail:\n"), text.index("  schedule_callback:\n")
    file.write_text(text[:start] + text[end:], encoding="utf-8")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    assert ("step-removed", "leave_voicemail") in kinds(report)
    [missing] = changes(report, "target-missing")
    assert (missing["step"], missing["subject"], missing["new"]) == ("call_homeowner", "No answer", "leave_voicemail")
    assert changes(report, "scenario-failing")


def test_renamed_sop_is_one_rename_not_a_removal_and_an_addition(repo):
    repo.edit(RPO, "sop: rejected-payment-outreach\n", "sop: rejected-payment-calls\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    [renamed] = changes(report, "sop-renamed")
    assert (renamed["old"], renamed["new"]) == ("rejected-payment-outreach", "rejected-payment-calls")
    assert not changes(report, "sop-added") and not changes(report, "sop-removed")
    assert [(s["id"], s["status"], s["old_id"]) for s in report["sops"]] == \
        [("rejected-payment-calls", "renamed", "rejected-payment-outreach")]


def test_renamed_file_with_the_same_content_is_a_rename_too(repo):
    repo.edit(RPO, "sop: rejected-payment-outreach\n", "sop: rejected-payment-calls\n")
    (repo.path / "sops" / RPO).rename(repo.path / "sops" / "rejected-payment-calls.yaml")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    assert {c["kind"] for c in report["sops"][0]["changes"]} == {"sop-renamed"}


def test_changed_repeat_bound_and_the_scenario_it_breaks(repo):
    repo.edit(RPO, "      max_attempts: 5\n", "      max_attempts: 3\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    [bound] = changes(report, "repeat-changed")
    assert (bound["step"], bound["subject"], bound["old"], bound["new"]) == ("schedule_callback", "max_attempts", 5, 3)
    assert {c["subject"] for c in changes(report, "scenario-failing")} == {"Five unanswered calls, the ticket is closed"}


def test_no_change_reports_nothing_and_exits_0(repo):
    repo.commit()
    done = repo.diff("HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 0
    assert kinds(__import__("json").loads(done.stdout)) == set()


def test_renamed_sop_others_hand_off_to_leaves_their_hand_offs_pointing_at_nothing(repo):
    repo.edit("gather-homeowner-details.yaml", "sop: gather-homeowner-details\n", "sop: collect-homeowner-details\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    [renamed] = changes(report, "sop-renamed")
    assert (renamed["old"], renamed["new"]) == ("gather-homeowner-details", "collect-homeowner-details")
    missing = {(c["sop"], c["new"]) for c in changes(report, "target-missing")}
    assert missing == {(sop, "gather-homeowner-details") for sop in
                       ("homeowner-support-calls", "homeowner-support-emails", "homeowner-support-voicemails")}
    # Their scenarios walk into the hand-off, so they are run on both sides.
    assert {c["sop"] for c in changes(report, "scenario-failing")} <= {s for s, _ in missing}
    assert {(s["id"], s["status"]) for s in report["sops"] if s["id"] != "collect-homeowner-details"} == \
        {(sop, "affected") for sop, _ in missing}
    assert changes(report, "scenario-failing")


def test_any_other_step_property_is_a_step_change(repo):
    repo.edit(RPO, "    title: Outbound voice script\n    scripts:", "    title: Outbound voice script\n    tags: [verification]\n    scripts:")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    [tagged] = changes(report, "step-changed")
    assert (tagged["step"], tagged["subject"], tagged["old"], tagged["new"]) == ("voice_script", "tags", [], ["verification"])


def test_metadata_inputs_waits_and_records(repo):
    repo.edit(RPO, "owner: Homeowner Support\n", "owner: Billing Support\n")
    repo.edit(RPO, "  agent_name:\n    type: text\n", "  agent_name:\n    type: text\n    required: false\n")
    repo.edit(RPO, "  rejection_reason:\n", "  ticket_number:\n    type: text\n  rejection_reason:\n")
    repo.edit(RPO, "          Request Type: Rejected Payments\n", "          Request Type: Rejected or Returned Payments\n")
    repo.edit("homeowner-concerns-pre-pto.yaml", "      until: The installer replies\n", "      for: 3 business days\n")
    repo.commit()
    report = repo.diff_json("HEAD~1", "HEAD")
    owner = next(c for c in changes(report, "metadata-changed") if c["subject"] == "owner")
    assert (owner["old"], owner["new"]) == ("Homeowner Support", "Billing Support")
    [changed_input] = changes(report, "input-changed")
    assert (changed_input["subject"], changed_input["old"], changed_input["new"]) == \
        ("agent_name", {"required": True}, {"required": False})
    assert [c["subject"] for c in changes(report, "input-added")] == ["ticket_number"]
    [field] = changes(report, "text-changed")
    assert (field["step"], field["subject"]) == ("create_records", "record Rejected payment ticket: Request Type")
    assert [(w["kind"], w["text"]) for w in field["words"] if w["kind"] != "equal"] == [("inserted", " or Returned")]
    waits = {(c["subject"], c["old"], c["new"]) for c in changes(report, "wait-changed")}
    assert waits == {("for", None, "3 business days"), ("until", "The installer replies", None)}
