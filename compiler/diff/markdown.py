"""The report as a pull request comment (GitHub Flavored Markdown): a summary
table, then per SOP its changes, flow effects, scenarios and a Mermaid
flowchart of the SOP with what changed marked.

Author text is escaped for the comment: HTML special characters become
entities, every ASCII punctuation character is backslash-escaped (so no
emphasis, link, image, heading, table cell or autolink can start), and a
word joiner follows `@` and `#` so that no one is mentioned and no issue is
linked. Ids are shown as code spans.

GitHub refuses a comment longer than 65,536 characters: past the budget the
flowcharts are left out first, then the SOP sections, and the comment says so.
"""

from __future__ import annotations

import re
import string

from sopc.diff.describe import FLOW_KINDS, SCENARIO_KINDS, Style, describe, headline, ordered
from sopc.diff.mermaid import MAX_EDGES, drawable, flowchart
from sopc.diff.words import DELETED, INSERTED, around_changes, spaced

MARKER = "<!-- sopc-diff -->"  # how the CI recipe finds its own comment to update
BUDGET = 60_000
MAX_WAYS_SHOWN = 10  # per SOP, of the ways added and of those gone
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
WORD_JOINER = "\u2060"


def md_text(value) -> str:
    """Author text as inert Markdown on one line."""
    flat = " ".join(_INVISIBLE.sub("\ufffd", str(value)).split())
    out = []
    for ch in flat:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in "@#":
            out.append("\\" + ch + WORD_JOINER)
        elif ch in string.punctuation:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def code(value, in_table: bool = False) -> str:
    """A code span showing `value` literally, whatever backticks it holds."""
    flat = " ".join(_INVISIBLE.sub("\ufffd", str(value)).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else flat
    shown = f"{fence}{padded}{fence}"
    return shown.replace("|", "\\|") if in_table else shown


class MarkdownStyle(Style):
    def ident(self, value) -> str:
        return code(value)

    def text(self, value) -> str:
        return md_text(value)

    def words(self, runs) -> str:
        shown = []
        for kind, text in around_changes(runs):
            lead, body = spaced(text)
            tag = "del" if kind == DELETED else "ins" if kind == INSERTED else None
            shown.append(lead + (f"<{tag}>{md_text(body)}</{tag}>" if tag else md_text(body)))
        return "".join(shown)


def render(report, budget: int = BUDGET) -> str:
    head = [MARKER, f"### SOP changes: {code(report.base.name)} → {code(report.head.name)}", "", md_text(headline(report)), ""]
    if report.sops:
        head.extend(summary_table(report))
    problems = problem_list(report)
    sections = [sop_section(diff) for diff in report.sops]
    for with_charts in (True, False):
        body = [part for section in sections for part in section(with_charts)]
        text = "\n".join(head + body + problems) + "\n"
        if len(text) <= budget:
            return text
    kept, size = [], len("\n".join(head + problems))
    for section in sections:
        part = "\n".join(section(False))
        if size + len(part) > budget - 500:
            break
        kept.append(part)
        size += len(part)
    left = len(sections) - len(kept)
    note = [f"_{left} more changed SOP{'s' if left != 1 else ''} and the flowcharts are left out to keep this comment "
            f"within GitHub's size limit; run `sopc diff` locally or with `--format json` for everything._", ""]
    return "\n".join(head + kept + note + problems) + "\n"


def summary_table(report) -> list[str]:
    rows = ["| SOP | status | changes | flow effects | scenarios |", "|---|---|---:|---|---|"]
    for diff in report.sops:
        model = [c for c in diff.changes if c.kind not in FLOW_KINDS and c.kind not in SCENARIO_KINDS]
        effects = _counted(c.kind for c in diff.changes if c.kind in FLOW_KINDS)
        scenarios = _counted(c.kind for c in diff.changes if c.kind in SCENARIO_KINDS)
        name = code(diff.id, in_table=True)
        rows.append(f"| {name} | {diff.status} | {len(model)} | {effects or '—'} | {scenarios or '—'} |")
    return rows + [""]


def _counted(kinds) -> str:
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def sop_section(diff):
    """A function giving the SOP's section, with or without its flowchart."""
    style = MarkdownStyle()
    changes = ordered(diff)
    groups = (
        ("Changes", [c for c in changes if c.kind not in FLOW_KINDS and c.kind not in SCENARIO_KINDS]),
        ("Flow effects", [c for c in changes if c.kind in FLOW_KINDS]),
        ("Scenarios", [c for c in changes if c.kind in SCENARIO_KINDS]),
    )
    sop = diff.head or diff.base
    renamed = f" (was {code(diff.old_id)})" if diff.old_id else ""
    lines = ["<hr>", "", f"#### {code(diff.id)}{renamed}: {diff.status}", ""]
    if sop is not None:
        lines += [f"**{md_text(sop.title)}**", ""]
    for title, items in groups:
        if not items:
            continue
        lines.append(f"**{title}**")
        lines.append("")
        shown, left = capped(items)
        for change in shown:
            where = f"{code(change.step)}: " if change.step else ""
            lines.append(f"- {where}{describe(change, style)}")
        if left:
            lines.append(f"- _and {left} more ways to an outcome added or gone (all of them: `--format json`)_")
        lines.append("")
    chart = chart_lines(diff)

    def section(with_chart: bool) -> list[str]:
        return lines + (chart if with_chart else [])

    return section


def capped(changes, most: int = MAX_WAYS_SHOWN):
    """The changes with at most `most` ways added and `most` ways gone; how many ways were left out."""
    seen: dict[str, int] = {}
    shown = []
    for change in changes:
        if change.kind in ("way-added", "way-removed"):
            seen[change.kind] = seen.get(change.kind, 0) + 1
            if seen[change.kind] > most:
                continue
        shown.append(change)
    return shown, len(changes) - len(shown)


def chart_lines(diff) -> list[str]:
    """The SOP's flowchart with what changed marked, or why there is none."""
    if diff.head is None or diff.status in ("not-compared", "affected"):
        return []  # gone, or nothing of its own changed
    if not drawable(diff):
        return [f"_No flowchart: this SOP has more arrows than a Mermaid diagram draws ({MAX_EDGES})._", ""]
    return ["<details open><summary>Flowchart (<ins>+ added</ins>, <del>− removed</del>, ~ changed; "
            "thick arrows are new, dotted ones are gone)</summary>", "", "```mermaid", flowchart(diff).rstrip(),
            "```", "", "</details>", ""]


def problem_list(report) -> list[str]:
    if not report.problems:
        return []
    lines = ["<hr>", "", "**Problems** (files that do not load are not compared)", ""]
    for p in report.problems:
        lines.append(f"- {code(f'{p.path}:{p.line}:{p.col}')} {p.severity} {code(p.code)}: {md_text(p.message)}")
    return lines + [""]
