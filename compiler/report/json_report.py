"""Machine-readable problems: `{"problems": [...], "summary": {...}}`."""

from __future__ import annotations

import json


def render(result, strict: bool = False) -> str:
    problems = [
        {"path": p.path, "line": p.line, "column": p.col, "code": p.code, "rule": p.slug,
         "severity": p.severity, "message": p.message, "sop": p.sop, "step": p.step}
        for p in result.problems
    ]
    summary = {"files": result.files, "errors": len(result.errors), "warnings": len(result.warnings),
               "suppressed": result.suppressed}
    return json.dumps({"problems": problems, "summary": summary}, indent=2, ensure_ascii=False) + "\n"
