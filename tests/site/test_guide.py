"""Guided mode in a real Chromium: walks of seed SOPs in the page (a hand-off
and its return, a repeat that runs out, a decision the facts make) show the
path the Python runtime takes; a walk survives a reload, goes back a step,
and is shared as an address; it works at phone width. Screenshots go to
test-artifacts/."""

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from sopc.runtime import Bundle, Session
from test_browser import (ARTIFACTS, REPO, Server, browser, build, hostile_site,  # noqa: F401 (fixtures)
                          open_page)
from site_helpers import run_cli

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def guided_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("guided")
    site = build(run_cli, REPO / "sops", root)
    server = Server(site)
    yield server.url, site
    server.close()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    done = run_cli("export", REPO / "sops", "-o", folder / "bundle.json", "--scenarios", folder / "scenarios.json")
    assert done.returncode == 0, done.stderr
    data = json.loads((folder / "scenarios.json").read_text(encoding="utf-8"))["scenarios"]
    return Bundle.load(folder / "bundle.json"), {(s["sop"], s["name"]): s for s in data}


def python_walk(bundle, sop, facts, answers):
    """What the Python runtime does with the same facts and answers, today."""
    session = Session.start(bundle, sop, facts, date.today())
    answers = list(answers)
    while session.status != "ended":
        if session.status == "waiting":
            session.resume()
        else:
            session.choose(answers.pop(0))
    return session


def step_names(bundle, sop, session):
    return [(bundle.sops[s]["title"] + ": " if s != sop else "") + bundle.step(s, step)["title"] for s, step in session.path]


def start_guide(page, facts):
    page.get_by_role("button", name="Guide me").click()
    for name, value in facts.items():
        field = page.locator(f".sopc-guide-facts [name={name}]")
        text = "yes" if value is True else "no" if value is False else str(value)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(text)
        else:
            field.fill(text)
    page.get_by_role("button", name="Start the walk").click()
    page.locator(".sopc-guide-current").wait_for()


def answer(page, answers):
    """Answer with the buttons and let waits pass until the walk ends or the answers run out;
    the notes seen on the way that say which procedure the walk is in."""
    answers = list(answers)
    notes = []
    for _ in range(100):
        notes += page.locator(".sopc-guide-where").all_text_contents()
        current = page.locator(".sopc-guide-current")
        if current.locator(".sopc-guide-end").count():
            return notes
        if current.locator(".sopc-guide-resume").count():
            current.locator(".sopc-guide-resume").click()
        elif not answers:
            return notes
        else:
            label = answers.pop(0)
            current.locator(".sopc-guide-option", has_text=re.compile(f"^{re.escape(label)}$")).click()
        page.wait_for_timeout(50)
    pytest.fail("the walk did not end")


def summary(page):
    page.get_by_role("button", name="Copy call summary").click()
    return page.evaluate("navigator.clipboard.readText()")


def summary_path(text):
    lines = text.split("\n")
    start = lines.index("Path:") + 1
    path = []
    for line in lines[start:]:
        if not re.match(r"^\d+\. ", line):
            break
        path.append(line.split(". ", 1)[1])
    return path


def grant_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])


CASES = {
    "hand-off and return": ("homeowner-support-calls", "M3 approved, verified English-speaking homeowner is warm transferred"),
    "a repeat that runs out": ("rejected-payment-outreach", "Five unanswered calls, the ticket is closed"),
    "decided by a fact": ("system-reactivation-after-non-payment", "Payment made long ago, Back Office verifies, O&M reactivates"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_guided_walk_shows_the_path_the_python_runtime_takes(guided_site, scenarios, open_page, case, viewport):
    url, _ = guided_site
    bundle, by_name = scenarios
    sop, name = CASES[case]
    scenario = by_name[(sop, name)]
    expected = python_walk(bundle, sop, scenario["inputs"], scenario["answers"])
    if case == "hand-off and return":
        sops = [s for s, _ in expected.path]
        assert sops[0] == sops[-1] == sop and any(s != sop for s in sops)
        assert any(e["kind"] == "return" for e in expected.edges)
    elif case == "a repeat that runs out":
        repeat = next(s for s in bundle.sops[sop]["steps"] if s["repeat"])
        assert expected.counters[sop][repeat["id"]] == repeat["repeat"]["max_attempts"]
    else:
        assert any(d["by"] == "facts" for d in expected.decisions) and not scenario["answers"]

    page = open_page(url + f"sops/{sop}/", viewport=viewport)
    grant_clipboard(page)
    start_guide(page, scenario["inputs"])
    notes = answer(page, scenario["answers"])
    text = summary(page)
    assert summary_path(text) == step_names(bundle, sop, expected)
    assert f"Outcome: {expected.outcome}" in text
    for record in expected.records:
        assert f"- {record['title']}" in text
    if case == "a repeat that runs out":
        assert page.locator(".sopc-guide-attempt", has_text="used up").count() == 1
    if case == "hand-off and return":
        other = bundle.sops[next(s for s, _ in expected.path if s != sop)]["title"]
        assert f"Now in {other}" in notes and f"Back in {bundle.sops[sop]['title']}" in notes
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # nothing sticks out at phone width
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".sopc-guide").screenshot(path=ARTIFACTS / f"guide-{sop}-{viewport}.png")


def test_scripts_are_filled_with_the_facts_and_still_copyable(guided_site, open_page):
    url, _ = guided_site
    page = open_page(url + "sops/rejected-payment-outreach/")
    grant_clipboard(page)
    start_guide(page, {"homeowner_name": "Dana <b>Reyes</b>"})
    answer(page, ["Answered"])
    script = page.locator(".sopc-guide-current .sopc-guide-script").first
    assert "Hello Dana <b>Reyes</b>," in script.inner_text()  # a fact is text, never markup
    script.get_by_role("button", name="Copy the script").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("Hello Dana <b>Reyes</b>,")
    assert page.locator(".sopc-guide b").count() == 0


def test_the_current_step_is_highlighted_in_the_flowchart(guided_site, open_page):
    url, _ = guided_site
    page = open_page(url + "sops/rejected-payment-outreach/")
    start_guide(page, {})
    highlighted = ("() => [...document.querySelectorAll('figure.sopc-flowchart .sopc-guide-node')].map(node => {"
                   " const a = node.matches('a') ? node : node.querySelector('a');"
                   " return a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'); })")
    assert page.evaluate(highlighted) == ["#call_homeowner"]
    answer(page, ["No answer"])
    assert page.evaluate(highlighted) == ["#call_homeowner"]
    assert page.locator(".sopc-guide-current .sopc-guide-attempt").inner_text() == "Attempt 2 of 5"


def test_a_walk_survives_a_reload_goes_back_and_is_shared_as_an_address(guided_site, open_page):
    url, _ = guided_site
    page = open_page(url + "sops/rejected-payment-outreach/")
    grant_clipboard(page)
    start_guide(page, {"homeowner_name": "Dana"})
    answer(page, ["No answer", "No answer"])
    current = page.locator(".sopc-guide-current .sopc-guide-step-title").inner_text()
    page.reload()
    page.locator(".sopc-guide-current").wait_for()
    assert page.locator(".sopc-guide-current .sopc-guide-step-title").inner_text() == current
    assert page.locator(".sopc-guide-current .sopc-guide-attempt").inner_text() == "Attempt 3 of 5"
    page.get_by_role("button", name="Back", exact=True).click()
    assert page.locator(".sopc-guide-current .sopc-guide-attempt").inner_text() == "Attempt 2 of 5"
    page.get_by_role("button", name="Copy link").click()
    shared = page.evaluate("navigator.clipboard.readText()")
    assert "?guide=" in shared
    other = open_page(shared)  # a fresh browser context: nothing stored
    other.locator(".sopc-guide-current").wait_for()
    assert other.locator(".sopc-guide-current .sopc-guide-attempt").inner_text() == "Attempt 2 of 5"
    assert "Dana" in other.locator(".sopc-guide-facts-line").inner_text()
    answer(other, ["Answered", "Yes"])
    assert other.locator(".sopc-guide-end").count() == 1
    other.get_by_role("button", name="Stop guiding").click()
    other.reload()
    other.get_by_role("button", name="Guide me").wait_for()


def test_guided_mode_is_usable_with_the_keyboard(guided_site, open_page):
    url, _ = guided_site
    page = open_page(url + "sops/rejected-payment-outreach/")
    page.get_by_role("button", name="Guide me").focus()
    page.keyboard.press("Enter")
    page.locator("[name=homeowner_name]").wait_for()
    assert page.evaluate("document.activeElement.name") == "homeowner_name"
    page.keyboard.type("Dana")
    page.keyboard.press("Enter")  # submits the facts
    page.locator(".sopc-guide-current").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('sopc-guide-step-title')") is False
    page.locator(".sopc-guide-option", has_text="Answered").focus()
    page.keyboard.press("Enter")
    page.locator(".sopc-guide-current .sopc-guide-step-title").first.wait_for()
    focused = page.evaluate("document.activeElement.className")
    assert "sopc-guide-step-title" in focused


WAITING = {
    "callback.yaml": """
        sop: callback
        title: Call back
        inputs:
          plan: {type: choice, values: [basic, premium], help: The plan on the account}
          name: {type: text, label: Customer name}
        steps:
          greet:
            scripts:
              - say: "Hello {{ name }}"
          route:
            ask: Which plan?
            input: plan
            options:
              - {label: Basic, value: basic, goto: pause}
              - {label: Premium, value: premium, goto: done}
          pause:
            wait: {for: 2 business days, until: the customer replies}
            next: retry
          retry:
            ask: Reached?
            options:
              - {label: "Yes", goto: done}
              - {label: "No", goto: again}
          again:
            repeat: {back_to: retry, max_attempts: 3, every: 1 day}
            next: outside_step
          outside_step:
            handoff: outside
          done:
            end: resolved
        """,
    "procedures.yaml": """
        procedures:
          outside:
            title: Outside procedure
            url: https://example.com/outside
        """,
}


@pytest.fixture(scope="module")
def waiting_site(tmp_path_factory):
    import textwrap

    root = tmp_path_factory.mktemp("waiting")
    sources = root / "sops"
    sources.mkdir()
    for name, text in WAITING.items():
        (sources / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    server = Server(build(run_cli, sources, root))
    yield server.url
    server.close()


def test_waits_show_what_is_awaited_and_facts_asked_for_decide(waiting_site, open_page):
    page = open_page(waiting_site + "sops/callback/")
    page.get_by_role("button", name="Guide me").click()
    assert "The plan on the account" in page.locator(".sopc-guide-facts").inner_text()  # the input's help
    page.get_by_role("button", name="Start the walk").click()
    current = page.locator(".sopc-guide-current")
    # An unknown fact is shown as its label in brackets, to fill in by hand.
    assert page.locator(".sopc-guide-script-text").first.inner_text() == "Hello [Customer name]"
    assert current.locator(".sopc-guide-ask").inner_text() == "Which plan?"
    needs = current.locator(".sopc-guide-needs")  # the fact that would decide, asked for in place
    needs.locator("[name=plan]").select_option("basic")
    needs.get_by_role("button", name="Use these facts").click()
    wait = page.locator(".sopc-guide-current .sopc-guide-wait")
    assert wait.inner_text() == "Wait 2 business days, until the customer replies."
    page.get_by_role("button", name="The wait is over").click()
    page.locator(".sopc-guide-current .sopc-guide-option", has_text="No").click()
    assert page.locator(".sopc-guide-current .sopc-guide-wait").inner_text() == "Before the next attempt, wait 1 day."
    page.get_by_role("button", name="The wait is over").click()
    assert page.locator(".sopc-guide-current .sopc-guide-attempt").inner_text() == "Attempt 2 of 3"
    for _ in range(2):
        page.locator(".sopc-guide-current .sopc-guide-option", has_text="No").click()
        if page.locator(".sopc-guide-resume").count():
            page.get_by_role("button", name="The wait is over").click()
    end = page.locator(".sopc-guide-current .sopc-guide-end")
    assert end.inner_text() == "The walk has ended: handed-off."
    link = page.locator(".sopc-guide-handoff a")
    assert link.get_attribute("href") == "https://example.com/outside"
    assert page.locator(".sopc-guide-attempt", has_text="used up").count() == 1


def test_hostile_sop_text_stays_text_in_guided_mode(hostile_site, open_page):
    page = open_page(hostile_site + "sops/hostile/")
    page.get_by_role("button", name="Guide me").click()
    page.locator("[name=name]").fill('<img src=x onerror="window.__pwned=1">')
    page.get_by_role("button", name="Start the walk").click()
    page.locator(".sopc-guide-current .sopc-guide-option").first.click()
    page.get_by_role("button", name="The wait is over").click()
    page.locator(".sopc-guide-end").wait_for()
    panel = page.locator(".sopc-guide-panel")
    assert "<script>window.__pwned=1</script>" in panel.inner_text()  # shown as the text it is
    assert panel.locator("script, img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_each_sop_is_published_once_and_a_tampered_hand_off_target_stops_guided_mode(guided_site, open_page,
                                                                                        tmp_path):
    """Every SOP's part of the bundle holds that SOP alone; guided mode loads
    the parts of the SOPs it hands off to and checks each one."""
    _url, site = guided_site
    parts = sorted((site / "assets" / "sopc" / "bundles").glob("*.json"))
    assert parts and all(list(json.loads(part.read_text(encoding="utf-8"))["sops"]) == [part.stem] for part in parts)
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    target = copy / "assets" / "sopc" / "bundles" / "gather-homeowner-details.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    title = json.dumps(data["sops"]["gather-homeowner-details"]["title"], ensure_ascii=False)
    target.write_text(text.replace(title, json.dumps("Changed after export"), 1), encoding="utf-8")
    server = Server(copy)
    try:
        page = open_page(server.url + "sops/homeowner-support-calls/")
        page.get_by_role("button", name="Guide me").click()
        page.locator(".sopc-guide-error").wait_for()
        assert page.get_by_role("button", name="Start the walk").count() == 0
        own_page = open_page(server.url + "sops/gather-homeowner-details/")  # the tampered SOP's own page
        own_page.get_by_role("button", name="Guide me").click()
        own_page.locator(".sopc-guide-error").wait_for()
    finally:
        server.close()
