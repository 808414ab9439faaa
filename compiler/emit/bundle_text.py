"""How a bundle is written as text: one line per step, so it diffs well.

A pull request that changes one step of one SOP changes one line of the
bundle. The layout puts every top-level key, every SOP, every key of an SOP,
every step and every external procedure on a line of its own, indented; all
else is compact JSON with sorted keys.

Line breaks and indentation are only ever put between JSON tokens (a JSON
string never holds a raw line break), so removing every line break and the
spaces after it gives back the canonical text the digest covers: the text is
serialized once for both.

The text comes out in pieces (`pieces`), each SOP in its own, so that a large
bundle can be written and its digest computed one SOP at a time. No piece ends
between a line break and the indentation after it, so the canonical text of
the pieces, joined, is the canonical text of the whole.

The pieces are UTF-8 bytes, as orjson writes them and the file holds them:
an export writes and hashes them without decoding or encoding the text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from sopc.canonical_json import compact_bytes as _compact

_BREAKS = re.compile(r"\n *")
_BREAKS_IN_BYTES = re.compile(_BREAKS.pattern.encode("ascii"))


def layout(bundle: Mapping) -> str:
    """The bundle as text (without a final line break)."""
    return b"".join(pieces(bundle)).decode("utf-8")


def pieces(bundle: Mapping, sop_text: Callable[[str], bytes] | None = None) -> Iterator[bytes]:
    """`layout(bundle)` in pieces, in UTF-8: `{`, then each top-level member (each SOP apart), then the closing `}`.

    With `sop_text`, each SOP's text is `sop_text(id)` (what `sop_text` below
    wrote for it), asked for once, in id order: `bundle["sops"]` then only
    needs the ids as keys.
    """
    yield b"{"
    separator = b"\n"
    for key in sorted(bundle):
        value = bundle[key]
        if key in ("sops", "procedures") and isinstance(value, Mapping) and value:
            if key == "procedures":
                nested = lambda name: _one_line(name, value[name])  # noqa: E731
            else:
                nested = sop_text or (lambda name: _sop(name, value[name]))  # noqa: E731
            inner = b"\n"
            yield separator + b"  " + _compact(key) + b":{"
            for name in sorted(value):
                yield inner + nested(name)
                inner = b",\n"
            yield b"\n  }"
        else:
            yield separator + b"  " + _compact(key) + b":" + _compact(value)
        separator = b",\n"
    yield b"\n}"


def _one_line(name: str, value) -> bytes:
    return b"    " + _compact(name) + b":" + _compact(value)


def sop_text(name: str, sop) -> bytes:
    """One SOP's member of the bundle's `sops`, as `layout` writes it, in UTF-8."""
    return _sop(name, sop)


def _sop(name: str, sop) -> bytes:
    if not isinstance(sop, dict) or not sop:
        return _one_line(name, sop)
    members = []
    for key in sorted(sop):
        value = sop[key]
        if key == "steps" and isinstance(value, list) and value:
            steps = b",\n        ".join(map(_compact, value))
            members.append(b'      "steps":[\n        ' + steps + b"\n      ]")
        else:
            members.append(b"      " + _compact(key) + b":" + _compact(value))
    return b"    " + _compact(name) + b":{\n" + b",\n".join(members) + b"\n    }"


def canonical(text: str | bytes) -> str | bytes:
    """The compact text of what `layout` wrote (or of any of its `pieces`), as text or in UTF-8 as given."""
    if isinstance(text, bytes):
        return _BREAKS_IN_BYTES.sub(b"", text)
    return _BREAKS.sub("", text)


def first_member(key: str, value) -> str:
    """What `with_first_member` puts before the rest of the layout."""
    return "{\n" + f"  {_compact(key).decode()}:{_compact(value).decode()},\n"


def with_first_member(text: str, key: str, value) -> str:
    """`text` (from `layout`) with `key` added as its first member."""
    return first_member(key, value) + text[2:]
