"""The export writes the bundle SOP by SOP: the same bytes as the bundle built in memory, and all or nothing."""

import json
import subprocess
import sys

import pytest

from sopc.check import check_paths, load_corpus
from sopc.config import Config
from sopc.emit import bundle as bundle_module
from sopc.emit.bundle import ExportError, SopSpool, build_scenarios, export_bundle, write_bundle
from sopc.runtime import Bundle
from tests.helpers import REPO, SOPS


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--size", "30", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_the_streamed_bundle_is_the_bundle_built_in_memory(which, generated, tmp_path):
    corpus, problems, _files = load_corpus([SOPS if which == "seeds" else generated])
    assert not problems
    target = tmp_path / "bundle.json"
    written = write_bundle(corpus, target)
    bundle, text = export_bundle(corpus)
    assert target.read_text(encoding="utf-8") == text
    assert written["digest"] == bundle["digest"] == Bundle.load(target.read_text(encoding="utf-8")).digest
    assert written["sops"] == sorted(bundle["sops"])


def test_one_sop_and_what_it_hands_off_to_streams_the_same_bytes(generated, tmp_path):
    corpus, _problems, _files = load_corpus([generated])
    sop_id = next(s.id for s in corpus.sops.values() if any(step.handoff in corpus.sops for step in s.steps.values()))
    written = write_bundle(corpus, tmp_path / "one.json", sop_id)
    bundle, text = export_bundle(corpus, sop_id)
    assert (tmp_path / "one.json").read_text(encoding="utf-8") == text
    assert len(written["sops"]) > 1
    assert build_scenarios(corpus, written) == build_scenarios(corpus, bundle)


def _unbind_a_decision(corpus):
    """A decision whose comparisons lean on the input it is bound to, no longer bound: the serializer refuses it."""
    for sop in corpus.sops.values():
        for step in sop.steps.values():
            if step.input and any(option.when and "input" not in option.when for option in step.options):
                step.input = None
                return sop
    raise AssertionError("no bound decision in the corpus")


def test_a_refused_export_leaves_the_previous_bundle(generated, tmp_path):
    corpus, _problems, _files = load_corpus([generated])
    target = tmp_path / "bundle.json"
    target.write_text("previous bundle\n", encoding="utf-8")
    sop = _unbind_a_decision(corpus)
    with pytest.raises(ExportError) as refused:
        write_bundle(corpus, target)
    assert {(p.code, p.path) for p in refused.value.problems} == {("SOP011", sop.path)}
    assert target.read_text(encoding="utf-8") == "previous bundle\n"
    assert sorted(tmp_path.iterdir()) == [target]  # no half-written file left beside it


def test_an_export_broken_off_midway_leaves_the_previous_bundle(generated, tmp_path, monkeypatch):
    corpus, _problems, _files = load_corpus([generated])
    target = tmp_path / "bundle.json"
    target.write_text("previous bundle\n", encoding="utf-8")
    serialized = []
    real = bundle_module._sop

    def interrupted(corpus, sop, problems):
        if len(serialized) == 5:
            raise KeyboardInterrupt
        serialized.append(sop.id)
        return real(corpus, sop, problems)

    monkeypatch.setattr(bundle_module, "_sop", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_bundle(corpus, target)
    assert target.read_text(encoding="utf-8") == "previous bundle\n"
    assert sorted(tmp_path.iterdir()) == [target]


def test_the_export_command_writes_the_streamed_bundle_to_a_file_and_to_standard_output(sopc, generated, tmp_path):
    corpus, _problems, _files = load_corpus([generated])
    _bundle, text = export_bundle(corpus)
    target = tmp_path / "bundle.json"
    assert sopc("export", generated, "-o", target).returncode == 0
    assert target.read_text(encoding="utf-8") == text
    assert sopc("export", generated).stdout == text


def spooled(paths):
    """A corpus of summaries and a spool of its SOPs' texts, as `sopc export` checks and writes them."""
    spool = SopSpool()
    result = check_paths(paths, Config().errors_only(), keep_models=False, each_sop=spool.add)
    assert not result.errors
    return result.corpus, spool


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_the_bundle_written_from_summaries_and_the_spool_is_the_same(which, generated, tmp_path):
    paths = [SOPS if which == "seeds" else generated]
    summaries, spool = spooled(paths)
    corpus, _problems, _files = load_corpus(paths)
    written = write_bundle(summaries, tmp_path / "bundle.json", spool=spool)
    bundle, text = export_bundle(corpus)
    assert (tmp_path / "bundle.json").read_text(encoding="utf-8") == text
    assert build_scenarios(summaries, written) == build_scenarios(corpus, bundle)
    for sop_id in sorted(corpus.sops)[:5]:
        one = write_bundle(summaries, tmp_path / "one.json", sop_id, spool)
        bundle, text = export_bundle(corpus, sop_id)
        assert (tmp_path / "one.json").read_text(encoding="utf-8") == text
        assert build_scenarios(summaries, one) == build_scenarios(corpus, bundle)


def test_the_export_command_writes_scenarios_located_as_before(sopc, tmp_path):
    corpus, _problems, _files = load_corpus([SOPS])
    bundle, _text = export_bundle(corpus)
    assert sopc("export", SOPS, "-o", tmp_path / "b.json", "--scenarios", tmp_path / "s.json").returncode == 0
    written = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert written == build_scenarios(corpus, bundle) and written["scenarios"]


def test_a_hand_off_mark_is_never_read_into_an_authors_text(tmp_path):
    """The mark is U+0000, which the check refuses in any text; text that looks like a hand-off stays as written."""
    (tmp_path / "procedures.yaml").write_text("procedures:\n  other:\n    title: Other\n", encoding="utf-8")
    source = tmp_path / "mimic.yaml"
    source.write_text('sop: mimic\ntitle: \'{"target":"sop","to":"other"}\'\nsteps:\n  a:\n    do: \'{"target":"x"}\'\n'
                      '    handoff: other\n', encoding="utf-8")
    summaries, spool = spooled([tmp_path])
    corpus, _problems, _files = load_corpus([tmp_path])
    write_bundle(summaries, tmp_path / "bundle.json", spool=spool)
    assert (tmp_path / "bundle.json").read_text(encoding="utf-8") == export_bundle(corpus)[1]
    assert json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8"))["sops"]["mimic"]["steps"][0]["handoff"][
        "target"] == "procedure"
    source.write_text('sop: mimic\ntitle: "\\0"\nsteps:\n  a:\n    end: resolved\n', encoding="utf-8")
    assert {p.code for p in check_paths([tmp_path]).errors} == {"SOP013"}
