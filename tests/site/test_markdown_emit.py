"""SOP pages and corpus pages as Markdown, checked through the HTML the
site's Markdown extensions make of them."""

import re

from sopc.emit import markdown
from sopc.check.rules import RULES
from site_helpers import SAMPLE, Elements, to_html

FAKE_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>drawing</text></svg>'


def page_of(corpus, sop_id, svg=FAKE_SVG):
    return Elements(to_html(markdown.sop_page(corpus.sops[sop_id], corpus, svg)))


def headings(page, tag="h2"):
    return [attrs.get("id") for attrs in page.named(tag)]


def test_every_step_has_a_heading_with_its_anchor_in_reading_order(corpus_of):
    corpus = corpus_of(SAMPLE)
    page = page_of(corpus, "billing-question")
    step_ids = list(corpus.sops["billing-question"].steps)
    found = [h for h in headings(page) if h in step_ids]
    assert found == step_ids
    assert headings(page)[:3] == ["_purpose", "_inputs", "_flowchart"]


def test_head_shows_title_summary_and_metadata(corpus_of):
    page = page_of(corpus_of(SAMPLE), "billing-question")
    assert len(page.named("h1")) == 1
    for value in ("Billing question", "Answer a question about a bill.", "Billing team", "3", "2025-01-31",
                  "Phone", "Chat", "billing", "phone calls"):
        assert value in page.text
    hrefs = [a["href"] for a in page.named("a")]
    assert "../tags.md#tag-phone-calls" in hrefs


def test_inputs_table_lists_every_input(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.inputs_table(corpus.sops["billing-question"].inputs.values()))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    assert len(rows) == 1 + 3
    assert "lease, loan" in Elements(html).text


def test_flowchart_is_inlined_and_excluded_from_search(corpus_of):
    page = page_of(corpus_of(SAMPLE), "billing-question")
    figures = page.named("figure")
    assert len(figures) == 1 and "data-search-exclude" in figures[0]
    assert page.named("svg") and not page.named("img")


def test_scripts_are_code_blocks_with_placeholders_marked(corpus_of):
    corpus = corpus_of(SAMPLE)
    text = markdown.sop_page(corpus.sops["billing-question"], corpus, None)
    assert re.search(r"```text\n +Hello \[Homeowner Name\], thanks for calling\.\n +```", text)
    page = Elements(to_html(text))
    codes = [t.strip() for t in page.text_parts if "thanks for calling" in t]
    assert codes == ["Hello [Homeowner Name], thanks for calling."]


def test_prose_and_field_placeholders_are_chips(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.sop_page(corpus.sops["billing-question"], corpus, None))
    assert html.count('class="sopc-placeholder"') >= 3  # do text, field Summary, field Labels
    assert "{{" not in Elements(html).text


def test_records_are_field_tables(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.record_block(corpus.sops["billing-question"].steps["greet"].records[0],
                                         markdown.Placeholders(corpus.sops["billing-question"])))
    page = Elements(html)
    assert len(page.named("td")) == 4
    assert "Comment in Jira: Call log" in page.text and "billing" in page.text


def test_callouts_and_gaps_are_admonitions(corpus_of):
    corpus = corpus_of(SAMPLE)
    page = page_of(corpus, "billing-question")
    classes = [a.get("class", "") for a in page.named("div")]
    assert "admonition warning" in classes  # the callout
    gaps = [c for c in classes if "sopc-gap" in c]
    assert len(gaps) == 2  # one for the SOP, one for a step
    assert "Missing from the source" in page.text


def test_options_link_to_their_steps_and_hand_offs_to_other_pages(corpus_of):
    corpus = corpus_of(SAMPLE)
    hrefs = [a["href"] for a in page_of(corpus, "billing-question").named("a")]
    for target in ("#lease_answer", "#loan_answer", "#which_plan", "#give_up", "#done", "loan-servicing.md"):
        assert target in hrefs
    external = [a["href"] for a in page_of(corpus, "loan-servicing").named("a")]
    assert "https://wiki.example.com/escalating" in external


def test_conditions_are_described(corpus_of):
    corpus = corpus_of(SAMPLE)
    text = page_of(corpus, "billing-question").text
    assert "(when Plan type is lease)" in text and "(otherwise)" in text


def test_referenced_by_lists_the_hand_offs_to_an_sop(corpus_of):
    corpus = corpus_of(SAMPLE)
    page = page_of(corpus, "loan-servicing")
    assert "_referenced-by" in headings(page)
    assert "billing-question.md#loan_answer" in [a["href"] for a in page.named("a")]


def test_procedures_page_has_an_anchor_per_procedure_and_its_referrers(corpus_of):
    corpus = corpus_of(SAMPLE)
    page = Elements(to_html(markdown.procedures_page(corpus)))
    assert set(headings(page)) == {"escalating-complaints", "back-office"}
    assert "sops/loan-servicing.md#escalate" in [a["href"] for a in page.named("a")]


def test_home_lists_sops_by_tag_with_one_line(corpus_of):
    corpus = corpus_of(SAMPLE)
    home = markdown.home_page(corpus)
    page = Elements(to_html(home))
    assert headings(page) == ["tag-billing", "tag-phone-calls"]
    billing = home.split("{#tag-billing}")[1].split("## ")[0]
    assert "Answer a question about a bill." in billing  # the summary
    assert "Handle loan questions." in billing and "Then more text" not in billing  # first sentence


def test_tags_page_lists_each_tag(corpus_of):
    page = Elements(to_html(markdown.tags_page(corpus_of(SAMPLE))))
    assert headings(page) == ["tag-billing", "tag-phone-calls"]


def test_rule_reference_covers_every_rule():
    index = markdown.rules_index(RULES)
    for rule in RULES:
        assert f"({rule.SLUG}.md)" in index
        page = Elements(to_html(markdown.rule_page(rule)))
        assert rule.ID in page.text and rule.SEVERITY in page.text
        assert len(page.named("h1")) == 1
