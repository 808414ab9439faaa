"""Every problem code `sopc check` can report, in one registry.

Each code has a slug, a default severity, a one-line summary (what it
finds), typed options, and its documentation: `docs/<slug>.md` beside this
file, in the sections **What it does**, **Why is this bad?**, **Example** and
**Use instead**. The README and docs/checks.md tables, the SARIF rule
descriptions, the site's rule pages and `sopc explain` are all made from
here (or tested against it).

Stages:
- `load`: found while reading the YAML (SOP001-SOP009);
- `schema`: found by the language's schema (SOP010-SOP099);
- `rule`: found by a check rule on the model (SOP100 and up). Only these can
  be configured, turned off or suppressed.

Which rules are on is said by the presets in `presets.toml`.

To add a code: an entry in `CODES`, its page in `docs/`, and for a rule its
module in `sopc.check.rules` and fixtures in `tests/rules/<slug>/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sopc.problems import ERROR, WARNING, did_you_mean

LOAD, SCHEMA, RULE = "load", "schema", "rule"
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
DOCS = Path(__file__).resolve().parent / "docs"
PRESETS = Path(__file__).resolve().parent / "presets.toml"
DEFAULT_PRESET = "recommended"


class OptionError(ValueError):
    """A rule option's value has the wrong type or range; the message says which."""


@dataclass(frozen=True)
class Option:
    """A typed setting of a rule: `integer` (with an optional minimum), `string`, `boolean` or `strings`."""

    name: str
    type: str
    default: object
    summary: str
    minimum: int | None = None

    def parse(self, value):
        """The value if it fits this option, else OptionError saying what would."""
        if self.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int) or (self.minimum is not None and value < self.minimum):
                floor = f" of at least {self.minimum}" if self.minimum is not None else ""
                raise OptionError(f"must be a whole number{floor}, not {_shown(value)}")
        elif self.type == "string":
            if not isinstance(value, str) or not value:
                raise OptionError(f"must be a non-empty string, not {_shown(value)}")
        elif self.type == "boolean":
            if not isinstance(value, bool):
                raise OptionError(f"must be true or false, not {_shown(value)}")
        elif self.type == "strings":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise OptionError(f"must be a list of non-empty strings, not {_shown(value)}")
        return value

    def describe(self) -> str:
        floor = f", at least {self.minimum}" if self.minimum is not None else ""
        return f"`{self.name}` ({self.type}{floor}; default {_shown(self.default)}): {self.summary}"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"`{value!r}`" if not isinstance(value, (int, float)) else str(value)


@dataclass(frozen=True)
class Code:
    code: str
    slug: str
    severity: str
    summary: str  # what it finds, as a phrase: "a step no walk from `start` reaches"
    stage: str = RULE
    options: tuple[Option, ...] = field(default=())

    @property
    def is_rule(self) -> bool:
        return self.stage == RULE

    @property
    def defaults(self) -> dict:
        return {o.name: o.default for o in self.options}

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def documentation(self) -> str:
        """The Markdown page, starting `## slug (CODE)`."""
        return _page(self.slug)

    def section(self, name: str) -> str:
        """The text of one section of the documentation, without its heading."""
        headings = "|".join(re.escape(s) for s in SECTIONS)
        match = re.search(rf"\*\*{re.escape(name)}\*\*:?\s*(.*?)(?=\n\*\*(?:{headings})\*\*|\Z)", self.documentation, re.S)
        return match.group(1).strip() if match else ""

    @property
    def sentence(self) -> str:
        """The summary as a sentence: capitalised, with a full stop."""
        return self.summary[:1].upper() + self.summary[1:] + "."


@cache
def _page(slug: str) -> str:
    return (DOCS / f"{slug}.md").read_text(encoding="utf-8")


def _integer(name, default, summary, minimum=0) -> Option:
    return Option(name, "integer", default, summary, minimum)


CODES: tuple[Code, ...] = (
    Code("SOP001", "yaml-syntax", ERROR, "the file is not valid YAML", LOAD),
    Code("SOP002", "duplicate-key", ERROR, "a key written twice in one mapping", LOAD),
    Code("SOP003", "not-a-mapping", ERROR, "a file that is empty or not a mapping", LOAD),
    Code("SOP004", "unreadable-file", ERROR, "a file that cannot be read, is too large, binary or not UTF-8", LOAD),
    Code("SOP005", "unsupported-yaml", ERROR, "YAML anchors, aliases, tags or non-text keys", LOAD),
    Code("SOP010", "unknown-key", ERROR, "a key the language does not have", SCHEMA),
    Code("SOP011", "missing-key", ERROR, "a required key left out", SCHEMA),
    Code("SOP012", "wrong-type", ERROR, "a value of the wrong type, or empty where it must not be", SCHEMA),
    Code("SOP013", "invalid-value", ERROR, "a value the key does not allow (an id, a date, a choice)", SCHEMA),
    Code("SOP014", "conflicting-keys", ERROR, "keys that cannot go together, such as `next` and `options`", SCHEMA),
    Code("SOP100", "broken-reference", ERROR, "a `next`, `goto`, `then`, `back_to`, `start`, `input`, `handoff` or `suppress` naming nothing"),
    Code("SOP101", "duplicate-id", ERROR, "two SOPs, two external procedures, or an SOP and a procedure, with one id"),
    Code("SOP102", "dead-end", ERROR, "a step that is not an end and has no way forward"),
    Code("SOP103", "unreachable-step", ERROR, "a step no walk from `start` reaches"),
    Code("SOP104", "no-way-out", ERROR, "a loop from which no end or final hand-off can be reached"),
    Code("SOP105", "unbounded-loop", WARNING, "a loop with no `repeat` and no `wait`"),
    Code("SOP106", "decision-options", WARNING, "a decision with fewer than two options, or options alike in label or target"),
    Code("SOP107", "incomplete-decision", ERROR, "a decision on a `yesno`/`choice` input that misses a value, or names one the input cannot take"),
    Code("SOP108", "undefined-placeholder", ERROR, "a `{{ placeholder }}` that is not an input"),
    Code("SOP109", "unused-input", WARNING, "an input nothing uses"),
    Code("SOP110", "handoff-cycle", ERROR, "SOPs handing off to each other with no way to finish"),
    Code("SOP111", "stale-review", WARNING, "`reviewed` older than `max-age-days` (365)",
         options=(_integer("max-age-days", 365, "how many days after `reviewed` an SOP counts as stale"),)),
    Code("SOP112", "todo-text", WARNING, "a leftover `TODO`, `TBD`, `FIXME` or `XXX` in the text"),
    Code("SOP113", "unused-suppression", WARNING, "a `suppress` entry whose rule reports nothing where it stands"),
    Code("SOP114", "invalid-scenario", ERROR, "a scenario answer that is no option, an expected step that does not exist, or an input value of the wrong type"),
    Code("SOP115", "unreachable-option", ERROR, "options written after an `otherwise` option, which are never chosen"),
    Code("SOP116", "single-brace-placeholder", ERROR, "an input written `{ name }` with single braces, shown as written"),
    Code("SOP117", "measure-on-non-date", ERROR, "a `measure` (`days_since`, `business_days_since`) on an input that is not a date"),
    Code("SOP118", "text-cut-by-comment", WARNING, "plain text cut short where ` #` starts what YAML reads as a comment"),
    Code("SOP120", "require-before", ERROR, "a walk reaching a policy's `step` without passing its `first` before"),
    Code("SOP121", "forbid-after", ERROR, "a walk reaching a policy's `step` after its `after`"),
    Code("SOP122", "must-reach", ERROR, "a walk from a policy's `step` that can finish without reaching its `reach`"),
    Code("SOP123", "undeclared-outcome", ERROR, "an SOP with `returns` that can end with an outcome it does not declare"),
    Code("SOP124", "unhandled-outcome", ERROR, "a hand-off with `then` that does not say it handles every outcome the SOP handed off to declares"),
)

_BY_NAME = {name: c for c in CODES for name in (c.code, c.slug)}


def get(name: str) -> Code | None:
    """The code with this code (`SOP103`) or slug (`unreachable-step`), or None."""
    return _BY_NAME.get(name)


def rule(name: str) -> Code | None:
    """The configurable rule with this code or slug, or None."""
    found = _BY_NAME.get(name)
    return found if found is not None and found.is_rule else None


def rules() -> list[Code]:
    return [c for c in CODES if c.is_rule]


def rule_names() -> list[str]:
    """Every slug and code a setting or suppression may name."""
    return [c.slug for c in rules()] + [c.code for c in rules()]


def unknown(name: str, names=None) -> str:
    """A ' (did you mean `x`?)' suffix for a name that is not a code."""
    return did_you_mean(name, names if names is not None else list(_BY_NAME))


# -- presets --------------------------------------------------------------------

@cache
def presets() -> dict[str, tuple[str, frozenset]]:
    """name -> (summary, codes of the rules it turns on), from presets.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    with open(PRESETS, "rb") as handle:
        table = tomllib.load(handle)
    found = {}
    for name, preset in table.items():
        names = preset["rules"]
        codes = [c.code for c in rules()] if names == ["*"] else [rule(n).code for n in names]
        found[name] = (preset["summary"], frozenset(codes))
    return found


def default_on(code: Code) -> bool:
    """Whether a rule is on when the settings do not say otherwise."""
    return code.code in presets()[DEFAULT_PRESET][1]


def explanation(code: Code) -> str:
    """What `sopc explain` prints: the code, how it is set by default, its options, and its page."""
    if code.is_rule:
        state = "on" if default_on(code) else "off"
        setting = f"Default severity: {code.severity}; {state} in the `{DEFAULT_PRESET}` preset."
    else:
        setting = f"Severity: {code.severity}, always ({code.stage} problems cannot be turned off or suppressed)."
    options = "".join(f"\n- {option.describe()}" for option in code.options)
    head = f"{code.code} {code.slug}: {code.summary}\n\n{setting}\n" + (f"\nOptions:{options}\n" if options else "")
    page = code.documentation.split("\n", 1)[1] if code.documentation.startswith("## ") else code.documentation
    return head + "\n" + page.strip() + "\n"


# -- tables -----------------------------------------------------------------------

def markdown_table(stages=(LOAD, SCHEMA, RULE)) -> str:
    """The table of codes the README and docs/checks.md show: code, name, default, what it finds."""
    lines = ["| Code | Name | Default | Finds |", "|------|------|---------|-------|"]
    for c in CODES:
        if c.stage in stages:
            lines.append(f"| {c.code} | {c.slug} | {default_label(c)} | {c.summary.replace('|', '&#124;')} |")
    return "\n".join(lines) + "\n"


def default_label(code: Code) -> str:
    """`error`, `warning`, or `off` for a rule the default preset leaves off."""
    return code.severity if not code.is_rule or default_on(code) else "off"
