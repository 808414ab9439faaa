"""Every rule, tested the same way over its fixtures in `tests/rules/<slug>/`.

A case is one YAML file (checked alone) or a folder (checked as a corpus).
What the case must report is written in it, as a comment on the offending
line: `# expect: SOP103` (or `# expect: SOP102, SOP103`). The case passes
when exactly those (file, line, code) are reported and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sopc.check import check_paths
from sopc.check.rules import RULES, SECTIONS, documentation

FIXTURES = Path(__file__).resolve().parent / "rules"
EXPECT = re.compile(r"#\s*expect:\s*(SOP\d{3}(?:\s*,\s*SOP\d{3})*)\s*$")


def cases() -> list[Path]:
    return sorted(case for folder in FIXTURES.iterdir() if folder.is_dir() for case in folder.iterdir()
                  if case.is_dir() or case.suffix in (".yaml", ".yml"))


def sources(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*.y*ml")) if case.is_dir() else [case]


def expected(case: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path in sources(case):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                found.update((path.name, number, code.strip()) for code in match.group(1).split(","))
    return found


def reported(case: Path) -> set[tuple[str, int, str]]:
    result = check_paths([case])
    return {(Path(p.path).name, p.line, p.code) for p in result.problems}


@pytest.mark.parametrize("case", cases(), ids=lambda case: f"{case.parent.name}/{case.name}")
def test_case_reports_exactly_what_it_expects(case):
    assert reported(case) == expected(case)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.SLUG)
def test_rule_has_failing_and_passing_fixtures(rule):
    folder = FIXTURES / rule.SLUG
    assert folder.is_dir(), f"no fixtures in tests/rules/{rule.SLUG}/"
    mine = [c for c in cases() if c.parent == folder]
    failing = [c for c in mine if any(code == rule.ID for _f, _l, code in expected(c))]
    passing = [c for c in mine if not expected(c)]
    assert len(failing) >= 3, f"{rule.SLUG}: fewer than three failing cases"
    assert passing, f"{rule.SLUG}: no passing case"


def test_every_fixture_folder_names_a_rule():
    slugs = {rule.SLUG for rule in RULES}
    assert {folder.name for folder in FIXTURES.iterdir() if folder.is_dir()} <= slugs


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.SLUG)
def test_rule_is_documented(rule):
    assert re.fullmatch(r"SOP1\d\d", rule.ID)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.SLUG)
    assert rule.SEVERITY in ("error", "warning")
    page = dict((code, text) for code, _slug, _sev, text in documentation())[rule.ID]
    assert page.startswith(f"## {rule.SLUG} ({rule.ID})\n")
    positions = [page.find(f"**{name}**") for name in SECTIONS]
    assert all(p > 0 for p in positions) and positions == sorted(positions), "sections missing or out of order"
    assert "```yaml" in page[positions[2]:positions[3]], "the example has no YAML"


def test_codes_and_slugs_are_unique():
    assert len({r.ID for r in RULES}) == len({r.SLUG for r in RULES}) == len(RULES)


def test_documentation_lists_every_rule_in_code_order():
    codes = [code for code, _slug, _severity, _text in documentation()]
    assert codes == sorted(r.ID for r in RULES)


def test_rules_page_lists_every_rule():
    page = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (SOP\d{3}) \| ([a-z-]+) \| (error|warning) \|", page, re.M))
    assert rows == {(r.ID, r.SLUG, r.SEVERITY) for r in RULES}
