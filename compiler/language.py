"""What the compiler and the runtimes both read in an SOP's text: the
placeholder grammar and the inputs a step uses.

One definition, so that the check, the site and `sopc run` agree on what a
placeholder is (docs/runtime.md, "Templates"): `{{`, optional spaces, an
input id, optional spaces, `}}`. Anything else between double braces is not
a placeholder and stays as written. Standard library only: the runtime
imports it.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

INPUT_ID = re.compile(r"[a-z][a-z0-9_]*")
# Double braces around anything without braces. No two quantifiers can share
# a character, so matching is linear in the text whatever it holds (`{{`
# followed by thousands of spaces included); the spaces are stripped after.
_BRACES = re.compile(r"\{\{([^{}]*)\}\}")


def braced(text: str) -> Iterator[tuple[re.Match, str]]:
    """(match, what stands between the braces, stripped) for every `{{ … }}` in `text`."""
    for match in _BRACES.finditer(text):
        yield match, match.group(1).strip()


def is_input_id(name: str) -> bool:
    return INPUT_ID.fullmatch(name) is not None


def placeholders(text: str) -> list[str]:
    """What stands between every pair of double braces, in order, placeholder or not
    (a check reports the ones that are not)."""
    if "{{" not in text:
        return []
    return [name.strip() for name in _BRACES.findall(text)]  # what `braced` strips, without its matches


def fill_placeholders(text: str, replace: Callable[[str], str]) -> str:
    """`text` with every placeholder replaced by `replace(input id)`; other braces stay."""
    if "{{" not in text:
        return text

    def one(match: re.Match) -> str:
        name = match.group(1).strip()  # what `braced` strips
        return replace(name) if is_input_id(name) else match.group(0)

    return _BRACES.sub(one, text)


def condition_inputs(condition, where: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(where, input id) for every input a condition names explicitly (all/any/not included)."""
    if not isinstance(condition, dict):
        return
    if "input" in condition:
        yield where + ("input",), condition["input"]
    for key in ("all", "any"):
        for i, sub in enumerate(condition.get(key, [])):
            yield from condition_inputs(sub, where + (key, i))
    if "not" in condition:
        yield from condition_inputs(condition["not"], where + ("not",))


def comparisons(condition, where: tuple = (), bound: str | None = None) -> Iterator[tuple[tuple, dict, str | None]]:
    """(where, comparison, input id) for every comparison of a condition; the
    input is the comparison's own `input`, else the decision's `bound` one."""
    if not isinstance(condition, dict):
        return
    if not any(key in condition for key in ("all", "any", "not")):
        yield where, condition, condition.get("input", bound)
    for key in ("all", "any"):
        for i, sub in enumerate(condition.get(key, [])):
            yield from comparisons(sub, where + (key, i), bound)
    if "not" in condition:
        yield from comparisons(condition["not"], where + ("not",), bound)


def template_names(templates: Iterable[str | None]) -> Iterator[str]:
    """What stands between double braces in each of the templates."""
    return (name for text in templates if text and "{{" in text for name in placeholders(text))


def inputs_used(names: Iterable[str], decisions: Iterable[tuple[str | None, Iterable]]) -> set[str]:
    """The inputs named as placeholders (`names`: see `template_names`) and the
    inputs decisions are bound to or test, given (bound input, conditions) for
    every decision."""
    used = {name for name in names if is_input_id(name)}
    for bound, conditions in decisions:
        if bound:
            used.add(bound)
        for condition in conditions:
            used.update(name for _where, name in condition_inputs(condition))
    return used
