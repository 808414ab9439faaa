"""The pull request comment in a real Chromium: the Markdown rendered with
cmark-gfm and each flowchart drawn by Mermaid (the npm package, as GitHub
draws it), with SOP text that tries to break out of the diagram.

Mermaid runs with `securityLevel: "loose"`, where it does not sanitize labels
itself: the report's own escaping must keep them text. A screenshot of the
comment is kept in test-artifacts/ for people to look at.
"""

import json
import re
from pathlib import Path

import pytest

from test_diff_markdown import HOSTILE, MERMAID_BLOCK, RPO, markdown_of, mermaid_blocks, render

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
MERMAID = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
ARTIFACTS = REPO / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (bash scripts/setup.sh)"),
    pytest.mark.skipif(not MERMAID.exists(), reason="the mermaid npm package is not installed (bash scripts/setup.sh)"),
]
sync_api = pytest.importorskip("playwright.sync_api")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 900px; margin: 24px auto; color: #1f2328; }
table { border-collapse: collapse; } td, th { border: 1px solid #d1d9e0; padding: 4px 10px; }
code { background: #eff1f3; border-radius: 4px; padding: 1px 4px; font-size: 85%; }
del { background: #ffebe9; } ins { background: #dafbe1; text-decoration: none; }
</style></head><body>BODY</body></html>"""

DRAW = """async (sources) => {
  mermaid.initialize({startOnLoad: false, securityLevel: "loose"});
  const drawn = [];
  for (const [i, source] of sources.entries()) {
    const {svg} = await mermaid.render("chart" + i, source);
    document.querySelectorAll("pre.mermaid-source")[i].outerHTML = `<div class="chart">${svg}</div>`;
    drawn.push(svg);
  }
  return drawn;
}"""


def test_comment_and_flowcharts_render_and_stay_inert(repo, tmp_path):
    repo.edit(RPO, "      - label: No answer\n        goto: leave_voicemail\n",
              f"      - label: {json.dumps(HOSTILE)}\n        goto: schedule_callback\n")
    repo.edit(RPO, "    title: Outbound voice script\n    scripts:", f"    title: {json.dumps(HOSTILE)}\n    scripts:")
    repo.edit(RPO, "It only takes a minute or two, reduces", "It only takes a minute, reduces")
    repo.edit(RPO, "    next: call_answered_end\n",
              "    next: confirm_email\n\n  confirm_email:\n    title: Confirm the email address\n    next: call_answered_end\n")
    repo.commit()
    html = render(markdown_of(repo, "HEAD~1", "HEAD"))
    sources = mermaid_blocks(html)
    assert len(sources) == 1
    page_html = PAGE.replace("BODY", MERMAID_BLOCK.sub('<pre class="mermaid-source"></pre>', html))
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(re.compile(r"^(?!about:|data:).*"), lambda route: (errors.append(route.request.url), route.abort()))
            page.set_content(page_html)
            page.add_script_tag(content=MERMAID.read_text(encoding="utf-8"))
            page.evaluate(DRAW, sources)
            injected = page.evaluate("""() => [...document.querySelectorAll("body *")].filter(e =>
                ["IMG", "SCRIPT", "A", "IFRAME", "H1"].includes(e.tagName.toUpperCase())
                || [...e.attributes].some(a => a.name.startsWith("on"))).map(e => e.outerHTML.slice(0, 80))""")
            labels = page.locator(".chart .nodeLabel, .chart .edgeLabel").all_text_contents()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "diff-comment.png"), full_page=True)
        finally:
            browser.close()
    assert not errors
    assert injected == []
    hostile_start = HOSTILE[:30]
    assert any(hostile_start in label for label in labels), labels  # shown, as text
    assert any("Confirm the email address" in label for label in labels)
