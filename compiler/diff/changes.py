"""What changed between two models, by stable ids: SOPs, their metadata,
inputs, steps, options, targets, ends, bounds and texts.

Every change is a `Change` with a `kind` from KINDS; the renderers and
`--fail-on` read the kind, never the wording.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field

from sopc.diff.words import only_whitespace_changed, word_diff
from sopc.model import Input, Option, Sop, Step
from sopc.model.steps import PROPERTIES

# kind -> what it means; the order is the order changes are listed in.
KINDS = {
    "sop-added": "a new SOP",
    "sop-removed": "an SOP that is gone",
    "sop-renamed": "an SOP whose id changed (matched by its file or its content)",
    "sop-not-compared": "an SOP whose file does not load on one side (see the problems)",
    "metadata-changed": "title, summary, purpose, owner, revision, reviewed, tags, channels, links, gaps or start",
    "input-added": "a new input",
    "input-removed": "an input that is gone",
    "input-changed": "an input whose type, label, help, source, values or required changed",
    "step-added": "a new step",
    "step-removed": "a step that is gone",
    "step-moved": "a step whose place in reading order changed",
    "step-kind-changed": "a step that became another kind (action, decision, wait, repeat, hand-off, end)",
    "option-added": "a new answer of a decision",
    "option-removed": "an answer that is gone",
    "option-relabelled": "an answer with the same target and a new label",
    "option-retargeted": "an answer that now leads elsewhere (old and new target)",
    "option-condition-changed": "an answer whose `when`, `value` or `otherwise` changed",
    "decision-input-changed": "a decision that now reads another input",
    "next-changed": "a step whose `next` (written, or the step after it) changed",
    "handoff-changed": "a hand-off to another SOP or procedure",
    "then-changed": "where a hand-off returns",
    "end-changed": "an end's outcome",
    "repeat-changed": "a repeat's target, attempts, interval or time limit",
    "wait-changed": "a wait's duration or condition",
    "step-changed": "any other property of a step (its tags, its suppressions, or a property added to the language later)",
    "text-changed": "a script, `do`, ask, callout, record field value or title (a word-level diff)",
    "script-added": "a new script", "script-removed": "a script that is gone",
    "callout-added": "a new callout", "callout-removed": "a callout that is gone",
    "record-added": "a new record", "record-removed": "a record that is gone",
    "record-changed": "a record's system or action",
    "field-added": "a new record field", "field-removed": "a record field that is gone",
    "gap-added": "a new gap note", "gap-removed": "a gap note that is gone",
    # flow effects (sopc.diff.effects)
    "step-unreachable": "a step no walk from the start reaches any more (or a new step none reaches)",
    "step-reachable": "a step that was unreachable and is reached now",
    "end-unreachable": "an end or final hand-off no walk reaches any more",
    "target-missing": "a way forward to a step, SOP or procedure that does not exist",
    "outcome-removed": "an outcome the SOP could end with and cannot any more",
    "outcome-added": "an outcome the SOP can end with now",
    "way-added": "a new way through the steps to an outcome",
    "way-removed": "a way to an outcome that is gone",
    "scenario-failing": "a scenario that passed and fails now (or a new one that fails)",
    "scenario-fixed": "a scenario that failed and passes now",
    "scenario-walk-changed": "a scenario that walks another path or reaches another outcome",
    "coverage-changed": "the share of steps and edges the scenarios walk",
}


@dataclass
class Change:
    kind: str
    sop: str
    step: str | None = None
    subject: str | None = None  # which field, option, input, text or outcome
    old: object = None
    new: object = None
    words: list | None = None  # word_diff runs, for texts

    def as_json(self) -> dict:
        data = {"kind": self.kind, "sop": self.sop, "step": self.step, "subject": self.subject,
                "old": self.old, "new": self.new}
        if self.words is not None:
            data["words"] = [{"kind": kind, "text": text} for kind, text in self.words]
        return data


@dataclass
class SopDiff:
    """The changes of one SOP; `status` is added, removed, renamed, changed, not-compared, or
    affected (unchanged itself; what it hands off to changed)."""

    id: str
    status: str
    base: Sop | None = None
    head: Sop | None = None
    old_id: str | None = None
    changes: list[Change] = field(default_factory=list)


# -- corpora --------------------------------------------------------------------

def compare_corpora(base, head) -> list[SopDiff]:
    """Every SOP that differs between two sides (`sides.Side`), in id order."""
    old, new = base.corpus.sops, head.corpus.sops
    gone = [i for i in old if i not in new and not head.cannot_tell(i, base)]
    came = [i for i in new if i not in old and not base.cannot_tell(i, head)]
    renamed = match_renames(gone, came, base, head)
    diffs = []
    for old_id, new_id in renamed.items():
        diff = SopDiff(new_id, "renamed", old[old_id], new[new_id], old_id)
        diff.changes.append(Change("sop-renamed", new_id, old=old_id, new=new_id))
        diff.changes.extend(compare_sops(old[old_id], new[new_id]))
        diffs.append(diff)
    for sop_id in gone:
        if sop_id not in renamed:
            diffs.append(SopDiff(sop_id, "removed", old[sop_id], None, changes=[Change("sop-removed", sop_id)]))
    for sop_id in came:
        if sop_id not in renamed.values():
            diffs.append(SopDiff(sop_id, "added", None, new[sop_id], changes=[Change("sop-added", sop_id)]))
    for sop_id in old:
        if sop_id in new:
            changes = compare_sops(old[sop_id], new[sop_id])
            if changes:
                diffs.append(SopDiff(sop_id, "changed", old[sop_id], new[sop_id], changes=changes))
    for side, other, name in ((head, base, "head"), (base, head, "base")):
        for sop_id in sorted(i for i in other.corpus.sops if side.cannot_tell(i, other) and i not in side.corpus.sops):
            diffs.append(SopDiff(sop_id, "not-compared", old.get(sop_id), new.get(sop_id),
                                 changes=[Change("sop-not-compared", sop_id, subject=name)]))
    return sorted(diffs, key=lambda d: d.id)


def match_renames(gone: list[str], came: list[str], base, head) -> dict[str, str]:
    """Old id -> new id for SOPs that kept their file, or their whole content, under a new id."""
    renamed: dict[str, str] = {}
    by_path = {head.source_path(head.corpus.sops[i]): i for i in came}
    by_content = {}
    for sop_id in came:
        by_content.setdefault(signature(head.corpus.sops[sop_id]), sop_id)
    for sop_id in gone:
        sop = base.corpus.sops[sop_id]
        match = by_path.get(base.source_path(sop)) or by_content.get(signature(sop))
        if match and match not in renamed.values():
            renamed[sop_id] = match
    return renamed


def signature(sop: Sop) -> str:
    """Everything an SOP says except its id, to recognise it under another id."""
    content = {
        "texts": [(list(where), text) for where, text, _ in sop.texts()],
        "edges": [(e.source, e.target, e.kind, e.label) for e in sop.edges()],
        "steps": [(s.id, s.kind, s.end, s.handoff) for s in sop.steps.values()],
        "inputs": {k: input_facts(v) for k, v in sop.inputs.items()},
    }
    return json.dumps(content, sort_keys=True, default=str)


# -- one SOP --------------------------------------------------------------------

METADATA_TEXTS = ("title", "summary", "purpose")
METADATA_VALUES = ("owner", "revision", "reviewed", "tags", "channels", "start")
# Compared on their own below, or not part of what an SOP says (its file, the
# texts a comment cut short); scenarios are compared by running them.
SOP_FIELDS_APART = {"id", "doc", "steps", "inputs", "scenarios", "cut_texts", "links", "gaps",
                    *METADATA_TEXTS, *METADATA_VALUES}
STEP_PROPERTIES_APART = {"title", "do", "ask", "callouts", "scripts", "records", "gaps", "input", "options",
                         "next", "handoff", "then", "end", "repeat", "wait"}


def plain(value):
    """A model value as JSON-ready data, without source positions."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "where"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def compare_sops(old: Sop, new: Sop) -> list[Change]:
    sop_id = new.id
    changes: list[Change] = []
    for name in METADATA_TEXTS:
        changes.extend(text_change(sop_id, None, name, getattr(old, name), getattr(new, name), "metadata-changed"))
    for name in METADATA_VALUES:
        if getattr(old, name) != getattr(new, name):
            changes.append(Change("metadata-changed", sop_id, subject=name, old=getattr(old, name), new=getattr(new, name)))
    old_links = [(link.title, link.url) for link in old.links]
    new_links = [(link.title, link.url) for link in new.links]
    if old_links != new_links:
        changes.append(Change("metadata-changed", sop_id, subject="links",
                              old=[list(x) for x in old_links], new=[list(x) for x in new_links]))
    changes.extend(list_changes(sop_id, None, old.gaps, new.gaps, "gap", "gap"))
    for f in dataclasses.fields(Sop):
        if f.name not in SOP_FIELDS_APART and plain(getattr(old, f.name)) != plain(getattr(new, f.name)):
            changes.append(Change("metadata-changed", sop_id, subject=f.name,
                                  old=plain(getattr(old, f.name)), new=plain(getattr(new, f.name))))
    changes.extend(compare_inputs(sop_id, old.inputs, new.inputs))
    changes.extend(compare_step_sets(sop_id, old, new))
    return changes


def input_facts(item: Input) -> dict:
    return {"type": item.type, "label": item.label, "help": item.help, "required": item.required,
            "source": item.source, "values": item.values}


def compare_inputs(sop_id: str, old: dict[str, Input], new: dict[str, Input]) -> list[Change]:
    changes = []
    for key in old:
        if key not in new:
            changes.append(Change("input-removed", sop_id, subject=key, old=input_facts(old[key])))
    for key, item in new.items():
        if key not in old:
            changes.append(Change("input-added", sop_id, subject=key, new=input_facts(item)))
            continue
        before, after = input_facts(old[key]), input_facts(item)
        differ = [name for name in before if before[name] != after[name]]
        if differ:
            changes.append(Change("input-changed", sop_id, subject=key,
                                  old={n: before[n] for n in differ}, new={n: after[n] for n in differ}))
    return changes


def compare_step_sets(sop_id: str, old: Sop, new: Sop) -> list[Change]:
    changes = []
    for step_id, step in old.steps.items():
        if step_id not in new.steps:
            changes.append(Change("step-removed", sop_id, step_id, old=step.title))
    for step_id, step in new.steps.items():
        if step_id not in old.steps:
            changes.append(Change("step-added", sop_id, step_id, new=step.title))
    for step_id in moved_steps(list(old.steps), list(new.steps)):
        changes.append(Change("step-moved", sop_id, step_id, old=old.steps[step_id].index, new=new.steps[step_id].index))
    for step_id, step in new.steps.items():
        if step_id in old.steps:
            changes.extend(compare_steps(sop_id, old.steps[step_id], step))
    return changes


def moved_steps(before: list[str], after: list[str]) -> list[str]:
    """Steps on both sides that left the longest run of steps kept in the same order."""
    common_before = [s for s in before if s in set(after)]
    common_after = [s for s in after if s in set(before)]
    matcher = difflib.SequenceMatcher(None, common_before, common_after, autojunk=False)
    kept = {common_after[j] for block in matcher.get_matching_blocks() for j in range(block.b, block.b + block.size)}
    return [s for s in common_after if s not in kept]


def compare_steps(sop_id: str, old: Step, new: Step) -> list[Change]:
    if old == new:  # every field alike, the position included: most steps of a large corpus
        return []
    sid = new.id
    changes: list[Change] = []
    if old.kind != new.kind:
        changes.append(Change("step-kind-changed", sop_id, sid, old=old.kind, new=new.kind))
    changes.extend(text_change(sop_id, sid, "title", old.title, new.title))
    changes.extend(text_change(sop_id, sid, "do", old.do, new.do))
    changes.extend(text_change(sop_id, sid, "ask", old.ask, new.ask))
    changes.extend(list_changes(sop_id, sid, [(c.kind, c.text) for c in old.callouts],
                                [(c.kind, c.text) for c in new.callouts], "callout", "callout"))
    changes.extend(list_changes(sop_id, sid, [(s.mode, s.text) for s in old.scripts],
                                [(s.mode, s.text) for s in new.scripts], "script", "script"))
    changes.extend(compare_records(sop_id, sid, old, new))
    changes.extend(list_changes(sop_id, sid, old.gaps, new.gaps, "gap", "gap"))
    if old.input != new.input:
        changes.append(Change("decision-input-changed", sop_id, sid, "input", old.input, new.input))
    changes.extend(compare_options(sop_id, sid, old.options, new.options))
    for name, kind in (("next", "next-changed"), ("handoff", "handoff-changed"), ("then", "then-changed"),
                       ("end", "end-changed")):
        if getattr(old, name) != getattr(new, name):
            changes.append(Change(kind, sop_id, sid, name, getattr(old, name), getattr(new, name)))
    changes.extend(compare_repeat(sop_id, sid, old, new))
    changes.extend(compare_wait(sop_id, sid, old, new))
    for key in PROPERTIES:
        if key not in STEP_PROPERTIES_APART and plain(getattr(old, key)) != plain(getattr(new, key)):
            changes.append(Change("step-changed", sop_id, sid, key, plain(getattr(old, key)), plain(getattr(new, key))))
    return changes


def text_change(sop_id, step_id, subject, old, new, kind="text-changed") -> list[Change]:
    """A change of one text with its word-level diff; nothing if only the wrapping changed."""
    if old == new or only_whitespace_changed(old or "", new or ""):
        return []
    return [Change(kind, sop_id, step_id, subject, old, new, word_diff(old or "", new or ""))]


def list_changes(sop_id, step_id, old: list, new: list, noun: str, subject: str) -> list[Change]:
    """Changes of an ordered list of texts (or (kind, text) pairs): added, removed or reworded items.

    Items are aligned as a diff aligns lines, so inserting one script does not
    show every later script as reworded.
    """
    def text_of(item):
        return item[1] if isinstance(item, tuple) else item

    def name(item, index):
        return f"{subject} {index + 1}" + (f" ({item[0]})" if isinstance(item, tuple) else "")

    if old == new:
        return []
    changes = []
    matcher = difflib.SequenceMatcher(None, [str(x) for x in old], [str(x) for x in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            before, after = old[i1 + k], new[j1 + k]
            changes.extend(text_change(sop_id, step_id, name(after, j1 + k), text_of(before), text_of(after)))
        for k in range(i1 + pairs, i2):
            changes.append(Change(f"{noun}-removed", sop_id, step_id, name(old[k], k), old=text_of(old[k])))
        for k in range(j1 + pairs, j2):
            changes.append(Change(f"{noun}-added", sop_id, step_id, name(new[k], k), new=text_of(new[k])))
    return changes


def compare_records(sop_id: str, step_id: str, old: Step, new: Step) -> list[Change]:
    def key(record, index):
        return record.title or f"{record.action} in {record.system or 'a system'} #{index + 1}"

    before = {key(r, i): r for i, r in enumerate(old.records)}
    after = {key(r, i): r for i, r in enumerate(new.records)}
    changes = []
    for name in before:
        if name not in after:
            changes.append(Change("record-removed", sop_id, step_id, name))
    for name, record in after.items():
        if name not in before:
            changes.append(Change("record-added", sop_id, step_id, name))
            continue
        was = before[name]
        for attr in ("system", "action"):
            if getattr(was, attr) != getattr(record, attr):
                changes.append(Change("record-changed", sop_id, step_id, f"record {name}: {attr}",
                                      getattr(was, attr), getattr(record, attr)))
        changes.extend(compare_fields(sop_id, step_id, name, was.fields, record.fields))
    return changes


def compare_fields(sop_id, step_id, record: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for field_name in old:
        if field_name not in new:
            changes.append(Change("field-removed", sop_id, step_id, f"record {record}: {field_name}", old=old[field_name]))
    for field_name, value in new.items():
        subject = f"record {record}: {field_name}"
        if field_name not in old:
            changes.append(Change("field-added", sop_id, step_id, subject, new=value))
        elif isinstance(value, list) or isinstance(old[field_name], list):
            was = old[field_name] if isinstance(old[field_name], list) else [old[field_name]]
            now = value if isinstance(value, list) else [value]
            changes.extend(list_changes(sop_id, step_id, was, now, "field", subject))
        else:
            changes.extend(text_change(sop_id, step_id, subject, old[field_name], value))
    return changes


def compare_options(sop_id: str, step_id: str, old: list[Option], new: list[Option]) -> list[Change]:
    """Answers matched by label, then (for a new label) by target; the rest are added or removed."""
    pairs, left_old, left_new = _pair(old, new, lambda o: o.label)
    more, left_old, left_new = _pair(left_old, left_new, lambda o: o.goto)
    changes = []
    for was, now in pairs + more:
        if was.label != now.label:
            changes.append(Change("option-relabelled", sop_id, step_id, now.label, was.label, now.label))
        if was.goto != now.goto:
            changes.append(Change("option-retargeted", sop_id, step_id, now.label, was.goto, now.goto))
        if (was.when, was.otherwise) != (now.when, now.otherwise):
            changes.append(Change("option-condition-changed", sop_id, step_id, now.label,
                                  condition(was), condition(now)))
    for option in left_old:
        changes.append(Change("option-removed", sop_id, step_id, option.label, old=option.goto))
    for option in left_new:
        changes.append(Change("option-added", sop_id, step_id, option.label, new=option.goto))
    return changes


def condition(option: Option):
    return "otherwise" if option.otherwise else option.when


def _pair(old: list, new: list, key) -> tuple[list, list, list]:
    pairs, left_new = [], list(new)
    left_old = []
    for item in old:
        match = next((n for n in left_new if key(n) == key(item)), None)
        if match is None:
            left_old.append(item)
        else:
            left_new.remove(match)
            pairs.append((item, match))
    return pairs, left_old, left_new


def compare_repeat(sop_id: str, step_id: str, old: Step, new: Step) -> list[Change]:
    before, after = repeat_facts(old), repeat_facts(new)
    if before is None or after is None:
        return [Change("repeat-changed", sop_id, step_id, "repeat", before, after)] if before != after else []
    return [Change("repeat-changed", sop_id, step_id, name, before[name], after[name])
            for name in before if before[name] != after[name]]


def repeat_facts(step: Step) -> dict | None:
    r = step.repeat
    if r is None:
        return None
    return {"back_to": r.back_to, "max_attempts": r.max_attempts,
            "every": r.every.text if r.every else None, "within": r.within.text if r.within else None}


def compare_wait(sop_id: str, step_id: str, old: Step, new: Step) -> list[Change]:
    def facts(step):
        w = step.wait
        return None if w is None else {"for": w.duration.text if w.duration else None, "until": w.until}

    before, after = facts(old), facts(new)
    if before is None or after is None:
        return [Change("wait-changed", sop_id, step_id, "wait", before, after)] if before != after else []
    return [Change("wait-changed", sop_id, step_id, name, before[name], after[name])
            for name in before if before[name] != after[name]]
