"""The `sopc` command line, run as a real subprocess."""

import json

from helpers import SOPS


def test_check_on_the_corpus_passes(sopc):
    result = sopc("check", SOPS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_check_defaults_to_sops_folder(sopc):
    assert sopc("check").returncode == 0


def test_errors_exit_1_with_located_text_and_caret(sopc, write):
    path = write("bad.yaml", """
        sop: bad
        title: Bad
        steps:
          a:
            nxt: b
    """)
    result = sopc("check", path)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:5:5: error[SOP010 unknown-key]:")
    assert result.stdout.splitlines()[2].strip() == "^"
    assert "Traceback" not in result.stderr


def test_json_format_lists_problems(sopc, write):
    path = write("bad.yaml", "sop: bad\ntitle: Bad\n")
    result = sopc("check", "--format", "json", path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(p["code"], p["line"]) for p in report["problems"]] == [("SOP011", 1)]
    assert report["summary"]["errors"] == 1


def test_every_kind_of_bad_file_gives_exit_1_and_no_traceback(sopc, tmp_path):
    (tmp_path / "binary.yaml").write_bytes(bytes(range(256)))
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "list.yaml").write_text("- a\n")
    (tmp_path / "syntax.yaml").write_text("a: [\n")
    (tmp_path / "huge.yaml").write_text("a: " + "x" * (3 * 1024 * 1024))
    result = sopc("check", tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    codes = sorted(line.split("[")[1].split()[0] for line in result.stdout.splitlines() if ": error[" in line)
    assert codes == ["SOP001", "SOP003", "SOP003", "SOP004", "SOP004"]


def test_usage_errors_exit_2(sopc):
    assert sopc("check", "no/such/folder").returncode == 2
    assert sopc("check", "--format", "xml").returncode == 2
    assert sopc("no-such-command").returncode == 2


def test_help_describes_every_command(sopc):
    result = sopc("--help")
    assert result.returncode == 0
    assert "check" in result.stdout
    assert "path:line:col" in sopc("check", "--help").stdout


def test_without_sops_every_command_says_what_to_do(tmp_path, sopc):
    for command in (["check"], ["test"], ["export"], ["build"], ["run", "anything"]):
        done = sopc(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip() == "sopc: no SOPs found: run `sopc init` or pass a folder", command
        assert not done.stdout


def test_commands_find_the_project_from_a_subfolder(tmp_path, sopc):
    import shutil

    from helpers import SOPS

    (tmp_path / "sopc.toml").write_text("strict = false\n", encoding="utf-8")
    shutil.copytree(SOPS, tmp_path / "sops")
    inner = tmp_path / "notes" / "deep"
    inner.mkdir(parents=True)
    checked = sopc("check", cwd=inner)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sopc("test", cwd=inner).returncode == 0
