"""`sopc check` end to end: exit codes, suppressions, and every output format
(SARIF validated against the official SARIF 2.1.0 schema)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from sopc.check import check_paths
from sopc.problems import Problem
from sopc.report.github import command, escape_data, escape_property
from sopc.check.rules import RULES
from helpers import SOPS, run_sopc

SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"

BROKEN = """
sop: broken
title: A flow with an unreachable step and a leftover marker
steps:
  greet:
    do: Greet the homeowner. TODO
    end: resolved
  orphan:
    end: referred
"""

WARNING_ONLY = """
sop: warning-only
title: Only a leftover marker
steps:
  greet:
    do: Greet the homeowner. TODO
    end: resolved
"""


def problems(done):
    return json.loads(done.stdout)["problems"]


# -- exit codes ---------------------------------------------------------------

def test_real_corpus_is_clean_even_when_strict():
    result = check_paths([SOPS])
    assert result.problems == []
    assert not result.failed(strict=True)


def test_exit_codes(tmp_path, write):
    write("clean/sops/a.yaml", "sop: a\ntitle: A\nsteps:\n  done:\n    end: resolved\n")
    write("warn/sops/a.yaml", WARNING_ONLY)
    write("error/sops/a.yaml", BROKEN)
    assert run_sopc("check", cwd=tmp_path / "clean").returncode == 0
    assert run_sopc("check", cwd=tmp_path / "warn").returncode == 0
    assert run_sopc("check", "--strict", cwd=tmp_path / "warn").returncode == 1
    assert run_sopc("check", cwd=tmp_path / "error").returncode == 1
    assert run_sopc("check", "--format", "yaml", cwd=tmp_path / "clean").returncode == 2
    assert run_sopc("check", "no-such-folder", cwd=tmp_path / "clean").returncode == 2


# -- suppression --------------------------------------------------------------

def suppressed_sop(rule: str) -> str:
    return f"""
sop: suppressed
title: A leftover marker, suppressed
steps:
  greet:
    do: Greet the homeowner. TODO
    suppress:
      - rule: {rule}
        reason: The marker is part of the product name.
    end: resolved
"""


@pytest.mark.parametrize("rule", ["todo-text", "SOP112"])
def test_suppression_by_slug_or_code_drops_the_finding_and_is_counted(tmp_path, write, rule):
    write("sops/a.yaml", suppressed_sop(rule))
    done = run_sopc("check", "--strict", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout) == {"problems": [], "summary": {"files": 1, "errors": 0, "warnings": 0, "suppressed": 1}}
    text = run_sopc("check", cwd=tmp_path).stdout
    assert "1 finding suppressed" in text


def test_suppression_of_another_rule_keeps_the_finding(tmp_path, write):
    write("sops/a.yaml", suppressed_sop("unbounded-loop"))
    done = run_sopc("check", "--format", "json", cwd=tmp_path)
    # The todo-text finding stays, and the suppression, silencing nothing, is reported unused.
    assert [p["code"] for p in problems(done)] == ["SOP112", "SOP113"]
    assert json.loads(done.stdout)["summary"]["suppressed"] == 0


def test_suppression_of_an_unknown_rule_is_reported(tmp_path, write):
    write("sops/a.yaml", suppressed_sop("todo-txt"))
    done = run_sopc("check", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    found = {(p["code"], p["line"]) for p in problems(done)}
    assert found == {("SOP100", 7), ("SOP112", 5)}


def test_suppression_applies_only_to_its_step(tmp_path, write):
    write("sops/a.yaml", """
sop: a
title: Two markers, one suppressed
steps:
  greet:
    do: Greet the homeowner. TODO
    suppress:
      - rule: todo-text
        reason: The marker is part of the product name.
  wrap_up:
    do: Thank the homeowner. TODO
    end: resolved
""")
    done = run_sopc("check", "--format", "json", cwd=tmp_path)
    assert [(p["code"], p["step"]) for p in problems(done)] == [("SOP112", "wrap_up")]


# -- text and json --------------------------------------------------------------

def test_text_format_locates_each_problem(tmp_path, write):
    write("sops/a.yaml", BROKEN)
    out = run_sopc("check", cwd=tmp_path).stdout
    assert re.search(r"^sops/a\.yaml:7:3: error\[SOP103 unreachable-step\]: ", out, re.M)
    assert re.search(r"^sops/a\.yaml:5:9: warning\[SOP112 todo-text\]: ", out, re.M)
    assert "1 error, 1 warning" in out


def test_json_format(tmp_path, write):
    write("sops/a.yaml", BROKEN)
    data = json.loads(run_sopc("check", "--format", "json", cwd=tmp_path).stdout)
    assert [(p["code"], p["rule"], p["severity"], p["line"]) for p in data["problems"]] == [
        ("SOP112", "todo-text", "warning", 5), ("SOP103", "unreachable-step", "error", 7)]
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 1, "suppressed": 0}


# -- github ---------------------------------------------------------------------

def test_github_format_is_one_workflow_command_per_problem(tmp_path, write):
    write("sops/a.yaml", BROKEN)
    lines = run_sopc("check", "--format", "github", cwd=tmp_path).stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert commands[0].startswith("::warning file=sops/a.yaml,line=5,col=9,title=SOP112 todo-text::")
    assert commands[1].startswith("::error file=sops/a.yaml,line=7,col=3,title=SOP103 unreachable-step::")
    assert len(commands) == 2


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    problem = Problem("sops/odd, name:1.yaml", 3, 5, "SOP112", "todo-text", "line one\nline two: 100%", "warning")
    line = command(problem)
    # A line break in a message can only come from the author's text: shown as `\n`, on one line.
    assert line == "::warning file=sops/odd%2C name%3A1.yaml,line=3,col=5,title=SOP112 todo-text::line one\\nline two: 100%25"
    assert "\n" not in line


# -- sarif ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif_run(tmp_path, write, *, cwd):
    write("repo/sops/a.yaml", BROKEN)
    write("repo/sops/b.yaml", "sop: b\ntitle: [unclosed\n")  # a YAML error: a problem with no rule module
    (tmp_path / "repo" / ".git").mkdir()
    done = run_sopc("check", "--format", "sarif", "sops" if cwd.name == "repo" else ".", cwd=cwd)
    return done, json.loads(done.stdout)


def test_sarif_is_valid_against_the_official_schema(tmp_path, write, sarif_validator):
    done, log = sarif_run(tmp_path, write, cwd=tmp_path / "repo")
    assert done.returncode == 1
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_sarif_describes_every_rule_and_locates_results(tmp_path, write):
    _done, log = sarif_run(tmp_path, write, cwd=tmp_path / "repo")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    for rule in RULES:
        descriptor = by_id[rule.ID]
        assert descriptor["name"] == rule.SLUG
        assert descriptor["defaultConfiguration"]["level"] == rule.SEVERITY
        assert descriptor["shortDescription"]["text"] and descriptor["fullDescription"]["text"]
        assert descriptor["help"]["markdown"].startswith(f"## {rule.SLUG} ({rule.ID})")
    found = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]}
    assert ("SOP103", "error", "sops/a.yaml", 7) in found
    assert ("SOP112", "warning", "sops/a.yaml", 5) in found
    assert any(code == "SOP001" and uri == "sops/b.yaml" for code, _l, uri, _n in found)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path, write):
    _done, log = sarif_run(tmp_path, write, cwd=tmp_path / "repo" / "sops")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"sops/a.yaml", "sops/b.yaml"}


def test_pre_commit_hook_checks_the_corpus_when_yaml_changes():
    import yaml

    hooks = yaml.safe_load((SOPS.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "sopc-check")
    assert hook["entry"] == "sopc check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # hand-offs span files: check the whole corpus
    files = re.compile(hook["files"])
    assert files.search("sops/a.yaml") and files.search("sops/b.yml") and not files.search("README.md")


def test_a_long_source_line_is_shown_around_the_problem():
    from sopc.report.text import SHOWN_WIDTH, excerpt

    line = "x" * 5000 + "BAD" + "y" * 5000
    shown, caret = excerpt(line, 5001)
    assert len(shown) <= SHOWN_WIDTH + 4 and shown[caret:caret + 3] == "BAD"
    assert excerpt("key: value", 6) == ("key: value", 5)
    start, caret = excerpt("BAD" + "z" * 500, 1)
    assert start.startswith("BAD") and caret == 0
