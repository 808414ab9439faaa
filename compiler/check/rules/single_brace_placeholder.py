"""The check behind single-brace-placeholder (SOP116); what it finds is documented in sopc/codes/docs/single-brace-placeholder.md."""

import re

from sopc.check.finding import Finding
from sopc.model.base import memo

ID = "SOP116"

# `{ name }` not part of `{{ name }}`; linear (no nested repetition).
SINGLE_BRACES = re.compile(r"(?<!\{)\{ *([a-z][a-z0-9_]*) *\}(?!\})")


def check(sop, corpus, options):
    for where, name in _single_braced(sop):
        step = where[1] if where[0] == "steps" else None
        yield Finding(where, f"`{{ {name} }}` has single braces, so it is shown as written; "
                             f"write `{{{{ {name} }}}}` to fill in the input `{name}`", step)


def single_brace_names(sop) -> set[str]:
    """The inputs some template names in single braces."""
    return {name for _where, name in _single_braced(sop)}


def _single_braced(sop) -> list:
    """(where, input id) for each input named in single braces, once per text.

    Found once per SOP: unused-input asks too.
    """
    return memo(sop, "single-braced", lambda: [
        (where, name) for where, text, is_template in sop.texts() if is_template and _lone_brace(text)
        for name in dict.fromkeys(SINGLE_BRACES.findall(text)) if name in sop.inputs])


def _lone_brace(text: str) -> bool:
    """Whether some `{` is not one of a `{{` pair: only such a text can hold single braces.

    Most templates hold only `{{ placeholders }}`; counting is far cheaper than the pattern.
    """
    return text.count("{") != 2 * text.count("{{")
