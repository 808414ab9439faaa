"""The runtime bundle: one JSON document a tool can step through without the
YAML, the compiler or Python (format described in docs/runtime.md, contract in
schema/runtime.schema.json).

Deterministic: the same corpus gives the same bytes. Objects keyed by id are
written with sorted keys; steps, inputs, options, scripts, records and record
fields keep the order the author wrote them in, as arrays.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import tempfile

from sopc import __version__
from sopc.atomic_file import whole_file
from sopc.check import cyclic_gc_paused
from sopc.model import Corpus, Option, Sop, Step
from sopc.model.steps import BUNDLED
from sopc.problems import Problem
from sopc.runtime.bundle import digest, digest_of
from sopc.runtime.conditions import OPERATORS
from sopc.runtime.versions import BUNDLE_FORMAT, FORMAT_VERSION, MIN_RUNTIME_VERSION, SCENARIOS_FORMAT, SCENARIOS_VERSION
from sopc.emit import bundle_text
from sopc.canonical_json import compact_bytes, exact


class ExportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


def build_bundle(corpus: Corpus, sop_id: str | None = None) -> dict:
    """The bundle of the whole corpus, or of one SOP and every SOP it hands off to."""
    bundle = _content(corpus, sop_id)
    bundle["digest"] = digest(bundle)
    return bundle


def export_bundle(corpus: Corpus, sop_id: str | None = None, pretty: bool = False, part: bool = False) -> tuple[dict, str]:
    """The bundle and the text to write: one line per step (see `bundle_text`), or indented.

    With `part`, the bundle of `sop_id` alone, without the SOPs it hands off
    to: the site publishes one part per SOP and guided mode loads those it
    needs (`Bundle.loadPart` and `Bundle.combine` in the JavaScript runtime).
    The text is serialized once: the digest is computed from it.
    """
    with cyclic_gc_paused():  # a bundle is hundreds of thousands of small objects, none cyclic
        bundle = _content(corpus, sop_id, part=part)
    text = bundle_text.layout(bundle)
    bundle["digest"] = digest_of(bundle_text.canonical(text))
    if pretty or min(bundle) != "digest":
        return bundle, dumps(bundle)
    return bundle, bundle_text.with_first_member(text, "digest", bundle["digest"]) + "\n"


def write_bundle(corpus: Corpus, path: str | None, sop_id: str | None = None, spool: "SopSpool | None" = None) -> dict:
    """Write the bundle's text (as `export_bundle` lays it out) to `path`, or to standard output.

    The text is written one SOP at a time, each SOP's objects and text let go
    before the next, so memory does not grow with the corpus; the digest, the
    first member, is computed on the way and written into the space kept for
    it. The file is written beside `path` and renamed over it only once
    complete: an export that fails leaves the previous bundle as it was.
    With `spool`, each SOP's text is the one written there while it was
    checked, and `corpus` may hold summaries (`sopc.check.summary`) only.
    Returns the digest and the ids of the SOPs written (what `build_scenarios` reads).
    """
    with whole_file(path) as handle:
        return _stream(corpus, sop_id, handle, spool)


_DIGEST_SPACE = "sha256:" + "0" * 64  # a digest's length: the first line is rewritten in place


def _stream(corpus: Corpus, sop_id: str | None, handle, spool: "SopSpool | None") -> dict:
    problems: list[Problem] = spool.problems if spool is not None else []
    ids = _closure(corpus, sop_id) if sop_id else sorted(corpus.sops)
    content = _content(corpus, sop_id, dict.fromkeys(ids))
    if spool is not None:
        sop_text = spool.text_for(corpus)
    else:
        def sop_text(name):
            return bundle_text.sop_text(name, _sop(corpus, corpus.sops[name], problems))
    handle.write(bundle_text.first_member("digest", _DIGEST_SPACE).encode("utf-8"))
    canonical = hashlib.sha256()
    pieces = bundle_text.pieces(content, sop_text)
    next(pieces)  # the opening brace: already written, before the digest
    first = next(pieces)
    canonical.update(b"{" + bundle_text.canonical(first))
    handle.write(first[1:])  # its line break too: the digest's line ends with one
    with cyclic_gc_paused():  # each SOP's objects are many and small, none cyclic
        for piece in pieces:
            canonical.update(bundle_text.canonical(piece) if b"\n" in piece else piece)
            handle.write(piece)
    if problems:
        raise ExportError(sorted(problems))
    handle.write(b"\n")
    digest = "sha256:" + canonical.hexdigest()
    handle.seek(0)
    handle.write(bundle_text.first_member("digest", digest).encode("utf-8"))
    return {"digest": digest, "sops": ids}


class SopSpool:
    """Each SOP's text in the bundle, written to a temporary file as the SOP is checked.

    `sopc export` hands every SOP to `add` while its model is in memory (see
    `check_paths(each_sop=...)`), so that the model can be let go. Whether a
    hand-off goes to an SOP or to an external procedure is known only once
    every file is read: the text holds a mark in its place until `text_for`.
    """

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.places: dict[str, tuple[int, int]] = {}  # SOP id -> (offset, length) of its text
        self.problems: list[Problem] = []
        self.error: OSError | None = None  # a write that failed (a full disk): raised by `text_for`

    def add(self, sop: Sop) -> None:
        if sop.id in self.places or self.error is not None:  # a duplicate id: the check refuses the corpus
            return
        text = bundle_text.sop_text(sop.id, _sop(None, sop, self.problems, _Deferred))
        self.places[sop.id] = (self.file.tell(), len(text))
        try:
            self.file.write(text)
        except OSError as exc:
            self.error = exc

    def text_for(self, corpus: Corpus):
        """The function from SOP id to its text, hand-off targets filled in from `corpus`."""
        if self.error is not None:
            raise self.error

        def text(sop_id: str) -> bytes:
            offset, length = self.places[sop_id]
            self.file.seek(offset)
            written = self.file.read(length)
            if _HANDOFF_MARK not in written:
                return written
            return _MARKED_TARGET.sub(lambda m: b'{"target":' + compact_bytes(_target_kind(m.group(1), corpus)), written)
        return text

    def close(self) -> None:
        self.file.close()


# The mark is U+0000 before the id; only a hand-off's target (its first key) is
# matched, so text an author wrote (even with a U+0000 in it) is never taken for one.
_HANDOFF_MARK = b"\\u0000"
_MARKED_TARGET = re.compile(rb'\{"target":"\\u0000((?:[^"\\]|\\.)*)"')


def _target_kind(escaped_id: bytes, corpus: Corpus) -> str:
    return "sop" if json.loads(b'"' + escaped_id + b'"') in corpus.sops else "procedure"


def _content(corpus: Corpus, sop_id: str | None, exported: dict | None = None, part: bool = False) -> dict:
    """The bundle without its digest; `exported` stands for its SOPs when they are written apart;
    with `part`, of `sop_id` alone."""
    sops = ([sop_id] if part else _closure(corpus, sop_id)) if sop_id else sorted(corpus.sops)
    if exported is None:
        problems: list[Problem] = []
        exported = {key: _sop(corpus, corpus.sops[key], problems) for key in sops}
        if problems:
            raise ExportError(sorted(problems))
    used = {step.handoff for key in sops for step in corpus.sops[key].steps.values() if step.handoff}
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


def _sop(corpus: Corpus | None, sop: Sop, problems: list[Problem], context=None) -> dict:
    steps_context = (context or _StepContext)(corpus, sop, problems)
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
        "steps": [_step(step, steps_context) for step in sop.steps.values()],
        "source": _source(sop, ("sop",), key=True),
    }


def _step(step: Step, context) -> dict:
    """The step as the bundle holds it: every property of the step table under its bundle key."""
    data = dict(zip(_AS_WRITTEN_NAMES, _read_as_written(step)))
    for (name, serialize), value in zip(_SERIALIZED, _read_serialized(step)):
        # Most steps hold none of these: an empty one is what its serializer makes of nothing.
        data[name] = serialize(step, context) if value else ([] if name in _EMPTY_LISTS else None)
    data["source"] = _source(context.sop, step.where, key=True)
    return data


def _reader(keys: list[str]):
    """One call reading `keys` of a step, as a tuple (attrgetter of one name gives the bare value)."""
    read = operator.attrgetter(*keys)
    return read if len(keys) > 1 else lambda step: (read(step),)


# The step table's bundled properties, split once: those carried as the model
# holds them, and those made by a serializer (an export makes one of each per
# step of the corpus).
_AS_WRITTEN = [prop for prop in BUNDLED if prop.serialize is None]
_AS_WRITTEN_NAMES = ("id", "kind", *(prop.bundle for prop in _AS_WRITTEN))
_read_as_written = _reader(["id", "kind", *(prop.key for prop in _AS_WRITTEN)])
_WITH_SERIALIZER = [prop for prop in BUNDLED if prop.serialize is not None]
_SERIALIZED = tuple((prop.bundle, prop.serialize) for prop in _WITH_SERIALIZER)
_read_serialized = _reader([prop.key for prop in _WITH_SERIALIZER])
_NOTHING = {name: serialize(Step(id=""), None) for name, serialize in _SERIALIZED}
_EMPTY_LISTS = frozenset(name for name, made in _NOTHING.items() if made == [])
assert all(made is None or made == [] for made in _NOTHING.values()), "a serializer makes None or [] of nothing"


class _StepContext:
    """What a step's serializers need to know beyond the step itself."""

    def __init__(self, corpus: Corpus, sop: Sop, problems: list[Problem]):
        self.corpus, self.sop, self.problems = corpus, sop, problems

    def handoff_target(self, target: str) -> str:
        return "sop" if target in self.corpus.sops else "procedure"

    def condition(self, option: Option, step: Step) -> dict:
        return _normalize(option.when, step.input, self.sop, option.where + ("when",), self.problems)


class _Deferred(_StepContext):
    """For an SOP written before every file is read: its hand-offs' targets are marked (`SopSpool`)."""

    def handoff_target(self, target: str) -> str:
        return "\0" + target


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
