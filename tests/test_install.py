"""The install story end to end: a wheel built from this checkout, installed
with its site extras into a fresh virtual environment (no system packages),
then `sopc init` in an empty git repository, a seed SOP added, and `check`,
`test` and `build` with both engines. Nothing here imports this checkout."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

SEED = "autopay-opt-out-request"  # a seed SOP that hands off to nothing outside itself
OWN_DOCS = ("authoring", "checks", "ci", "cli", "runtime", "robustness", "benchmarks", "corpus", "rules")

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("dot") is None,
                                reason="needs git and Graphviz (bash scripts/setup.sh installs them)")


def run(*args, cwd=None, env=None, timeout=600):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with sopc[site,zensical] installed from a wheel of this checkout."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "site", "build", ".sopc", ".sopc-cache", ".cache", "*.egg-info",
        "__pycache__", "test-artifacts", "corpus"))
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", source)
    wheel = next((work / "dist").glob("sopc-*.whl"))
    venv = work / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-compile", f"{wheel}[site,zensical]")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = run(venv / "bin" / "python", "-c", "import sopc; print(sopc.__file__)", cwd=work, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout
    return venv, env


def test_a_new_repository_checks_tests_and_builds_with_both_engines(installed, tmp_path):
    venv, env = installed
    sopc = venv / "bin" / "sopc"
    kb = tmp_path / "kb"
    kb.mkdir()
    run("git", "init", "-q", cwd=kb, env=env)
    init = run(sopc, "init", cwd=kb, env=env)
    assert "wrote sops/example-password-reset.yaml" in init.stdout
    shutil.copy(REPO / "sops" / f"{SEED}.yaml", kb / "sops")

    assert "no problems" in run(sopc, "check", cwd=kb, env=env).stdout
    run(sopc, "test", "--min-coverage", "100", cwd=kb, env=env)
    run(sopc, "build", cwd=kb, env=env)
    run(sopc, "build", "--engine", "zensical", "--site-dir", "site-zensical", cwd=kb, env=env)
    run(venv / "bin" / "mkdocs", "build", "-q", "--site-dir", "site-mkdocs", cwd=kb, env=env)  # the plugin

    for site, index in (("site", "search/search_index.json"), ("site-zensical", "search.json"),
                        ("site-mkdocs", "search/search_index.json")):
        built = kb / site
        for sop in ("example-password-reset", SEED):
            assert (built / "sops" / sop / "index.html").is_file(), (site, sop)
        for page in OWN_DOCS:
            assert not (built / page).exists(), (site, page)
        searched = (built / index).read_text(encoding="utf-8")
        assert SEED in searched and "authoring" not in searched and "SOP112" not in searched, site
    status = run("git", "status", "--porcelain", "--untracked-files=all", cwd=kb, env=env).stdout
    assert "site/" not in status and ".sopc/docs/index.md" not in status, "built files are ignored by git"


def test_the_pre_commit_hook_works_from_another_repository(tmp_path):
    """`repo:` + `rev:` naming this repository: pre-commit installs sopc from it and checks the SOPs."""
    pre_commit = pytest.importorskip("pre_commit")
    del pre_commit
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    # This checkout as it is, committed and tagged as a release would be.
    tool = tmp_path / "sopc"
    shutil.copytree(REPO, tool, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "site", "build", ".sopc", ".sopc-cache", ".cache", "*.egg-info",
        "__pycache__", "test-artifacts", "corpus", "tests", "bench"))
    run("git", "init", "-q", cwd=tool, env=env)
    run("git", "add", "-A", cwd=tool, env=env)
    run("git", "commit", "-q", "-m", "release", cwd=tool, env=env)
    run("git", "tag", "v0.1.0", cwd=tool, env=env)

    kb = tmp_path / "kb"
    (kb / "sops").mkdir(parents=True)
    shutil.copy(REPO / "sops" / f"{SEED}.yaml", kb / "sops")
    (kb / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tool.as_uri()}\n    rev: v0.1.0\n    hooks:\n      - id: sopc-check\n"
        "        files: ^sops/\n", encoding="utf-8")
    run("git", "init", "-q", cwd=kb, env=env)
    run("git", "add", "-A", cwd=kb, env=env)
    hook = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    passed = run(*hook, cwd=kb, env=env, timeout=900)
    assert "sopc check" in passed.stdout and "Passed" in passed.stdout

    broken = kb / "sops" / f"{SEED}.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("sop: ", "sopp: ", 1), encoding="utf-8")
    failed = subprocess.run(hook, cwd=kb, env=env, capture_output=True, text=True, timeout=900)
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert f"sops/{SEED}.yaml:" in failed.stdout and "error[SOP0" in failed.stdout
