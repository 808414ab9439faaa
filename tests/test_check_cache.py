"""The check cache may make `sopc check` faster, never different."""

import hmac
import json

import pytest

from sopc import cache_seal
from sopc.check import cache as cache_module
from sopc import validate as validate_module
from sopc.check.cache import check_cached
from sopc.check import check_paths
from sopc.config import Config

MAIN = """
sop: main
title: Main
inputs:
  name: text
steps:
  greet:
    scripts:
      - say: Hello {{ name }}
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


def codes(result):
    return sorted((p.path, p.line, p.code) for p in result.problems)


def cli_json(sopc, cwd, *args):
    out = sopc("check", "--format", "json", *args, "sops", cwd=cwd)
    return out.returncode, json.loads(out.stdout)


def test_unchanged_corpus_is_answered_from_the_cache(corpus, monkeypatch):
    first = check_cached(["sops"], Config())
    assert first.corpus.sops  # computed
    monkeypatch.setattr(validate_module, "validate", lambda doc: pytest.fail("validated again"))
    second = check_cached(["sops"], Config())
    assert second.corpus is None  # answered without reading any YAML
    assert codes(second) == codes(first) and second.files == first.files == 2


def test_an_edit_changes_the_result_and_undoing_it_restores_it(corpus, write):
    assert codes(check_cached(["sops"], Config())) == []
    write("sops/main.yaml", MAIN.replace("{{ name }}", "{{ nmae }}"))
    assert sorted(c for _, _, c in codes(check_cached(["sops"], Config()))) == ["SOP108", "SOP109"]  # undefined, and `name` now unused
    write("sops/main.yaml", MAIN)
    assert codes(check_cached(["sops"], Config())) == []


def test_only_changed_files_are_validated_again(corpus, write, monkeypatch):
    check_cached(["sops"], Config())
    seen = []
    real = validate_module.validate
    monkeypatch.setattr(validate_module, "validate", lambda doc: seen.append(doc.path) or real(doc))
    write("sops/other.yaml", OTHER.replace("title: Other", "title: Other, edited"))
    assert codes(check_cached(["sops"], Config())) == []
    assert seen == ["sops/other.yaml"]


def test_cross_file_rules_rerun_when_another_file_changes(corpus, write):
    assert codes(check_cached(["sops"], Config())) == []
    # main.yaml is unchanged, but the SOP it hands off to is renamed away.
    write("sops/other.yaml", OTHER.replace("sop: other", "sop: another"))
    handoff_line = MAIN.lstrip("\n").splitlines().index("    handoff: other") + 1
    assert codes(check_cached(["sops"], Config())) == [("sops/main.yaml", handoff_line, "SOP100")]
    # Now two files claim the same id.
    write("sops/other.yaml", OTHER.replace("sop: other", "sop: main"))
    found = [c for _, _, c in codes(check_cached(["sops"], Config()))]
    assert "SOP101" in found


def test_a_file_with_schema_problems_is_remembered_with_its_id(corpus, write):
    write("sops/other.yaml", OTHER.replace("end: resolved", "end: finished"))
    first = codes(check_cached(["sops"], Config()))
    write("sops/main.yaml", MAIN + "\n")  # a change elsewhere: other.yaml comes from the per-file cache
    second = codes(check_cached(["sops"], Config()))
    # Still one schema problem, and the hand-off to the broken SOP is not reported as broken.
    assert [c for _, _, c in first] == [c for _, _, c in second] == ["SOP013"]


def test_a_deleted_or_added_file_changes_the_result(corpus, write):
    check_cached(["sops"], Config())
    (corpus / "sops" / "other.yaml").unlink()
    result = check_cached(["sops"], Config())
    assert result.files == 1 and [c for _, _, c in codes(result)] == ["SOP100"]
    write("sops/other.yaml", OTHER)
    assert check_cached(["sops"], Config()).files == 2


def test_settings_are_part_of_the_key(corpus, write):
    write("sops/main.yaml", MAIN.replace("{{ name }}", "{{ nmae }}"))
    assert codes(check_cached(["sops"], Config()))
    assert codes(check_cached(["sops"], Config(severities={"SOP108": "off", "SOP109": "off"}))) == []


def test_a_new_compiler_version_does_not_reuse_entries(corpus, monkeypatch):
    check_cached(["sops"], Config())
    monkeypatch.setattr(cache_module, "__version__", "999")
    assert check_cached(["sops"], Config()).corpus.sops  # recomputed


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[]", b'{"key": 1, "result": null}', b"\x00\xff" * 100])
def test_a_corrupt_entry_is_ignored(corpus, write, garbage):
    write("sops/main.yaml", MAIN.replace("{{ name }}", "{{ nmae }}"))
    expected = codes(check_paths(["sops"], Config()))
    check_cached(["sops"], Config())
    entries = list((corpus / ".sopc-cache" / "check").glob("*.json"))
    assert len(entries) == 1
    entries[0].write_bytes(garbage)
    assert codes(check_cached(["sops"], Config())) == expected
    assert codes(check_cached(["sops"], Config())) == expected  # and it was rewritten whole


def test_a_forged_hit_with_the_wrong_shape_is_ignored(corpus):
    check_cached(["sops"], Config())
    entry_path = next((corpus / ".sopc-cache" / "check").glob("*.json"))
    entry = json.loads(cache_seal.read(entry_path))
    entry["result"] = {"problems": [{"path": 1}], "files": "two", "suppressed": 0}
    entry["files"] = {key: {"problems": "nonsense"} for key in entry["files"]}
    cache_seal.write(entry_path, json.dumps(entry))
    result = check_cached(["sops"], Config())
    assert result.files == 2 and codes(result) == []


def _entry(corpus):
    entry_path = next((corpus / ".sopc-cache" / "check").glob("*.json"))
    return entry_path, json.loads(cache_seal.read(entry_path))


@pytest.mark.parametrize("sealed_by", ["nobody", "another key"])
def test_a_planted_entry_cannot_hide_an_error(corpus, write, sealed_by):
    """A pull request can add `.sopc-cache/` files: an entry this user's sopc did not seal is not believed."""
    broken = MAIN.replace("{{ name }}", "{{ nmae }}")
    write("sops/main.yaml", broken)
    expected = codes(check_paths(["sops"], Config()))
    assert expected
    check_cached(["sops"], Config())
    _, entry = _entry(corpus)
    broken_key = entry["key"]  # every part of it is public: the sources, the settings, the date, sopc's code
    write("sops/main.yaml", MAIN)
    check_cached(["sops"], Config())
    entry_path, clean = _entry(corpus)
    clean["key"] = broken_key  # the planted entry: the clean answer, filed under the broken corpus
    text = json.dumps(clean).encode()
    if sealed_by == "nobody":
        entry_path.write_bytes(text)
    else:
        mac = hmac.new(b"k" * 32, text, "sha256").hexdigest().encode()
        entry_path.write_bytes(b"sopc-seal " + mac + b"\n" + text)
    write("sops/main.yaml", broken)
    assert codes(check_cached(["sops"], Config())) == expected


def test_no_temporary_files_are_left_behind(corpus):
    check_cached(["sops"], Config())
    check_cached(["sops"], Config())
    names = [p.name for p in (corpus / ".sopc-cache" / "check").iterdir()]
    assert len(names) == 1 and not names[0].startswith(".tmp-")


def test_cli_output_is_the_same_cold_and_warm_and_follows_edits(sopc, tmp_path, write):
    write("sops/main.yaml", MAIN.replace("{{ name }}", "{{ nmae }}"))
    write("sops/other.yaml", OTHER)
    cold = cli_json(sopc, tmp_path, "--no-cache")
    assert not (tmp_path / ".sopc-cache").exists()
    first = cli_json(sopc, tmp_path)
    warm = cli_json(sopc, tmp_path)
    assert cold == first == warm and cold[0] == 1
    text_cold = sopc("check", "--no-cache", "sops", cwd=tmp_path).stdout
    assert sopc("check", "sops", cwd=tmp_path).stdout == text_cold
    write("sops/main.yaml", MAIN)
    assert cli_json(sopc, tmp_path) == (0, cli_json(sopc, tmp_path, "--no-cache")[1])


def test_an_unwritable_cache_only_costs_speed(sopc, tmp_path, write):
    write("sops/main.yaml", MAIN)
    write("sops/other.yaml", OTHER)
    (tmp_path / ".sopc-cache").write_text("a file where the folder should be")
    out = sopc("check", "sops", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
