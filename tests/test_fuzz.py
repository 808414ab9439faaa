"""Property tests: every command keeps its promise on broken input.

Whatever the sources or settings, a command exits 0, 1 or 2, never shows a
Python traceback, and prints each problem at `path:line:col:`. The mutations
(tests/fuzzing.py) are seeded, so a failure names the seed that reproduces it.
Set SOPC_FUZZ_ITERATIONS for a longer run (the default keeps the suite fast),
SOPC_FUZZ_SEED to start elsewhere.
"""

import os
import random

import pytest
from click.testing import CliRunner

import fuzzing
from sopc.cli import main

ITERATIONS = int(os.environ.get("SOPC_FUZZ_ITERATIONS", "40"))
FIRST_SEED = int(os.environ.get("SOPC_FUZZ_SEED", "0"))
SEEDS = fuzzing.seed_texts()
FORMATS = ["text", "json", "github", "sarif"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def broken_promises(done) -> list[str]:
    """What the command did that it must not: crash, exit oddly, print a traceback or an unlocated problem."""
    found = []
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        found.append(f"uncaught {type(done.exception).__name__}: {done.exception}")
    if done.exit_code not in (0, 1, 2):
        found.append(f"exit code {done.exit_code}")
    if fuzzing.TRACEBACK.search(done.output):
        found.append(f"traceback in the output: {fuzzing.TRACEBACK.search(done.output).group(0)}")
    for line in done.output.split("\n"):
        if fuzzing.LOOKS_LIKE_PROBLEM.search(line) and not line.startswith(" ") and not fuzzing.PROBLEM_LINE.match(line):
            found.append(f"problem without a location: {line[:200]}")
        if fuzzing.ACTS_ON_A_TERMINAL.search(line):
            found.append(f"a control character reaches the terminal: {line[:200]!r}")
        if fuzzing.FORGED_COMMAND.search(line):
            found.append(f"a forged workflow command: {line[:200]!r}")
    return found


def corpus(folder, files: dict[str, bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def commands(rng, sop_id):
    """Every command over `sops/`, each check in a format drawn from `rng`."""
    yield ["check", "--no-cache", "--format", rng.choice(FORMATS), "sops"]
    yield ["check", "--strict", "--format", rng.choice(FORMATS), "sops"]  # through the cache
    yield ["export", "sops", "-o", "out.json", "--scenarios", "suite.json"]
    yield ["test", "sops", "--format", rng.choice(["text", "json"])]
    if sop_id:
        yield ["run", sop_id, "--sources", "sops", "--answers", ",".join(["1"] * 12), "--today", "2026-01-01"]


def declared_id(raw: bytes):
    try:
        data = fuzzing.yaml.safe_load(raw)
    except Exception:  # the mutant need not be YAML at all
        return None
    sop = data.get("sop") if isinstance(data, dict) else None
    return sop if isinstance(sop, str) else None


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + ITERATIONS))
def test_mutated_sources_keep_the_promise(tmp_path, monkeypatch, seed):
    fuzzing.skip_when_out_of_time()
    rng = random.Random(seed)
    name = rng.choice(sorted(n for n in SEEDS if n != "procedures.yaml"))
    raw = fuzzing.mutant(SEEDS[name], rng)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    corpus(repo / "sops", {"procedures.yaml": SEEDS["procedures.yaml"], name: raw})
    if rng.random() < 0.2:
        fuzzing.plant_link(repo / "sops", tmp_path, rng)
    monkeypatch.chdir(repo)
    for args in commands(rng, declared_id(raw)):
        done = invoke(*args)
        broken = broken_promises(done)
        assert not broken, (f"seed {seed}, {name}, sopc {' '.join(args)}", broken)
        assert fuzzing.SECRET not in done.output, (f"seed {seed}: a file outside the repository was quoted", args)


@pytest.mark.parametrize("name", sorted(fuzzing.NASTY_FILES))
def test_hostile_files_keep_the_promise(tmp_path, monkeypatch, name):
    corpus(tmp_path / "sops", {"procedures.yaml": SEEDS["procedures.yaml"], f"{name}.yaml": fuzzing.NASTY_FILES[name]})
    monkeypatch.chdir(tmp_path)
    for fmt in FORMATS:
        done = invoke("check", "--no-cache", "--format", fmt, "sops")
        assert not broken_promises(done), (name, fmt, broken_promises(done))
        assert done.exit_code in (0, 1), (name, fmt)  # a few are odd but valid (a BOM, CR line ends)
    for args in (["export", "sops", "-o", "out.json"], ["test", "sops"]):
        done = invoke(*args)
        assert not broken_promises(done) and done.exit_code in (0, 1), (name, args, broken_promises(done))
    if done.exit_code == 1:  # a corpus with errors is not exported
        assert not (tmp_path / "out.json").exists()


SETTINGS = {
    "invalid TOML": b"[tool.sopc\nstrict = ",
    "strict as text": b"[tool.sopc]\nstrict = 'yes'\n",
    "rules as a list": b"[tool.sopc]\nrules = [1]\n",
    "unknown rule": b"[tool.sopc.rules]\nno-such-rule = 'off'\n",
    "unknown severity": b"[tool.sopc.rules]\ndead-end = 'fatal'\n",
    "severity as a number": b"[tool.sopc.rules]\ndead-end = 3\n",
    "severity as a table": b"[tool.sopc.rules]\ndead-end = {severity = {a = 1}}\n",
    "negative option": b"[tool.sopc.rules]\nstale-review = {max-age-days = -1}\n",
    "option as a float": b"[tool.sopc.rules]\nstale-review = {max-age-days = inf}\n",
    "option as a date": b"[tool.sopc.rules]\nstale-review = {max-age-days = 2020-01-01}\n",
    "unknown option": b"[tool.sopc.rules]\nstale-review = {max-age = 1}\n",
    "rule set twice": b"[tool.sopc.rules]\nstale-review = 'off'\nSOP111 = 'off'\n",
    "unknown setting": b"[tool.sopc]\nstrikt = true\n",
    "tool not a table": b"tool = 5\n",
    "sopc not a table": b"[tool]\nsopc = 5\n",
    "not UTF-8": b"[tool.sopc]\nstrict = \xff\n",
    "binary": b"\x00\x01\x02",
}


@pytest.mark.parametrize("what", sorted(SETTINGS))
def test_broken_settings_exit_2_with_the_file_named(tmp_path, monkeypatch, what):
    corpus(tmp_path / "sops", {"minimal.yaml": SEEDS["minimal.yaml"]})
    (tmp_path / "pyproject.toml").write_bytes(SETTINGS[what])
    monkeypatch.chdir(tmp_path)
    for args in (["check", "sops"], ["check", "--config", "pyproject.toml", "sops"], ["export", "sops"]):
        done = invoke(*args)
        assert not broken_promises(done), (what, args, broken_promises(done))
        assert done.exit_code == 2 and "pyproject.toml" in done.output, (what, args, done.output)
