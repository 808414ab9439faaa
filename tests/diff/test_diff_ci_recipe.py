"""The pull request recipe of docs/ci.md, run as far as it can be without
GitHub: its own scripts, in a two-commit repository, with `gh` replaced by a
stand-in that answers like the GitHub API and records what was posted."""

import json
import os
import re
import stat
import subprocess
import sys

import pytest
import yaml

from helpers import REPO

RPO = "rejected-payment-outreach.yaml"
FAKE_GH = r'''#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[1:]
log = os.environ["GH_LOG"]
with open(log, "a") as f:
    f.write(json.dumps(args) + "\n")
if "--method" not in args:  # listing the comments
    expr = args[args.index("--jq") + 1]
    comments = os.environ["GH_COMMENTS"]
    sys.stdout.write(subprocess.run(["jq", "-r", expr], input=comments, capture_output=True, text=True, check=True).stdout)
else:
    body = next(a for a in args if a.startswith("body=@"))[len("body=@"):]
    with open(log + ".body", "w") as f:
        f.write(open(body).read())
    print("{}")
'''


def recipe_steps():
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "sopc diff" in b)
    workflow = yaml.safe_load(block)
    assert workflow.get("on", workflow.get(True)) == "pull_request"  # YAML 1.1 reads the key `on` as true
    return {step.get("name", step.get("uses")): step for step in workflow["jobs"]["diff"]["steps"]}


@pytest.fixture
def actions(repo, tmp_path):
    """Run a recipe step's script as GitHub Actions would, in the repository."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, body in (("gh", FAKE_GH), ("sopc", f"#!/bin/sh\nexec {sys.executable} -m sopc \"$@\"\n")):
        (tools / name).write_text(body)
        (tools / name).chmod(stat.S_IRWXU)
    outputs = tmp_path / "outputs"

    def run(step, comments=()):
        env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs),
               "GITHUB_REPOSITORY": "acme/sops", "GH_LOG": str(tmp_path / "gh.log"), "GH_COMMENTS": json.dumps(list(comments)),
               "PYTHONPATH": str(REPO)}
        env.update({key: ("main" if "base_ref" in value else "7") for key, value in step.get("env", {}).items()
                    if "${{" in value and key != "GH_TOKEN"})
        return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo.path, env=env, capture_output=True, text=True)

    run.outputs = outputs
    run.log = tmp_path / "gh.log"
    return run


def test_recipe_posts_the_diff_once_then_updates_that_comment(repo, actions):
    from diff_helpers import git

    repo.edit(RPO, "      - label: No answer\n        goto: leave_voicemail\n",
              "      - label: No answer\n        goto: schedule_callback\n")
    repo.commit()
    git(repo.path, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    steps = recipe_steps()

    done = actions(steps["Compare the SOPs with the base branch"])
    assert done.returncode == 0, done.stderr
    assert actions.outputs.read_text() == "status=1\n"  # a step became unreachable: --fail-on met
    markdown = (repo.path / "sop-diff.md").read_text()
    assert markdown.startswith("<!-- sopc-diff -->") and "schedule_callback" in markdown

    post = steps["Post or update the comment"]
    others = [{"id": 1, "user": {"login": "someone"}, "body": "<!-- sopc-diff --> imitation"}]
    assert actions(post, others).returncode == 0
    first = json.loads(actions.log.read_text().splitlines()[-1])
    assert first[:3] == ["api", "--method", "POST"] and first[3] == "repos/acme/sops/issues/7/comments"
    assert (actions.log.parent / "gh.log.body").read_text() == markdown

    mine = others + [{"id": 42, "user": {"login": "github-actions[bot]"}, "body": markdown}]
    assert actions(post, mine).returncode == 0
    second = json.loads(actions.log.read_text().splitlines()[-1])
    assert second[:4] == ["api", "--method", "PATCH", "repos/acme/sops/issues/comments/42"]

    assert steps["Fail on unreachable steps or lost outcomes"]["if"] == "steps.diff.outputs.status == '1'"


def test_docs_list_every_change_kind():
    from sopc.diff import KINDS

    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8").split("### Change kinds", 1)[1]
    assert re.findall(r"^\| `([a-z-]+)` \|", text, re.M) == list(KINDS)
