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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from sopc.canonical_json import compact as _compact

_BREAKS = re.compile(r"\n *")


def layout(bundle: Mapping) -> str:
    """The bundle as text (without a final line break)."""
    return "".join(pieces(bundle))


def pieces(bundle: Mapping, sop_text: Callable[[str], str] | None = None) -> Iterator[str]:
    """`layout(bundle)` in pieces: `{`, then each top-level member (each SOP apart), then the closing `}`.

    With `sop_text`, each SOP's text is `sop_text(id)` (what `sop_text` below
    wrote for it), asked for once, in id order: `bundle["sops"]` then only
    needs the ids as keys.
    """
    yield "{"
    separator = "\n"
    for key in sorted(bundle):
        value = bundle[key]
        if key in ("sops", "procedures") and isinstance(value, Mapping) and value:
            if key == "procedures":
                nested = lambda name: _one_line(name, value[name])  # noqa: E731
            else:
                nested = sop_text or (lambda name: _sop(name, value[name]))  # noqa: E731
            inner = "\n"
            yield f"{separator}  {_compact(key)}:{{"
            for name in sorted(value):
                yield inner + nested(name)
                inner = ",\n"
            yield "\n  }"
        else:
            yield f"{separator}  {_compact(key)}:{_compact(value)}"
        separator = ",\n"
    yield "\n}"


def _one_line(name: str, value) -> str:
    return f"    {_compact(name)}:{_compact(value)}"


def sop_text(name: str, sop) -> str:
    """One SOP's member of the bundle's `sops`, as `layout` writes it."""
    return _sop(name, sop)


def _sop(name: str, sop) -> str:
    if not isinstance(sop, dict) or not sop:
        return _one_line(name, sop)
    members = []
    for key in sorted(sop):
        value = sop[key]
        if key == "steps" and isinstance(value, list) and value:
            steps = ",\n".join(f"        {_compact(step)}" for step in value)
            members.append(f'      "steps":[\n{steps}\n      ]')
        else:
            members.append(f"      {_compact(key)}:{_compact(value)}")
    return f"    {_compact(name)}:{{\n" + ",\n".join(members) + "\n    }"


def canonical(text: str) -> str:
    """The compact text of what `layout` wrote (or of any of its `pieces`)."""
    return _BREAKS.sub("", text)


def first_member(key: str, value) -> str:
    """What `with_first_member` puts before the rest of the layout."""
    return "{\n" + f"  {_compact(key)}:{_compact(value)},\n"


def with_first_member(text: str, key: str, value) -> str:
    """`text` (from `layout`) with `key` added as its first member."""
    return first_member(key, value) + text[2:]
