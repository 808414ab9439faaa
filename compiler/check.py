"""The pipeline as a library: load -> validate -> model -> check.

`check_paths()` is what `sopc check` runs; `load_corpus()` is what the site,
the export and the runtime build on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import rules as rules_registry
from .config import Config
from .load import LoadError, load_file
from .model import Corpus, build_procedures, build_sop
from .problems import ERROR, WARNING, Problem
from .validate import KIND_SOP, document_kind, validate

SOURCE_SUFFIXES = (".yaml", ".yml")


@dataclass
class Result:
    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    suppressed: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def discover(paths) -> list[Path]:
    """The source files under the given files and folders, sorted, without repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix in SOURCE_SUFFIXES and child.is_file() and not _hidden(child, path):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def display_path(path: Path) -> str:
    """The path as the author knows it: relative to the working folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not str(os.path.relpath(path)).startswith("..") else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def load_corpus(paths) -> tuple[Corpus, list[Problem], int]:
    """Load, validate and model every file; (corpus, problems, number of files)."""
    corpus = Corpus()
    problems: list[Problem] = []
    files = discover(paths)
    for path in files:
        try:
            doc = load_file(path, display_path(path))
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        found = _merge(doc.problems, lambda: validate(doc))
        if found:
            problems.extend(found)
            declared = doc.data.get("sop")
            if isinstance(declared, str):
                corpus.unusable_ids.add(declared)
            continue
        if document_kind(doc) == KIND_SOP:
            _add(corpus, build_sop(doc))
        else:
            for procedure in build_procedures(doc):
                _add(corpus, procedure)
    return corpus, problems, len(files)


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
    target = corpus.procedures if hasattr(item, "url") else corpus.sops
    target[item.id] = item


def check_paths(paths, config: Config | None = None) -> Result:
    config = config or Config()
    corpus, problems, files = load_corpus(paths)
    result = Result(corpus, problems, files)
    for sop in list(corpus.sops.values()) + [d for d in corpus.duplicates if not hasattr(d, "url")]:
        run_rules(sop, corpus, config, result)
    result.problems.sort()
    return result


def run_rules(sop, corpus: Corpus, config: Config, result: Result) -> None:
    for rule in rules_registry.RULES:
        severity = config.severity(rule)
        if severity == "off":
            continue
        options = config.rule_options(rule)
        for finding in rule.check(sop, corpus, options):
            if _suppressed(sop, finding, rule):
                result.suppressed += 1
                continue
            line, col = sop.locate(finding.where, key=finding.key)
            result.problems.append(Problem(sop.path, line, col, rule.ID, rule.SLUG, finding.message,
                                           severity, sop=sop.id, step=finding.step))


def _suppressed(sop, finding, rule) -> bool:
    step = sop.steps.get(finding.step) if finding.step else None
    return bool(step) and any(s.rule in (rule.ID, rule.SLUG) for s in step.suppress)
