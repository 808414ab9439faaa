"""One numbering of steps: the site numbers steps 1, 2, 3… in reading order,
in headings, "go to" links and flowchart boxes alike.

Titles exported from a wiki often carry the source's own numbers ("Step 2 -
Create a case", "1. Assemble…"). A second number in a heading makes "go to
step 3" ambiguous, so such a prefix is taken out of the title and shown
beside it as "source: Step 2" (the source's wording is kept, as text).
"""

from __future__ import annotations

import re

from sopc.model import Sop

_SOURCE_NUMBER = re.compile(
    r"^\s*(?:(?P<word>step\s+\d+[a-z]?)\s*(?:[-–—:.]\s*)?|(?P<digits>\d+|[A-Z])[.)]\s+)(?P<rest>.*)$",
    re.I | re.S)


def heading_title(title: str) -> tuple[str, str | None]:
    """(the title without the source's number, that number as the source wrote it, or None)."""
    match = _SOURCE_NUMBER.match(title)
    if not match:
        return title, None
    number = match.group("word") or match.group("digits") + "."
    rest = match.group("rest").strip()
    if re.fullmatch(r"\(.*\)", rest):  # "Step 3 (lost in the source)"
        rest = rest[1:-1].strip()
    if not rest:
        return title, None
    return rest[:1].upper() + rest[1:], " ".join(number.split())


def step_number(sop: Sop, step_id: str) -> int:
    """The step's number on the page: its place in reading order, from 1."""
    return list(sop.steps).index(step_id) + 1
