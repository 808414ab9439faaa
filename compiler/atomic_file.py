"""Writing a file so that no reader, and no crash, ever sees part of it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable


def write_whole(path, text: str | Iterable[str]) -> None:
    """Write `text` (one string, or pieces of it in order) to `path` so that the
    file holds either its previous content or all of `text`, never a part.

    The text goes to a temporary file beside it, renamed over `path` once
    complete. A target that is not a regular file (/dev/stdout, a FIFO) is
    written directly: it cannot be renamed over.
    """
    pieces = [text] if isinstance(text, str) else text
    target = Path(path)
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(pieces)
        return
    with whole_file(path) as handle:
        for piece in pieces:
            handle.write(piece.encode("utf-8"))


@contextmanager
def whole_file(path):
    """A binary, seekable file to write `path`'s new content into, as `write_whole` does.

    `path` gets the content only if the block ends without an exception; else
    it keeps what it held. With `path` None, the content goes to standard
    output, and with a target that is not a regular file, straight to it, both
    only once complete.
    """
    target = None if path is None else Path(path)
    if target is None or (target.exists() and not target.is_file()):
        with tempfile.TemporaryFile() as spool:
            yield spool
            spool.seek(0)
            if target is None:
                sys.stdout.flush()
                shutil.copyfileobj(spool, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                with open(target, "wb") as out:
                    shutil.copyfileobj(spool, out)
        return
    handle = tempfile.NamedTemporaryFile("wb", dir=target.parent or ".", prefix=f".{target.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, target)
    except BaseException:
        os.unlink(handle.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
