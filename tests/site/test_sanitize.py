"""Author text is untrusted: after sanitizing and rendering with the site's
Markdown extensions, no markup, handler or unsafe link may survive."""

import pytest

from sopc.emit import sanitize

from site_helpers import Elements, to_html

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( java\tscript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[a [nested] label](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]:\n  javascript:alert(1)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    'Para {: onclick="window.__pwned=1" }',
    '# Heading {: onmouseover="window.__pwned=1" }',
    "[link](https://ok.example){: onclick=\"window.__pwned=1\"}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\`<script>window.__pwned=1</script>`",
    "`a\n\n<script>window.__pwned=1</script>\n\n`",
    "```\n</code></pre><script>window.__pwned=1</script>\n```",
    "<div markdown>**x**</div><iframe src=https://evil.example></iframe>",
    "- item\n\n    <script>window.__pwned=1</script>",
    "<!-- comment --><style>body{display:none}</style>",
]


def rendered(text):
    return Elements(to_html(sanitize.markdown(text, lambda name: f'<span class="ph">{name}</span>')))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_leaves_no_markup_handler_or_unsafe_link(text):
    page = rendered(text)
    allowed_tags = {"p", "a", "code", "pre", "span", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "div"}
    assert {tag for tag, _ in page.tags} <= allowed_tags
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")]
        assert set(attrs) <= {"href", "class", "id", "title"}
        if "href" in attrs:
            assert sanitize.is_safe_url(attrs["href"]), attrs["href"]


@pytest.mark.parametrize("text, visible", [
    ("<script>window.__pwned=1</script>", "<script>window.__pwned=1</script>"),
    ('<img src=x onerror="window.__pwned=1">', '<img src=x onerror="window.__pwned=1">'),
    ("O&M team & friends", "O&M team & friends"),
    ("use `<b>` and `a*b*c`", "use <b> and a*b*c"),
    ("```\n<i>x</i> & {y}\n```", "<i>x</i> & {y}"),
    ("a {b} c", "a {b} c"),
])
def test_hostile_text_is_shown_as_text(text, visible):
    assert rendered(text).text == visible


def test_markdown_formatting_keeps_working():
    page = rendered("Some **bold**, *emphasis* and a [link](https://example.com/a?b=1&c=2).\n\n- one\n- two")
    assert ("strong", {}) in page.tags and ("em", {}) in page.tags
    assert page.named("a") == [{"href": "https://example.com/a?b=1&c=2"}]
    assert len(page.named("li")) == 2


@pytest.mark.parametrize("url", ["https://a.example/x", "http://a.example", "mailto:team@example.com",
                                 "other-sop.md#step", "#step", "../procedures/", "page.md"])
def test_safe_links_are_kept(url):
    assert rendered(f"[go]({url})").named("a") == [{"href": url}]


def test_unsafe_link_keeps_its_label_as_text():
    page = rendered("Click [here](javascript:alert(1)) now")
    assert page.named("a") == [] and page.text == "Click here now"


def test_image_becomes_a_link_so_nothing_remote_loads():
    page = rendered("![diagram](https://example.com/x.png)")
    assert page.named("img") == [] and page.named("a") == [{"href": "https://example.com/x.png"}]


def test_placeholders_use_the_callback_outside_code_only():
    page = rendered("Hi {{ homeowner_name }}, see `{{ raw }}`")
    assert page.named("span") == [{"class": "ph"}]
    assert "homeowner_name" in page.text and "{{ raw }}" in page.text


@pytest.mark.parametrize("url, safe", [
    ("https://x.example", True), ("HTTP://x.example", True), ("mailto:a@b.example", True),
    ("#anchor", True), ("page.md", True), ("/abs/path", True), ("page.md?a=b:c", True),
    ("javascript:alert(1)", False), (" javascript:x", False), ("java\nscript:x", False),
    ("&#x6A;avascript:x", False), ("&amp;#106;avascript:x", False), ("data:text/html,x", False),
    ("file:///etc/passwd", False), ("ftp://x.example", False),
])
def test_is_safe_url(url, safe):
    assert sanitize.is_safe_url(url) is safe


def test_inline_and_cell_stay_on_one_line_and_keep_tables_intact():
    assert "\n" not in sanitize.inline("a\nb [c](d)")
    html = to_html("| A | B |\n|---|---|\n| " + sanitize.cell("x | y\nsecond <b>") + " | z |")
    page = Elements(html)
    assert len(page.named("td")) == 2 and "x | y" in page.text and "second <b>" in page.text


# -- line ends, block syntax, bounded work, addresses, the page sanitizer -------------

@pytest.mark.parametrize("text", [
    "Hi\r<img src=x onerror=window.__pwned=1>",
    "```\nsay\r```\r<img src=x onerror=window.__pwned=1>",
    "a\u2028b\x00c\x1b[2J<script>x</script>\ufffe",
])
def test_line_ends_and_control_characters_cannot_open_markup(text):
    page = rendered(text)
    assert page.named("img") == [] and page.named("script") == []
    assert not any(ch in to_html(sanitize.markdown(text)) for ch in "\r\x00\x1b\ufffe")


@pytest.mark.parametrize("text, tag", [
    ("!!! danger \"Policy\"\n    Refund everyone.", "div"),
    ("??? note\n    hidden", "details"),
    ("# Heading", "h1"), ("- # In a list", "h1"), ("Title\n=====", "h1"), ("Title\n---", "h2"),
    ("1. !!! warning\n       spoof", "div"),
])
def test_block_syntax_that_restructures_the_page_stays_text(text, tag):
    page = rendered(text)
    assert page.named(tag) == []


def test_a_title_ending_in_a_hash_keeps_it():
    assert "C#" in Elements(to_html("# " + sanitize.inline("Support for C#"))).text


@pytest.mark.parametrize("text", [
    "[" * 8000, "![" * 5000, "[a](" * 5000, "".join("    " * i + "- x\n" for i in range(300)),
    "- " * 3000 + "x", "1. " * 3000 + "x", "{{" + " " * 5000, "`a" * 5000, "```\n" * 5000,
])
def test_pathological_markdown_renders_without_recursion(text):
    html = to_html(sanitize.markdown(text, lambda name: "<span>x</span>"))
    depth = deepest = 0
    for tag in __import__("re").findall(r"<(/?)(?:ul|ol)\b", html):
        depth += -1 if tag else 1
        deepest = max(deepest, depth)
    assert deepest <= sanitize.MAX_INDENT // 4 + sanitize.MAX_MARKERS + 1


@pytest.mark.parametrize("render", [sanitize.line, sanitize.inline, sanitize.cell, sanitize.plain])
def test_one_line_texts_with_too_many_marks_are_shortened(render):
    # A label, question or cell of 40,000 `[` once took Python-Markdown minutes.
    rendered = render("[" * 40000)
    assert sanitize._marks(rendered) <= sanitize.MAX_MARKS + 1 and "…" in __import__("html").unescape(rendered)


def test_a_text_with_too_many_marks_is_shown_as_written():
    text = "[" * (sanitize.MAX_MARKS + 1)
    page = rendered(text)
    assert page.named("pre") and page.text == text


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/a?b=1&c=2#x", "https://example.com/a?b=1&c=2#x"),
    ("https://example.com/>)<svg/onload=alert(1)>", "https://example.com/%3E%29%3Csvg/onload=alert%281%29%3E"),
    ("https://example.com/a b\"c'", "https://example.com/a%20b%22c%27"),
    ("https://example.com/100%", "https://example.com/100%25"),
    ("mailto:team@example.com", "mailto:team@example.com"),
    ("https://bücher.example/", "https://b%C3%BCcher.example/"),
    ("javascript:alert(1)", None), ("https://", None), ("https:///path", None), ("mailto:", None),
    ("data:text/html,x", None), ("https://a.example/\nb", None), ("http://[::1", None),
])
def test_safe_url_parses_validates_and_encodes(url, expected):
    assert sanitize.safe_url(url, external=True) == expected


def test_relative_addresses_are_safe_only_where_internal_links_are_allowed():
    assert sanitize.safe_url("../other/#step") == "../other/#step"
    assert sanitize.safe_url("../other/", external=True) is None
    assert sanitize.safe_url("//evil.example/x") is None


def test_a_link_address_that_breaks_out_is_encoded_not_followed():
    page = rendered("see [x](https://example.com/>)<svg/onload=alert(1)>")
    assert page.named("svg") == [] and not [a for _, a in page.tags if "onload" in a]


def test_plain_text_reaches_html_with_no_markdown_left():
    page = Elements(to_html(f"<small>{sanitize.plain('[x](javascript:alert(1)) ![p](https://e.example/p.png) {: onclick=y }')}</small>"))
    assert page.named("a") == [] and page.named("img") == []
    assert "[x](javascript:alert(1))" in page.text


def test_page_html_keeps_the_page_and_removes_anything_live():
    dirty = ('<h2 id="s">T<a class="headerlink" href="#s" title="Permanent link">¶</a></h2>'
             '<p onclick="x()">a <a href="javascript:alert(1)">j</a> <img src=x onerror=y><script>x</script></p>'
             '<figure class="sopc-flowchart" data-search-exclude><svg viewBox="0 0 1 1" style="width: 9pt; '
             'position: fixed"><g><a xlink:href="#s" xlink:title="Go"><text x="1" y="2">T</text></a>'
             '<a xlink:href="javascript:alert(1)"><path d="M1,2"/></a></g></svg></figure>')
    page = Elements(sanitize.page_html(dirty))
    assert {tag for tag, _ in page.tags} == {"h2", "a", "p", "figure", "svg", "g", "text", "path"}
    hrefs = [attrs.get("href") or attrs.get("xlink:href") for tag, attrs in page.tags if tag == "a"]
    assert hrefs == ["#s", None, "#s", None]
    assert not [name for _, attrs in page.tags for name in attrs if name.startswith("on")]
    assert page.named("svg")[0]["style"] == "width:9pt"


@pytest.mark.parametrize("text, links", [
    ("see <https://app.example.com/r?a=1&b_c=2>.", ["https://app.example.com/r?a=1&b_c=2"]),
    ("see https://example.com/a_b, then", ["https://example.com/a_b"]),
    ("open https://example.com/x.", ["https://example.com/x"]),
    ("mail <mailto:help@example.com>", ["mailto:help@example.com"]),
    ("[the wiki](https://example.com/w)", ["https://example.com/w"]),
    ("[https://example.com/w](https://example.com/w)", ["https://example.com/w"]),
    ("[the wiki](<https://example.com/w>)", ["https://example.com/w"]),
    ("<javascript:alert(1)>", []),
    ("javascript:alert(1)", []),
    ("ftp://example.com/file", []),
])
def test_addresses_written_out_become_links_once_and_only_safe_ones(text, links):
    page = rendered(text)
    assert [attrs["href"] for tag, attrs in page.tags if tag == "a"] == links


@pytest.mark.parametrize("text, heading, shown", [
    ("#support-and-cs-team-members-only and tag", None, "#support-and-cs-team-members-only and tag"),
    ("Post in\n#channel today", None, "Post in #channel today"),
    ("# A heading", "h3", "A heading"),
    ("### Deep", "h5", "Deep"),
    ("#", None, "#"),
])
def test_a_hash_starting_a_line_is_text_unless_a_heading_is_meant(text, heading, shown):
    page = rendered(text)
    assert [tag for tag, _ in page.tags if tag.startswith("h")] == ([heading] if heading else [])
    assert page.text == shown


# -- seeded fuzz: random mixes of Markdown and HTML syntax ----------------------------

FUZZ_TOKENS = [
    "<", ">", "[", "]", "](", ")", "(", "javascript:", "JaVa\tScript:", "data:text/html,", "!", "{:", "}", "{",
    "{{ name }}", " onclick=", "onerror=", '"', "'", "`", "```\n", "~~~\n", "\r", "\n", "\n\n", "    ", "- ", "1. ",
    "# ", "## ", "#", "!!! note\n", "??? x\n", "<https://", "https://a.example/", "mailto:a@b.c", "&#", "&#x6a;", ";",
    "x", " ", "*", "_", "|", "<img src=x onerror=y>", "<script>", "</script>", "<a href=", "=", "===\n", "---\n",
    "[x]: ", "\\", "<!--", "-->", "<div markdown>", "</div>", "&lt;", "&amp;", ":", "/", "?", "%", "\t",
]
FUZZ_TAGS = {"p", "a", "code", "pre", "span", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em",
             "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "small"}
CONTEXTS = {
    "markdown": lambda t: sanitize.markdown(t, lambda name: f'<span class="ph">{name}</span>'),
    "line": lambda t: sanitize.line(t, lambda name: f'<span class="ph">{name}</span>'),
    "heading": lambda t: "# " + sanitize.inline(t),
    "cell": lambda t: "| A |\n|---|\n| " + sanitize.cell(t) + " |",
    "own html": lambda t: f'<small class="x">{sanitize.plain(t)}</small>',
}


@pytest.mark.parametrize("context", CONTEXTS)
def test_random_syntax_never_leaves_markup_a_handler_or_an_unsafe_link(context):
    import os
    import random

    seed = int(os.environ.get("SOPC_FUZZ_SEED", "7"))
    rng = random.Random(f"{seed}-{context}")
    for attempt in range(400):
        text = "".join(rng.choice(FUZZ_TOKENS) for _ in range(rng.randint(1, 40)))
        page = Elements(to_html(CONTEXTS[context](text)))
        for tag, attrs in page.tags:
            assert tag in FUZZ_TAGS, (seed, attempt, text, tag)
            assert set(attrs) <= {"href", "class", "id", "title", "style", "align"}, (seed, attempt, text, attrs)
            assert sanitize.is_safe_url(attrs.get("href") or ""), (seed, attempt, text, attrs)
