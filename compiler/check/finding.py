"""What a rule reports: a `Finding`, located in the SOP's source by its path.

Kept apart from the rules' registry so that a rule module can import it at
the top without importing every other rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """What a rule found, located by its path in the SOP's source document."""

    where: tuple
    message: str
    step: str | None = None  # the step it is about; None for the SOP as a whole
    key: bool = False  # point at the key instead of its value
    at: tuple[int, int] | None = None  # (line, col) when no path names the place (a comment on a line)
    severity: str | None = None  # instead of the rule's (a policy may set its own)
    trace: tuple = ()  # (sop id, where, label) of each step of a path that shows the problem
