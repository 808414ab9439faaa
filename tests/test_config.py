"""Check settings: where they are found, what they change, and how mistakes in
them are refused (exit 2, a message naming the file, no traceback)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from sopc.config import Config, ConfigError, find_config, load_config, parse
from sopc import codes
from helpers import run_sopc

LOOP_SOP = """
sop: loop
title: A retry loop with no limit
steps:
  call:
    ask: Did the homeowner answer?
    options:
      - label: "Yes"
        goto: done
      - label: "No"
        goto: call
  done:
    end: resolved
"""


stale_review, todo_text, unbounded_loop, dead_end = (
    codes.get(name) for name in ("stale-review", "todo-text", "unbounded-loop", "dead-end"))


def test_severity_by_slug_and_by_code():
    config = parse({"rules": {"unbounded-loop": "error", "SOP112": "off"}})
    assert config.severity(unbounded_loop) == "error"
    assert config.severity(todo_text) == "off"


def test_table_sets_severity_and_options():
    config = parse({"strict": True, "rules": {"stale-review": {"severity": "error", "max-age-days": 30}}})
    assert config.strict
    assert config.severity(stale_review) == "error"
    assert config.rule_options(stale_review) == {"max-age-days": 30}


def test_defaults_without_settings():
    config = Config()
    assert config.severity(unbounded_loop) == unbounded_loop.severity
    assert config.rule_options(stale_review) == stale_review.defaults


@pytest.mark.parametrize("table", [
    {"rules": {"unreachable-steps": "error"}},
    {"rules": {"SOP999": "off"}},
    {"rules": {"todo-text": "fatal"}},
    {"rules": {"todo-text": 1}},
    {"rules": {"stale-review": {"max-age": 10}}},
    {"rules": {"stale-review": {"max-age-days": "a year"}}},
    {"rules": {"stale-review": {"max-age-days": -1}}},
    {"rules": {"stale-review": {"max-age-days": True}}},
    {"rules": {"todo-text": "off", "SOP112": "warning"}},
    {"rules": ["todo-text"]},
    {"strict": "yes"},
    {"stirct": True},
])
def test_mistakes_are_refused(table):
    with pytest.raises(ConfigError):
        parse(table, "sopc.toml")


def test_nearest_file_wins_and_pyproject_without_section_is_skipped(tmp_path):
    (tmp_path / "sopc.toml").write_text('[rules]\ntodo-text = "off"\n')
    child = tmp_path / "team" / "sops"
    child.mkdir(parents=True)
    (tmp_path / "team" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(child)[0] == tmp_path / "sopc.toml"
    (tmp_path / "team" / "pyproject.toml").write_text('[tool.sopc]\nstrict = true\n')
    path, table = find_config(child)
    assert path == tmp_path / "team" / "pyproject.toml" and table == {"strict": True}
    assert load_config(start=child).strict


def test_sopc_toml_is_read_before_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.sopc]\nstrict = true\n')
    (tmp_path / "sopc.toml").write_text("strict = false\n")
    assert find_config(tmp_path)[0].name == "sopc.toml"


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "sopc.toml").write_text("[rules\n")
    with pytest.raises(ConfigError, match="sopc.toml"):
        load_config(start=tmp_path)


def test_settings_file_changes_severity_end_to_end(tmp_path, write):
    write("sops/loop.yaml", LOOP_SOP)
    assert run_sopc("check", cwd=tmp_path).returncode == 0  # a warning by default
    write("sopc.toml", '[rules]\nunbounded-loop = "error"\n')
    done = run_sopc("check", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    assert [(p["code"], p["severity"]) for p in json.loads(done.stdout)["problems"]] == [("SOP105", "error")]


def test_rule_turned_off_reports_nothing(tmp_path, write):
    write("sops/loop.yaml", LOOP_SOP)
    write("pyproject.toml", '[tool.sopc.rules]\nunbounded-loop = "off"\n')
    done = run_sopc("check", "--strict", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["problems"] == []


def test_strict_from_settings_and_overridden_on_the_command_line(tmp_path, write):
    write("sops/loop.yaml", LOOP_SOP)
    write("sopc.toml", "strict = true\n")
    assert run_sopc("check", cwd=tmp_path).returncode == 1
    assert run_sopc("check", "--no-strict", cwd=tmp_path).returncode == 0


def test_explicit_config_file(tmp_path, write):
    write("sops/loop.yaml", LOOP_SOP)
    settings = write("settings/pyproject.toml", '[tool.sopc.rules]\nSOP105 = "error"\n')
    assert run_sopc("check", "--config", settings, cwd=tmp_path).returncode == 1
    assert run_sopc("check", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("settings", ['[rules]\nno-such-rule = "off"\n', '[rules]\ntodo-text = "loud"\n', "[rules\n"])
def test_bad_settings_exit_2_with_a_message(tmp_path, write, settings):
    write("sops/loop.yaml", LOOP_SOP)
    write("sopc.toml", settings)
    done = run_sopc("check", cwd=tmp_path)
    assert done.returncode == 2
    assert "sopc.toml" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_stale_review_age_is_configurable(tmp_path, write):
    reviewed = (date.today() - timedelta(days=10)).isoformat()
    write("sops/reviewed.yaml", f"sop: reviewed\ntitle: Reviewed ten days ago\nreviewed: {reviewed}\nsteps:\n  done:\n    end: resolved\n")
    codes = lambda done: [p["code"] for p in json.loads(done.stdout)["problems"]]
    assert codes(run_sopc("check", "--format", "json", cwd=tmp_path)) == []
    write("sopc.toml", '[rules]\nstale-review = { max-age-days = 5 }\n')
    assert codes(run_sopc("check", "--format", "json", cwd=tmp_path)) == ["SOP111"]
    write("sopc.toml", '[rules]\nstale-review = { max-age-days = 10 }\n')
    assert codes(run_sopc("check", "--format", "json", cwd=tmp_path)) == []


def test_errors_only_turns_off_the_rules_that_only_warn():
    config = parse({"rules": {"todo-text": "error", "dead-end": "warning"}}).errors_only()
    assert config.severity(todo_text) == "error"
    assert config.severity(dead_end) == "off"
    assert config.severity(unbounded_loop) == "off"
    assert Config().errors_only().severity(dead_end) == "error"


def test_a_suppression_of_a_rule_that_is_off_is_not_reported_unused():
    from pathlib import Path

    from sopc.check import check_paths

    case = Path(__file__).resolve().parent / "rules" / "unused-suppression" / "bounded-loop.yaml"
    assert {p.code for p in check_paths([case], parse({})).problems} == {"SOP113"}
    assert check_paths([case], parse({"rules": {"unbounded-loop": "off"}})).problems == []


@pytest.mark.parametrize("settings, line, col", [
    ('strict = true\n\n[rules]\nstale-review = { max-age-days = "a year" }\n', 4, 18),
    ('[rules]\ntodo-text = "loud"\n', 2, 1),
    ('[rules]\nunreachable-steps = "error"\n', 2, 1),
    ('preset = "recomended"\n', 1, 1),
])
def test_settings_errors_are_located_at_line_and_column(tmp_path, write, settings, line, col):
    write("sops/loop.yaml", LOOP_SOP)
    write("sopc.toml", settings)
    done = run_sopc("check", cwd=tmp_path)
    assert done.returncode == 2
    assert f"sopc.toml:{line}:{col}: " in done.stderr, done.stderr


def test_pyproject_errors_are_located_inside_the_tool_table(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.sopc.rules]\nstale-review = { max-age-days = -3 }\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.line, caught.value.col) == (5, 18)


def test_a_rule_off_by_default_is_turned_on_by_the_all_preset_or_by_naming_it(monkeypatch):
    real = codes.presets()
    summary, recommended = real["recommended"]
    monkeypatch.setattr(codes, "presets", lambda: {**real, "recommended": (summary, recommended - {todo_text.code})})
    assert Config().severity(todo_text) == "off"
    assert parse({"preset": "all"}).severity(todo_text) == "warning"
    assert parse({"rules": {"todo-text": {}}}).severity(todo_text) == "warning"
    assert parse({"preset": "all", "rules": {"todo-text": "off"}}).severity(todo_text) == "off"
    assert Config().severity(unbounded_loop) == "warning"


def test_unknown_preset_is_refused():
    with pytest.raises(ConfigError, match="recommended"):
        parse({"preset": "strictest"})
