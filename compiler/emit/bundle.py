"""The runtime bundle: one JSON document a tool can step through without the
YAML, the compiler or Python (format described in docs/runtime.md, contract in
schema/runtime.schema.json).

Deterministic: the same corpus gives the same bytes. Objects keyed by id are
written with sorted keys; steps, inputs, options, scripts, records and record
fields keep the order the author wrote them in, as arrays.
"""

from __future__ import annotations

import json

from sopc import __version__
from sopc.check import cyclic_gc_paused
from sopc.model import Corpus, Option, Sop, Step
from sopc.model.steps import BUNDLED
from sopc.problems import Problem
from sopc.runtime.bundle import digest, digest_of
from sopc.runtime.conditions import OPERATORS
from sopc.runtime.versions import BUNDLE_FORMAT, FORMAT_VERSION, MIN_RUNTIME_VERSION, SCENARIOS_FORMAT, SCENARIOS_VERSION
from sopc.emit import bundle_text
from sopc.canonical_json import exact


class ExportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


def build_bundle(corpus: Corpus, sop_id: str | None = None) -> dict:
    """The bundle of the whole corpus, or of one SOP and every SOP it hands off to."""
    bundle = _content(corpus, sop_id)
    bundle["digest"] = digest(bundle)
    return bundle


def export_bundle(corpus: Corpus, sop_id: str | None = None, pretty: bool = False) -> tuple[dict, str]:
    """The bundle and the text to write: one line per step (see `bundle_text`), or indented.

    The text is serialized once: the digest is computed from it.
    """
    with cyclic_gc_paused():  # a bundle is hundreds of thousands of small objects, none cyclic
        bundle = _content(corpus, sop_id)
    text = bundle_text.layout(bundle)
    bundle["digest"] = digest_of(bundle_text.canonical(text))
    if pretty or min(bundle) != "digest":
        return bundle, dumps(bundle)
    return bundle, bundle_text.with_first_member(text, "digest", bundle["digest"]) + "\n"


def _content(corpus: Corpus, sop_id: str | None) -> dict:
    sops = _closure(corpus, sop_id) if sop_id else sorted(corpus.sops)
    problems: list[Problem] = []
    exported = {key: _sop(corpus, corpus.sops[key], problems) for key in sops}
    if problems:
        raise ExportError(sorted(problems))
    used = {step["handoff"]["to"] for sop in exported.values() for step in sop["steps"] if step["handoff"]}
    procedures = {key: _procedure(item) for key, item in corpus.procedures.items() if not sop_id or key in used}
    return {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "min_runtime_version": MIN_RUNTIME_VERSION,
        "generator": {"name": "sopc", "version": __version__},
        "entry": sop_id,
        "sops": exported,
        "procedures": procedures,
    }


def dumps(document: dict) -> str:
    """Indented JSON with sorted keys, for people to read."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _closure(corpus: Corpus, sop_id: str) -> list[str]:
    """The SOP and every SOP of the corpus it reaches by hand-offs."""
    seen, todo = set(), [sop_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in corpus.sops:
            continue
        seen.add(current)
        todo.extend(step.handoff for step in corpus.sops[current].steps.values() if step.handoff)
    return sorted(seen)


def _source(sop: Sop, where: tuple, key: bool = False) -> dict:
    line, col = sop.locate(where, key=key)
    return {"path": sop.path, "line": line, "col": col}


def _sop(corpus: Corpus, sop: Sop, problems: list[Problem]) -> dict:
    return {
        "id": sop.id, "title": sop.title, "summary": sop.summary, "purpose": sop.purpose,
        "owner": sop.owner, "revision": sop.revision, "reviewed": sop.reviewed,
        "tags": sop.tags, "channels": sop.channels, "gaps": sop.gaps,
        "links": [{"title": link.title, "url": link.url} for link in sop.links],
        "inputs": [
            {"id": i.id, "type": i.type, "label": i.label, "help": i.help, "required": i.required,
             "source": i.source, "values": i.values}
            for i in sop.inputs.values()
        ],
        "start": sop.start,
        "steps": [_step(corpus, sop, step, problems) for step in sop.steps.values()],
        "source": _source(sop, ("sop",), key=True),
    }


def _step(corpus: Corpus, sop: Sop, step: Step, problems: list[Problem]) -> dict:
    """The step as the bundle holds it: every property of the step table under its bundle key."""
    context = _StepContext(corpus, sop, problems)
    data = {"id": step.id, "kind": step.kind}
    for prop in BUNDLED:
        data[prop.bundle] = prop.to_json(step, context)
    data["source"] = _source(sop, step.where, key=True)
    return data


class _StepContext:
    """What a step's serializers need to know beyond the step itself."""

    def __init__(self, corpus: Corpus, sop: Sop, problems: list[Problem]):
        self.corpus, self.sop, self.problems = corpus, sop, problems

    def handoff_target(self, target: str) -> str:
        return "sop" if target in self.corpus.sops else "procedure"

    def condition(self, option: Option, step: Step) -> dict:
        return _normalize(option.when, step.input, self.sop, option.where + ("when",), self.problems)


def _normalize(condition: dict, bound: str | None, sop: Sop, where: tuple, problems: list[Problem]) -> dict:
    """Every comparison as {input, op, value[, measure]}: nothing left to default."""
    for combinator in ("all", "any"):
        if combinator in condition:
            return {combinator: [_normalize(c, bound, sop, where + (combinator, i), problems)
                                 for i, c in enumerate(condition[combinator])]}
    if "not" in condition:
        return {"not": _normalize(condition["not"], bound, sop, where + ("not",), problems)}
    op = next(key for key in OPERATORS if key in condition)
    name = condition.get("input", bound)
    if name is None:
        line, col = sop.locate(where)
        problems.append(Problem(sop.path, line, col, "SOP011", "missing-key",
                                "this comparison needs `input`: its decision is bound to no input"))
    normalized = {"input": name, "op": op, "value": exact(condition[op])}
    if "measure" in condition:
        normalized["measure"] = condition["measure"]
    return normalized


def _procedure(procedure) -> dict:
    line, col = procedure.doc.locate(procedure.where, key=True)
    return {"id": procedure.id, "title": procedure.title, "url": procedure.url, "summary": procedure.summary,
            "source": {"path": procedure.path, "line": line, "col": col}}


def build_scenarios(corpus: Corpus, bundle: dict) -> dict:
    """Every scenario of the bundle's SOPs, runtime-neutral, for conformance runs."""
    scenarios = []
    for sop_id in sorted(bundle["sops"]):
        sop = corpus.sops[sop_id]
        for index, scenario in enumerate(sop.scenarios):
            scenarios.append({
                "sop": sop_id, "name": scenario["name"], "today": scenario.get("today"),
                "inputs": scenario.get("inputs") or {}, "answers": scenario.get("answers") or [],
                "expect": scenario.get("expect") or {}, "source": _source(sop, ("scenarios", index)),
            })
    return {"format": SCENARIOS_FORMAT, "format_version": SCENARIOS_VERSION,
            "bundle_digest": bundle["digest"], "scenarios": scenarios}
