"""The real corpus in sops/: clean under --strict, and its scenarios walk every edge."""

import json

from helpers import SOPS


def test_corpus_checks_clean_even_with_strict(sopc):
    result = sopc("check", "--strict", SOPS)
    assert result.returncode == 0, result.stdout


def test_corpus_scenarios_pass_with_full_edge_coverage(sopc):
    result = sopc("test", SOPS, "--min-coverage", "100", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["failed"] == 0
    for sop_id, coverage in report["coverage"]["sops"].items():
        assert coverage["edges"]["percent"] == 100, sop_id


def test_every_sop_has_scenarios(sopc):
    report = json.loads(sopc("test", SOPS, "--format", "json").stdout)
    tested = {s["sop"] for s in report["scenarios"]}
    assert tested == set(report["coverage"]["sops"])
