"""The report for tools: every change with its kind, SOP, step, subject, old
and new values (and word runs for texts), grouped by SOP."""

from __future__ import annotations

from sopc.report.terminal import json_document

FORMAT = "sopc-diff"
FORMAT_VERSION = "1.0"


def render(report) -> str:
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "base": report.base.name,
        "head": report.head.name,
        "summary": summary(report),
        "sops": [
            {"id": d.id, "status": d.status, "old_id": d.old_id, "path": _path(report, d),
             "changes": [c.as_json() for c in d.changes]}
            for d in report.sops
        ],
        "problems": [
            {"path": p.path, "line": p.line, "column": p.col, "code": p.code, "slug": p.slug,
             "severity": p.severity, "message": p.message}
            for p in report.problems
        ],
    }
    return json_document(document)  # it may be printed into a CI log


def summary(report) -> dict:
    kinds: dict[str, int] = {}
    for change in report.changes:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    statuses: dict[str, int] = {}
    for diff in report.sops:
        statuses[diff.status] = statuses.get(diff.status, 0) + 1
    return {"sops": statuses, "changes": dict(sorted(kinds.items())), "problems": len(report.problems)}


def _path(report, diff) -> str | None:
    """The SOP's file as shown in problems: in the head, or in the base when it is gone."""
    if diff.head is not None:
        return report.head.shown_path(diff.head.path)
    return report.base.shown_path(diff.base.path) if diff.base is not None else None
