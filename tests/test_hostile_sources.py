"""Sources written by an attacker: symbolic links out of the repository, and
text that tries to drive the terminal or forge CI annotations."""

from __future__ import annotations

import json
import os
import re

import pytest

from helpers import run_sopc
from sopc.report.terminal import visible

SECRET = "hunter2-secret-line"

LINK_TARGET = f"password: {SECRET}\n"


@pytest.fixture
def repo(tmp_path):
    """A repository (it holds `.git`) with an empty `sops/` and a secret file beside it, outside."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "sops").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "creds.yaml").write_text(LINK_TARGET, encoding="utf-8")
    return root


def test_a_link_out_of_the_repository_is_refused_and_never_quoted(repo):
    os.symlink("../../outside/creds.yaml", repo / "sops" / "creds.yaml")
    for fmt in ("text", "json", "github", "sarif"):
        done = run_sopc("check", "--no-cache", "--format", fmt, "sops", cwd=repo)
        assert done.returncode == 1
        assert SECRET not in done.stdout + done.stderr
    problems = json.loads(run_sopc("check", "--no-cache", "--format", "json", "sops", cwd=repo).stdout)["problems"]
    assert [(p["path"], p["line"], p["code"]) for p in problems] == [("sops/creds.yaml", 1, "SOP004")]
    built = run_sopc("build", "--sources", "sops", "--site-dir", "site", cwd=repo)
    assert built.returncode == 1 and SECRET not in built.stdout + built.stderr
    assert not (repo / "site").exists()


def test_a_link_to_a_folder_outside_is_refused_when_named(repo):
    os.symlink("../../outside", repo / "sops" / "shared")
    done = run_sopc("check", "--no-cache", "sops/shared/creds.yaml", cwd=repo)
    assert done.returncode == 1 and "SOP004" in done.stdout and SECRET not in done.stdout


def test_a_link_inside_the_repository_is_followed(repo):
    (repo / "shared").mkdir()
    (repo / "shared" / "a.yaml").write_text("sop: a\ntitle: A\nsteps:\n  done: {end: resolved}\n", encoding="utf-8")
    os.symlink("../shared/a.yaml", repo / "sops" / "a.yaml")
    done = run_sopc("check", "--no-cache", "sops", cwd=repo)
    assert done.returncode == 0, done.stdout


def test_a_dangling_link_is_an_unreadable_file(repo):
    os.symlink("missing.yaml", repo / "sops" / "gone.yaml")
    done = run_sopc("check", "--no-cache", "--format", "json", "sops", cwd=repo)
    assert [p["code"] for p in json.loads(done.stdout)["problems"]] == ["SOP004"]


# -- terminal and CI logs -------------------------------------------------------

HOSTILE_KEY = '"x\\n::error file=README.md,line=1::forged\\e]0;retitled\\a\\r##[warning]old-style"'

HOSTILE = f"""sop: hostile
title: Hostile
inputs:
  name: {{type: text, label: "Name"}}
steps:
  greet:
    {HOSTILE_KEY}: 1
    do: "Say hi\\e]8;;https://evil.example\\e\\\\click\\e]8;;\\e\\\\ to {{{{ name }}}}\\r\\n::error::from a step"
    end: resolved
"""

# What the schema lets through: a carriage return and a line starting with `::` in multi-line text.
CLEAN_HOSTILE = """sop: hostile
title: Hostile
inputs:
  name: {type: text, label: Name}
steps:
  greet:
    do: "Say hi to {{ name }}\\r\\n::error::from a step\\n  ##[warning]old-style"
    end: resolved
"""


def forged_lines(output: str) -> list[str]:
    """Lines a terminal or the GitHub Actions runner would act on: control characters, workflow commands."""
    found = []
    for line in output.split("\n"):
        if re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", line):
            found.append(line)
        if line.lstrip().startswith("::") and not re.match(r"::(error|warning) file=sops/hostile\.yaml,line=\d+,col=\d+,title=SOP\d{3} [a-z-]+::", line):
            found.append(line)
        if "##[" in line:
            found.append(line)
    return found


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "json"])
def test_check_output_cannot_drive_the_terminal_or_forge_annotations(tmp_path, fmt):
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    done = run_sopc("check", "--no-cache", "--format", fmt, "sops", cwd=tmp_path)
    assert done.returncode == 1
    assert forged_lines(done.stdout) == []
    if fmt == "sarif":
        text = json.loads(done.stdout)["runs"][0]["results"][0]["message"]["text"]
        assert "\x1b" not in text and "\n" not in text
        assert not re.search(r"(?<!\\)\[", text)  # no bracket a viewer would read as a link


def test_run_and_test_output_cannot_drive_the_terminal(tmp_path):
    (tmp_path / "sops").mkdir()
    # One-line fields cannot hold control characters (the schema refuses them); what a
    # scenario compares and multi-line text can, and reach the terminal through run and test.
    scenario = ('scenarios:\n  - name: walks\n'
                '    inputs: {name: "Ada\\e]0;x\\a"}\n'
                '    expect: {outcome: referred, scripts_contain: ["\\e[31mmissing\\n::error::forged"]}\n')
    (tmp_path / "sops" / "hostile.yaml").write_text(CLEAN_HOSTILE + scenario, encoding="utf-8")
    assert run_sopc("check", "--no-cache", "sops", cwd=tmp_path).returncode == 0
    ran = run_sopc("run", "hostile", "--sources", "sops", "--fact", "name=Ada\x1b[2J", "--answers", "", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Say hi" in ran.stdout
    assert forged_lines(ran.stdout + ran.stderr) == []
    tested = run_sopc("test", "sops", cwd=tmp_path)
    assert tested.returncode == 1 and "FAIL" in tested.stdout
    assert forged_lines(tested.stdout) == []


@pytest.mark.parametrize("text, shown", [
    ("a\nb", "a\\nb"),
    ("\x1b[2J", "\\x1b[2J"),
    ("::error::x", "\\x3a:error::x"),
    ("  ::warning::x", "  \\x3a:warning::x"),
    ("see ##[error]x", "see #\\x23[error]x"),
    ("rtl \u202e", "rtl \\u202e"),
    ("lone \ud800", "lone \\ud800"),
    ("tab\tkept, std::string kept", "tab\tkept, std::string kept"),
])
def test_visible_escapes_what_acts_on_a_terminal_or_ci_log(text, shown):
    assert visible(text) == shown
