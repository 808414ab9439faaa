"""One sentence per change, shared by the text and Markdown reports.

A `Style` says how to show an id, a piece of SOP text and a word diff in the
target format, escaping included, so that the wording lives here once and
every piece of author text goes through the style's escaping.
"""

from __future__ import annotations

from sopc.diff.changes import KINDS, Change

FLOW_KINDS = [k for k in KINDS if k.startswith(("step-unreachable", "step-reachable", "end-", "target-", "outcome-", "way-"))]
SCENARIO_KINDS = [k for k in KINDS if k.startswith(("scenario-", "coverage-"))]


class Style:
    arrow = " → "

    def ident(self, value) -> str:
        raise NotImplementedError

    def text(self, value) -> str:
        raise NotImplementedError

    def words(self, runs) -> str:
        raise NotImplementedError

    def quote(self, value) -> str:
        return f"“{self.text(value)}”"

    def value(self, value) -> str:
        """A setting of any type: nothing, a list, a mapping or a scalar."""
        if value is None or value == [] or value == {}:
            return "none"
        if isinstance(value, list):
            return ", ".join(self.value(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{self.text(k)} {self.value(v)}" for k, v in value.items())
        return self.ident(value)


def describe(change: Change, style: Style) -> str:
    """What changed, without the SOP (the report groups by SOP) and without the step (shown before it)."""
    c, s = change, style
    subject = c.subject
    simple = {
        "sop-added": lambda: "new SOP",
        "sop-removed": lambda: "SOP removed",
        "sop-renamed": lambda: f"renamed: {s.ident(c.old)}{s.arrow}{s.ident(c.new)}",
        "sop-not-compared": lambda: f"not compared: its file does not load in {'the head' if subject == 'head' else 'the base'} (see the problems)",
        "input-added": lambda: f"input {s.ident(subject)} added ({s.value(c.new.get('type'))})",
        "input-removed": lambda: f"input {s.ident(subject)} removed",
        "input-changed": lambda: f"input {s.ident(subject)}: " + "; ".join(
            f"{name} {s.value(c.old[name])}{s.arrow}{s.value(c.new[name])}" for name in c.old),
        "step-added": lambda: f"step added: {s.quote(c.new)}",
        "step-removed": lambda: f"step removed: {s.quote(c.old)}",
        "step-moved": lambda: f"moved in reading order: position {c.old + 1}{s.arrow}{c.new + 1}",
        "step-kind-changed": lambda: f"now a {c.new} step (was a {c.old} step)",
        "option-added": lambda: f"answer {s.quote(subject)} added, leading to {s.ident(c.new)}",
        "option-removed": lambda: f"answer {s.quote(subject)} removed (led to {s.ident(c.old)})",
        "option-relabelled": lambda: f"answer relabelled: {s.quote(c.old)}{s.arrow}{s.quote(c.new)}",
        "option-retargeted": lambda: f"answer {s.quote(subject)} retargeted: {s.ident(c.old)}{s.arrow}{s.ident(c.new)}",
        "option-condition-changed": lambda: f"condition of answer {s.quote(subject)}: {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "decision-input-changed": lambda: f"decides on input {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "next-changed": lambda: f"next: {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "handoff-changed": lambda: f"hands off to {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "then-changed": lambda: f"returns from the hand-off to {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "end-changed": lambda: f"outcome: {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "repeat-changed": lambda: f"repeat {'' if subject == 'repeat' else subject + ' '}: {s.value(c.old)}{s.arrow}{s.value(c.new)}".replace(" :", ":"),
        "wait-changed": lambda: f"wait {'' if subject == 'wait' else subject + ' '}: {s.value(c.old)}{s.arrow}{s.value(c.new)}".replace(" :", ":"),
        "step-changed": lambda: f"{s.text(subject)}: {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "text-changed": lambda: f"{s.text(subject)} reworded: {s.words(c.words)}",
        "metadata-changed": lambda: (f"{subject} reworded: {s.words(c.words)}" if c.words is not None
                                     else f"{subject}: {s.value(c.old)}{s.arrow}{s.value(c.new)}"),
        "record-changed": lambda: f"{s.text(subject)}: {s.value(c.old)}{s.arrow}{s.value(c.new)}",
        "step-unreachable": lambda: ("new step that no walk reaches" if c.old is None else "no longer reachable"),
        "step-reachable": lambda: "reachable now (was unreachable)",
        "end-unreachable": lambda: "end no longer reachable",
        "target-missing": lambda: (f"start names {s.ident(c.new)}, which does not exist" if subject == "start"
                                   else f"{s.text(subject)} leads to {s.ident(c.new)}, which does not exist"),
        "outcome-removed": lambda: f"outcome {s.ident(subject)} can no longer be reached",
        "outcome-added": lambda: f"outcome {s.ident(subject)} can be reached now",
        "way-added": lambda: f"new way to {s.ident(subject)}: {path(c.new, s)}",
        "way-removed": lambda: f"way to {s.ident(subject)} gone: {path(c.old, s)}",
        "scenario-failing": lambda: f"scenario {s.quote(subject)} fails now: {s.text(shortened('; '.join(c.new['failures'])))}",
        "scenario-fixed": lambda: f"scenario {s.quote(subject)} passes now",
        "scenario-walk-changed": lambda: f"scenario {s.quote(subject)} walks differently: "
                                         f"{path(c.old['path'], s)}{s.arrow}{path(c.new['path'], s)}"
                                         + (f" (outcome {s.value(c.old['outcome'])}{s.arrow}{s.value(c.new['outcome'])})"
                                            if c.old["outcome"] != c.new["outcome"] else ""),
        "coverage-changed": lambda: (f"scenario coverage: edges {c.old['edges']:g}%{s.arrow}{c.new['edges']:g}%, "
                                     f"steps {c.old['steps']:g}%{s.arrow}{c.new['steps']:g}%"),
    }
    if c.kind in simple:
        return simple[c.kind]()
    noun, _, verb = c.kind.rpartition("-")  # script-added, callout-removed, field-added, gap-removed, record-added
    shown = c.new if verb == "added" else c.old
    what = s.text(subject)
    return f"{what} {verb}" + (f": {s.quote(shown)}" if isinstance(shown, str) else "")


def shortened(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def path(steps, style: Style) -> str:
    return " › ".join(style.ident(step) for step in steps or []) or "(nothing)"


def ordered(diff):
    """Changes to the model first (the SOP's, then step by step in reading order), then flow effects, then scenarios."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    group = {kind: 1 for kind in FLOW_KINDS} | {kind: 2 for kind in SCENARIO_KINDS}
    steps = list(diff.base.steps) if diff.base is not None else []
    steps = list(diff.head.steps) + [s for s in steps if diff.head is None or s not in diff.head.steps] \
        if diff.head is not None else steps
    place = {step: i for i, step in enumerate(steps)}
    return sorted(diff.changes, key=lambda c: (group.get(c.kind, 0), -1 if c.step is None else place.get(c.step, len(place)),
                                               rank.get(c.kind, 99)))


def headline(report) -> str:
    if not report.sops:
        return "no changes." + (f" {len(report.problems)} problem(s) below." if report.problems else "")
    counts: dict[str, int] = {}
    for diff in report.sops:
        counts[diff.status] = counts.get(diff.status, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{len(report.sops)} SOP{'s' if len(report.sops) != 1 else ''} with changes ({parts})."
