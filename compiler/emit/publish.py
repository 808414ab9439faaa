"""Publishing without losing anything: the generated pages and the site swap.

- The docs folder keeps a manifest of the pages a build generated. A later
  build removes only files listed there (and only while they still hold what
  was written), and refuses to overwrite a file that is not: an author's own
  page is never deleted or replaced.
- The new site is built beside the old one and exchanged with it in one
  atomic step (Linux `renameat2(RENAME_EXCHANGE)`), so the site folder holds
  a complete site, old or new, at every instant, even if the build is killed.
  Where the system cannot exchange, two renames are used and the next build
  puts the old site back if a kill landed between them.
- A lock (released by the system when its process dies) keeps two builds of
  the same site or docs folder from interleaving; the next build removes
  what killed builds left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".sopc-generated.json"  # a dot file: MkDocs does not publish it


class PublishError(Exception):
    """A generated file cannot be written or the site cannot be put in place."""


# -- lock -------------------------------------------------------------------------

_held: dict[str, int] = {}  # folder -> depth, so that a build may nest the locks it holds


@contextlib.contextmanager
def locked(folder: Path, what: str):
    """Hold an exclusive lock on an existing folder; wait for another holder to finish.

    The folder itself is locked (no lock file is left behind); the lock goes
    with the process, so a killed build never leaves one held.
    """
    key = str(Path(folder).resolve())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    try:
        import fcntl
    except ImportError:  # no POSIX locks on this system: builds are not serialised
        yield
        return
    descriptor = os.open(key, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"sopc: waiting for another build of {what} to finish", file=sys.stderr)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(descriptor)  # closing releases the lock


# -- generated pages ------------------------------------------------------------------

@dataclass(frozen=True)
class Kept:
    """A generated file to leave as the previous build wrote it; `digest` is the hash of its text."""

    digest: str


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests(files: dict[str, str | Kept]) -> dict[str, str]:
    """Generated path -> the hash of its text."""
    return {relative: text.digest if isinstance(text, Kept) else digest(text) for relative, text in files.items()}


def read_manifest(docs: Path) -> dict[str, list[str]] | None:
    """Generated path -> hashes of what was written there; None before the first build that kept one."""
    try:
        data = json.loads((docs / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if isinstance(files, dict) and all(isinstance(v, list) for v in files.values()):
            return files
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def write_manifest(docs: Path, files: dict[str, list[str]]) -> None:
    text = json.dumps({"generator": "sopc", "files": dict(sorted(files.items()))}, indent=1)
    write_atomic(docs / MANIFEST, text)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_generated(docs_dir, files: dict[str, str | Kept], origins: dict[str, str] | None = None,
                    hashes: dict[str, str] | None = None):
    """Write the pages that changed and remove the ones a previous build generated
    and this one does not; (written, removed).

    Unchanged files are left alone so that `mkdocs serve`, which watches the
    docs folder, does not rebuild in a loop; so are the files given as `Kept`
    (the caller knows they hold what was last written). `origins` names, for
    a page, the source it comes from (for messages); `hashes` are the files'
    `digests()`, if the caller has them already.
    """
    docs = Path(docs_dir)
    origins = origins or {}
    docs.mkdir(parents=True, exist_ok=True)
    with locked(docs, f"the docs folder {docs}"):
        previous = read_manifest(docs)
        new = hashes if hashes is not None else digests(files)
        _refuse_overwriting_foreign_files(docs, files, new, previous)
        # Recorded before anything is written: a build killed half-way leaves
        # files the next build still recognises as its own.
        pending = {relative: sorted(set((previous or {}).get(relative, [])) | {new.get(relative, "")} - {""})
                   for relative in set(previous or {}) | set(new)}
        try:
            write_manifest(docs, pending)
        except OSError as exc:
            raise PublishError(f"cannot write {docs / MANIFEST}: {exc.strerror or exc}") from exc
        written = []
        for relative, text in sorted(files.items()):
            path = docs / relative
            if isinstance(text, Kept) or path.is_file() and _digest_of(path) == new[relative]:
                continue
            try:
                write_atomic(path, text)
            except OSError as exc:
                origin = f" (generated from {origins[relative]})" if relative in origins else ""
                raise PublishError(f"cannot write {path}{origin}: {exc.strerror or exc}") from exc
            written.append(relative)
        removed = [relative for relative in sorted(set(previous or {}) - set(new))
                   if _remove_if_unchanged(docs / relative, previous[relative])]
        write_manifest(docs, {relative: [hash_] for relative, hash_ in new.items()})
    return written, removed


def _refuse_overwriting_foreign_files(docs: Path, files, new, previous) -> None:
    if previous is None:
        # Sites built before manifests existed: their generated pages carry
        # no record, and the generated paths are sopc's own (docs/robustness.md).
        return
    for relative in sorted(files):
        path = docs / relative
        if relative in previous or not path.exists():
            continue
        if path.is_file() and _digest_of(path) == new[relative]:
            continue
        raise PublishError(f"{path} was not generated by sopc and a generated page would replace it; "
                           "move it elsewhere (sopc never overwrites a file it did not write)")


def _digest_of(path: Path) -> str | None:
    try:
        return digest(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _remove_if_unchanged(path: Path, hashes: list[str]) -> bool:
    if not path.is_file() or path.is_symlink() or _digest_of(path) not in hashes:
        return False  # changed or replaced since it was generated: it is someone's now
    path.unlink()
    return True


# -- the site folder --------------------------------------------------------------------

def temporary_site(site: Path) -> Path:
    """An empty folder beside the site to build into."""
    return Path(tempfile.mkdtemp(prefix=f".{site.name}-tmp-", dir=site.parent))


def remove_leftovers(site: Path) -> None:
    """What killed builds left beside the site; call with the site's lock held.

    If a kill landed between the two renames of the fallback swap, the old
    site is put back first.
    """
    olds = sorted(site.parent.glob(f".{site.name}-old-*"))
    if olds and not site.exists() and not site.is_symlink():
        os.replace(olds.pop(), site)
    for leftover in olds + sorted(site.parent.glob(f".{site.name}-tmp-*")):
        remove_tree(leftover)


def swap_in(new: Path, site: Path) -> None:
    """Put the complete folder `new` in place of `site`; the old site is removed afterwards."""
    if not site.exists() and not site.is_symlink():
        os.replace(new, site)
        return
    if exchange(new, site):
        remove_tree(new)  # now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-", dir=site.parent))
    os.rmdir(old)
    os.replace(site, old)
    try:
        os.replace(new, site)
    except OSError:
        os.replace(old, site)
        raise
    remove_tree(old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not Linux (or no glibc): no atomic exchange
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
