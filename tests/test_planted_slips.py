"""Each slip an author makes is reported once, at its line, with the fix in
the message: the flow-breaking slips that once passed silently and the
mistakes that once caused a cascade of findings (the whole check runs, every
rule on)."""

from __future__ import annotations

import textwrap

import pytest

from sopc.check import check_paths

CALLER = """
sop: caller
title: Caller
steps:
  reset:
    handoff: it-password-reset
    then: office
  office:
    handoff: back-office
    then: complaints
  complaints:
    handoff: escalating-complaints
    then: done
  done:
    end: resolved
"""

PROCEDURES = """
procedures:
  back-office:
    title: Back office
  escalating-complaints:
    title: Escalating complaints
"""

RESET = """
sop: it-password-reset
title: Reset the password
steps:
  done:
    end: resolved
"""

REFUNDS = """
sop: refunds
title: Refunds
inputs:
  installed_on: date
  days_past_due: number
  homeowner_name: text
steps:
  window:
    ask: When was the system installed?
    input: installed_on
    options:
      - {label: Within 30 days, when: {measure: days_since, lt: 30}, goto: notify}
      - {label: Outside the window, otherwise: true, goto: decline}
  notify:
    do: "Post the link in the refunds channel and wait for approval."
    scripts:
      - say: "Hello {{ homeowner_name }}, your refund is on its way."
    next: late
  late:
    ask: Is the payment late?
    options:
      - {label: Late, when: {input: days_past_due, gt: 30}, goto: collections}
      - {label: On time, otherwise: true, goto: done}
  done:
    end: resolved
  collections:
    end: escalated
  decline:
    end: referred
"""

# (file to change, text replaced, replacement, what the one finding must say)
SLIPS = {
    "otherwise first": (
        "refunds.yaml",
        "      - {label: Within 30 days, when: {measure: days_since, lt: 30}, goto: notify}\n"
        "      - {label: Outside the window, otherwise: true, goto: decline}\n",
        "      - {label: Outside the window, otherwise: true, goto: decline}\n"
        "      - {label: Within 30 days, when: {measure: days_since, lt: 30}, goto: notify}\n",
        ("SOP115", "move the `otherwise` option to the end")),
    "text cut by a comment": (
        "refunds.yaml", '    do: "Post the link in the refunds channel and wait for approval."',
        "    do: Post the link in #refund-approvals and wait", ("SOP118", '"Post the link in #refund-approvals and wait"')),
    "single braces": (
        "refunds.yaml", "{{ homeowner_name }}", "{ homeowner_name }", ("SOP116", "{{ homeowner_name }}")),
    "measure on a number": (
        "refunds.yaml", "{input: days_past_due, gt: 30}", "{input: days_past_due, measure: days_since, gt: 30}",
        ("SOP117", "make `days_past_due` a `date` input")),
    "a YAML mistake in an SOP others hand off to": (
        "reset.yaml", "title: Reset the password", "title: Reset: the password", ("SOP001", 'title: "Reset: the password"')),
    "a typo in one procedure": (
        "procedures.yaml", "    title: Back office", "    title: Back office\n    urll: https://example.com/office",
        ("SOP010", "did you mean `url`?")),
    "a misspelt goto": (
        "refunds.yaml", "goto: notify}", "goto: notfy}", ("SOP100", "did you mean `notify`?")),
    "a value for a decision bound to no input": (
        "refunds.yaml", "      - {label: Late, when: {input: days_past_due, gt: 30}, goto: collections}",
        "      - {label: Late, value: true, goto: collections}", ("SOP011", "add `input: <input id>`")),
    "a tab": (
        "reset.yaml", "  done:\n    end: resolved", "  done:\n\tend: resolved", ("SOP001", "use spaces")),
    "an unquoted Yes": (
        "refunds.yaml", "{label: On time,", "{label: Yes,", ("SOP012", '"Yes"')),
}


def write_corpus(folder, changes=None):
    texts = {"caller.yaml": CALLER, "procedures.yaml": PROCEDURES, "reset.yaml": RESET, "refunds.yaml": REFUNDS}
    texts = {name: textwrap.dedent(text).lstrip("\n") for name, text in texts.items()}
    if changes:
        name, old, new = changes
        assert old in texts[name]
        texts[name] = texts[name].replace(old, new)
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_the_corpus_without_slips_is_clean(tmp_path):
    write_corpus(tmp_path / "sops")
    assert check_paths([tmp_path / "sops"]).problems == []


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_a_planted_slip_is_one_finding_at_its_line_with_the_fix(tmp_path, slip):
    name, old, new, (code, fix) = SLIPS[slip]
    write_corpus(tmp_path / "sops", (name, old, new))
    problems = check_paths([tmp_path / "sops"]).problems
    assert [p.code for p in problems] == [code], [(p.code, p.message) for p in problems]
    (problem,) = problems
    assert problem.path.endswith(name) and problem.line == first_changed_line(tmp_path / "sops", name, (name, old, new))
    assert fix in problem.message


def first_changed_line(folder, name, change) -> int:
    changed = (folder / name).read_text(encoding="utf-8").split("\n")
    write_corpus(folder.parent / "unchanged")
    original = (folder.parent / "unchanged" / name).read_text(encoding="utf-8").split("\n")
    return next(i for i, (a, b) in enumerate(zip(changed, original), 1) if a != b)
