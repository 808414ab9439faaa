"""Word-level differences between two texts, as git's `--word-diff` shows them.

Words and punctuation marks are compared separately, so "time." becoming
"time today." is one inserted word. A run's text starts with a space when
the text has one there: concatenating the equal and deleted runs gives the old
text, the equal and inserted runs the new one (white space as single spaces).
"""

from __future__ import annotations

import difflib
import re

EQUAL, DELETED, INSERTED = "equal", "deleted", "inserted"
CONTEXT_WORDS = 6

_TOKEN = re.compile(r"(\s*)(\w+|[^\w\s])")


def tokens(text: str) -> list[tuple[str, str]]:
    """(separator, token) pairs: the separator is " " where white space came before the token."""
    return [(" " if space else "", token) for space, token in _TOKEN.findall(text or "")]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) runs turning `old` into `new`. White space is not compared."""
    before, after = tokens(old), tokens(new)
    runs: list[tuple[str, str]] = []

    def text(items) -> str:
        return "".join(sep + token for sep, token in items)

    matcher = difflib.SequenceMatcher(None, [t for _, t in before], [t for _, t in after], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append((EQUAL, text(after[j1:j2])))
            continue
        if i2 > i1:
            runs.append((DELETED, text(before[i1:i2])))
        if j2 > j1:
            runs.append((INSERTED, text(after[j1:j2])))
    if runs and runs[0][1].startswith(" "):
        runs[0] = (runs[0][0], runs[0][1][1:])
    return runs


def only_whitespace_changed(old: str, new: str) -> bool:
    return old != new and [t for _, t in tokens(old)] == [t for _, t in tokens(new)] and \
        (old or "").split() == (new or "").split()


def around_changes(runs: list[tuple[str, str]], context: int = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """The runs with long unchanged stretches cut to `context` words either side of a change.

    A cut is marked by "…" in the EQUAL run, so a long script shows only the
    sentences that changed.
    """
    shown: list[tuple[str, str]] = []
    last = len(runs) - 1
    for index, (kind, text) in enumerate(runs):
        words = text.strip(" ").split(" ")
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        if kind != EQUAL or len(words) <= keep_head + keep_tail + 1:
            shown.append((kind, text))
            continue
        tail = words[len(words) - keep_tail:] if keep_tail else []
        lead = " " if text.startswith(" ") else ""
        shown.append((EQUAL, lead + " ".join(words[:keep_head] + ["…"] + tail) + (" " if text.endswith(" ") else "")))
    return shown


def spaced(text: str) -> tuple[str, str]:
    """A run's leading space (to show outside any marking) and the rest."""
    return (" ", text[1:]) if text.startswith(" ") else ("", text)
