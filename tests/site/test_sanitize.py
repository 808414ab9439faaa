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
