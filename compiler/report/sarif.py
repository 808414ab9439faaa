"""SARIF 2.1.0, the format code-scanning services read (GitHub code scanning
shows each result as an alert on the line it points at).

Every code of the registry (`sopc.codes`) is described in
`tool.driver.rules` from its documentation. Paths are relative to the repository root
(`%SRCROOT%`): the nearest folder above the working folder holding `.git`, or
the working folder itself.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from sopc import __version__, codes
from sopc.report.terminal import json_document, visible

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def render(result, strict: bool = False) -> str:
    root = source_root()
    descriptors = rule_descriptors(result.problems)
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    run = {
        "tool": {"driver": {"name": "sopc", "version": __version__, "semanticVersion": __version__,
                            "rules": descriptors}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(p, index[p.code], root) for p in result.problems],
        "invocations": [{"executionSuccessful": True,
                         "properties": {"files": result.files, "suppressed": result.suppressed}}],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_document(log)


def source_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def rule_descriptors(problems) -> list[dict]:
    """Every code of the registry, then a descriptor for any other code found."""
    descriptors = [_descriptor(code) for code in codes.CODES]
    known = {d["id"] for d in descriptors}
    for p in problems:
        if p.code not in known:
            known.add(p.code)
            descriptors.append({"id": p.code, "name": p.slug,
                                "shortDescription": {"text": p.slug.replace("-", " ").capitalize() + "."},
                                "defaultConfiguration": {"level": "error"}})
    return descriptors


def _descriptor(code) -> dict:
    page = code.documentation
    what = " ".join(code.section("What it does").split())
    return {
        "id": code.code,
        "name": code.slug,
        "shortDescription": {"text": code.sentence},
        "fullDescription": {"text": what[:1].upper() + what[1:]},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS[code.severity], "enabled": not code.is_rule or codes.default_on(code)},
        "properties": {"tags": ["sop", code.stage], "options": code.defaults},
    }


def _result(problem, rule_index: int, root: Path) -> dict:
    result = {
        "ruleId": problem.code,
        "ruleIndex": rule_index,
        "level": LEVELS.get(problem.severity, "warning"),
        "message": {"text": message_text(problem.message)},
        "locations": [_location(problem.path, problem.line, problem.col, root)],
        "partialFingerprints": {"sopcFinding/v1": _fingerprint(problem)},
    }
    if problem.trace:
        result["codeFlows"] = [_code_flow(problem.trace, root)]
    return result


def _location(path: str, line: int, col: int, root: Path) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(path, root),
                                 "region": {"startLine": line, "startColumn": col}}}


def _code_flow(trace, root: Path) -> dict:
    """The path that shows the problem, step by step, as code-scanning viewers replay it."""
    steps = []
    for path, line, col, label in trace:
        location = _location(path, line, col, root)
        location["message"] = {"text": message_text(label)}
        steps.append({"location": location})
    return {"threadFlows": [{"locations": steps}]}


def message_text(message: str) -> str:
    """A SARIF plain-text message: viewers read `[text](target)` in it as a link
    (SARIF 2.1.0, 3.11.6), so literal brackets are escaped with a backslash, and
    control characters are shown as escapes as in every other output."""
    return visible(message).replace("[", "\\[").replace("]", "\\]")


def _artifact(path: str, root: Path) -> dict:
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:  # outside the repository: an absolute address, no base
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}


def _fingerprint(problem) -> str:
    """Stable across edits that move lines: the rule, the SOP, the step and the message."""
    key = "\0".join([problem.code, problem.sop or problem.path, problem.step or "", problem.message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
