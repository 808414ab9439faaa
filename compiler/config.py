"""Check settings: per-rule severity or `off`, per-rule options, `strict`.

Read from `[tool.sopc]` in `pyproject.toml` or from `sopc.toml`, e.g.

    [tool.sopc]
    strict = true

    [tool.sopc.rules]
    unbounded-loop = "error"
    stale-review = { severity = "warning", max-age-days = 365 }
    todo-text = "off"
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Config:
    severities: dict[str, str] = field(default_factory=dict)  # rule ID -> error, warning or off
    options: dict[str, dict] = field(default_factory=dict)  # rule ID -> options
    strict: bool = False

    def severity(self, rule) -> str:
        return self.severities.get(rule.ID, rule.SEVERITY)

    def rule_options(self, rule) -> dict:
        return {**rule.OPTIONS, **self.options.get(rule.ID, {})}
