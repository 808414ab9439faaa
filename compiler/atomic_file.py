"""Writing a file so that no reader, and no crash, ever sees part of it."""

from __future__ import annotations

import os
import tempfile
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
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=target.parent or ".",
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.writelines(pieces)
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, target)
    except BaseException:
        os.unlink(handle.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
