"""Every rule, tested the same way over its fixtures in `tests/rules/<slug>/`.

A case is one YAML file (checked alone) or a folder (checked as a corpus).
What the case must report is written in it, as a comment on the offending
line: `# expect: SOP103` (or `# expect: SOP102, SOP103`). The case passes
when exactly those (file, line, code) are reported and nothing else.

A case runs with its folder's rule on and every other rule off, plus the
rules it names: in an `expect` comment or in a header line
`# rules: dead-end, SOP103` (for a rule that must run but report nothing).
Settings for one case: `# settings: <TOML line>` header lines (such as
`# settings: rules.stale-review.max-age-days = 10`), or a `sopc.toml` in a
folder case. So a new rule changes only the cases of its own folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from sopc import codes
from sopc.check import check_paths
from sopc.check.rules import MODULES
from sopc.config import load_config, parse

FIXTURES = Path(__file__).resolve().parent / "rules"
REPO = Path(__file__).resolve().parent.parent
EXPECT = re.compile(r"#\s*expect:\s*(SOP\d{3}(?:\s*,\s*SOP\d{3})*)\s*$")
RULES_HEADER = re.compile(r"^#\s*rules:\s*(.+?)\s*$")
SETTINGS_HEADER = re.compile(r"^#\s*settings:\s*(.+?)\s*$")
RULE_CODES = [c for c in codes.CODES if c.is_rule]


def cases() -> list[Path]:
    return sorted(case for folder in FIXTURES.iterdir() if folder.is_dir() for case in folder.iterdir()
                  if case.is_dir() or case.suffix in (".yaml", ".yml"))


def sources(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*.y*ml")) if case.is_dir() else [case]


def lines(case: Path):
    for path in sources(case):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield path, number, line


def expected(case: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path, number, line in lines(case):
        match = EXPECT.search(line)
        if match:
            found.update((path.name, number, code.strip()) for code in match.group(1).split(","))
    return found


def case_rules(case: Path) -> set[str]:
    """The codes of the rules a case runs: its folder's, those it expects, those its header names."""
    named = {case.parent.name} | {code for _f, _l, code in expected(case)}
    for _path, _number, line in lines(case):
        match = RULES_HEADER.match(line)
        if match:
            named.update(name.strip() for name in match.group(1).split(","))
    found = {codes.get(name) for name in named}
    assert None not in found, f"{case}: names a code that does not exist: {named}"
    return {c.code for c in found if c.is_rule}


def case_settings(case: Path):
    if case.is_dir() and (case / "sopc.toml").is_file():
        config = load_config(case / "sopc.toml")
    else:
        toml = "\n".join(m.group(1) for _p, _n, line in lines(case) if (m := SETTINGS_HEADER.match(line)))
        config = parse(tomllib.loads(toml), str(case), toml)
    return config.only(case_rules(case))


def reported(case: Path) -> set[tuple[str, int, str]]:
    result = check_paths([case], case_settings(case))
    return {(Path(p.path).name, p.line, p.code) for p in result.problems}


@pytest.mark.parametrize("case", cases(), ids=lambda case: f"{case.parent.name}/{case.name}")
def test_case_reports_exactly_what_it_expects(case):
    assert reported(case) == expected(case)


@pytest.mark.parametrize("code", RULE_CODES, ids=lambda code: code.slug)
def test_rule_has_failing_and_passing_fixtures(code):
    folder = FIXTURES / code.slug
    assert folder.is_dir(), f"no fixtures in tests/rules/{code.slug}/"
    mine = [c for c in cases() if c.parent == folder]
    failing = [c for c in mine if any(found == code.code for _f, _l, found in expected(c))]
    passing = [c for c in mine if not expected(c)]
    assert len(failing) >= 3, f"{code.slug}: fewer than three failing cases"
    assert passing, f"{code.slug}: no passing case"


def test_every_fixture_folder_names_a_rule():
    slugs = {code.slug for code in RULE_CODES}
    assert {folder.name for folder in FIXTURES.iterdir() if folder.is_dir()} <= slugs


def test_a_case_runs_only_its_own_rule_and_the_rules_it_names(tmp_path):
    case = tmp_path / "dead-end" / "two-problems.yaml"
    case.parent.mkdir()
    case.write_text("sop: x\ntitle: X\nsteps:\n  a:\n    do: TODO\n", encoding="utf-8")
    assert {code for _f, _l, code in reported(case)} == {"SOP102"}  # todo-text does not run
    case.write_text("# rules: todo-text\nsop: x\ntitle: X\nsteps:\n  a:\n    do: TODO\n", encoding="utf-8")
    assert {code for _f, _l, code in reported(case)} == {"SOP102", "SOP112"}


def test_a_case_may_carry_its_own_settings(tmp_path):
    case = tmp_path / "stale-review" / "recent.yaml"
    case.parent.mkdir()
    text = "sop: x\ntitle: X\nreviewed: 2000-01-01\nsteps:\n  a:\n    end: resolved\n"
    case.write_text(text, encoding="utf-8")
    assert reported(case) == {("recent.yaml", 3, "SOP111")}
    case.write_text("# settings: rules.stale-review.max-age-days = 1000000\n" + text, encoding="utf-8")
    assert reported(case) == set()


# -- the registry of problem codes ---------------------------------------------

@pytest.mark.parametrize("code", codes.CODES, ids=lambda code: code.code)
def test_code_is_documented(code):
    assert re.fullmatch(r"SOP0\d\d" if not code.is_rule else r"SOP[1-9]\d\d", code.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code.slug)
    assert code.severity in ("error", "warning")
    assert code.summary and not code.summary.endswith(".")
    page = code.documentation
    assert page.startswith(f"## {code.slug} ({code.code})\n")
    positions = [page.find(f"**{name}**") for name in codes.SECTIONS]
    assert all(p > 0 for p in positions) and positions == sorted(positions), "sections missing or out of order"
    assert "```yaml" in page[positions[2]:positions[3]], "the example has no YAML"


def test_codes_and_slugs_are_unique_and_in_order():
    assert len({c.code for c in codes.CODES}) == len({c.slug for c in codes.CODES}) == len(codes.CODES)
    assert [c.code for c in codes.CODES] == sorted(c.code for c in codes.CODES)


def test_every_page_belongs_to_a_code():
    assert {p.stem for p in codes.DOCS.glob("*.md")} == {c.slug for c in codes.CODES}


def test_every_rule_module_has_a_rule_code_and_every_rule_code_a_finder():
    module_codes = {module.ID for module in MODULES}
    assert all(codes.rule(code) for code in module_codes)
    # unused-suppression is found by the suppression pass, not by a module
    assert module_codes | {"SOP113"} == {c.code for c in RULE_CODES}


def test_presets_name_only_rules_and_all_is_every_rule():
    presets = codes.presets()
    assert presets["all"][1] == {c.code for c in RULE_CODES}
    assert presets[codes.DEFAULT_PRESET][1] <= presets["all"][1]


def test_codes_written_in_the_compiler_match_the_registry():
    """Load and schema problems are made where they are found, as (code, slug) pairs: each pair is a registry entry."""
    pairs = set()
    for path in (REPO / "compiler").rglob("*.py"):
        pairs.update(re.findall(r'"(SOP\d{3})",\s*"([a-z-]+)"', path.read_text(encoding="utf-8")))
    assert pairs, "no codes found in the compiler"
    assert {(code, codes.get(code).slug if codes.get(code) else None) for code, _slug in pairs} == pairs
    written = {code for code, _slug in pairs}
    assert {c.code for c in codes.CODES if not c.is_rule} <= written, "a load or schema code nothing reports"


@pytest.mark.parametrize("page", ["README.md", "docs/checks.md"])
def test_tables_of_codes_are_the_registry(page):
    text = (REPO / page).read_text(encoding="utf-8")
    assert codes.markdown_table() in text, f"{page}: paste the output of `sopc explain` as its table of codes"
