"""The documentation's examples are real: the authoring guide's first SOP checks clean."""

import re

from helpers import REPO


def test_authoring_guide_first_example_checks_clean(tmp_path, sopc):
    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    first = re.search(r"```yaml\n(.*?)```", guide, re.S).group(1)
    (tmp_path / "example.yaml").write_text(first, encoding="utf-8")
    result = sopc("check", tmp_path / "example.yaml")
    assert result.returncode == 0, result.stdout


def test_readme_starts_with_the_two_setup_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).splitlines()
    assert block[0].startswith("bash scripts/setup.sh && sopc build")
    assert block[1].startswith("bash scripts/setup.sh && python3 -m pytest")


def test_readme_runtime_example_runs(tmp_path, sopc):
    import subprocess
    import sys

    assert sopc("export", REPO / "sops", "-o", tmp_path / "sops.json").returncode == 0
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert "call_homeowner" in result.stdout


def test_sopc_docs_are_a_site_of_their_own(tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "docs-site"
    # As the docs say to run it: MkDocs refuses docs_dir `.` when the file is named by an absolute path.
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "docs/mkdocs.yml",
                           "--site-dir", out], cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    for page in ("authoring", "cli", "checks", "runtime", "benchmarks", "robustness", "corpus", "rules/dead-end"):
        assert (out / page / "index.html").is_file(), page
    cli = (out / "cli" / "index.html").read_text(encoding="utf-8")
    assert "sopc build" in cli and "--engine" in cli


def test_the_agents_site_has_none_of_sopcs_own_docs(tmp_path, sopc):
    import json

    done = sopc("build", "--site-dir", tmp_path / "site", "--docs-dir", tmp_path / "pages")
    assert done.returncode == 0, done.stderr
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert any(page.startswith("sops/") for page in pages)
    own = {"authoring/", "checks/", "ci/", "runtime/", "robustness/", "benchmarks/", "corpus/", "site/", "cli/"}
    assert not pages & own and not any(page.startswith("rules/") for page in pages), pages
    assert not (tmp_path / "site" / "rules").exists() and not (tmp_path / "site" / "authoring").exists()
