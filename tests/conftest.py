import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOPS = REPO / "sops"


def run_sopc(*args, cwd=None, input=None, env=None):
    """Run the real `sopc` command line (this checkout's code) and capture its output."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "compiler", *map(str, args)], cwd=cwd or REPO,
                          input=input, capture_output=True, text=True, env=full_env, timeout=600)


@pytest.fixture
def sopc():
    return run_sopc


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path from a text whose common indentation is removed."""
    import textwrap

    def _write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
