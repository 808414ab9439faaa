"""How a source file's path is shown: as the author knows it, relative to the working folder."""

import os
from pathlib import Path

import pytest

from sopc.load.sources import display_path


@pytest.mark.parametrize("written", ["sops/a.yaml", "./sops/a.yaml", "sops//a.yaml", "a.yaml", "sops/./a.yaml",
                                     "sops/../other/a.yaml", "../outside/a.yaml", "sops/sub/../a.yaml"])
def test_a_relative_path_is_shown_as_relpath_shows_it(written, tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    path = Path(written)
    expected = os.path.relpath(path)
    assert display_path(path) == (Path(expected).as_posix() if not expected.startswith("..") else path.as_posix())


def test_an_absolute_path_inside_the_working_folder_is_shown_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "sops" / "a.yaml") == "sops/a.yaml"
    assert display_path(tmp_path.parent / "elsewhere.yaml") == (tmp_path.parent / "elsewhere.yaml").as_posix()


def test_bytes_that_are_not_utf8_are_shown_replaced():
    name = os.fsdecode(b"sops/caf\xe9.yaml")
    assert display_path(Path(name)) == "sops/caf\ufffd.yaml"
