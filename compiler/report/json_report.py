"""Machine-readable problems: `{"problems": [...], "summary": {...}}`."""

from __future__ import annotations

from sopc.report.terminal import json_document


def render(result, strict: bool = False) -> str:
    problems = [
        {"path": p.path, "line": p.line, "column": p.col, "code": p.code, "rule": p.slug,
         "severity": p.severity, "message": p.message, "sop": p.sop, "step": p.step,
         **({"path_taken": [{"path": path, "line": line, "column": col, "step": label}
                            for path, line, col, label in p.trace]} if p.trace else {})}
        for p in result.problems
    ]
    summary = {"files": result.files, "errors": len(result.errors), "warnings": len(result.warnings),
               "suppressed": result.suppressed}
    return json_document({"problems": problems, "summary": summary})
