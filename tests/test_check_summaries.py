"""`sopc check` lets each SOP's model go once its per-SOP rules have run and checks
across SOPs from summaries: it must report exactly what a check that keeps every model does."""

import json
import subprocess
import sys
from dataclasses import astuple

import pytest

from sopc.check import check_paths
from sopc.check.summary import SopSummary
from sopc.config import Config
from tests.helpers import REPO, SOPS
from tests.test_rules import case_settings, cases


def both_ways(paths, config):
    kept = check_paths(paths, config, keep_models=True)
    summarized = check_paths(paths, config, keep_models=False)
    return kept, summarized


def same_problems(kept, summarized):
    assert [astuple(p) for p in summarized.problems] == [astuple(p) for p in kept.problems]
    assert (summarized.files, summarized.suppressed) == (kept.files, kept.suppressed)


@pytest.mark.parametrize("case", cases(), ids=lambda case: f"{case.parent.name}/{case.name}")
def test_each_rule_fixture_reports_the_same_from_summaries(case):
    same_problems(*both_ways([case], case_settings(case)))


@pytest.mark.parametrize("case", cases(), ids=lambda case: f"{case.parent.name}/{case.name}")
def test_each_rule_fixture_with_every_rule_on_reports_the_same_from_summaries(case):
    everything = Config()
    everything = everything.only({code for code in everything_rules()})
    same_problems(*both_ways([case], everything))


def everything_rules():
    from sopc.check.rules import RULES

    return [rule.ID for rule in RULES]


def test_every_rule_fixture_checked_as_one_corpus_reports_the_same(tmp_path):
    """All fixtures at once: hand-offs, duplicates and cycles between files of different cases."""
    every = sorted({case.parent for case in cases()})
    config = Config().only(set(everything_rules()))
    same_problems(*both_ways(every, config))


def test_the_seed_corpus_and_the_language_examples_report_the_same():
    same_problems(*both_ways([SOPS], Config()))
    same_problems(*both_ways([REPO / "tests" / "language"], Config()))


def generated_with_a_duplicate_id(folder, size: int) -> None:
    """A generated corpus where one SOP takes the next one's id: a duplicate id, and hand-offs to
    the id it gave up that now lead nowhere, findings across SOPs located in their files."""
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--size", str(size), "--out", str(folder)],
                   check=True, capture_output=True)
    renamed = folder / "generated-sop-00003.yaml"
    text = renamed.read_text(encoding="utf-8")
    renamed.write_text(text.replace("sop: generated-sop-00003", "sop: generated-sop-00004", 1), encoding="utf-8")


def test_a_generated_corpus_reports_the_same_and_keeps_only_summaries(tmp_path):
    generated_with_a_duplicate_id(tmp_path, 40)
    kept, summarized = both_ways([tmp_path], Config())
    same_problems(kept, summarized)
    assert {p.code for p in kept.problems} >= {"SOP101"}
    assert all(isinstance(sop, SopSummary) for sop in summarized.corpus.sops.values())
    assert all(isinstance(sop, SopSummary) for sop in summarized.corpus.duplicates)


def test_the_check_command_reports_what_the_library_reports_with_every_model_kept(sopc, tmp_path):
    folder = REPO / "tests" / "rules" / "handoff-cycle"
    done = sopc("check", "--no-cache", "--format", "json", folder)
    kept = check_paths([folder], keep_models=True)
    reported = {(p["line"], p["column"], p["code"], p["message"]) for p in json.loads(done.stdout)["problems"]}
    assert reported == {(p.line, p.col, p.code, p.message) for p in kept.problems}
    assert reported


def test_a_summary_places_steps_and_options_where_the_model_does():
    from sopc.check import load_corpus

    corpus, _problems, _files = load_corpus([SOPS, REPO / "tests" / "language" / "valid"])
    for sop in corpus.sops.values():
        summary = SopSummary(sop, REPO / sop.path)
        for step_id, step in sop.steps.items():
            assert summary.steps[step_id].where == step.where
            assert [o.where for o in summary.steps[step_id].options] == [o.where for o in step.options]
            assert summary.steps[step_id].kind == step.kind


def test_a_check_in_several_processes_reports_what_one_process_does(tmp_path):
    generated_with_a_duplicate_id(tmp_path, 30)
    rules = REPO / "tests" / "rules"
    for paths, config in (([rules], Config().only(set(everything_rules()))), ([SOPS], Config()), ([tmp_path], Config())):
        one = check_paths(paths, config, keep_models=False)
        several = check_paths(paths, config, keep_models=False, jobs=2)
        same_problems(one, several)
        assert sorted(several.corpus.sops) == sorted(one.corpus.sops)
        assert [s.path for s in several.corpus.duplicates] == [s.path for s in one.corpus.duplicates]


def test_the_check_command_with_jobs_prints_the_same_report_cached_or_not(sopc, tmp_path):
    folder = REPO / "tests" / "rules" / "handoff-cycle"
    alone = sopc("check", "--no-cache", "--format", "json", folder, cwd=tmp_path).stdout
    assert sopc("check", "--no-cache", "--jobs", "2", "--format", "json", folder, cwd=tmp_path).stdout == alone
    assert sopc("check", "-j", "0", "--format", "json", folder, cwd=tmp_path).stdout == alone
    assert sopc("check", "-j", "2", "--format", "json", folder, cwd=tmp_path).stdout == alone  # from the cache


def test_a_summary_sent_to_another_process_reads_the_same():
    import pickle

    from sopc.check import load_corpus

    corpus, _problems, _files = load_corpus([SOPS])
    for sop in corpus.sops.values():
        summary = SopSummary(sop, REPO / sop.path)
        copy = pickle.loads(pickle.dumps(summary))
        whole, sent = summary._derived["flow"], copy._derived["flow"]
        assert sent.successors == whole.successors and set(sent.reachable) == set(whole.reachable)
        assert sent.exits == whole.exits
        assert [(s.id, s.kind, s.handoff, s.where) for s in copy.steps.values()] == \
               [(s.id, s.kind, s.handoff, s.where) for s in summary.steps.values()]
