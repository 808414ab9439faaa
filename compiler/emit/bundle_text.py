"""How a bundle is written as text: one line per step, so it diffs well.

A pull request that changes one step of one SOP changes one line of the
bundle. The layout puts every top-level key, every SOP, every key of an SOP,
every step and every external procedure on a line of its own, indented; all
else is compact JSON with sorted keys.

Line breaks and indentation are only ever put between JSON tokens (a JSON
string never holds a raw line break), so removing every line break and the
spaces after it gives back the canonical text the digest covers: the text is
serialized once for both.
"""

from __future__ import annotations

import re

from sopc.canonical_json import compact as _compact

_BREAKS = re.compile(r"\n *")


def layout(bundle: dict) -> str:
    """The bundle as text (without a final line break)."""
    members = []
    for key in sorted(bundle):
        value = bundle[key]
        if key in ("sops", "procedures") and isinstance(value, dict) and value:
            nested = _sop if key == "sops" else _one_line
            inner = ",\n".join(nested(name, value[name]) for name in sorted(value))
            members.append(f"  {_compact(key)}:{{\n{inner}\n  }}")
        else:
            members.append(f"  {_compact(key)}:{_compact(value)}")
    return "{\n" + ",\n".join(members) + "\n}"


def _one_line(name: str, value) -> str:
    return f"    {_compact(name)}:{_compact(value)}"


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
    """The compact text of what `layout` wrote."""
    return _BREAKS.sub("", text)


def with_first_member(text: str, key: str, value) -> str:
    """`text` (from `layout`) with `key` added as its first member."""
    return "{\n" + f"  {_compact(key)}:{_compact(value)},\n" + text[2:]
