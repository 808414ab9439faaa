"""One gate: whatever `sopc check` passes (no errors), `export`, `run`,
`test` and `build` accept. Every fixture corpus and seeded mutants of the
seed SOPs go through the check; each one it passes is exported, loaded by the
runtime, walked by its scenarios and rendered into site pages with real
flowcharts, and none of these may refuse or crash. SOPC_FUZZ_ITERATIONS makes
the fuzzed part longer."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import fuzzing
from helpers import REPO, run_sopc
from sopc.check import check_paths
from sopc.commands.test import run_tests
from sopc.emit.bundle import export_bundle
from sopc.emit.site import render_docs
from sopc.runtime import Bundle, Session

ITERATIONS = int(os.environ.get("SOPC_FUZZ_ITERATIONS", "40"))
FIRST_SEED = int(os.environ.get("SOPC_FUZZ_SEED", "0"))
RULE_FIXTURES = REPO / "tests" / "rules"


def fixture_corpora() -> list[Path]:
    cases = [REPO / "sops", REPO / "tests" / "language" / "valid"]
    for folder in sorted(RULE_FIXTURES.iterdir()):
        if folder.is_dir():
            cases += sorted(c for c in folder.iterdir() if c.is_dir() or c.suffix in (".yaml", ".yml"))
    return cases


def accepted_everywhere(paths, cache_dir) -> bool:
    """Whether the check passes the corpus; if it does, asserts every other command accepts it."""
    result = check_paths(paths)
    if result.errors:
        return False
    corpus = result.corpus
    bundle_data, text = export_bundle(corpus)
    bundle = Bundle.load(text)
    run_tests(corpus, bundle)  # scenarios may fail; loading and walking them must not
    for sop_id in corpus.sops:
        session = Session.start(bundle, sop_id)
        Session.from_json(bundle, session.to_json())
    files, _ = render_docs(corpus, cache_dir, progress=False)
    assert all(files[page] for page in files)
    return True


@pytest.mark.parametrize("case", fixture_corpora(), ids=lambda p: str(p.relative_to(REPO)))
def test_check_clean_fixture_is_accepted_by_every_command(case, tmp_path):
    accepted_everywhere([case], tmp_path / "cache")


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + ITERATIONS))
def test_check_clean_mutant_is_accepted_by_every_command(seed, tmp_path):
    fuzzing.skip_when_out_of_time()
    rng = random.Random(seed)
    seeds = fuzzing.seed_texts()
    name = rng.choice(sorted(n for n in seeds if n != "procedures.yaml"))
    folder = tmp_path / "sops"
    folder.mkdir()
    (folder / "procedures.yaml").write_bytes(seeds["procedures.yaml"])
    (folder / name).write_bytes(fuzzing.mutant(seeds[name], rng))
    if accepted_everywhere([folder], tmp_path / "cache") and seed % 10 == 0:
        # One clean mutant in ten is built for real: MkDocs renders its Markdown too.
        (tmp_path / "mkdocs.yml").write_text("site_name: Gate\n", encoding="utf-8")
        done = run_sopc("build", "--sources", "sops", "--site-dir", "site", cwd=tmp_path)
        assert done.returncode == 0, (seed, done.stderr[-2000:])


def test_a_check_clean_corpus_builds_a_site(tmp_path):
    """The real build of a corpus the check passes, with every new rule's clean case in it."""
    sops = tmp_path / "sops"
    sops.mkdir()
    for folder in ("invalid-scenario", "unreachable-option", "single-brace-placeholder", "measure-on-non-date"):
        (sops / f"{folder}.yaml").write_bytes((RULE_FIXTURES / folder / "clean.yaml").read_bytes())
    assert run_sopc("check", "sops", cwd=tmp_path).returncode == 0
    (tmp_path / "mkdocs.yml").write_text("site_name: Gate\n", encoding="utf-8")
    done = run_sopc("build", "--sources", "sops", "--site-dir", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "site").rglob("index.html"))
    for args in (["export", "sops", "-o", "b.json"], ["test", "sops"]):
        assert run_sopc(*args, cwd=tmp_path).returncode == 0
