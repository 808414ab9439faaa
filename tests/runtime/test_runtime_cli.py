import json

from sopc.emit import bundle_text
from sopc.runtime import Bundle
from sopc.runtime.scenarios import run_scenario

SEED = "rejected-payment-outreach"


def test_export_is_deterministic(sopc, seed_corpus, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert sopc("export", seed_corpus, "-o", first).returncode == 0
    assert sopc("export", seed_corpus, "-o", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    to_stdout = sopc("export", seed_corpus)
    assert to_stdout.stdout.encode("utf-8") == first.read_bytes()


def test_export_pretty_holds_the_same_bundle(sopc, seed_corpus):
    lines = sopc("export", seed_corpus).stdout
    pretty = sopc("export", seed_corpus, "--pretty").stdout
    assert json.loads(lines) == json.loads(pretty)
    assert pretty.count("\n") > lines.count("\n")


def test_export_writes_one_line_per_step(sopc, seed_corpus):
    text = sopc("export", seed_corpus).stdout
    bundle = json.loads(text)
    for sop in bundle["sops"].values():
        for step in sop["steps"]:
            assert json.dumps(step, sort_keys=True, separators=(",", ":"), ensure_ascii=False) in text.splitlines()[
                [i for i, line in enumerate(text.splitlines()) if f'"id":"{step["id"]}"' in line][0]]
    compact = json.dumps({k: v for k, v in bundle.items() if k != "digest"}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False)
    assert bundle_text.canonical(text.replace(f'  "digest":"{bundle["digest"]}",\n', "")).strip() == compact
    assert Bundle.load(bundle).digest == bundle["digest"]


def test_editing_one_step_changes_one_line_of_the_bundle_and_the_digest(sopc, seed_corpus):
    before = sopc("export", seed_corpus).stdout.splitlines()
    source = seed_corpus / f"{SEED}.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: Call the homeowner\n", "title: Call the homeowner again\n", 1), encoding="utf-8")
    after = sopc("export", seed_corpus).stdout.splitlines()
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert len(changed) == 2  # the digest, and the one step
    assert '"digest"' in before[changed[0]] and "Call the homeowner again" in after[changed[1]]


def test_export_keeps_written_order_and_sources(sopc, seed_corpus):
    bundle = json.loads(sopc("export", seed_corpus).stdout)
    sop = bundle["sops"][SEED]
    assert [s["id"] for s in sop["steps"]][:3] == ["create_records", "call_homeowner", "voice_script"]
    fields = sop["steps"][0]["records"][0]["fields"]
    assert [f["name"] for f in fields] == ["Summary", "Description", "Request Type", "Reporter", "Update Org"]
    lines = (seed_corpus / f"{SEED}.yaml").read_text(encoding="utf-8").splitlines()
    step = sop["steps"][1]
    assert lines[step["source"]["line"] - 1].strip() == "call_homeowner:"
    assert Bundle.load(bundle).sops


def test_export_one_sop_takes_what_it_hands_off_to(sopc, flow_corpus):
    bundle = json.loads(sopc("export", flow_corpus, "--sop", "chain").stdout)
    assert bundle["entry"] == "chain"
    assert sorted(bundle["sops"]) == ["chain", "helper"]
    assert sorted(bundle["procedures"]) == ["outside"]
    whole = json.loads(sopc("export", flow_corpus).stdout)
    assert sorted(whole["sops"]) == ["chain", "helper", "main"] and "unused" in whole["procedures"]


def test_export_unknown_sop(sopc, flow_corpus):
    result = sopc("export", flow_corpus, "--sop", "helpr")
    assert result.returncode == 2 and "helper" in result.stderr and "Traceback" not in result.stderr


def test_export_an_empty_sop_id_is_unknown(sopc, flow_corpus):
    result = sopc("export", flow_corpus, "--sop", "")
    assert result.returncode == 2 and result.stdout == ""


def test_export_refuses_a_corpus_with_errors(sopc, seed_corpus):
    path = seed_corpus / f"{SEED}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("goto: voice_script", "goto: voice_scrpt"), encoding="utf-8")
    result = sopc("export", seed_corpus)
    assert result.returncode == 1 and result.stdout == ""
    assert f"{SEED}.yaml:" in result.stderr and "SOP100" in result.stderr


def test_exported_scenarios_pass_on_the_exported_bundle(sopc, seed_corpus, tmp_path):
    bundle_path, suite_path = tmp_path / "bundle.json", tmp_path / "scenarios.json"
    assert sopc("export", seed_corpus, "-o", bundle_path, "--scenarios", suite_path).returncode == 0
    suite = json.loads(suite_path.read_text(encoding="utf-8"))
    bundle = Bundle.load(bundle_path)
    assert suite["format"] == "sopc-scenarios" and suite["bundle_digest"] == bundle.digest
    assert len(suite["scenarios"]) >= 4
    for scenario in suite["scenarios"]:
        assert run_scenario(bundle, scenario["sop"], scenario).passed, scenario["name"]


def test_run_with_answers(sopc, seed_corpus):
    result = sopc("run", SEED, "--sources", seed_corpus, "--answers", "No answer,1,2", "--fact", "homeowner_name=Dana")
    assert result.returncode == 0, result.stderr
    assert "Hello Dana" in result.stdout and "[Agent Name]" in result.stdout
    assert "Ended: resolved at rejected-payment-outreach:call_answered_end" in result.stdout
    assert "leave_voicemail > schedule_callback > call_homeowner" in result.stdout


def test_run_with_answers_file(sopc, seed_corpus, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("No answer\n" * 5, encoding="utf-8")
    result = sopc("run", SEED, "--sources", seed_corpus, "--answers-file", answers)
    assert result.returncode == 0, result.stderr
    assert "Ended: closed-no-contact" in result.stdout


def test_run_interactive_reads_facts_and_answers(sopc, seed_corpus):
    facts = "Dana\nSam\n\n\n\n"  # the inputs the SOP uses, in order; Enter skips
    result = sopc("run", SEED, "--sources", seed_corpus, input=facts + "x\nAnswered\n2\n")
    assert result.returncode == 0, result.stderr
    assert "My name is Sam with Everbright" in result.stdout
    assert "is not an option" in result.stdout  # the wrong answer was asked again
    assert "Ended: resolved" in result.stdout


def test_run_errors_are_clear(sopc, seed_corpus):
    cases = [
        (("run", "no-such-sop", "--sources", seed_corpus), "rejected-payment-outreach"),
        (("run", SEED, "--sources", seed_corpus, "--answers", "Maybe"), "No answer"),
        (("run", SEED, "--sources", seed_corpus, "--answers", "Answered"), "ran out"),
        (("run", SEED, "--sources", seed_corpus, "--answers", "Answered,Yes,Yes"), "not used"),
        (("run", SEED, "--sources", seed_corpus, "--fact", "homeowner_name"), "key=value"),
        (("run", SEED, "--sources", seed_corpus, "--fact", "nobody=1"), "nobody"),
    ]
    for args, hint in cases:
        result = sopc(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert hint in result.stderr and "Traceback" not in result.stderr


def test_run_interactive_input_ending_early(sopc, seed_corpus):
    result = sopc("run", SEED, "--sources", seed_corpus, input="")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_test_command_reports_full_coverage_of_the_seed(sopc, seed_corpus):
    result = sopc("test", seed_corpus, "--min-coverage", "100")
    assert result.returncode == 0, result.stdout
    report = json.loads(sopc("test", seed_corpus, "--format", "json").stdout)
    assert report["summary"]["failed"] == 0 and report["summary"]["scenarios"] >= 4
    assert report["coverage"]["sops"][SEED]["edges"]["percent"] == 100
    assert report["coverage"]["sops"][SEED]["steps"]["percent"] == 100


def test_test_command_locates_failures(sopc, seed_corpus):
    path = seed_corpus / f"{SEED}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("answers: [Answered, \"No\"]", "answers: [Answered]")
    text = text.replace("outcome: closed-no-contact", "outcome: resolved")
    path.write_text(text, encoding="utf-8")
    result = sopc("test", seed_corpus, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    failed = {s["name"]: s for s in report["scenarios"] if not s["passed"]}
    assert set(failed) == {"Answered, takes the Account Servicing number instead", "No answer after five attempts closes the ticket"}
    ran_out = failed["Answered, takes the Account Servicing number instead"]
    assert "ran out" in ran_out["failures"][0]
    lines = text.splitlines()
    assert "Answered, takes the Account Servicing" in lines[ran_out["line"] - 1]
    text_report = sopc("test", seed_corpus).stdout
    assert f"{path.name}:{ran_out['line']}:" in text_report and "expected outcome `resolved`" in text_report


def test_min_coverage_fails_below_threshold(sopc, flow_corpus):
    with open(flow_corpus / "main.yaml", "a", encoding="utf-8") as handle:
        handle.write("scenarios:\n  - name: Premium fixed\n    inputs: {plan: premium}\n    answers: [\"Yes\"]\n"
                     "    expect: {outcome: resolved, path: [greet, route, sub, \"helper:check\", \"helper:fixed\", done]}\n")
    result = sopc("test", flow_corpus, "--format", "json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    main = report["coverage"]["sops"]["main"]
    assert 0 < main["edges"]["percent"] < 100 and "pause -> retry (next)" in main["uncovered_edges"]
    assert report["coverage"]["sops"]["helper"]["edges"]["covered"] == 1
    below = sopc("test", flow_corpus, "--min-coverage", "90")
    assert below.returncode == 1 and "below" in below.stdout


def test_seed_bundle_passes_python_schema_validation(sopc, seed_corpus):
    from pathlib import Path

    from jsonschema import Draft202012Validator, FormatChecker

    schema_path = Path(__file__).resolve().parents[2] / "schema" / "runtime.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    bundle = json.loads(sopc("export", seed_corpus).stdout)
    assert list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(bundle)) == []


def test_export_refuses_a_comparison_without_input(sopc, write):
    path = write("sops/guess.yaml", """
        sop: guess
        title: Guess
        inputs:
          plan: text
        steps:
          which:
            ask: Which plan?
            options:
              - {label: Basic, goto: done, when: {eq: basic}}
              - {label: Other, goto: done, otherwise: true}
          done:
            end: resolved
        """)
    result = sopc("export", path.parent)
    assert result.returncode == 1 and result.stdout == ""
    assert "guess.yaml:9:" in result.stderr
