"""An XSS corpus in every text field, built into a real site and opened in a
real Chromium: no payload runs, no live markup or script address is left,
nothing loads from outside the site, and the text stays readable as text.

Each payload calls `window.__xss(tag)` (tag = payload number and field) if it
ever runs; the page also fails on any dialog, page error, console error or
request to another origin. Payloads are OWASP-style filter-evasion cases plus
the ones found against sopc itself (carriage return in a script, a link
address breaking out, Markdown re-reading the flowchart, attr_list).
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from sopc.check import check_paths
from test_browser import Server

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                                "(bash scripts/setup.sh installs it)")
sync_api = pytest.importorskip("playwright.sync_api")

# `{t}` becomes the tag naming the payload and the field it was put in.
PAYLOADS = [
    "<script>window.__xss('{t}')</script>",
    "<img src=x onerror=window.__xss('{t}')>",
    "<svg/onload=window.__xss('{t}')>",
    "\"><img src=x onerror=window.__xss('{t}')>",
    "'><svg onload=window.__xss('{t}')>",
    "</title><script>window.__xss('{t}')</script>",
    "</textarea></style></script><script>window.__xss('{t}')</script>",
    "<a href=\"javascript:window.__xss('{t}')\">click</a>",
    "[click](javascript:window.__xss('{t}'))",
    "[click](JaVaScRiPt:window.__xss('{t}'))",
    "[click]( java\tscript:window.__xss('{t}'))",
    "[click](jav&#x61;script:window.__xss('{t}'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox('{t}'))",
    "[ref]\n\n[ref]: javascript:window.__xss('{t}')",
    "![pixel](https://evil.example/{t}.png)",
    "<https://example.com/\"onmouseover=\"window.__xss('{t}')>",
    "https://example.com/\"onmouseover=\"window.__xss('{t}')",
    "[x](https://example.com/>)<svg/onload=window.__xss('{t}')>",
    "[x](onmouseover=window.__xss('{t}')//)",
    "Text {{: onclick=\"window.__xss('{t}')\" }}",
    "<iframe src=\"javascript:window.__xss('{t}')\"></iframe>",
    "<details open ontoggle=window.__xss('{t}')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss('{t}')>",
    "<!--<img src=\"--><img src=x onerror=window.__xss('{t}')//\">",
    "<input autofocus onfocus=window.__xss('{t}')>",
    "<object data=\"javascript:window.__xss('{t}')\"></object>",
    "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss('{t}')\">",
    "<form action=\"javascript:window.__xss('{t}')\"><button>go</button></form>",
    "<style>@import 'https://evil.example/{t}.css';</style>",
    "&lt;script&gt;window.__xss('{t}')&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss('{t}')&#62;",
    "`</code><img src=x onerror=window.__xss('{t}')>`",
    "```\n</code></pre><img src=x onerror=window.__xss('{t}')>\n```",
    "Hi\r<img src=x onerror=window.__xss('{t}')>",
    "!!! danger \"Policy\"\n    <img src=x onerror=window.__xss('{t}')>",
    "<div markdown=\"1\">*x*</div><img src=x onerror=window.__xss('{t}')>",
    "{{{{ name }}}}<img src=x onerror=window.__xss('{t}')>",
    "<scr<script>ipt>window.__xss('{t}')</scr</script>ipt>",
    "<IMG SRC=\"jav\tascript:window.__xss('{t}');\">",
    "<svg><a xlink:href=\"javascript:window.__xss('{t}')\"><text x=\"20\" y=\"20\">x</text></a></svg>",
]


def one_line(text: str) -> str:
    return " ".join(text.split())


def sop_for(number: int, payload: str) -> dict:
    """An SOP with `payload` in every text field (one-line fields get it on one line)."""
    def text(field):
        return payload.format(t=f"{number}:{field}")

    def line(field):
        return one_line(text(field))

    return {
        "sop": f"xss-{number}", "title": line("title"), "summary": line("summary"), "purpose": text("purpose"),
        "owner": line("owner"), "revision": line("revision"), "gaps": [text("gap")],
        "links": [{"title": line("link_title"), "url": "https://example.com/" + quote(text("link_url"), safe="")}],
        "inputs": {
            "name": {"type": "text", "label": line("input_label"), "help": text("input_help"), "source": "caller"},
            "plan": {"type": "choice", "label": line("choice_label"), "values": [line("choice_value"), "other"]},
        },
        "steps": {
            "first": {
                "title": line("step_title"), "do": text("do") + " {{ name }}",
                "callouts": [{"warning": text("warning")}, {"note": text("note")}, {"tip": text("tip")}],
                "scripts": [{"title": line("script_title"), "say": text("say") + " {{ name }}"},
                            {"send": text("send")}, {"voicemail": text("voicemail")}],
                "records": [{"system": line("record_system"), "title": line("record_title"), "action": "create",
                             "fields": {line("field_name"): text("field_value"), "List": [text("field_item")]}}],
                "gaps": [text("step_gap")],
            },
            "choose": {
                "title": line("decision_title"), "ask": line("ask"), "input": "plan",
                "options": [{"label": line("option_label"), "value": line("choice_value"), "goto": "later"},
                            {"label": "Other", "otherwise": True, "goto": "later"}],
            },
            "later": {"title": line("wait_title"), "wait": {"until": line("wait_until")}, "next": "hand"},
            "hand": {"title": line("handoff_title"), "handoff": f"proc-{number}", "then": "done"},
            "done": {"title": line("end_title"), "end": "resolved"},
        },
    }


def procedure_for(number: int, payload: str) -> dict:
    tag = f"{number}:procedure"
    return {"title": one_line(payload.format(t=tag + "_title")), "summary": one_line(payload.format(t=tag + "_summary")),
            "url": "https://example.com/" + quote(payload.format(t=tag + "_url"), safe="")}


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10 ** 6)


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    from site_helpers import run_cli

    root = tmp_path_factory.mktemp("xss")
    sources = root / "sops"
    sources.mkdir()
    for number, payload in enumerate(PAYLOADS):
        (sources / f"xss-{number}.yaml").write_text(dump(sop_for(number, payload)), encoding="utf-8")
    procedures = {f"proc-{n}": procedure_for(n, p) for n, p in enumerate(PAYLOADS)}
    (sources / "procedures.yaml").write_text(dump({"procedures": procedures}), encoding="utf-8")
    refused = check_paths([sources]).errors
    # Every payload file is schema-valid: the corpus tests the site, not the gate.
    assert not refused, sorted({p.message for p in refused})[:10]
    done = run_cli("build", "--sources", sources, "--site-dir", root / "site", "--docs-dir", root / "docs",
                   "--config-file", REPO / "mkdocs.yml", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    server = Server(root / "site")
    yield server.url
    server.close()


# What may not be left in a page's content, whatever it shows.
LIVE_MARKUP = """() => {
  const content = document.querySelector('article') || document.body;
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (/^(javascript|vbscript|data):/.test(value) && /(^|:)(href|src|action|data|formaction)$/.test(attr.name.toLowerCase()))
        found.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 40)}`);
    }
  }
  for (const el of content.querySelectorAll('script, style, iframe, object, embed, form, input, base, meta, img, link, math'))
    found.push(`<${el.tagName.toLowerCase()}> in the content`);
  return found;
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def open_watched(browser, url: str, ran: list, problems: list):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.__xss = (tag) => { (window.__ran = window.__ran || []).push(tag); };")
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" else None)
    origin = url.split("/", 3)[:3]
    page.on("request", lambda request: None if request.url.split("/", 3)[:3] == origin
            or request.url.startswith(("data:", "blob:")) else problems.append(f"request: {request.url}"))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page


def exercise(page) -> None:
    """What an agent does on a page, for every element at once: point at it,
    focus it, open collapsed blocks (handlers that survived would fire)."""
    page.evaluate("""() => {
      for (const el of document.querySelectorAll('article *, .md-search-result *')) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'animationstart'])
          el.dispatchEvent(new Event(type, {bubbles: false}));
        if (el.tagName === 'DETAILS') el.open = !el.open;
      }
    }""")


def test_no_payload_runs_or_stays_live_in_any_field(xss_site, browser):
    problems: list = []
    context, page = open_watched(browser, xss_site, [], problems)
    try:
        for path in [f"sops/xss-{n}/" for n in range(len(PAYLOADS))] + ["", "procedures/", "tags/"]:
            page.goto(xss_site + path)
            page.wait_for_load_state("load")
            exercise(page)
            page.wait_for_timeout(50)
            ran = page.evaluate("window.__ran || []")
            live = page.evaluate(LIVE_MARKUP)
            assert ran == [], f"{path}: payloads ran: {ran}"
            assert live == [], f"{path}: live markup left: {live[:10]}"
            assert problems == [], f"{path}: {problems[:10]}"
    finally:
        context.close()


def test_the_text_of_each_payload_is_shown_as_written(xss_site, browser):
    # Escaping must not eat the text: an agent reads the title, steps and scripts as the author wrote them.
    for number in (0, 1, 5, 34):
        context, page = open_watched(browser, f"{xss_site}sops/xss-{number}/", [], [])
        try:
            title = page.title()
            article = " ".join(page.locator("article").inner_text().split())
        finally:
            context.close()
        expected = one_line(PAYLOADS[number].format(t=f"{number}:title"))
        assert title.startswith(expected), (title, expected)
        for field in ("step_title", "warning", "option_label"):
            assert one_line(PAYLOADS[number].format(t=f"{number}:{field}")) in article


def test_search_results_show_payloads_as_text(xss_site, browser):
    # Material writes search results as HTML built from the search index.
    problems: list = []
    context, page = open_watched(browser, xss_site, [], problems)
    try:
        box = page.locator("input.md-search__input")
        box.click()
        shown = 0
        for query in ("onerror", "script", "javascript", "xss"):
            for _ in range(10):  # the index loads in a worker: retry until it answers
                box.fill("")
                box.press_sequentially(query)
                try:
                    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=2000)
                    break
                except sync_api.TimeoutError:
                    continue
            shown += page.locator(".md-search-result__item").count()
            exercise(page)
            ran = page.evaluate("window.__ran || []")
            live = page.evaluate(LIVE_MARKUP.replace("document.querySelector('article') || document.body",
                                                     "document.querySelector('.md-search-result') || document.body"))
            assert ran == [] and live == [] and problems == [], (query, ran, live[:10], problems[:10])
    finally:
        context.close()
    assert shown > 0
