"""The agents' site as an agent on a call uses it, in a real Chromium at
phone (390 px) and desktop (1440 px) width: nothing off-screen on a phone,
flowcharts that open at their start with readable labels, pan, zoom and full
screen, copy buttons that copy and cover nothing, the step in the address
highlighted, the home page's tag filter, search that puts the right SOP
first, and screenshots compared with committed references."""

import base64
import os
import re
from pathlib import Path

import pytest

from sopc.check import check_paths
from sopc.emit.markdown import Placeholders
from test_browser import ARTIFACTS, REPO, VIEWPORTS, browser, open_page, seed_site, sync_api  # noqa: F401  (fixtures)

REFERENCES = Path(__file__).resolve().parent / "screenshots"
# A screenshot may differ from its reference in this share of its pixels
# (anti-aliasing, a font hinted differently) before it counts as a regression.
PIXEL_TOLERANCE = 0.02
CHANNEL_TOLERANCE = 40  # per colour channel, 0-255
UPDATE = os.environ.get("SOPC_UPDATE_SCREENSHOTS") == "1"
READABLE_PX = 12


def corpus():
    return check_paths([REPO / "sops"]).corpus


def sop_ids():
    return sorted(corpus().sops)


def largest_sop():
    return max(corpus().sops.values(), key=lambda sop: len(sop.steps))


def chart_in_view(page):
    page.locator("figure.sopc-flowchart").evaluate("figure => figure.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(150)


# -- phone width ------------------------------------------------------------------

OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const article = document.querySelector('article');
  for (const element of article.querySelectorAll('*')) {
    if (element.closest('.sopc-chart-viewport')) continue;  // the chart pans inside its frame
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left < -1 || box.right > width + 1) {
      found.push(element.tagName + '.' + element.className + ': ' + (element.innerText || '').slice(0, 40)
                 + ' [' + Math.round(box.left) + ', ' + Math.round(box.right) + ']');
    }
  }
  if (document.documentElement.scrollWidth > width + 1) found.push('page scrolls sideways');
  return found;
}"""


COVERED = """() => {
  const overlaps = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  for (const button of document.querySelectorAll('article .sopc-copy, article .md-clipboard')) {
    const box = button.getBoundingClientRect();
    const owner = button.closest('td, .sopc-script, pre');
    const walker = document.createTreeWalker(owner, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (button.contains(node) || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects()) {
        if (overlaps(box, line)) found.push(node.textContent.trim().slice(0, 40));
      }
    }
  }
  return found;
}"""


def start_outside_its_frame(page):
    """Where the chart's start node lies outside the chart's frame or the screen, if it does."""
    chart_in_view(page)
    start = page.locator("figure.sopc-flowchart .sopc-chart-canvas .sopc-start").bounding_box()
    frame = page.locator(".sopc-chart-viewport").bounding_box()
    screen = page.viewport_size
    inside = (frame["x"] <= start["x"] and start["x"] + start["width"] <= frame["x"] + frame["width"]
              and frame["y"] <= start["y"] and start["y"] + start["height"] <= frame["y"] + frame["height"]
              and start["y"] + start["height"] <= screen["height"])
    return None if inside else {"start": start, "frame": frame}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_sop_page_fits_the_screen_and_opens_its_chart_at_the_start(seed_site, open_page, viewport):
    problems = {}
    for sop_id in sop_ids():
        page = open_page(f"{seed_site}sops/{sop_id}/", viewport)
        found = {"off screen": page.evaluate(OFF_SCREEN), "text under a copy button": page.evaluate(COVERED)}
        if viewport == "phone":
            cells = page.locator("article table td")
            if cells.count() and cells.first.evaluate("td => getComputedStyle(td).display") != "block":
                found["table rows not stacked"] = True
        found["start of the chart not in view"] = start_outside_its_frame(page)
        problems.update({f"{sop_id}: {what}": detail for what, detail in found.items() if detail})
    assert problems == {}


LABEL_SIZES = """() => {
  const svg = document.querySelector('figure.sopc-flowchart svg');
  const pxPerUnit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * pxPerUnit);
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_largest_chart_has_readable_labels(seed_site, open_page, viewport):
    page = open_page(f"{seed_site}sops/{largest_sop().id}/", viewport)
    sizes = page.evaluate(LABEL_SIZES)
    assert sizes and min(sizes) >= READABLE_PX, min(sizes)


def test_the_step_in_the_address_is_highlighted_and_shown_in_the_chart(seed_site, open_page):
    sop = largest_sop()
    step = list(sop.steps)[len(sop.steps) * 2 // 3]  # far down the chart
    page = open_page(f"{seed_site}sops/{sop.id}/#{step}")
    current = page.locator("figure.sopc-flowchart .sopc-current")
    assert current.count() == 1
    assert link_of(current) == f"#{step}"
    chart_in_view(page)
    frame = page.locator(".sopc-chart-viewport").bounding_box()
    box = current.bounding_box()
    assert frame["y"] <= box["y"] + box["height"] / 2 <= frame["y"] + frame["height"]
    # Following another step's link moves the highlight.
    other = list(sop.steps)[1]
    page.evaluate(f"location.hash = '#{other}'")
    page.wait_for_timeout(200)
    assert link_of(page.locator("figure.sopc-flowchart .sopc-current")) == f"#{other}"


def link_of(node):
    return node.locator("a").first.evaluate("a => a.getAttribute('href') || a.getAttribute('xlink:href')")


def scale_of(page):
    return page.locator(".sopc-chart-canvas").evaluate(
        "c => parseFloat((c.style.transform.match(/scale\\(([^)]+)\\)/) || [0, 1])[1])")


def test_the_chart_zooms_pans_and_opens_full_screen(seed_site, open_page):
    page = open_page(f"{seed_site}sops/{largest_sop().id}/", "phone")
    chart_in_view(page)
    before = scale_of(page)
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_timeout(100)
    assert scale_of(page) > before
    page.get_by_role("button", name="Show the whole chart").click()
    page.wait_for_timeout(100)
    assert scale_of(page) < before
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_timeout(100)
    figure = page.locator("figure.sopc-flowchart").bounding_box()
    assert (figure["x"], figure["y"], figure["width"], figure["height"]) == (0, 0, 390, 844)
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.locator("figure.sopc-flowchart").bounding_box()["width"] < 390


def test_a_large_chart_has_an_overview_that_moves_it_on_a_wide_screen(seed_site, open_page):
    page = open_page(f"{seed_site}sops/{largest_sop().id}/", "desktop")
    chart_in_view(page)
    overview = page.locator(".sopc-chart-overview")
    sync_api.expect(overview).to_be_visible()
    frame_before = page.locator(".sopc-chart-overview-frame").bounding_box()
    box = overview.bounding_box()
    start = page.locator("figure.sopc-flowchart .sopc-chart-canvas .sopc-start").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.9)  # near the end of the chart
    page.wait_for_timeout(150)
    assert "#" not in page.url
    assert page.locator("figure.sopc-flowchart .sopc-chart-canvas .sopc-start").bounding_box()["y"] < start["y"] - 200
    assert page.locator(".sopc-chart-overview-frame").bounding_box()["y"] > frame_before["y"]
    phone = open_page(f"{seed_site}sops/{largest_sop().id}/", "phone")
    assert not phone.locator(".sopc-chart-overview").is_visible()  # no room for it on a phone


def test_dragging_the_chart_pans_without_following_a_link(seed_site, open_page):
    sop = largest_sop()
    page = open_page(f"{seed_site}sops/{sop.id}/", "desktop")
    chart_in_view(page)
    frame = page.locator(".sopc-chart-viewport").bounding_box()
    first = page.locator("figure.sopc-flowchart .sopc-chart-canvas .sopc-node").first.bounding_box()
    x, y = first["x"] + first["width"] / 2, first["y"] + first["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 150, steps=8)
    page.mouse.up()
    page.wait_for_timeout(150)
    assert "#" not in page.url
    moved = page.locator("figure.sopc-flowchart .sopc-chart-canvas .sopc-node").first.bounding_box()
    assert moved["y"] < first["y"] - 100 and frame["y"] < first["y"]


# -- copying ----------------------------------------------------------------------------

def test_copy_buttons_copy_the_script_and_each_field_value(seed_site, browser):
    sop = next(s for s in corpus().sops.values()
               if any(step.scripts for step in s.steps.values()) and any(step.records for step in s.steps.values()))
    step = next(step for step in sop.steps.values() if step.scripts)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{seed_site}sops/{sop.id}/")
        page.wait_for_load_state("networkidle")
        script = page.locator(f"[id='{step.id}'] ~ .sopc-script").first
        script.get_by_role("button", name="Copy the script").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        expected = Placeholders(sop).text(step.scripts[0].text).strip()
        assert " ".join(copied.split()) == " ".join(expected.split())
        assert copied.count("\n") == expected.count("\n")  # line breaks kept
        record_step = next(s for s in sop.steps.values() if s.records)
        name, value = next((n, v) for n, v in record_step.records[0].fields.items() if isinstance(v, str) and v)
        row = page.locator(f"[id='{record_step.id}'] ~ .sopc-record tr", has_text=name).first
        row.get_by_role("button").click()
        assert page.evaluate("navigator.clipboard.readText()") == " ".join(Placeholders(sop).text(value).split())
    finally:
        context.close()


# -- home page --------------------------------------------------------------------------

def test_home_lists_every_sop_once_and_filters_by_tag(seed_site, open_page):
    sops = corpus().sops
    page = open_page(seed_site, "phone")
    entries = page.locator(".sopc-sop-entry")
    assert entries.count() == len(sops)
    titles = entries.locator("a.sopc-entry-title").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    tag = max({t for s in sops.values() for t in s.tags}, key=lambda t: sum(t in s.tags for s in sops.values()))
    page.locator(f".sopc-tag-filter button[data-tag='{tag}']").click()
    assert page.locator(".sopc-sop-entry:visible").count() == sum(tag in s.tags for s in sops.values())
    page.locator(".sopc-tag-filter button[data-tag='']").click()
    assert page.locator(".sopc-sop-entry:visible").count() == len(sops)
    assert page.evaluate(OFF_SCREEN) == []


def test_the_other_pages_fit_a_phone_too(seed_site, open_page):
    for path in ("procedures/", "tags/"):
        page = open_page(seed_site + path, "phone")
        assert page.evaluate(OFF_SCREEN) == [], path


# -- search -----------------------------------------------------------------------------

def results_for(page, query):
    """The result pages for a query typed into the search box, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    for _ in range(20):
        box.fill("")
        box.press_sequentially(query)
        try:
            page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=2000)
        except sync_api.TimeoutError:
            continue
        page.wait_for_timeout(300)  # results of the last key press
        return page.locator(".md-search-result__item > a").evaluate_all(
            "links => links.map(a => new URL(a.href).pathname)")
    pytest.fail(f"no search result for {query!r}")


def texts_by_sop():
    return {sop.id: " ".join(" ".join(text for _, text, _ in sop.texts()).split()) for sop in corpus().sops.values()}


def phone_number():
    """A phone number the corpus gives, and the SOPs that give it."""
    texts = texts_by_sop()
    number = next(m for text in texts.values() for m in re.findall(r"\b\d{3}-\d{3}-\d{4}\b", text))
    return number, {sop_id for sop_id, text in texts.items() if number in text}


def distinctive_field_value():
    """A record field value of several words that only one SOP holds."""
    texts = texts_by_sop()
    for sop in corpus().sops.values():
        for step in sop.steps.values():
            for record in step.records:
                for value in record.fields.values():
                    for text in value if isinstance(value, list) else [value]:
                        if "{{" in text or len(text.split()) < 2 or len(text) > 60:
                            continue
                        if [sop_id for sop_id, other in texts.items() if text in other] == [sop.id]:
                            return sop.id, text
    pytest.fail("the corpus has no distinctive field value")


def distinctive_script_phrase():
    """Six words in a row from a script that no other SOP holds, small words included."""
    texts = {sop_id: text.lower() for sop_id, text in texts_by_sop().items()}
    for sop in corpus().sops.values():
        for step in sop.steps.values():
            for script in step.scripts:
                words = Placeholders(sop).text(script.text).split()
                for i in range(len(words) - 6):
                    phrase = " ".join(words[i:i + 6])
                    if re.search(r"[\[\]]", phrase) or not re.search(r"\b(a|it|or|to|the)\b", phrase.lower()):
                        continue
                    holders = [sop_id for sop_id, text in texts.items() if phrase.lower() in text]
                    if holders == [sop.id]:
                        return sop.id, phrase
    pytest.fail("the corpus has no script phrase to search for")


def test_a_phrase_copied_from_a_script_puts_its_sop_first(seed_site, open_page):
    sop_id, phrase = distinctive_script_phrase()
    results = results_for(open_page(seed_site), phrase)
    assert results[0] == f"/sops/{sop_id}/", (phrase, results[:4])


def test_a_phone_number_puts_an_sop_that_gives_it_first(seed_site, open_page):
    number, holders = phone_number()
    results = results_for(open_page(seed_site), number)
    assert results[0] in {f"/sops/{sop_id}/" for sop_id in holders}, (number, results[:4])


def test_a_ticket_field_value_puts_its_sop_first(seed_site, open_page):
    sop_id, value = distinctive_field_value()
    results = results_for(open_page(seed_site), value)
    assert results[0] == f"/sops/{sop_id}/", (value, results[:4])


def test_an_sop_id_puts_its_sop_first(seed_site, open_page):
    sop_id = largest_sop().id
    assert results_for(open_page(seed_site), sop_id)[0] == f"/sops/{sop_id}/"


# -- screenshots against references ---------------------------------------------------------

DIFFERENCE = """async ([actual, expected, channel]) => {
  const load = src => new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = 'data:image/png;base64,' + src;
  });
  const [a, b] = await Promise.all([load(actual), load(expected)]);
  if (a.width !== b.width || a.height !== b.height) return 1;
  const pixels = image => {
    const canvas = document.createElement('canvas');
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [p, q] = [pixels(a), pixels(b)];
  let differing = 0;
  for (let i = 0; i < p.length; i += 4) {
    if (Math.abs(p[i] - q[i]) > channel || Math.abs(p[i + 1] - q[i + 1]) > channel
        || Math.abs(p[i + 2] - q[i + 2]) > channel) differing++;
  }
  return differing / (p.length / 4);
}"""


def share_of_pixels_differing(page, actual: bytes, expected: bytes) -> float:
    """Compared in the browser's own canvas, so the test needs no imaging library."""
    return page.evaluate(DIFFERENCE, [base64.b64encode(actual).decode(), base64.b64encode(expected).decode(),
                                      CHANNEL_TOLERANCE])


SHOTS = {  # name -> where on the largest SOP's page, taken at each width
    "largest-sop-top": "top",
    "largest-sop-chart": "chart",
    "largest-sop-step": "step",
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("shot", SHOTS)
def test_screenshots_match_their_references(seed_site, open_page, browser, viewport, shot):
    sop = largest_sop()
    page = open_page(f"{seed_site}sops/{sop.id}/", viewport)
    where = SHOTS[shot]
    if where == "chart":
        chart_in_view(page)
    elif where == "step":
        step = next(s for s in sop.steps.values() if s.scripts)
        page.locator(f"[id='{step.id}']").evaluate("h => h.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(150)
    page.mouse.move(0, 0)
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"{shot}-{viewport}.png"
    actual = page.screenshot(path=ARTIFACTS / name, animations="disabled", caret="hide")
    reference = REFERENCES / name
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        reference.write_bytes(actual)
    assert reference.is_file(), f"no reference {reference}; SOPC_UPDATE_SCREENSHOTS=1 writes it"
    differing = share_of_pixels_differing(page, actual, reference.read_bytes())
    assert differing <= PIXEL_TOLERANCE, (
        f"{name}: {differing:.1%} of the pixels differ from {reference} (see {ARTIFACTS / name})")


def test_the_comparison_notices_a_different_screen(seed_site, open_page):
    page = open_page(seed_site)
    top, step = (REFERENCES / "largest-sop-top-phone.png").read_bytes(), (REFERENCES / "largest-sop-step-phone.png").read_bytes()
    assert share_of_pixels_differing(page, top, top) == 0
    assert share_of_pixels_differing(page, top, step) > PIXEL_TOLERANCE
