"""assets/sopc/search.js in real Node: it answers Material's messages to the
search worker from the index, ranks and escapes as the site needs, and passes
every other message on to the worker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SEARCH_JS = Path(__file__).resolve().parents[2] / "compiler" / "emit" / "assets" / "search.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (bash scripts/setup.sh installs it)")

# A stand-in for the browser's Worker: what search.js does not answer arrives in `forwarded`.
DRIVER = """
const fs = require("fs");
class Worker extends EventTarget {
  constructor() { super(); this.forwarded = []; }
  postMessage(message) { this.forwarded.push(message); }
}
globalThis.window = { Worker };
globalThis.Worker = Worker;
eval(fs.readFileSync(process.argv[process.argv.length - 1], "utf8"));
const [docs, queries] = JSON.parse(fs.readFileSync(0, "utf8"));
const worker = new Worker();
const answers = [];
worker.addEventListener("message", event => answers.push(event.data));
worker.postMessage({ type: 0, data: { config: {}, docs, options: { suggest: false } } });
for (const query of queries) worker.postMessage({ type: 2, data: query });
worker.postMessage({ type: 7, data: "not for search" });
setTimeout(() => console.log(JSON.stringify({ answers, forwarded: worker.forwarded })), 20);
"""

DOCS = [
    {"location": "", "title": "Home", "text": "<p>Every procedure of the homeowner team.</p>"},
    {"location": "sops/billing/", "title": "Billing question", "boost": 4,
     "text": "<p>1. Greet</p> <p>Ask the homeowner for the invoice number and the amount.</p>"},
    {"location": "sops/outage/", "title": "Power outage", "boost": 4,
     "text": "<p>1. Check</p> <p>The amount of the invoice is not the homeowner number to call.</p>"},
    {"location": "sops/hostile/", "title": "Title &lt;script&gt;alert(1)&lt;/script&gt;", "boost": 4,
     "text": "<p>Say &lt;img src=x onerror=alert(1)&gt; and AT&amp;T to the caller.</p>"},
]


def answers(queries):
    done = subprocess.run([NODE, "-e", DRIVER, "--", str(SEARCH_JS)], input=json.dumps([DOCS, queries]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def locations(result):
    return [group[0]["location"] for group in result["data"]["items"]]


def test_setup_is_answered_ready_and_other_messages_reach_the_worker():
    got = answers([])
    assert got["answers"] == [{"type": 1}]
    assert got["forwarded"] == [{"type": 7, "data": "not for search"}]


def test_words_typed_together_put_the_page_holding_them_together_first():
    got = answers(["invoice number and the amount", "homeowner", "invo"])
    phrase, word, prefix = got["answers"][1:]
    assert [answer["type"] for answer in got["answers"][1:]] == [3, 3, 3]
    assert locations(phrase)[0] == "sops/billing/"
    assert set(locations(word)) == {"", "sops/billing/", "sops/outage/"}
    assert locations(word)[0] != "", "an SOP outranks the home page (boost)"
    assert set(locations(prefix)) == {"sops/billing/", "sops/outage/"}  # a word being typed is a prefix
    first = phrase["data"]["items"][0][0]
    assert first["terms"] == {"invoice": True, "number": True, "amount": True}
    assert "<mark>invoice</mark>" in first["text"]


def test_results_keep_the_index_escaped_and_mark_whole_words_only():
    got = answers(["script", "img", "amp lt"])
    for answer in got["answers"][1:]:
        for group in answer["data"]["items"]:
            for item in group:
                for shown in (item["title"], item["text"]):
                    bare = shown.replace("<mark>", "").replace("</mark>", "").replace("<p>", "").replace("</p>", "")
                    assert "<" not in bare, shown
    hostile = got["answers"][1]["data"]["items"][0][0]
    assert hostile["title"] == "Title &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
    assert got["answers"][3]["data"]["items"] == []  # entity names are not words of the page
