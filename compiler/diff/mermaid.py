"""A changed SOP as a Mermaid flowchart for the pull request comment, with
added, changed and removed steps and edges marked.

Mermaid is drawn by GitHub from the comment's own text: nothing has to be
built, hosted or kept for the pull request, and the removed steps of the base
can be drawn beside the new ones, which an image of the built site (the head
only) cannot show.

Every piece of author text reaches the diagram as Mermaid entity codes
(`#60;` for `<`): only letters, digits and spaces stay literal, so a title can
neither close its node, start a statement, open a link or a tag, nor end the
code fence around the diagram. Node names are generated (n0, n1, ...), never
taken from the SOP.
"""

from __future__ import annotations

import re

from sopc.diff.describe import FLOW_KINDS, SCENARIO_KINDS

MAX_LABEL = 60
# Mermaid refuses to draw more edges than this by default (`maxEdges`).
MAX_EDGES = 500
_LITERAL = re.compile(r"[A-Za-z0-9 ]")

COLOURS = {
    "added": "fill:#dafbe1,stroke:#1a7f37,color:#0f3d1e,stroke-width:2px",
    "removed": "fill:#ffebe9,stroke:#cf222e,color:#5c0a0f,stroke-dasharray:5 3",
    "changed": "fill:#fff8c5,stroke:#9a6700,color:#3d2b00,stroke-width:2px",
    "missing": "fill:#ffffff,stroke:#cf222e,color:#cf222e,stroke-dasharray:2 2",
}
EDGE_STYLES = {
    "added": "stroke:#1a7f37,stroke-width:3px",
    "removed": "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3",
}
MARKS = {"added": "+ ", "removed": "− ", "changed": "~ ", "missing": "? ", "same": ""}
MODEL_ONLY = set(FLOW_KINDS) | set(SCENARIO_KINDS)


def entity_text(value, limit: int = MAX_LABEL) -> str:
    """`value` on one line, shortened, with everything but letters, digits and spaces as `#code;`."""
    flat = " ".join(str(value).split())
    if len(flat) > limit:
        flat = flat[:limit - 1].rstrip() + "…"
    return "".join(ch if _LITERAL.fullmatch(ch) else f"#{ord(ch)};" for ch in flat)


def node(name: str, kind: str, label: str) -> str:
    shapes = {"decision": ('{"', '"}'), "end": ('(["', '"])'), "handoff": ('[["', '"]]'), "missing": ('>"', '"]')}
    opening, closing = shapes.get(kind, ('("', '")'))
    return f"  {name}{opening}{label}{closing}"


def drawable(diff) -> bool:
    """Whether Mermaid will draw the SOP's chart: base and head edges together, the start's included."""
    return len(edge_states(diff.base, diff.head)) + 1 <= MAX_EDGES


def flowchart(diff) -> str:
    """The Mermaid source of one SOP's flowchart, base and head drawn together."""
    base, head = diff.base, diff.head
    changed_steps = {c.step for c in diff.changes if c.step and c.kind not in MODEL_ONLY}
    steps = {}
    for step in (head.steps.values() if head else []):
        was = base is not None and step.id in base.steps
        steps[step.id] = (step, "added" if not was else "changed" if step.id in changed_steps else "same")
    for step in (base.steps.values() if base else []):
        if step.id not in steps:
            steps[step.id] = (step, "removed")
    names = {step_id: f"n{i}" for i, step_id in enumerate(steps)}
    lines = ["flowchart TD"]
    states: dict[str, list[str]] = {}
    for step_id, (step, state) in steps.items():
        lines.append(node(names[step_id], step.kind, entity_text(MARKS[state] + step.title)))
        states.setdefault(state, []).append(names[step_id])
    start = (head or base).start
    edges = edge_states(base, head)
    for target in dict.fromkeys(e[3] for e in edges if e[3] not in names):
        names[target] = f"n{len(names)}"
        lines.append(node(names[target], "missing", entity_text(MARKS["missing"] + f"missing: {target}")))
        states.setdefault("missing", []).append(names[target])
    lines.append('  start(("start"))')
    if start in names:
        lines.append(f"  start --> {names[start]}")
    styles = []
    for index, ((source, kind, label, target), state) in enumerate(edges.items(), start=1 if start in names else 0):
        arrow = "-.->" if state == "removed" else "==>" if state == "added" else "-->"
        text = edge_label(kind, label)
        shown = f"|\"{entity_text(MARKS[state] + text if state != 'same' else text, 40)}\"|" if text or state != "same" else ""
        lines.append(f"  {names[source]} {arrow}{shown} {names[target]}")
        if state in EDGE_STYLES:
            styles.append(f"  linkStyle {index} {EDGE_STYLES[state]}")
    lines.extend(styles)
    for state, colour in COLOURS.items():
        lines.append(f"  classDef {state} {colour}")
        if states.get(state):
            lines.append(f"  class {','.join(states[state])} {state}")
    return "\n".join(lines) + "\n"


def edge_label(kind: str, label: str | None) -> str:
    if kind == "option":
        return label or ""
    if kind == "return":
        return "after the hand-off"
    return label or ""


def edge_states(base, head) -> dict[tuple, str]:
    """(source, kind, label, target) -> added, removed or same, head edges first."""
    def keys(sop):
        return [(e.source, e.kind, e.label, e.target) for e in sop.edges()] if sop is not None else []

    before, after = keys(base), keys(head)
    states = {key: "same" if key in set(before) else "added" for key in after}
    for key in before:
        states.setdefault(key, "removed")
    return states
