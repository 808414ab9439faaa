"""A git repository holding the seed corpus, for `sopc diff` between two commits
(import from here: every test folder has a module named conftest)."""

import json
import shutil
import subprocess

from helpers import SOPS, run_sopc

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}


def git(repo, *args):
    import os

    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


class Repo:
    """A repository whose first commit is the seed corpus; `edit` and `commit` make the next ones."""

    def __init__(self, path):
        self.path = path
        shutil.copytree(SOPS, path / "sops")
        git(path, "init", "-q", "-b", "main")
        self.commit("seed corpus")

    def edit(self, name, old, new, count=1):
        """Replace `old` by `new` in sops/NAME, exactly `count` times (so an edit cannot silently miss)."""
        file = self.path / "sops" / name
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {name}"
        file.write_text(text.replace(old, new), encoding="utf-8")

    def commit(self, message="edit"):
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)

    def diff(self, *args):
        return run_sopc("diff", *args, cwd=self.path)

    def diff_json(self, *args):
        done = self.diff(*args, "--format", "json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


def kinds(report, sop=None):
    """(kind, step) of every change, of one SOP or all."""
    return {(c["kind"], c["step"]) for s in report["sops"] if sop in (None, s["id"]) for c in s["changes"]}


def changes(report, kind):
    return [c for s in report["sops"] for c in s["changes"] if c["kind"] == kind]
