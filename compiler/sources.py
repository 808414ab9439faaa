"""Which files a check reads, and how their paths are shown.

Kept apart from the pipeline so that the check cache can list and hash the
sources without importing the schema validator.
"""

from __future__ import annotations

import os
from pathlib import Path

SOURCE_SUFFIXES = (".yaml", ".yml")


def discover(paths) -> list[Path]:
    """The source files under the given files and folders, sorted, without repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix in SOURCE_SUFFIXES and child.is_file() and not _hidden(child, path):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def display_path(path: Path) -> str:
    """The path as the author knows it: relative to the working folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not str(os.path.relpath(path)).startswith("..") else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()
