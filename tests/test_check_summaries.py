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


def test_a_generated_corpus_reports_the_same_and_keeps_only_summaries(tmp_path):
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--size", "40", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    broken = tmp_path / "generated-sop-00003.yaml"
    # A hand-off to nowhere and a duplicate id: findings across SOPs, located in their files.
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("sop: generated-sop-00003", "sop: generated-sop-00004", 1), encoding="utf-8")
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
