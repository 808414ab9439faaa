"""Template filling: `{{ id }}` becomes the fact's text, nothing else runs.

The output is plain text; a consumer escapes it for its own medium (HTML,
Markdown, a terminal).
"""

from __future__ import annotations

from sopc.language import fill_placeholders


def fact_text(value) -> str:
    """The text a fact is shown as: yes/no for booleans, whole numbers without `.0`."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(template: str | None, facts: dict, labels: dict) -> str | None:
    """The template with every known placeholder replaced and every unknown one
    shown as `[Label]`, so a reader sees what is still to be filled in."""
    if template is None or "{{" not in template:
        return template

    def replace(name):
        if name in facts:
            return fact_text(facts[name])
        return f"[{labels.get(name, name)}]"

    return fill_placeholders(template, replace)
