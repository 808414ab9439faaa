"""Helpers shared by the tests (import them: `from helpers import run_sopc`)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOPS = REPO / "sops"


def run_sopc(*args, cwd=None, input=None, env=None):
    """Run the real `sopc` command line (this checkout's code) and capture its output."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "sopc", *map(str, args)], cwd=cwd or REPO,
                          input=input, capture_output=True, text=True, env=full_env, timeout=600)
