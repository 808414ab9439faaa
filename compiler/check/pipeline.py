"""The pipeline as a library: load -> validate -> model -> check.

`check_paths()` is what `sopc check` runs; `load_corpus()` is what the site,
the export and the runtime build on. Both are imported as `sopc.check.<name>`
(see the package's `__init__`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sopc.check import suppression
from sopc.check.rules import RULES, Rule
from sopc.config import Config
from sopc.load import LoadError, declared_ids, load_bytes, load_file
from sopc.model import Corpus, Procedure, Sop, build_procedures, build_sop
from sopc.problems import Problem
from sopc.check.result import Result  # noqa: F401  (part of this module's API)
from sopc.load.sources import SOURCE_SUFFIXES, discover, display_path, read_source  # noqa: F401  (part of this module's API)


def load_corpus(paths, stage_cache=None) -> tuple[Corpus, list[Problem], int]:
    """Load, validate and model every file; (corpus, problems, number of files).

    `stage_cache` (see `compiler.cache`) remembers each file's load and
    schema problems by its content, so an unchanged file is not validated
    again; the corpus is still built from every file.
    """
    corpus = Corpus()
    problems: list[Problem] = []
    files = discover(paths)
    with cyclic_gc_paused():
        for path in files:
            problems.extend(add_file(corpus, path, stage_cache))
    return corpus, problems, len(files)


def add_file(corpus: Corpus, path: Path, stage_cache=None, added: list | None = None,
             raw: bytes | None = None) -> list[Problem]:
    """Load, validate and model one file into the corpus; its load and schema problems.

    A file with problems still says which ids it declares (read from its
    lines when it cannot be loaded at all), so that a hand-off to one of them
    is not reported as broken too: one mistake, one finding. Of a procedures
    file, the procedures without problems are used all the same. The SOPs and
    procedures modelled are appended to `added` too. `raw`: the file's bytes, when already read.
    """
    display = display_path(path)
    if raw is None:
        raw = _bytes_of(path)
    known = stage_cache.lookup(display, raw) if stage_cache is not None and raw is not None else None
    if known is not None and known.problems and not known.partial:
        corpus.unusable_ids.update(known.declared)
        return known.problems
    try:
        doc = load_file(path, display) if raw is None else load_bytes(raw, display)
    except LoadError as exc:
        declared = declared_ids(raw) if raw is not None else []
        corpus.unusable_ids.update(declared)
        _remember(stage_cache, display, raw, exc.problems, declared)
        return exc.problems
    # Imported here: a cached check that finds nothing changed never needs the validator.
    from sopc.validate import KIND_SOP, document_kind, usable_procedures, validate

    found = known.problems if known is not None else _merge(doc.problems, lambda: validate(doc))
    kind = document_kind(doc)
    if not found:
        _remember(stage_cache, display, raw, found, [])
        _model(corpus, doc, kind == KIND_SOP, added)
        return []
    if kind == KIND_SOP or kind is None or any(p.code == "SOP005" for p in found):
        declared = [doc.data["sop"]] if isinstance(doc.data.get("sop"), str) else []
        corpus.unusable_ids.update(declared)
        _remember(stage_cache, display, raw, found, declared)
        return found
    usable = usable_procedures(doc)
    declared = [key for key in doc.data["procedures"] if key not in usable and isinstance(key, str)]
    corpus.unusable_ids.update(declared)
    _remember(stage_cache, display, raw, found, declared, partial=bool(usable))
    if usable:
        doc.data = {"procedures": {key: doc.data["procedures"][key] for key in usable}}
        _model(corpus, doc, False, added)
    return found


def _bytes_of(path: Path) -> bytes | None:
    try:
        return read_source(path)
    except OSError:
        return None  # load_file explains it


def _model(corpus: Corpus, doc, is_sop: bool, added: list | None) -> None:
    items = [build_sop(doc)] if is_sop else build_procedures(doc)
    for item in items:
        _add(corpus, item)
    if added is not None:
        added.extend(items)
    # The model now holds what the data said. Dropping the data's mappings and
    # lists keeps a large corpus in far less memory.
    doc.data = None


def _remember(stage_cache, display, raw, problems, declared, partial=False) -> None:
    if stage_cache is not None and raw is not None:
        stage_cache.store(display, raw, problems, declared, partial)


@contextmanager
def cyclic_gc_paused():
    """Pause the cycle collector while a corpus is read.

    The heap only grows while a corpus loads (every SOP's data and model stay
    until the rules have run), so the collector would rescan it again and
    again for cycles that are not there, which more than doubles the load
    time of a large corpus. Reference counting still frees everything acyclic, and
    nothing the pipeline builds is cyclic. Re-entrant: nested use is fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was read is long-lived: move it out of the collector's sight,
        # or the next collection rescans all of it at once.
        gc.freeze()
        if was_enabled:
            gc.enable()


def _merge(load_problems: list[Problem], schema_problems) -> list[Problem]:
    """Both lists, without schema problems on a line the loader already explained.

    Unsupported YAML (an alias, a tag) leaves holes in the data that would only
    cause confusing schema errors elsewhere, so then the loader's word stands alone.
    """
    if any(p.code == "SOP005" for p in load_problems):
        return load_problems
    explained = {p.line for p in load_problems}
    return load_problems + [p for p in schema_problems() if p.line not in explained]


def _add(corpus: Corpus, item) -> None:
    if item.id in corpus.sops or item.id in corpus.procedures:
        corpus.duplicates.append(item)
        return
    target = corpus.procedures if isinstance(item, Procedure) else corpus.sops
    target[item.id] = item


def check_paths(paths, config: Config | None = None, stage_cache=None, keep_models: bool = True,
                each_sop=None, jobs: int = 1) -> Result:
    """Every problem of the files: loading, schema, and the enabled rules.

    Each SOP's per-SOP rules run as soon as it is modelled; the rules that
    look across SOPs (hand-offs, contracts, path policies, duplicates) run
    once every file is read. Without `keep_models`, each SOP's model (and its
    text) is let go once its per-SOP rules have run, and the corpus keeps only
    a summary of it (`sopc.check.summary`): memory then grows with the largest
    file, not with the corpus, and `result.corpus` holds summaries.
    `each_sop(sop)` is called with every SOP's model while it is in memory
    (the export writes its text then). With `jobs` above 1 (and summaries
    only), files are read and their per-SOP rules run in that many processes.
    """
    from sopc.check.summary import forget_reloaded

    config = config or Config()
    enabled = enabled_rules(config)
    unused_severity = config.severity(suppression.UNUSED)
    corpus = Corpus()
    corpus.policies = list(config.policies)
    problems: list[Problem] = []
    files = discover(paths)
    forget_reloaded()
    local: dict[int, list] = {}  # id(SOP or its summary) -> its per-SOP findings, located
    with cyclic_gc_paused():
        if jobs > 1 and not keep_models and each_sop is None and len(files) > 1:
            from sopc.check.workers import read_in_workers

            for found_problems, unusable, read, stages in read_in_workers(files, enabled, stage_cache, jobs):
                problems.extend(found_problems)
                corpus.unusable_ids.update(unusable)
                for item, found in read:
                    _add(corpus, item)
                    local[id(item)] = found
                if stage_cache is not None:
                    stage_cache.merge(stages)
        else:
            for path in files:
                found_problems, read = read_file(corpus, path, enabled, stage_cache, keep_models, each_sop)
                problems.extend(found_problems)
                local.update((id(item), found) for item, found in read)
        result = Result(corpus, problems, len(files))
        for item in list(corpus.sops.values()) + list(corpus.procedures.values()) + corpus.duplicates:
            run_rules(item, corpus, enabled, unused_severity, result, local.get(id(item), []))
    result.problems.sort()
    return result


def read_file(corpus: Corpus, path: Path, enabled, stage_cache=None, keep_models: bool = True, each_sop=None):
    """Add one file to the corpus and run the per-SOP rules over its SOPs:
    (its load and schema problems, [(each SOP, its summary or procedure, its per-SOP findings)]).

    A file the stage cache holds as it is (see `sopc.check.modelled`) is taken from
    there, unless `each_sop` needs every SOP's model as it is read (the export).
    """
    from sopc.check.summary import SopSummary

    display, raw = display_path(path), _bytes_of(path)
    remembered = stage_cache is not None and each_sop is None and raw is not None
    if remembered and (read := stage_cache.read_before(display, raw)) is not None:
        for item, _found in read:
            _add(corpus, item)
        return [], read
    added: list = []
    problems = add_file(corpus, path, stage_cache, added, raw)
    read = []
    for item in added:
        found = []
        if isinstance(item, Sop):
            found = per_sop_findings(item, corpus, enabled)
            if each_sop is not None:
                each_sop(item)
            if not keep_models:
                item = _summarized(corpus, item, SopSummary(item, path))
        read.append((item, found))
    if remembered and not problems:
        stage_cache.keep_read(display, raw, read)
    return problems, read


def read_before(path: Path, stage_cache) -> list | None:
    """What `read_file` read of this file when it last had these bytes, if the stage cache holds it
    (`sopc check --jobs` asks before it hands the file to a worker; not read at all when nothing is kept)."""
    if stage_cache is None or not stage_cache.holds_reads():
        return None
    raw = _bytes_of(path)
    return stage_cache.read_before(display_path(path), raw) if raw is not None else None


def _summarized(corpus: Corpus, sop: Sop, summary):
    """Put `summary` where `sop` is in the corpus."""
    if corpus.sops.get(sop.id) is sop:
        corpus.sops[sop.id] = summary
    else:
        corpus.duplicates[next(i for i, other in enumerate(corpus.duplicates) if other is sop)] = summary
    return summary


def enabled_rules(config: Config) -> list[tuple[Rule, str, dict]]:
    """(rule, severity, options) of every rule the settings leave on."""
    found = []
    for rule in RULES:
        severity = config.severity(rule.code)
        if severity != "off":
            found.append((rule, severity, config.rule_options(rule.code)))
    return found


def per_sop_findings(sop: Sop, corpus: Corpus, enabled) -> list:
    """(code, severity, finding) of the enabled rules that read this SOP only, each finding located."""
    found = []
    for rule, severity, options in enabled:
        if rule.check is not None:
            for finding in rule.check(sop, corpus, options):
                at = finding.at or sop.doc.locate(finding.where, key=finding.key)
                found.append((rule.code, severity, replace(finding, at=at)))
    return found


def run_rules(item, corpus: Corpus, enabled, unused_severity: str, result: Result, found: list) -> None:
    """The enabled rules across SOPs over one SOP (or its summary) or one external procedure,
    with `found` (its per-SOP findings), then the SOP's suppressions."""
    is_sop = not isinstance(item, Procedure)
    found = list(found)
    ran = set()
    for rule, severity, options in enabled:
        if is_sop and rule.check is not None:
            ran.add(rule.ID)  # its per-SOP findings are in `found`
        check = rule.check_across if is_sop else rule.check_procedure
        if check is None:
            continue
        ran.add(rule.ID)
        found.extend((rule.code, severity, finding) for finding in check(item, corpus, options))
    if is_sop:
        outcome = suppression.apply(item, found, ran)
        found = outcome.kept
        result.suppressed += outcome.silenced
        if unused_severity != "off":
            found.extend((suppression.UNUSED, unused_severity, finding) for finding in outcome.unused)
    for code, severity, finding in found:
        line, col = finding.at or item.locate(finding.where, key=finding.key)
        result.problems.append(Problem(item.path, line, col, code.code, code.slug, finding.message,
                                       finding.severity or severity, sop=item.id if is_sop else None,
                                       step=finding.step, trace=_trace(corpus, finding.trace)))


def _trace(corpus: Corpus, trace) -> tuple:
    """A finding's path, each step located in its own SOP's file."""
    located = []
    for sop_id, where, label, key in trace:
        sop = corpus.sops[sop_id]
        located.append((sop.path, *sop.locate(where, key=key), label))
    return tuple(located)
