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
