"""Small helpers every part of the model uses."""

from __future__ import annotations

import re
from functools import lru_cache

Path = tuple  # a path in the source document, e.g. ("steps", "greet", "scripts", 0)


def memo(owner, key: str, compute):
    """`compute()` once per owner object (an Sop, Step or Corpus) and key.

    The model's dataclasses are not hashable, so the cache lives on the object
    itself and disappears with it.
    """
    cache = owner.__dict__.get("_derived")
    if cache is None:  # not setdefault: that would make an empty dict on every call
        cache = owner.__dict__["_derived"] = {}
    if key in cache:
        return cache[key]
    found = cache[key] = compute()
    return found


_WORD_BREAKS = re.compile(r"[_-]+")


@lru_cache(maxsize=8192)  # the same step ids recur across a corpus (`greet`, `close_case`)
def humanize(identifier: str) -> str:
    return " ".join(_WORD_BREAKS.split(identifier)).capitalize()
