import textwrap

import pytest

from helpers import run_sopc


@pytest.fixture
def sopc():
    return run_sopc


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path from a text whose common indentation is removed."""

    def _write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
