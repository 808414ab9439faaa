"""The report for a terminal: per SOP, one line per change, words as git's
`--word-diff=plain` shows them ([-removed-]{+added+}).

Author text goes through `sopc.report.terminal.visible`, on one line.
"""

from __future__ import annotations

from sopc.diff.describe import FLOW_KINDS, SCENARIO_KINDS, Style, describe, headline, ordered
from sopc.diff.words import DELETED, INSERTED, around_changes, spaced
from sopc.report.terminal import visible


def terminal_safe(value) -> str:
    return visible(" ".join(str(value).split()))


class TextStyle(Style):
    arrow = " -> "

    def ident(self, value) -> str:
        return terminal_safe(value)

    def text(self, value) -> str:
        return terminal_safe(value)

    def quote(self, value) -> str:
        return f'"{terminal_safe(value)}"'

    def words(self, runs) -> str:
        shown = []
        for kind, text in around_changes(runs):
            lead, body = spaced(text)
            body = terminal_safe(body)
            shown.append(lead + (f"[-{body}-]" if kind == DELETED else f"{{+{body}+}}" if kind == INSERTED else body))
        return "".join(shown)


def render(report) -> str:
    style = TextStyle()
    out = [f"sopc diff {terminal_safe(report.base.name)} -> {terminal_safe(report.head.name)}: {headline(report)}"]
    for diff in report.sops:
        title = f" (was {terminal_safe(diff.old_id)})" if diff.old_id else ""
        out.append("")
        out.append(f"{terminal_safe(diff.id)}{title}: {diff.status}")
        for change in ordered(diff):
            where = f"{terminal_safe(change.step)}: " if change.step else ""
            out.append(f"  {marker(change.kind)} {where}{describe(change, style)}")
    if report.problems:
        out.append("")
        out.append("Problems (files that do not load are not compared):")
        for p in report.problems:
            out.append(f"  {terminal_safe(p.path)}:{p.line}:{p.col}: {p.severity}[{p.code} {p.slug}]: {terminal_safe(p.message)}")
    return "\n".join(out) + "\n"


def marker(kind: str) -> str:
    if kind in FLOW_KINDS:
        return "!"
    if kind in SCENARIO_KINDS:
        return "?"
    return "+" if kind.endswith("-added") else "-" if kind.endswith("-removed") else "~"
