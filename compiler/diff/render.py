"""The report in one of the formats `sopc diff --format` offers."""

from __future__ import annotations


def render(report, fmt: str) -> str:
    if fmt == "json":
        from sopc.diff.json_format import render as chosen
    elif fmt == "markdown":
        from sopc.diff.markdown import render as chosen
    else:
        from sopc.diff.text import render as chosen
    return chosen(report)
