"""JSON Schema `pattern`s with the meaning JSON Schema gives them.

A schema pattern is an ECMA-262 regular expression, where `$` (outside a
character class, without the multiline flag) matches only at the very end of
the text. Python's `$` also matches before a final newline, so with `re.search`
the id pattern `^[a-z][a-z0-9-]*$` accepted `sop: "evil\n"` (a page built at
`sops/evil\n/`) and the duration pattern accepted `"1 days\n"` (a traceback
later). jsonschema-rs, which gives the quick verdict, already reads `$` so;
`jsonschema`, which explains errors (and validates bundles in the runtime),
compiles every pattern here, with `$` read as the end of the text, so that
both agree.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> re.Pattern:
    """`pattern` compiled so that `$` means the end of the text, as in ECMA-262."""
    return re.compile(_end_anchors_at_end_of_text(pattern))


def _end_anchors_at_end_of_text(pattern: str) -> str:
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


def matches(pattern: str, text: str) -> bool:
    """Whether `text` matches the schema `pattern` (searched, as JSON Schema does)."""
    return compile_pattern(pattern).search(text) is not None


def jsonschema_pattern(validator, pattern, instance, schema):
    """jsonschema's `pattern` keyword with the JSON Schema meaning of `$`."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def validator_class(base):
    """`base` (a jsonschema validator class) with patterns read as JSON Schema means them."""
    from jsonschema import validators

    return validators.extend(base, {"pattern": jsonschema_pattern})
