"""SOP pages and corpus pages as Markdown, checked through the HTML the
site's Markdown extensions make of them."""

import re

from sopc.emit import markdown
from sopc import codes
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


def test_scripts_are_verbatim_blocks_with_placeholders_marked(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.sop_page(corpus.sops["billing-question"], corpus, None))
    script = re.search(r'<p class="sopc-script-text">(.*?)</p>', html, re.S).group(1)
    assert 'Hello <span class="sopc-placeholder">&#91;Homeowner Name&#93;</span>, thanks for calling.' == script
    assert "Say: Opening" in Elements(html).text


def test_a_script_keeps_its_line_breaks_and_markdown_characters(corpus_of):
    corpus = corpus_of({"s.yaml": """
        sop: s
        title: S
        steps:
          one:
            scripts:
              - send: "Hi *there*,\\n\\n# not a heading\\n- not a list <b>"
            end: resolved
        """})
    html = to_html(markdown.sop_page(corpus.sops["s"], corpus, None))
    page = Elements(html)
    assert "Hi *there*, # not a heading - not a list <b>" in page.text
    assert "<h1>" not in html.split("sopc-script")[1] and "<b>" not in html
    assert "Hi *there*,&#10;&#10;# not a heading" in html


def test_steps_are_numbered_once_and_links_use_the_numbers(corpus_of):
    corpus = corpus_of({"s.yaml": """
        sop: s
        title: S
        steps:
          first:
            title: Step 1 (lost in the source)
            next: second
          second:
            title: Step 2 - Create a case
            next: third
          third:
            title: 1. Assemble the details
            end: resolved
        """})
    page = page_of(corpus, "s")
    text = page.text
    for heading in ("1. Lost in the source", "2. Create a case", "3. Assemble the details"):
        assert heading in text
    assert "source: Step 2" in text and "source: 1." in text
    assert "Next: 2. Create a case" in text and "Next: 3. Assemble the details" in text
    assert "2. Step 2" not in text and "3. 1." not in text


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


def test_callouts_are_admonitions_and_gaps_collapsed_author_notes_after_the_step(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.sop_page(corpus.sops["billing-question"], corpus, None))
    page = Elements(html)
    classes = [a.get("class", "") for a in page.named("div")]
    assert "admonition warning" in classes  # the callout
    assert not [c for c in classes if "sopc-gap" in c]  # not a warning box
    gaps = [a for a in page.named("details") if "sopc-gap" in a.get("class", "")]
    assert len(gaps) == 2 and not any("open" in a for a in gaps)  # one for the SOP, one for a step
    assert "Author note" in page.text
    step = html.split('id="lease_answer"')[1].split("<h2")[0]
    assert step.index("Wait") < step.index("sopc-gap")  # below what the agent must do


def test_a_sub_procedure_reached_with_then_says_where_to_go_back(corpus_of):
    corpus = corpus_of(SAMPLE)
    page = Elements(to_html(markdown.sop_page(corpus.sops["loan-servicing"], corpus, None)))
    assert "billing-question.md#done" in [a["href"] for a in page.named("a")]
    assert "Go back: from Billing question: back to 7. Done" in page.text
    caller = page_of(corpus, "billing-question")
    assert "Came here from another procedure" not in caller.text  # nobody hands off to it


def test_a_hash_starting_a_line_is_text_and_addresses_are_links(corpus_of):
    corpus = corpus_of({"s.yaml": """
        sop: s
        title: S
        steps:
          one:
            do: |
              Post in
              #support-and-cs-team-members-only and see
              <https://app.example.com/report?a=1&b_c=2>.
              Also https://example.com/x_y_z.

              # A heading on purpose
            end: resolved
        """})
    html = to_html(markdown.sop_page(corpus.sops["s"], corpus, None))
    page = Elements(html)
    assert "#support-and-cs-team-members-only" in page.text
    hrefs = [a["href"] for a in page.named("a")]
    assert "https://app.example.com/report?a=1&b_c=2" in hrefs and "https://example.com/x_y_z" in hrefs
    assert "https://example.com/x_y_z." not in hrefs
    assert [h for h in ("h1", "h2", "h3") if "A heading on purpose" in html.split(f"<{h}")[-1][:60]] == ["h3"]


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


def test_home_lists_each_sop_once_a_to_z_with_one_line_channels_and_tag_filter(corpus_of):
    corpus = corpus_of(SAMPLE)
    html = to_html(markdown.home_page(corpus))
    page = Elements(html)
    entries = [a for a in page.named("div") if a.get("class") == "sopc-sop-entry"]
    assert [e["data-tags"] for e in entries] == ["billing|phone calls", "billing"]  # A to Z, each once
    links = [a["href"] for a in page.named("a") if a.get("class") == "sopc-entry-title"]
    assert links == ["sops/billing-question.md", "sops/loan-servicing.md"]
    assert "Answer a question about a bill." in page.text  # the summary
    assert "Handle loan questions." in page.text and "Then more text" not in page.text  # first sentence
    assert "Phone, Chat" in page.text
    chips = [b["data-tag"] for b in page.named("button")]
    assert chips == ["", "billing", "phone calls"]


def test_tags_page_lists_each_tag(corpus_of):
    page = Elements(to_html(markdown.tags_page(corpus_of(SAMPLE))))
    assert headings(page) == ["tag-billing", "tag-phone-calls"]


def test_rule_reference_covers_every_code():
    index = markdown.rules_index(codes.CODES)
    for code in codes.CODES:
        assert f"({code.slug}.md)" in index
        page = Elements(to_html(markdown.rule_page(code)))
        assert code.code in page.text and code.severity in page.text
        assert len(page.named("h1")) == 1


def test_an_sop_page_has_one_front_matter_with_its_title_and_search_boost(corpus_of):
    corpus = corpus_of(SAMPLE)
    text = markdown.sop_page(corpus.sops["billing-question"], corpus, None)
    front, body = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S).groups()
    assert 'title: "Billing question"' in front and "boost:" in front
    assert not body.lstrip().startswith("---")
    assert "boost: 0.5" in markdown.procedures_page(corpus).split("---")[1]
