"""Cache files that only this user's sopc can have written.

sopc keeps its caches in the project, under `.sopc-cache/`, and believes
what they hold without working it out again: a check's findings, a drawn
flowchart, a sanitized page, a compiled template (which is code). But SOPs
arrive by pull request, and a pull request can add files under
`.sopc-cache/` too. Believed, a planted cache file could make `sopc check`
pass a broken SOP, put a flowchart on the site that the SOP does not say,
publish a page that was never sanitized, or run code during a build.

So every cache file is sealed: it starts with an HMAC-SHA256 of its content
under a key kept in the user's own cache folder (`$XDG_CACHE_HOME/sopc/`,
else `~/.cache/sopc/`), never in a repository. A file whose seal does not
verify is treated as absent, and so is rebuilt. On a fresh CI machine the
key is new, so nothing a checkout brings is believed.
"""

from __future__ import annotations

import hmac
import json
import os
import stat
from functools import lru_cache
from pathlib import Path

_MARK = b"sopc-seal "
_KEY_BYTES = 32
_SEAL_LENGTH = len(_MARK) + 2 * 32 + 1  # the mark, the hex HMAC-SHA256 and a line break


def key_file() -> Path:
    """Where the key is kept: the user's cache folder, outside every project."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "sopc" / "cache-key"


@lru_cache(maxsize=None)
def _key() -> bytes:
    """The key, made on first use; a key that cannot be kept is made for this process alone
    (then no cache file outlives the process that wrote it: slower, never wrong)."""
    path = key_file()
    try:
        return _read_key(path)
    except OSError:
        pass
    fresh = os.urandom(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        try:
            return _read_key(path)
        except OSError:
            return fresh
    except OSError:
        return fresh
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(fresh)
    return fresh


def _read_key(path: Path) -> bytes:
    with open(path, "rb") as handle:
        key = handle.read(_KEY_BYTES + 1)
    if len(key) != _KEY_BYTES:
        raise OSError(f"{path} does not hold a key")
    return key


def _seal_line(hexdigest: bytes) -> bytes:
    return _MARK + hexdigest + b"\n"


def _verified(line: bytes, content: bytes) -> bytes | None:
    """`content` if `line` is its seal by this user, else None."""
    if len(line) != _SEAL_LENGTH or not line.startswith(_MARK) or not line.endswith(b"\n"):
        return None
    return content if hmac.compare_digest(line[len(_MARK):-1], _mac(content)) else None


def _mac(content: bytes) -> bytes:
    return _hmac(content).hexdigest().encode("ascii")


def _hmac(content: bytes = b""):
    """The seal's HMAC-SHA256 under this user's key, fed `content` (more may follow)."""
    return hmac.new(_key(), content, "sha256")


def read(path) -> bytes | None:
    """The content of a sealed cache file; None if it is missing, unreadable or not sealed by this user.

    sopc writes a cache file as a regular file, never a link: a link (git
    keeps links) could lead to a device that never ends, such as /dev/zero.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            # Read apart, the content is not copied out of the file's bytes again:
            # a check cache of thousands of SOPs' models is tens of megabytes.
            line, content = handle.read(_SEAL_LENGTH), handle.read()
        except OSError:
            return None
    return _verified(line, content)


def read_mapping(path) -> dict:
    """The JSON object a sealed cache file holds; empty if it holds none (see `read`)."""
    content = read(path)
    try:
        data = json.loads(content) if content is not None else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_text(path) -> str | None:
    content = read(path)
    if content is None:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write(path, content: bytes | str) -> None:
    """Write a sealed cache file whole (see `atomic_file`); OSError if it cannot be written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    write_from(path, lambda out: out.write(data))


def write_from(path, write_content) -> None:
    """Write a sealed cache file whose content `write_content(out)` writes piece by piece
    (`out.write(bytes)`), so that it is never whole in memory (`pickle.dump` of a
    check cache's models: tens of megabytes). OSError if it cannot be written."""
    from sopc.atomic_file import whole_file  # imported here: a check answered from the cache writes nothing

    if os.path.islink(path):  # replaced, not written through (it may lead anywhere)
        os.unlink(path)
    mac = _hmac()
    with whole_file(path) as handle:
        handle.write(_seal_line(b"0" * mac.digest_size * 2))  # its place, filled in once the content is written
        write_content(_Sealing(handle, mac))
        handle.seek(0)
        handle.write(_seal_line(mac.hexdigest().encode("ascii")))


class _Sealing:
    """The file being written, adding what is written to the seal's HMAC on the way."""

    def __init__(self, handle, mac):
        self.handle, self.mac = handle, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.handle.write(data)
