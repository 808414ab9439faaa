"""A check after an edit takes unchanged files from the cache (`sopc.check.modelled`), and reports the same."""

import hmac
import pickle
from pathlib import Path

import pytest

from sopc import cache_seal
from sopc.check import check_paths, load_corpus
from sopc.check import pipeline
from sopc.check.cache import check_cached
from sopc.config import Config
from sopc.emit import bundle
from sopc.model import Corpus

REPO = Path(__file__).resolve().parent.parent

MAIN = """
sop: main
title: Main
inputs:
  name: text
steps:
  greet:
    scripts:
      - say: Hello {{ name }}
    do: TODO ask for the account number
  pass_on:
    handoff: other
    then: done
  done:
    end: resolved
"""

OTHER = """
sop: other
title: Other
steps:
  only:
    end: resolved
"""


@pytest.fixture
def corpus(tmp_path, write, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write("sops/main.yaml", MAIN)
    write("sops/other.yaml", OTHER)
    return tmp_path


@pytest.fixture
def loaded(monkeypatch):
    """The display paths of the files loaded from YAML, in order."""
    seen = []
    real = pipeline.load_bytes
    monkeypatch.setattr(pipeline, "load_bytes", lambda raw, display: seen.append(display) or real(raw, display))
    return seen


def found(result):
    return sorted((p.path, p.line, p.col, p.code, p.severity, p.message) for p in result.problems)


def containers(corpus, kind):
    return list((corpus / ".sopc-cache" / "check").glob(f"*.{kind}"))


def edit(write, name, text, n):
    write(name, text + f"\n# edit {n}\n")


def test_after_an_edit_only_the_edited_file_is_read_again(corpus, write, loaded):
    check_cached(["sops"], Config())
    edit(write, "sops/other.yaml", OTHER, 1)
    second = check_cached(["sops"], Config())  # keeps every file's summaries
    loaded.clear()
    edit(write, "sops/other.yaml", OTHER, 2)
    third = check_cached(["sops"], Config())
    assert loaded == ["sops/other.yaml"]
    assert found(third) == found(second) == found(check_paths(["sops"], Config()))
    assert [p.code for p in third.problems] == ["SOP112"]  # the TODO in main.yaml, a per-SOP finding kept


def test_the_first_check_keeps_no_models(corpus, write):
    check_cached(["sops"], Config())
    assert containers(corpus, "summaries") == []  # a CI job on a fresh clone pays nothing for them
    edit(write, "sops/other.yaml", OTHER, 1)
    check_cached(["sops"], Config())
    assert len(containers(corpus, "summaries")) == 1


def test_cross_file_rules_see_a_change_to_a_file_taken_from_the_cache(corpus, write):
    check_cached(["sops"], Config())
    edit(write, "sops/other.yaml", OTHER, 1)
    check_cached(["sops"], Config())
    write("sops/other.yaml", OTHER.replace("sop: other", "sop: another"))
    result = check_cached(["sops"], Config())
    assert "SOP100" in [p.code for p in result.problems]  # main.yaml (from the cache) hands off to nothing now
    assert found(result) == found(check_paths(["sops"], Config()))


def test_other_settings_check_every_file_again(corpus, write, loaded):
    check_cached(["sops"], Config())
    edit(write, "sops/other.yaml", OTHER, 1)
    check_cached(["sops"], Config())
    loaded.clear()
    quiet = Config(severities={"SOP112": "off"})
    assert check_cached(["sops"], quiet).problems == []
    assert sorted(loaded) == ["sops/main.yaml", "sops/other.yaml"]


def test_suppressions_apply_to_findings_taken_from_the_cache(corpus, write):
    write("sops/main.yaml", MAIN.replace("    do: TODO", "    suppress:\n      - rule: todo-text\n        reason: waiting for the account team\n    do: TODO"))
    check_cached(["sops"], Config())
    for n in (1, 2):
        edit(write, "sops/other.yaml", OTHER, n)
        result = check_cached(["sops"], Config())
        assert result.problems == [] and result.suppressed == 1


def test_a_build_takes_unchanged_models_from_the_cache(corpus, write, loaded):
    check_cached(["sops"], Config(), need_corpus=True)  # a build keeps them from the first
    loaded.clear()
    edit(write, "sops/other.yaml", OTHER, 1)
    result = check_cached(["sops"], Config(), need_corpus=True)
    assert loaded == ["sops/other.yaml"]
    fresh, _, _ = load_corpus(["sops"])
    assert bundle.export_bundle(result.corpus)[1] == bundle.export_bundle(fresh)[1]
    assert result.corpus.sops["main"].locate(("steps", "greet", "do")) == (9, 9)


def test_jobs_take_unchanged_files_from_the_cache(corpus, write, loaded):
    check_cached(["sops"], Config(), jobs=2)
    edit(write, "sops/other.yaml", OTHER, 1)
    check_cached(["sops"], Config(), jobs=2)
    loaded.clear()
    edit(write, "sops/other.yaml", OTHER, 2)
    result = check_cached(["sops"], Config(), jobs=2)
    assert loaded == ["sops/other.yaml"]  # in this process: too few files changed to start workers
    assert found(result) == found(check_paths(["sops"], Config()))


class _Planted:
    def __reduce__(self):
        return (open, ("planted-ran", "w"))  # unpickling it would make this file


@pytest.mark.parametrize("sealed_by", ["nobody", "another key"])
def test_a_planted_pickle_is_never_loaded(corpus, write, sealed_by):
    """A pull request can add `.sopc-cache/` files: a pickle in one must never be unpickled."""
    check_cached(["sops"], Config())
    edit(write, "sops/other.yaml", OTHER, 1)
    check_cached(["sops"], Config())
    container = containers(corpus, "summaries")[0]
    planted = pickle.dumps((_Planted(), {}))
    if sealed_by == "nobody":
        container.write_bytes(planted)
    else:
        mac = hmac.new(b"k" * 32, planted, "sha256").hexdigest().encode()
        container.write_bytes(b"sopc-seal " + mac + b"\n" + planted)
    edit(write, "sops/other.yaml", OTHER, 2)
    assert found(check_cached(["sops"], Config())) == found(check_paths(["sops"], Config()))
    assert not (corpus / "planted-ran").exists()


def test_a_model_read_back_is_the_model():
    corpus, problems, _ = load_corpus([REPO / "sops"])
    assert corpus.sops and not problems
    again = Corpus()
    again.sops = {sop_id: pickle.loads(pickle.dumps(sop)) for sop_id, sop in corpus.sops.items()}
    again.procedures = {key: pickle.loads(pickle.dumps(item)) for key, item in corpus.procedures.items()}
    assert bundle.export_bundle(again)[1] == bundle.export_bundle(corpus)[1]
    for sop_id, sop in corpus.sops.items():
        for step in sop.steps.values():
            copy = again.sops[sop_id].steps[step.id]
            assert copy.kind == step.kind and copy.edges() == step.edges()
            assert again.sops[sop_id].locate(step.where, key=True) == sop.locate(step.where, key=True)


def test_per_sop_rules_read_their_sop_alone():
    """What the cache relies on: a rule's `check` gives the same findings whatever else the corpus holds."""
    from sopc.check.rules import RULES

    corpus, _, _ = load_corpus([REPO / "sops", REPO / "tests" / "language" / "valid"])
    alone = Corpus()
    for rule in (rule for rule in RULES if rule.check is not None):
        options = Config().rule_options(rule.code)
        for sop in corpus.sops.values():
            assert list(rule.check(sop, corpus, options)) == list(rule.check(sop, alone, options)), (rule.ID, sop.id)
