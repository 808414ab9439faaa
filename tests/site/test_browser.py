"""The built site in a real Chromium: search, flowchart links, no console
errors, screenshots, and hostile SOP text staying text."""

import functools
import http.server
import re
import textwrap
import threading
from pathlib import Path

import pytest

from sopc.check import check_paths
from sopc.emit import flowchart
from sopc.emit.markdown import Placeholders
from site_helpers import run_cli

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                                "(bash scripts/setup.sh installs it)")
sync_api = pytest.importorskip("playwright.sync_api")

PAYLOAD = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = {
    "hostile.yaml": f"""
        sop: hostile
        title: 'Title {PAYLOAD}'
        summary: 'Summary {IMG}'
        purpose: |
          Purpose {PAYLOAD} and [a link](javascript:window.__pwned=1) and {IMG}
        gaps: ['Gap {IMG}']
        links: [{{title: 'Link {PAYLOAD}', url: 'https://example.com/'}}]
        tags: [hostile]
        inputs:
          name: {{type: text, label: 'Name {IMG}'}}
        steps:
          first:
            title: 'Step {PAYLOAD}'
            do: 'Do {IMG} {{{{ name }}}} {{: onclick="window.__pwned=1" }}'
            callouts:
              - warning: 'Callout {PAYLOAD}'
            scripts:
              - title: 'Script title {IMG}'
                say: 'Say {PAYLOAD} to {{{{ name }}}}'
            records:
              - title: 'Record {PAYLOAD}'
                system: 'System {IMG}'
                action: create
                fields:
                  'Field {PAYLOAD}': 'Value {IMG}'
            ask: 'Ask {PAYLOAD}'
            options:
              - {{label: 'Option {PAYLOAD}', goto: second}}
              - {{label: 'Other {IMG}', goto: third}}
          second:
            wait: {{until: 'Until {PAYLOAD}'}}
            next: third
          third:
            handoff: elsewhere
        """,
    "procedures.yaml": f"""
        procedures:
          elsewhere:
            title: 'Procedure {PAYLOAD}'
            summary: 'Procedure summary {IMG}'
        """,
}


class Server:
    """A static server for a built site on 127.0.0.1, on a free port."""

    def __init__(self, root: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def build(sopc, sources: Path, into: Path) -> Path:
    done = sopc("build", "--sources", sources, "--site-dir", into / "site", "--docs-dir", into / "docs",
                "--config-file", REPO / "mkdocs.yml", cwd=into)
    assert done.returncode == 0, done.stdout + done.stderr
    return into / "site"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    server = Server(build(run_cli, REPO / "sops", tmp_path_factory.mktemp("seed")))
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sops"
    sources.mkdir()
    for name, text in HOSTILE.items():
        (sources / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    server = Server(build(run_cli, sources, root))
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Open pages in a fresh context; at the end, no page may have logged an error."""
    errors: list[str] = []
    outside: list[str] = []
    contexts = []

    def _open(url, viewport="desktop", scheme="light"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        site = url.split("/", 3)[:3]
        page.on("request", lambda request: None if request.url.split("/", 3)[:3] == site
                or request.url.startswith(("data:", "blob:")) else outside.append(request.url))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page

    yield _open
    for context in contexts:
        context.close()
    assert errors == []
    assert outside == []  # the site works offline: no fonts, scripts or images from elsewhere


def distinctive_phrase():
    """A few words of a script that no other SOP contains: (sop, phrase)."""
    corpus = check_paths([REPO / "sops"]).corpus
    texts = {sop.id: " ".join(" ".join(t for _, t, _ in sop.texts()).split()).lower() for sop in corpus.sops.values()}
    for sop in corpus.sops.values():
        for step in sop.steps.values():
            for script in step.scripts:
                words = re.findall(r"[A-Za-z]{4,}", Placeholders(sop).text(script.text))
                for i in range(len(words) - 4):
                    phrase = " ".join(words[i:i + 4])
                    if not any(phrase.lower() in text for other, text in texts.items() if other != sop.id):
                        if phrase.lower() in texts[sop.id]:
                            return sop, phrase
    pytest.fail("the corpus has no script to search for")


def search(page, phrase, sop_id):
    """Type into the search box until the index (loaded in a worker) lists a
    result on the SOP's page for the whole phrase; return that result."""
    box = page.locator("input.md-search__input")
    box.click()
    wanted = page.locator(f".md-search-result__item a[href*='/sops/{sop_id}/']")
    for _ in range(30):
        box.fill("")
        box.press_sequentially(phrase)  # Material reacts to key presses, not to a filled value
        try:
            wanted.first.wait_for(state="visible", timeout=2000)
            return wanted.first
        except sync_api.TimeoutError:
            continue
    pytest.fail(f"no search result on the page of {sop_id} for {phrase!r}")


def test_search_for_a_script_phrase_lands_on_its_sop(seed_site, open_page):
    sop, phrase = distinctive_phrase()
    page = open_page(seed_site)
    search(page, phrase, sop.id).click()
    page.wait_for_url(re.compile(rf"/sops/{sop.id}/"))
    assert page.locator("article h1").first.inner_text().rstrip("¶") == sop.title
    assert phrase in " ".join(page.locator("article").inner_text().split())


def step_saying(sop, phrase):
    return next(step for step in sop.steps.values()
                if any(phrase in " ".join(Placeholders(sop).text(script.text).split()) for script in step.scripts))


def test_a_search_result_lands_on_the_step_that_holds_the_words(seed_site, open_page):
    # The index has one entry per SOP; the page goes to the step with the searched words.
    sop, phrase = distinctive_phrase()
    step = step_saying(sop, phrase)
    page = open_page(seed_site)
    search(page, phrase, sop.id).click()
    page.wait_for_url(re.compile(rf"/sops/{sop.id}/.*#{re.escape(step.id)}$"))
    assert page.locator(f"[id='{step.id}']").evaluate("heading => heading.getBoundingClientRect().top") < 300


def test_clicking_a_flowchart_node_goes_to_its_step(seed_site, open_page):
    corpus = check_paths([REPO / "sops"]).corpus
    sop = next(iter(corpus.sops.values()))
    target = list(sop.steps)[-1]
    page = open_page(f"{seed_site}sops/{sop.id}/")
    node = page.locator(f'figure.sopc-flowchart a[*|href="#{target}"]')
    assert node.count() == 1
    node.click()
    page.wait_for_url(re.compile(rf"#{target}$"))
    sync_api.expect(page.locator(f"[id='{target}']")).to_be_in_viewport()


def test_hand_off_node_links_to_the_other_page(seed_site, open_page):
    corpus = check_paths([REPO / "sops"]).corpus
    inside = [(sop, step) for sop in corpus.sops.values() for step in sop.steps.values()
              if step.handoff in corpus.sops
              or (step.handoff in corpus.procedures and not corpus.procedures[step.handoff].url)]
    if not inside:
        pytest.skip("no hand-off to a page of the site in the corpus")
    sop, step = inside[0]
    page = open_page(f"{seed_site}sops/{sop.id}/")
    url = flowchart.page_url(step.handoff, corpus)
    page.locator(f'figure.sopc-flowchart .sopc-target a[*|href="{url}"]').click()
    if step.handoff in corpus.sops:
        page.wait_for_url(re.compile(rf"/sops/{step.handoff}/"))
    else:
        page.wait_for_url(re.compile(rf"/procedures/#{step.handoff}$"))
        sync_api.expect(page.locator(f"[id='{step.handoff}']")).to_be_in_viewport()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(seed_site, open_page, viewport, scheme):
    ARTIFACTS.mkdir(exist_ok=True)
    corpus = check_paths([REPO / "sops"]).corpus
    for name, path in [("home", "")] + [(sop_id, f"sops/{sop_id}/") for sop_id in corpus.sops]:
        page = open_page(seed_site + path, viewport, scheme)
        assert page.locator("h1").first.is_visible()
        page.screenshot(path=ARTIFACTS / f"{name}-{viewport}-{scheme}.png")
        if path:
            page.locator("figure.sopc-flowchart").scroll_into_view_if_needed()
            assert page.locator("figure.sopc-flowchart svg").first.is_visible()
            page.screenshot(path=ARTIFACTS / f"{name}-flowchart-{viewport}-{scheme}.png")


def test_hostile_text_stays_text(hostile_site, open_page):
    for path in ["sops/hostile/", "", "procedures/", "tags/"]:
        page = open_page(hostile_site + path)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("script:not([src])").evaluate_all(
            "scripts => scripts.filter(s => s.textContent.includes('__pwned')).length") == 0
        assert page.locator("[onerror], [onclick]").count() == 0
        body = page.locator("article").inner_text()
        assert PAYLOAD in body or IMG in body
    page = open_page(hostile_site + "sops/hostile/")
    body = page.locator("article").inner_text()
    for shown in ["Title " + PAYLOAD, "Step " + PAYLOAD, "Callout " + PAYLOAD, "Say " + PAYLOAD, "Value " + IMG,
                  "Option " + PAYLOAD, "Purpose " + PAYLOAD, "Ask " + PAYLOAD, "Until " + PAYLOAD]:
        assert shown in body
    assert page.locator("a[href^='javascript']").count() == 0
    page.locator("figure.sopc-flowchart a").first.hover()
    search(page, "Callout", "hostile")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "hostile-search.png")
    assert page.evaluate("typeof window.__pwned") == "undefined"
