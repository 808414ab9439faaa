"""Word-level differences between two texts, as git's `--word-diff` shows them."""

from __future__ import annotations

import difflib
import re

EQUAL, DELETED, INSERTED = "equal", "deleted", "inserted"
CONTEXT_WORDS = 6

_WORD = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) runs turning `old` into `new`, words joined by single spaces.

    Whitespace is not compared: re-wrapping a paragraph is no change of words.
    """
    before, after = _WORD.findall(old or ""), _WORD.findall(new or "")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append((EQUAL, " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append((DELETED, " ".join(before[i1:i2])))
        if j2 > j1:
            runs.append((INSERTED, " ".join(after[j1:j2])))
    return runs


def only_whitespace_changed(old: str, new: str) -> bool:
    return old != new and _WORD.findall(old or "") == _WORD.findall(new or "")


def around_changes(runs: list[tuple[str, str]], context: int = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """The runs with long unchanged stretches cut to `context` words either side of a change.

    A cut is marked by an EQUAL run holding "…", so a long script shows only
    the sentences that changed.
    """
    shown: list[tuple[str, str]] = []
    last = len(runs) - 1
    for index, (kind, text) in enumerate(runs):
        if kind != EQUAL:
            shown.append((kind, text))
            continue
        words = text.split(" ")
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        if len(words) <= keep_head + keep_tail + 1:
            shown.append((kind, text))
            continue
        head, tail = words[:keep_head], words[len(words) - keep_tail:] if keep_tail else []
        shown.append((EQUAL, " ".join(head + ["…"] + tail)))
    return shown
