"""Inputs that once crashed a command: each gets a located problem and exit 1 now."""

import json
import os
import re
import subprocess
import sys

import pytest

from helpers import REPO

from sopc.load import MAX_DEPTH, LoadError, load_bytes

VALID_TAIL = b"title: T\nsteps:\n  a: {end: resolved}\n"


def load_codes(raw):
    """The codes of the problems loading `raw` gives (raised or kept), with their positions."""
    try:
        doc = load_bytes(raw, "f.yaml")
    except LoadError as exc:
        return [(p.code, p.line, p.col) for p in exc.problems]
    return [(p.code, p.line, p.col) for p in doc.problems]


@pytest.mark.parametrize("raw", [
    b"sop: " + b"[" * 5000 + b"]" * 5000 + b"\n" + VALID_TAIL,  # once a RecursionError in the loader
    b"sop: x\n" + VALID_TAIL + b"gaps: " + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"\n",
    b"sop: x\n" + VALID_TAIL + b"gaps:\n" + b"".join(b"  " * i + b"- \n" for i in range(MAX_DEPTH + 5)),
])
def test_deep_nesting_is_a_located_problem(raw):
    codes = load_codes(raw)
    assert [c for c, _, _ in codes] == ["SOP005"]
    assert all(line >= 1 and col >= 1 for _, line, col in codes)


def test_nesting_up_to_the_limit_loads():
    depth = MAX_DEPTH - 1  # the document's own mapping is one level
    doc = load_bytes(b"gaps: " + b"[" * depth + b"]" * depth + b"\n", "f.yaml")
    assert doc.problems == []


def test_nesting_too_deep_for_the_yaml_composer_is_refused_without_crashing(tmp_path, sopc):
    # libyaml's composer recurses in C: tens of thousands of levels overflow
    # the stack and kill the process (no exception at all), so this runs in a
    # process of its own.
    source = tmp_path / "deep.yaml"
    source.write_bytes(b"sop: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    done = sopc("check", "--no-cache", source, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert re.search(r"^deep\.yaml:1:\d+: error\[SOP005 ", done.stdout, re.M)
    assert "Traceback" not in done.stderr


def test_an_integer_too_long_for_python_is_a_located_problem():
    # Python refuses to read integers of more than 4,300 digits (a ValueError).
    codes = load_codes(b"sop: x\n" + VALID_TAIL + b"revision: " + b"9" * 5000 + b"\n")
    assert codes == [("SOP013", 5, 11)]


def sopc_in_process(command, *args, cwd):
    """`sopc COMMAND ARGS` run in this process: (exit code, output, uncaught exception or None)."""
    from click.testing import CliRunner

    from sopc.cli import main

    here = os.getcwd()
    os.chdir(cwd)
    try:
        done = CliRunner().invoke(main, [command, *map(str, args)])
    finally:
        os.chdir(here)
    crash = done.exception if not isinstance(done.exception, SystemExit) else None
    return done.exit_code, done.output, crash


def check_in_process(*args, cwd):
    return sopc_in_process("check", *args, cwd=cwd)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, fmt):
    # Python keeps the bytes of such a name as lone surrogates, which no
    # output stream or JSON encoder accepts (once a UnicodeEncodeError).
    folder = tmp_path / "sops"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"caf\xe9.yaml")).write_bytes(b"sop: [\n")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    code, output, crash = check_in_process("--no-cache", "--format", fmt, "sops", cwd=tmp_path)
    assert crash is None and code == 1
    assert "SOP001" in output and ("caf\ufffd.yaml" in output or "caf%EF%BF%BD.yaml" in output)


def test_a_fifo_or_device_is_unreadable_not_waited_on(tmp_path, sopc):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for source in (fifo, "/dev/zero"):
        done = subprocess.run([sys.executable, "-m", "sopc", "check", "--no-cache", str(source)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert re.search(r"^\S+:1:1: error\[SOP004 ", done.stdout, re.M), done.stdout


def test_a_broken_link_in_a_folder_is_reported_not_skipped(tmp_path):
    folder = tmp_path / "sops"
    folder.mkdir()
    (folder / "moved.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    code, output, crash = check_in_process("--no-cache", "--format", "json", "sops", cwd=tmp_path)
    problems = json.loads(output)["problems"]
    assert crash is None and code == 1
    assert sorted((p["path"], p["code"]) for p in problems) == [("sops/loop.yaml", "SOP004"), ("sops/moved.yaml", "SOP004")]


def test_a_character_yaml_forbids_is_located_where_it_is(tmp_path):
    # Once reported at 1:1. A form feed is not a line break in YAML (though
    # str.splitlines breaks there), so the source line shown is the whole line.
    (tmp_path / "ff.yaml").write_bytes(b"sop: x\r\ntitle: \xc2\x85a\x0cb\n")
    code, output, crash = check_in_process("--no-cache", "ff.yaml", cwd=tmp_path)
    assert crash is None and code == 1
    first, source, caret = output.split("\n")[:3]
    assert first.startswith("ff.yaml:3:2: error[SOP001 ")
    assert source == "  a\\x0cb" and caret == "   ^"  # the form feed shown as an escape


@pytest.mark.parametrize("name, raw", [
    ("pyproject.toml", b"tool = 5\n"),  # once an AttributeError
    ("pyproject.toml", b"[tool.sopc]\nstrict = \xff\n"),  # once a UnicodeDecodeError
    ("sopc.toml", b"strict = \xff\n"),
])
@pytest.mark.parametrize("explicit", [False, True])
def test_settings_that_are_not_a_table_or_not_utf8_exit_2(tmp_path, name, raw, explicit):
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "sops").mkdir()
    args = ["--config", name] if explicit else []
    code, output, crash = check_in_process(*args, "sops", cwd=tmp_path)
    assert crash is None and code == 2
    assert name in output


def export_in_subprocess(args, cwd, limit_bytes=None):
    """`sopc export` in a process of its own, its files limited to `limit_bytes` (as on a full disk)."""
    import resource
    import signal

    def limit():
        if limit_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "sopc", "export", *map(str, args)], cwd=cwd, preexec_fn=limit,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_export_of_a_corpus_with_errors_keeps_the_previous_bundle(tmp_path):
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "broken.yaml").write_text("sop: broken\ntitle: B\nsteps:\n  a: {next: nowhere}\n")
    (tmp_path / "out.json").write_text("previous")
    done = export_in_subprocess(["sops", "-o", "out.json"], tmp_path)
    assert done.returncode == 1 and "SOP100" in done.stderr
    assert (tmp_path / "out.json").read_text() == "previous"


def test_an_export_that_cannot_be_written_whole_keeps_the_previous_bundle(tmp_path):
    # Once the bundle was written in place: a full disk left half of it.
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "every.yaml").write_bytes((REPO / "tests/language/valid/every-construct.yaml").read_bytes())
    (tmp_path / "sops" / "procedures.yaml").write_bytes((REPO / "tests/language/valid/procedures.yaml").read_bytes())
    (tmp_path / "out.json").write_text("previous")
    done = export_in_subprocess(["sops", "-o", "out.json"], tmp_path, limit_bytes=1000)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "out.json" in done.stderr
    assert (tmp_path / "out.json").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "sops"]
    whole = export_in_subprocess(["sops", "-o", "out.json"], tmp_path)
    assert whole.returncode == 0 and json.loads((tmp_path / "out.json").read_text())["format"] == "sopc-runtime"


def run_in_process(*args, cwd):
    return sopc_in_process("run", *args, cwd=cwd)


@pytest.fixture
def minimal_corpus(tmp_path):
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "every.yaml").write_bytes((REPO / "tests/language/valid/every-construct.yaml").read_bytes())
    (tmp_path / "sops" / "procedures.yaml").write_bytes((REPO / "tests/language/valid/procedures.yaml").read_bytes())
    return tmp_path


@pytest.mark.parametrize("extra", [
    ["--answers", "1" * 5000],  # once a ValueError: too many digits for int()
    ["--answers", "\u00b2"],  # a digit that int() does not read
    ["--answers", "1,\udcff"],  # bytes that are not UTF-8 on the command line (once a UnicodeEncodeError)
    ["--fact", "contract_id=\udcff", "--answers", "1"],
    ["--answers-file", "answers.bin"],  # once a UnicodeDecodeError
])
def test_run_refuses_answers_and_facts_it_cannot_read_with_exit_2(minimal_corpus, extra):
    (minimal_corpus / "answers.bin").write_bytes(b"\xff\xfe1\n")
    code, output, crash = run_in_process("every-construct", "--sources", "sops", *extra, cwd=minimal_corpus)
    assert crash is None and code == 2, output
