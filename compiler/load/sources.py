"""Which files a check reads, and how their paths are shown.

Kept apart from the pipeline so that the check cache can list and hash the
sources without importing the schema validator.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

SOURCE_SUFFIXES = (".yaml", ".yml")
MAX_BYTES = 2 * 1024 * 1024
# YAML's line breaks: line numbers count these and only these (str.splitlines
# also breaks at a form feed or vertical tab).
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def read_source(path) -> bytes:
    """The bytes of a source file, at most MAX_BYTES + 1 of them (enough to tell it is too large).

    OSError for anything but a regular file: a FIFO would block the check
    forever and a device such as /dev/zero would never end. OSError too for a
    symbolic link that leads out of the repository (see `outside_root`).
    """
    escape = outside_root(path)
    if escape:
        raise OSError(errno.EACCES, escape)
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    with open(path, "rb") as handle:
        # Sized from the file: read(MAX_BYTES + 1) would set aside 2 MB for every file.
        return handle.read(min(os.fstat(handle.fileno()).st_size, MAX_BYTES) + 1)


def outside_root(path) -> str | None:
    """Why `path` may not be read as a source, or None when it may.

    Sources arrive by pull request, and git stores symbolic links: a link in
    `sops/` to `/etc/passwd` or to a credentials file would otherwise be read,
    quoted in the CI log and published on the site. A link (or a path through
    a linked folder) is followed only when it ends inside the repository
    root, see `repository_root`.
    """
    # Compared as text, as `os.path` gives it: every source is asked about, and
    # Path objects cost more than the reading itself.
    absolute = os.path.abspath(path)
    try:
        if os.path.islink(absolute):
            resolved = str(Path(absolute).resolve())
        else:  # only a folder on the way may be a link: resolved once per folder
            folder, name = os.path.split(absolute)
            resolved = os.path.join(_resolved_folder(folder), name)
    except (OSError, RuntimeError):  # a loop of links: reading it fails and says so
        return None
    if resolved == absolute:
        return None  # no link on the way: nothing to police
    root = repository_root(Path(absolute)).resolve()
    resolved = Path(resolved)
    if resolved == root or root in resolved.parents:
        return None
    return "a symbolic link to a file outside the repository; sources must stay inside it"


@lru_cache(maxsize=4096)
def _resolved_folder(folder: str) -> str:
    return str(Path(folder).resolve())


def repository_root(path: Path) -> Path:
    """The folder sources must stay inside: the nearest folder above `path`
    holding `.git`; without one, the working folder when `path` is inside it,
    else the folder of `path` itself."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    here = Path.cwd()
    return here if here in path.parents else path.parent


def discover(paths) -> list[Path]:
    """The source files under the given files and folders, sorted, without repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix in SOURCE_SUFFIXES and _source_file(child) and not _hidden(child, path):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


def _source_file(child: Path) -> bool:
    # A broken link (dangling, or a loop) is kept so that its SOP is reported
    # unreadable rather than silently left out of the site.
    return child.is_file() or (child.is_symlink() and not child.exists())


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def display_path(path: Path) -> str:
    """The path as the author knows it: relative to the working folder when inside it."""
    if not path.is_absolute() and ".." not in path.parts:
        # Already what `relpath` would make of it (a Path has no `.` or `//` left), without
        # asking for the working folder: the same answer at a tenth of the cost, for every file.
        return printable(path.as_posix())
    try:
        relative = os.path.relpath(path)
        shown = Path(relative).as_posix() if not relative.startswith("..") else path.as_posix()
    except ValueError:  # another drive on Windows
        shown = path.as_posix()
    return printable(shown)


def printable(name: str) -> str:
    """`name` with the bytes of a file name that are not UTF-8 shown as U+FFFD.

    Python keeps such bytes as lone surrogates, which no report can print or
    encode as JSON for other tools.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
