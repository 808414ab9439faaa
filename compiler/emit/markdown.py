"""Pages as plain Markdown: one per SOP, the procedures, the home page, the
tags index and the rule reference.

Everything an author wrote goes through `sanitize` first; everything else
here is our own text and markup. The Markdown relies only on common
extensions (tables, admonition, attr_list, md_in_html, superfences).
"""

from __future__ import annotations

import html
import json
import re
import textwrap

from sopc import codes
from sopc.model import Corpus, Input, Option, Record, Script, Sop, Step, humanize
from sopc.emit import sanitize
from sopc.language import braced, fill_placeholders, is_input_id
from sopc.emit.flowchart import END_WORDS
from sopc.model.steps import KINDS, SHOWN
from sopc.emit.numbering import heading_title, step_number

SOP_DIR = "sops"
KIND_WORDS = {kind.name: kind.word for kind in KINDS.values()}
SCRIPT_WORDS = {"say": "Say", "send": "Send", "voicemail": "Leave as voicemail"}
ACTION_WORDS = {
    "create": "Create in", "update": "Update in", "comment": "Comment in", "close": "Close in",
    "assign": "Assign in", "link": "Link in",
}
CHANNEL_WORDS = {"phone": "Phone", "chat": "Chat", "email": "Email", "voicemail": "Voicemail"}
OPERATORS = {"eq": "is", "ne": "is not", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "is one of"}
LEGEND = [*KIND_WORDS.items(), ("target", "Other procedure")]


def sop_page_path(sop_id: str) -> str:
    return f"{SOP_DIR}/{sop_id}.md"


def tag_anchor(tag: str) -> str:
    return "tag-" + re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))


class Placeholders:
    """Renders `{{ input }}` as the input's label, marked as something to fill in."""

    def __init__(self, sop: Sop):
        self.sop = sop

    def label(self, name: str) -> str:
        found = self.sop.inputs.get(name)
        return found.label if found else humanize(name)

    def text(self, template: str) -> str:
        """For code blocks: `[Label]` as plain text."""
        return fill_placeholders(sanitize.clean_text(template), lambda name: f"[{' '.join(self.label(name).split())}]")

    def html(self, name: str) -> str:
        """For prose and tables: a marked chip."""
        return f'<span class="sopc-placeholder">&#91;{sanitize.plain(self.label(name))}&#93;</span>'


# -- SOP page -----------------------------------------------------------------

def sop_page(sop: Sop, corpus: Corpus, svg: str | None, referrers: dict | None = None) -> str:
    """The SOP's page; pass `corpus.referrers()` when rendering many pages."""
    fill = Placeholders(sop)
    parts = [page_title(sop.title, SOP_SEARCH), f"# {sanitize.inline(sop.title)}"]
    if sop.summary:
        parts.append(f"{sanitize.inline(sop.summary)}\n{{: .sopc-summary }}")
    parts.append(metadata(sop))
    parts.append(guide_hook(sop))
    if sop.purpose:
        parts.append("## Purpose {#_purpose}\n\n" + sanitize.markdown(sop.purpose))
    if sop.links:
        parts.append("## Related articles {#_links}\n\n" + "\n".join(_link_item(link) for link in sop.links))
    if sop.inputs:
        parts.append("## Inputs to gather {#_inputs}\n\n" + inputs_table(sop.inputs.values()))
    if svg:
        parts.append("## Flowchart {#_flowchart data-search-exclude}\n\n" + flowchart_figure(svg))
    referring = (corpus.referrers() if referrers is None else referrers).get(sop.id)
    callers = [(caller, step) for caller, step in referring or [] if step.then]
    for number, step in enumerate(sop.steps.values(), 1):
        parts.append(step_section(step, number, sop, corpus, fill, callers))
    if sop.gaps:
        parts.append(gaps_note(sop.gaps, "This procedure"))
    if referring:
        parts.append("## Referenced by {#_referenced-by data-search-exclude}\n\n" + referrer_list(referring, from_dir=SOP_DIR))
    parts.append(f"<small class=\"sopc-source\" data-search-exclude>Source: <code>{sanitize.plain(sop.path)}</code></small>")
    return "\n\n".join(parts) + "\n"


def page_title(title: str, *settings: str) -> str:
    """Front matter naming the page: the theme writes it into <title> and the
    menu as HTML, so it is given escaped (and never taken from the heading,
    whose text the theme would un-escape). `settings`: more front matter lines."""
    shown = html.escape(" ".join(sanitize.clean_text(title).split()), quote=True)
    return "\n".join(["---", f"title: {json.dumps(shown)}", *settings, "---"])


def guide_hook(sop: Sop) -> str:
    """Where guided mode (assets/sopc/guide.js) puts its "Guide me" control; empty without JavaScript."""
    return f'<div class="sopc-guide" data-sop="{sop.id}" data-search-exclude></div>'


def metadata(sop: Sop) -> str:
    rows = []
    if sop.owner:
        rows.append(("Owner", sanitize.inline(sop.owner)))
    if sop.revision:
        rows.append(("Revision", sanitize.inline(sop.revision)))
    rows.append(("Last reviewed", sanitize.inline(sop.reviewed) if sop.reviewed else "not recorded"))
    if sop.channels:
        rows.append(("Channels", ", ".join(CHANNEL_WORDS.get(c, c) for c in sop.channels)))
    if sop.tags:
        rows.append(("Tags", " ".join(f"[{sanitize.inline(tag)}](../tags.md#{tag_anchor(tag)})" for tag in sop.tags)))
    items = "\n".join(f"- **{name}** {value}" for name, value in rows)
    return f'<div class="sopc-meta" markdown data-search-exclude>\n\n{items}\n\n</div>'


def gaps_note(gaps: list[str], whose: str = "This step") -> str:
    """What the source lost: a note for authors, collapsed, after what the agent must do."""
    body = "\n".join("- " + sanitize.inline(gap) for gap in gaps)
    count = f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''}"
    return f'??? sopc-gap "Author note: {whose.lower()} has {count} in its source"\n\n{indent(body)}'


def _link_item(link) -> str:
    title = sanitize.inline(link.title)
    url = sanitize.safe_url(link.url, external=True)
    return f"- [{title}](<{url}>)" if url else f"- {title}"


def inputs_table(inputs) -> str:
    lines = ["| Input | Type | Source | Required | Where to find it |", "|---|---|---|---|---|"]
    for item in inputs:
        lines.append("| " + " | ".join([
            f"**{sanitize.cell(item.label)}**", input_type(item),
            sanitize.cell(item.source) if item.source else "—",
            "yes" if item.required else "no",
            sanitize.cell(item.help) if item.help else "",
        ]) + " |")
    return "\n".join(lines)


def input_type(item: Input) -> str:
    if item.type == "choice":
        return "one of: " + ", ".join(sanitize.cell(value) for value in item.values)
    return {"yesno": "yes / no"}.get(item.type, item.type)


def flowchart_figure(svg: str) -> str:
    legend = "".join(f'<span class="sopc-legend-item sopc-legend-{kind}">{word}</span>' for kind, word in LEGEND)
    return (f'<figure class="sopc-flowchart" data-search-exclude>\n{svg}\n'
            f'<figcaption>Click a box to go to its step; drag to move, pinch or Ctrl + scroll to zoom. {legend}</figcaption>\n</figure>')


# -- steps --------------------------------------------------------------------

def step_section(step: Step, number: int, sop: Sop, corpus: Corpus, fill: Placeholders,
                 callers: list | None = None) -> str:
    """A step: what to do, the warnings, the scripts (most prominent), the
    records, the way on; the source's gaps last, as a note for authors."""
    title, source_number = heading_title(step.title)
    parts = [f"## {number}. {sanitize.inline(title)} {{#{step.id} .sopc-step .sopc-step-{step.kind}}}",
             f'<span class="sopc-kind sopc-kind-{step.kind}" data-search-exclude>{KIND_WORDS[step.kind]}</span>'
             + (f' <span class="sopc-source-number" data-search-exclude>source: {sanitize.plain(source_number)}</span>'
                if source_number else "")]
    if step.do:
        parts.append(sanitize.markdown(step.do, fill.html))
    parts.extend(callout(kind, text, fill) for kind, text in ((c.kind, c.text) for c in step.callouts))
    if step.wait:
        parts.append(wait_text(step))
    parts.extend(script_block(script, fill) for script in step.scripts)
    parts.extend(record_block(record, fill) for record in step.records)
    parts.extend(shown_property(step, prop.key, prop.shown) for prop in SHOWN)
    parts.append(way_on(step, sop, corpus, fill))
    if callers and ends_procedure(step):
        parts.append(return_cue(callers))
    if step.gaps:
        parts.append(gaps_note(step.gaps))
    return "\n\n".join(part for part in parts if part)


def shown_property(step: Step, key: str, label: str) -> str:
    """A step property the step table shows as plain text under a label."""
    value = getattr(step, key)
    return f"**{label}:** {sanitize.inline(str(value))}\n{{: .sopc-{key} }}" if value else ""


def ends_procedure(step: Step) -> bool:
    return bool(step.end or (step.handoff and not step.then))


def return_cue(callers: list) -> str:
    """Where an agent who was handed off here goes back to: this procedure
    ends, the caller's does not."""
    items = "\n".join(
        f"- from [{sanitize.inline(caller.title)}]({caller.id}.md#{step.then}): back to "
        f"{step_link(caller, step.then, page=f'{caller.id}.md')}"
        for caller, step in callers)
    return f'<div class="sopc-return" markdown data-search-exclude>\n\n**Came here from another procedure?** Go back:\n\n{items}\n\n</div>'


def callout(kind: str, text: str, fill: Placeholders) -> str:
    return f"!!! {kind}\n\n{indent(sanitize.markdown(text, fill.html))}"


def wait_text(step: Step) -> str:
    wait = step.wait
    pieces = []
    if wait.duration:
        pieces.append(f"for {wait.duration.text}" if not wait.until else f"at most {wait.duration.text}")
    if wait.until:
        pieces.append("until " + sanitize.inline(wait.until))
    return f"**Wait** {', '.join(pieces)}, then go on.\n{{: .sopc-wait }}"


def script_block(script: Script, fill: Placeholders) -> str:
    """The words to say or send, verbatim (no Markdown), placeholders marked.

    Raw HTML on one line, so Markdown leaves it alone; the site's script adds
    the copy button to the title bar, where it covers no text."""
    title = SCRIPT_WORDS[script.mode] + (f": {sanitize.plain(script.title)}" if script.title else "")
    return (f'<div class="sopc-script sopc-{script.mode}">'
            f'<p class="sopc-script-title"><span>{title}</span></p>'
            f'<p class="sopc-script-text">{verbatim(sanitize.clean_text(script.text).strip(), fill)}</p></div>')


def verbatim(template: str, fill: Placeholders) -> str:
    """A template as HTML text shown exactly as written, line breaks kept, placeholders marked."""
    pieces = []
    position = 0
    for match, name in braced(template):
        if is_input_id(name):
            pieces.append(_verbatim_text(template[position:match.start()]))
            pieces.append(fill.html(name))
            position = match.end()
    pieces.append(_verbatim_text(template[position:]))
    return "".join(pieces)


def _verbatim_text(text: str) -> str:
    return html.escape(text, quote=True).replace("\r", "").replace("\n", "&#10;")


def _admonition_title(text: str) -> str:
    return text.replace('"', "&quot;")


def record_block(record: Record, fill: Placeholders) -> str:
    verb = ACTION_WORDS.get(record.action, record.action)
    heading = f"{verb} {sanitize.inline(record.system)}" if record.system else verb.removesuffix(" in")
    if record.title:
        heading += f": {sanitize.inline(record.title)}"
    if not record.fields:
        return f'!!! sopc-record "{_admonition_title(heading)}"'
    lines = ["| Field | Value |", "|---|---|"]
    for name, value in record.fields.items():
        values = value if isinstance(value, list) else [value]
        shown = "<br>".join(sanitize.cell(v, fill.html) for v in values) if values else " "
        lines.append(f"| {sanitize.cell(name)} | {shown} |")
    return f'!!! sopc-record "{_admonition_title(heading)}"\n\n{indent(chr(10).join(lines))}'


def step_link(sop: Sop, step_id: str | None, page: str = "") -> str:
    """A link to a step, numbered as its heading is."""
    target = sop.steps.get(step_id or "")
    if target is None:
        return f"`{sanitize.entities(step_id or '')}`"
    title, _ = heading_title(target.title)
    return f"[{step_number(sop, step_id)}. {sanitize.inline(title)}]({page}#{step_id})"


def way_on(step: Step, sop: Sop, corpus: Corpus, fill: Placeholders) -> str:
    if step.options:
        return decision_text(step, sop, fill)
    if step.end:
        return f"**End:** {END_WORDS.get(step.end, step.end)}\n{{: .sopc-outcome .sopc-outcome-{step.end} }}"
    if step.handoff:
        return handoff_text(step, sop, corpus)
    if step.repeat:
        return repeat_text(step, sop)
    if step.next:
        return f"**Next:** {step_link(sop, step.next)}\n{{: .sopc-next data-search-exclude }}"
    return ""


def decision_text(step: Step, sop: Sop, fill: Placeholders) -> str:
    lines = [f"**Ask:** {sanitize.line(step.ask, fill.html)}\n{{: .sopc-ask }}", ""]
    for option in step.options:
        condition = option_condition(option, step, sop)
        lines.append(f"- **{sanitize.inline(option.label)}** → {step_link(sop, option.goto)}{condition}")
    return "\n".join(lines)


def option_condition(option: Option, step: Step, sop: Sop) -> str:
    if option.otherwise:
        return " <small class=\"sopc-when\">(otherwise)</small>"
    if option.when is None:
        return ""
    words = describe_condition(option.when, step.input, sop)
    return f' <small class="sopc-when">(when {words})</small>' if words else ""


def describe_condition(condition, default_input: str | None, sop: Sop) -> str:
    """A condition in words, e.g. `Account status is active`."""
    if not isinstance(condition, dict):
        return ""
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in condition:
            return "(" + joiner.join(describe_condition(c, default_input, sop) for c in condition[key]) + ")"
    if "not" in condition:
        return "not " + describe_condition(condition["not"], default_input, sop)
    name = condition.get("input", default_input) or "the answer"
    subject = sanitize.plain(sop.inputs[name].label if name in sop.inputs else humanize(name))
    if condition.get("measure"):
        subject = ("business days since " if condition["measure"] == "business_days_since" else "days since ") + subject
    for operator, word in OPERATORS.items():
        if operator in condition:
            value = condition[operator]
            shown = ", ".join(map(_literal, value)) if isinstance(value, list) else _literal(value)
            return f"{subject} {word} {shown}"
    return subject


def _literal(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return sanitize.plain(str(value))


def handoff_text(step: Step, sop: Sop, corpus: Corpus) -> str:
    line = f"**Hand off to:** {handoff_link(step.handoff, corpus)}"
    procedure = corpus.procedures.get(step.handoff)
    if procedure and procedure.summary:
        line += f" — {sanitize.inline(procedure.summary)}"
    if step.then:
        line += f"<br>\nThen come back to {step_link(sop, step.then)}."
    else:
        line += "<br>\nThis procedure ends with the hand-off."
    return line + "\n{: .sopc-handoff }"


def handoff_link(target: str, corpus: Corpus, from_dir: str = SOP_DIR) -> str:
    prefix = "" if from_dir == SOP_DIR else f"{SOP_DIR}/"
    if target in corpus.sops:
        return f"[{sanitize.inline(corpus.sops[target].title)}]({prefix}{target}.md)"
    procedure = corpus.procedures.get(target)
    if procedure is None:
        return f"`{sanitize.entities(target)}`"
    title = sanitize.inline(procedure.title)
    url = sanitize.safe_url(procedure.url or "", external=True)
    if url:
        return f"[{title}](<{url}>) (external)"
    up = "../" if from_dir == SOP_DIR else ""
    return f"[{title}]({up}procedures.md#{target}) (external procedure)"


def repeat_text(step: Step, sop: Sop) -> str:
    rep = step.repeat
    limits = [f"{rep.max_attempts} attempt{'s' if rep.max_attempts != 1 else ''} in all"]
    if rep.every:
        limits.append(f"one every {rep.every.text}")
    if rep.within:
        limits.append(f"within {rep.within.text}")
    text = (f"**Repeat:** {', '.join(limits)}. Each time you reach this step counts one attempt. "
            f"While attempts remain, go back to {step_link(sop, rep.back_to)}.")
    if step.next:
        text += f" Once all {rep.max_attempts} are used, go on to {step_link(sop, step.next)}."
    return text + "\n{: .sopc-repeat }"


def referrer_list(referrers, from_dir: str) -> str:
    prefix = "" if from_dir == SOP_DIR else f"{SOP_DIR}/"
    return "\n".join(
        f"- [{sanitize.inline(sop.title)}]({prefix}{sop.id}.md#{step.id}), step "
        f"{step_number(sop, step.id)}. {sanitize.inline(heading_title(step.title)[0])}"
        + (f", then back to {step_link(sop, step.then, page=f'{prefix}{sop.id}.md')}" if step.then else "")
        for sop, step in referrers)


# -- corpus pages -------------------------------------------------------------

def one_line(sop: Sop) -> str:
    """The summary, or else the first sentence of the purpose."""
    if sop.summary:
        return sanitize.inline(sop.summary)
    if sop.purpose:
        first = re.split(r"(?<=[.!?])\s", " ".join(sop.purpose.split()), maxsplit=1)[0]
        return sanitize.inline(first)
    return ""


def _sop_item(sop: Sop) -> str:
    summary = one_line(sop)
    return f"- [{sanitize.inline(sop.title)}]({sop_page_path(sop.id)})" + (f" — {summary}" if summary else "")


def by_tag(corpus: Corpus) -> dict[str, list[Sop]]:
    groups: dict[str, list[Sop]] = {}
    for sop in sorted(corpus.sops.values(), key=lambda s: s.title.lower()):
        for tag in sop.tags or [""]:
            groups.setdefault(tag, []).append(sop)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == "", item[0])))


# Lists of SOPs would outrank the SOPs themselves in search (their headings
# repeat the tags' words), and agents search for procedures, not for lists.
NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"
# Search ranks an SOP and its steps above the list of external procedures,
# whose entries only point to the SOPs that hand off to them.
SOP_SEARCH = "search:\n  boost: 4"  # front matter, beside the title
PROCEDURES_SEARCH = "---\nsearch:\n  boost: 0.5\n---\n\n"


def home_page(corpus: Corpus, site_name: str = "Support SOPs") -> str:
    """Every SOP once, A to Z, with its one-line summary and channels; the
    site's script turns the tag chips into a filter."""
    count = len(corpus.sops)
    parts = [f"# {sanitize.inline(site_name)}",
             f"{count} procedure{'s' if count != 1 else ''}, A to Z. "
             "Search with the box at the top (or press <kbd>/</kbd>), or pick a procedure below. "
             "Each page has a flowchart: click a box to jump to that step.\n{: .sopc-lead }"]
    if not corpus.sops:
        parts.append("No SOPs yet.")
    else:
        parts.append(tag_filter(corpus))
        parts.extend(_sop_entry(sop) for sop in sorted(corpus.sops.values(), key=lambda s: s.title.lower()))
    parts.append(f"See also: [all tags](tags.md), [external procedures](procedures.md), "
                 f"[how to read this site]({READING_PAGE}).")
    return NOT_SEARCHED + "\n\n".join(parts) + "\n"


def tag_filter(corpus: Corpus) -> str:
    """Tag chips; hidden until the site's script makes them filter the list."""
    groups = {tag: sops for tag, sops in by_tag(corpus).items() if tag}
    if not groups:
        return ""
    chips = [f'<button type="button" class="sopc-chip" data-tag="">All ({len(corpus.sops)})</button>']
    chips += [f'<button type="button" class="sopc-chip" data-tag="{sanitize.plain(tag)}">'
              f'{sanitize.plain(tag)} ({len(sops)})</button>' for tag, sops in groups.items()]
    return (f'<div class="sopc-tag-filter" hidden><span class="sopc-filter-label">Filter by tag:</span> '
            f'{" ".join(chips)}<p class="sopc-filter-count" aria-live="polite"></p></div>')


def _sop_entry(sop: Sop) -> str:
    summary = one_line(sop)
    channels = ", ".join(CHANNEL_WORDS.get(c, c) for c in sop.channels)
    tags = "|".join(sanitize.plain(tag) for tag in sop.tags)
    details = [f'<span class="sopc-channels">{channels}</span>' if channels else "",
               f'<span class="sopc-entry-tags">{", ".join(sanitize.plain(t) for t in sop.tags)}</span>'
               if sop.tags else ""]
    lines = [f"[{sanitize.inline(sop.title)}]({sop_page_path(sop.id)}){{ .sopc-entry-title }}"]
    if summary:
        lines.append(summary)
    if any(details):
        lines.append(" ".join(d for d in details if d))
    body = "<br>\n".join(lines)
    return f'<div class="sopc-sop-entry" data-tags="{tags}" markdown>\n\n{body}\n\n</div>'


def tags_page(corpus: Corpus) -> str:
    groups = by_tag(corpus)
    chips = " ".join(f"[{sanitize.inline(tag)} ({len(sops)})](#{tag_anchor(tag)}){{ .sopc-tag }}"
                     for tag, sops in groups.items() if tag)
    parts = ["# Tags", chips or "No tags yet."]
    for tag, sops in groups.items():
        if not tag:
            continue
        items = "\n".join(f"- [{sanitize.inline(s.title)}]({sop_page_path(s.id)})" for s in sops)
        parts.append(f"## {sanitize.inline(tag)} {{#{tag_anchor(tag)}}}\n\n{items}")
    return NOT_SEARCHED + "\n\n".join(parts) + "\n"


def procedures_page(corpus: Corpus) -> str:
    parts = ["# External procedures",
             "Procedures that live outside this site. SOPs hand off to them by name."]
    if not corpus.procedures:
        parts.append("None declared.")
    referrers = corpus.referrers()
    for procedure in sorted(corpus.procedures.values(), key=lambda p: p.title.lower()):
        section = [f"## {sanitize.inline(procedure.title)} {{#{procedure.id}}}"]
        if procedure.summary:
            section.append(sanitize.markdown(procedure.summary))
        url = sanitize.safe_url(procedure.url or "", external=True)
        if url:
            section.append(f"Open: [{sanitize.inline(procedure.url)}](<{url}>)")
        else:
            section.append("*No address recorded.*")
        if procedure.id in referrers:
            section.append("Handled in these SOPs, which hand off to it:\n\n" + referrer_list(referrers[procedure.id], from_dir=""))
        parts.append("\n\n".join(section))
    return PROCEDURES_SEARCH + "\n\n".join(parts) + "\n"


READING_PAGE = "reading.md"


def reading_page() -> str:
    """The one page of the agents' site that is not a procedure: how to use the others."""
    return NOT_SEARCHED + textwrap.dedent("""\
        # How to read this site

        Each procedure has its own page. Find it with the search box at the top
        (or press <kbd>/</kbd>), or from the list on the home page.

        - **The flowchart** at the top shows the whole procedure. Click a box to
          jump to that step.
        - **Steps** are numbered in reading order. Each has its own address: copy
          it from the address bar to share a step.
        - **Scripts** are in boxes with a copy button. Words in brackets, such as
          `[Homeowner Name]`, are placeholders: replace them before you say or
          send the text.
        - **Records** list what to create or update, field by field.
        - **Questions** list their answers; each answer links to the step that
          follows it.
        - **Missing from the source** marks text the original document lost. Do
          not guess it: ask the owner of the procedure.
        - **Hand-offs** link to the other procedure; come back when it says so.

        ## Guided mode

        On a call, **Guide me** (at the top of each procedure) walks you through
        the procedure one step at a time:

        1. Enter what you already know (the caller's name, dates, answers you
           have). Leave the rest empty: the walk asks when it needs it.
        2. Each step shows what to do, its scripts and its records with your
           facts filled in; copy them with their buttons. A question shows its
           answers as buttons; some are decided for you from the facts.
        3. Repeated steps say which attempt you are on ("Attempt 2 of 5"); a
           wait says what you are waiting for, and **The wait is over** goes on.
           A hand-off takes you through the other procedure and back.
        4. **Back** undoes the last answer, **Restart** starts again with your
           facts. The walk is kept if you reload the page, and **Copy link**
           gives an address that opens the same walk elsewhere.
        5. At the end, **Copy call summary** copies the path taken, the answers
           and the records with their fields, ready to paste into the ticket.

        The highlighted box in the flowchart is the step you are at.
        """)


# -- rule reference -------------------------------------------------------------

def rule_page(code) -> str:
    """A code's documentation page from the registry of problem codes (trusted project text)."""
    lines = code.documentation.strip().split("\n")
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    title = f"# {code.code} {code.slug}"
    return "\n\n".join([title, _rule_setting(code), "\n".join(lines).strip()]) + "\n"


def _rule_setting(code) -> str:
    if not code.is_rule:
        return f"Severity: **{code.severity}**, always: the file cannot be read as an SOP until it is fixed."
    state = f"Default severity: **{code.severity}**" + ("" if codes.default_on(code) else ", off unless turned on in the settings")
    options = "".join(f"\n- {option.describe()}" for option in code.options)
    return (f"{state}. Silence it for one step with `suppress: [{{rule: {code.slug}, reason: ...}}]`."
            + (f"\n\nOptions:\n{options}" if options else ""))


def rules_index(all_codes) -> str:
    lines = ["# Check rules", "`sopc check` reports these problems. Each page says what is found, "
             "why it matters and how to fix it.", "", "| Code | Name | Default | What it finds |", "|---|---|---|---|"]
    for code in all_codes:
        lines.append(f"| {code.code} | [{code.slug}]({code.slug}.md) | {codes.default_label(code)} | {code.sentence.replace('|', '&#124;')} |")
    return "\n".join(lines) + "\n"
