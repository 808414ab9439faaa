"""`sopc explain`: every problem code's documentation in the terminal, from the registry."""

import pytest

from sopc import codes
from helpers import run_sopc


@pytest.mark.parametrize("name", ["SOP104", "SOP002", "no-way-out", "duplicate-key", "sop111"])
def test_explain_prints_the_documentation(name):
    done = run_sopc("explain", name)
    assert done.returncode == 0, done.stderr
    code = codes.get(name) or codes.get(name.upper())
    assert done.stdout.startswith(f"{code.code} {code.slug}: ")
    for section in codes.SECTIONS:
        assert f"**{section}**" in done.stdout
    assert code.severity in done.stdout


def test_explain_lists_a_rules_options():
    done = run_sopc("explain", "stale-review")
    assert "`max-age-days` (integer, at least 0; default 365)" in done.stdout


def test_unknown_code_suggests_the_closest_and_exits_2():
    done = run_sopc("explain", "unreachable-steps")
    assert done.returncode == 2
    assert "`unreachable-step`" in done.stderr and done.stdout == ""
    assert "Traceback" not in done.stderr


def test_explain_without_a_code_lists_every_code():
    done = run_sopc("explain")
    assert done.returncode == 0
    assert done.stdout == codes.markdown_table()
    assert all(f"| {c.code} | {c.slug} |" in done.stdout for c in codes.CODES)
