"""Make author text safe to put into a page.

SOP text arrives by pull request, so it is treated as untrusted: raw HTML must
reach the reader as text, never as markup, and links may only go to http(s),
mailto or internal addresses. The Markdown an SOP may use is a small subset
(docs/authoring.md, "Formatting"): emphasis, code, lists, tables and links
with safe addresses; everything else shows as the characters written.

Instead of predicting exactly how the Markdown processor will parse a text,
every transformation here is safe whatever the parser decides:

- line ends are normalised and characters no page may carry (control
  characters, lone surrogates, noncharacters) removed first, so that no `\\r`
  ends a block the page thinks is still open;
- `<`, `>` and `&` are HTML-escaped everywhere outside code;
- code (inline spans and fenced blocks) is turned into our own `<code>` /
  `<pre><code>` HTML whose content is fully entity-encoded, so it is shown
  verbatim even if the parser does not see it as code;
- `{` is entity-encoded, so `attr_list` syntax (`{: onclick=...}`) cannot add
  attributes;
- an inline link with a safe address is re-written with its address parsed
  and percent-encoded; every other `[` and `]` is entity-encoded, so no
  reference, image or half-recognised link syntax is left for the parser;
- `<https://...>` autolinks and bare http(s) addresses become links (parsed
  and encoded the same way);
- a `#` starting a line is text (a Slack channel such as `#support`) unless
  it is followed by a space, the Markdown heading an author writes on
  purpose; such headings are moved two levels down, below the page's step
  headings, so they never compete with them;
- other block syntax that would change the page's structure (admonitions,
  collapsible blocks, underlined headings) is entity-encoded where it starts
  a line;
- nesting is bounded, so that no text makes the Markdown processor recurse
  without end or work for minutes.

`page_html()` is the last line of defence: the HTML an engine renders for a
generated page goes through an allow-list sanitizer before it is written.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from sopc.language import braced, is_input_id

ALLOWED_SCHEMES = ("http", "https", "mailto")

# Nesting deeper than this is shown flattened: SOP text never needs it, and
# Python-Markdown recurses once per level (300 levels end in RecursionError).
MAX_INDENT = 24  # columns: six levels of list
MAX_MARKERS = 6  # list markers opening one line ("- - - x")
# Python-Markdown's inline work grows with the square of the marks (entities,
# emphasis, code) in a paragraph: 30,000 `[` take minutes. A text with more
# marks than this is shown as written, in a preformatted block.
MAX_MARKS = 2000
MAX_PLAIN = 500  # characters of a label or value shown inside our own HTML

# The lookaheads stop a long run of backticks being retried at every shorter length.
_FENCE = re.compile(r"^([ \t]*)(`{3,}(?!`)|~{3,}(?!~))[^\n]*\n(.*?)(?:^[ \t]*\2[`~]*[ \t]*$|\Z)", re.M | re.S)
# A code span on one line, not preceded by a backslash (Python-Markdown's rule).
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
# Unambiguous (no two quantifiers compete for the same characters), so a
# failing match costs linear time.
_INLINE_LINK = re.compile(r"""(!?)\[([^\[\]\n]*)\]\([ \t]*<?([^()\s<>]*(?:\([^()\s<>]*\)[^()\s<>]*)?)>?(?:[ \t]+"([^"\n]*)"|[ \t]+'([^'\n]*)')?[ \t]*\)""")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")
# C0/C1 controls other than tab and newline, and noncharacters: no page may carry them.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LIST_MARKER = r"(?:[-*+]|\d{1,9}[.)])[ \t]+"
_BLOCK_START = re.compile(rf"^([ \t]*(?:{_LIST_MARKER})*)(!!!|\?\?\?|[=-](?=[=\- \t]*$))", re.M)
_MARKERS = re.compile(rf"^([ \t]*(?:{_LIST_MARKER}){{{MAX_MARKERS}}})((?:{_LIST_MARKER})+)", re.M)
_LEADING = re.compile(r"^[ \t]+", re.M)
# Characters percent-encoded in an address even where URLs allow them: they
# end a Markdown link, an HTML attribute or a DOT string.
_URL_KEEP = "/:?#@!$&*+,;=~%-._"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BARE_HASH = re.compile(r"(?<!&)#")  # a `#` that does not start an entity

# `<https://...>` and bare http(s) addresses, outside link syntax (not right
# after `](`, `](<`, `[` or a reference definition's `]: `).
_URL_BODY = r"""[^\s<>(){}\[\]"'`]+(?:\([^\s<>(){}\[\]"'`]*\)[^\s<>(){}\[\]"'`]*)*"""
_ADDRESS = re.compile(rf"(?<!\]\()<(?P<auto>(?:https?://|mailto:){_URL_BODY})>"
                      rf"|(?<![\w/(<\[=\"'])(?<!\]: )(?P<bare>https?://{_URL_BODY})")
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!?]+$")
# Also after list markers: `- # x` would be a heading inside the item.
_HEADING = re.compile(rf"^([ \t]{{0,3}}(?:{_LIST_MARKER})*)(#{{1,6}})(?=[ \t])", re.M)
_HASH_AT_LINE_START = re.compile(rf"^([ \t]*(?:{_LIST_MARKER})*)#", re.M)
HEADING_SHIFT = 2


# -- text and addresses ---------------------------------------------------------

def clean_text(text) -> str:
    """Line ends normalised to `\\n`; control characters, lone surrogates and noncharacters removed."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    return _SURROGATE.sub("\ufffd", _UNSHOWABLE.sub("", text))


def is_safe_url(url: str) -> bool:
    """Whether a link address is http(s), mailto or internal (no scheme)."""
    # Browsers ignore whitespace and control characters inside a scheme and
    # decode entities in attributes, so judge the address as they would see it.
    cleaned = url
    for _ in range(3):  # entities of entities: judge the most decoded form
        cleaned = html.unescape(cleaned)
    cleaned = _INVISIBLE.sub("", cleaned).strip("<>")
    cut = re.search(r"[:/?#]", cleaned)
    if not cut or cut.group() != ":":
        return True
    return cleaned[:cut.start()].lower() in ALLOWED_SCHEMES


def safe_url(url, *, external: bool = False) -> str | None:
    """The address as it may be written into a page or a graph, or None if it must not be a link.

    Parsed, not matched: the scheme must be http(s) (with a host) or mailto
    (with an address), or absent for an internal link (refused when
    `external`). Spaces, quotes, `<`, `>`, parentheses, brackets and
    non-ASCII characters are percent-encoded, so the address can end neither
    a Markdown link, an HTML attribute nor a DOT string.
    """
    text = clean_text(url).strip()
    if not text or "\n" in text or not is_safe_url(text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a malformed host or port
    except ValueError:
        return None
    encoded = quote(_BARE_PERCENT.sub("%25", text), safe=_URL_KEEP)
    scheme = parts.scheme.lower()
    if not scheme:
        return None if external or encoded.startswith("//") else encoded
    if scheme in ("http", "https"):
        return encoded if parts.netloc and parts.hostname else None
    return encoded if scheme == "mailto" and parts.path else None


# -- Markdown -------------------------------------------------------------------

def entities(text: str) -> str:
    """Every character that means something to Markdown or HTML as an entity."""
    return "".join(ch if ch.isalnum() or ch in " \n" else f"&#{ord(ch)};" for ch in text)


def markdown(text: str, placeholder=None, links: bool = True) -> str:
    """Author Markdown made safe; `placeholder(name)` renders `{{ name }}` (safe HTML).

    With `links`, links with safe addresses and addresses written out
    (`<https://...>` or bare) become links; without, they stay text.
    """
    text = clean_text(text)
    out = []
    position = 0
    for fence in _FENCE.finditer(text):
        out.append(_headings(_inline_safe(text[position:fence.start()], placeholder, links)))
        out.append(_code_block(fence.group(1), fence.group(3)))
        position = fence.end()
    out.append(_headings(_inline_safe(text[position:], placeholder, links)))
    rendered = "".join(out)
    if _marks(rendered) > MAX_MARKS:
        return _code_block("", text)
    return rendered


def line(text: str, placeholder=None, links: bool = True) -> str:
    """A text made safe for one line of a page (a question, a table cell).

    A line cannot hold the preformatted block `markdown()` falls back to, so
    a text with too many marks is shortened instead (with "…").
    """
    flat = " ".join(clean_text(text).split())
    rendered = markdown(flat, placeholder, links)
    while _marks(rendered) > MAX_MARKS:
        flat = flat[:len(flat) // 2] + "…"
        rendered = markdown(flat, placeholder, links)
    return rendered


def inline(text: str, placeholder=None) -> str:
    """A one-line text (title, label, heading) made safe; no link syntax."""
    return _hash_as_text(line(text, placeholder, links=False))


def cell(text: str, placeholder=None) -> str:
    """A text made safe for a Markdown table cell (one line, no pipes)."""
    lines = [line(part, placeholder) for part in clean_text(text).split("\n") if part.strip()]
    return "<br>".join(lines).replace("|", "&#124;") or " "


def plain(text: str) -> str:
    """Text shown as-is inside our own HTML: attribute values, and element
    content that Markdown would otherwise still read (links, emphasis).
    Every mark becomes an entity, so a long text is shortened (with "…")."""
    flat = " ".join(clean_text(text).split())
    return entities(flat if len(flat) <= MAX_PLAIN else flat[:MAX_PLAIN - 1] + "…")


def _marks(rendered: str) -> int:
    """How many things Python-Markdown has to match: inline marks, tags and lines."""
    return sum(rendered.count(mark) for mark in "&*_`\\|<\n")


def _code_block(indent: str, body: str) -> str:
    lines = body.rstrip("\n").split("\n")
    content = "&#10;".join(entities(line[len(indent):] if line.startswith(indent) else line) for line in lines)
    return f"{indent}<pre><code>{content}</code></pre>\n"


def _headings(text: str) -> str:
    """A heading written on purpose (`# ` and a space) moved below the step
    headings; any other `#` starting a line shown as text."""
    text = _HEADING.sub(lambda m: m.group(1) + "#" * min(6, len(m.group(2)) + HEADING_SHIFT), text)
    return _HASH_AT_LINE_START.sub(lambda m: m.group(0) if _HEADING.match(text, m.start()) else m.group(1) + "&#35;",
                                   text)


def _hash_as_text(rendered: str) -> str:
    # In a heading line, Markdown drops a trailing `#` ("C#") as a closing sequence.
    return _BARE_HASH.sub("&#35;", rendered)


def _inline_safe(text: str, placeholder, links: bool = True) -> str:
    text = _bounded(text)
    out = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_prose(text[position:span.start()], placeholder, links))
        out.append(f"<code>{entities(span.group(2).strip())}</code>")
        position = span.end()
    out.append(_prose(text[position:], placeholder, links))
    return _BLOCK_START.sub(_neutral_block_start, "".join(out))


def _bounded(text: str) -> str:
    """Indentation and runs of list markers capped, so nesting stays shallow."""
    text = _LEADING.sub(lambda m: " " * min(len(m.group(0).expandtabs(4)), MAX_INDENT), text)
    return _MARKERS.sub(lambda m: m.group(1) + entities(m.group(2)), text)


def _neutral_block_start(match: re.Match) -> str:
    lead, syntax = match.groups()
    return lead + f"&#{ord(syntax[0])};" + syntax[1:]


def _prose(text: str, placeholder, links: bool = True) -> str:
    if not links:
        return _words(text, placeholder, links)
    pieces = []
    position = 0
    for link in _INLINE_LINK.finditer(text):
        pieces.append(_no_image_mark(_words(text[position:link.start()], placeholder, links)))
        pieces.append(_link(link, placeholder))
        position = link.end()
    pieces.append(_words(text[position:], placeholder, links))
    return "".join(pieces)


def _words(text: str, placeholder, links: bool) -> str:
    """Prose without links: escaped, no bracket left for a parser to pair."""
    pieces = []
    position = 0
    for match, name in braced(text) if placeholder and "{{" in text else ():
        if is_input_id(name):
            pieces.append(_escape_with_links(text[position:match.start()], links))
            pieces.append(placeholder(name))
            position = match.end()
    pieces.append(_escape_with_links(text[position:], links))
    return "".join(pieces)


def _escape_with_links(text: str, links: bool) -> str:
    if not links:
        return _escape_prose(text)
    pieces = []
    position = 0
    for match in _ADDRESS.finditer(text):
        url = match.group("auto") or _TRAILING_PUNCTUATION.sub("", match.group("bare"))
        end = match.end() if match.group("auto") else match.start() + len(url)
        pieces.append(_no_image_mark(_escape_prose(text[position:match.start()])))
        pieces.append(link_to(url))
        position = end
    pieces.append(_escape_prose(text[position:]))
    return "".join(pieces)


def _no_image_mark(before_link: str) -> str:
    # A `!` right before a link we write would make it an image (a remote load).
    return before_link[:-1] + "&#33;" if before_link.endswith("!") else before_link


def link_to(url: str) -> str:
    """A Markdown link showing the address itself; unsafe addresses stay text."""
    shown = entities(url)
    address = safe_url(url, external=True)
    return f"[{shown}](<{address}>)" if address else shown


def _escape_prose(text: str) -> str:
    return (html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
            .replace("[", "&#91;").replace("]", "&#93;"))


def _link(match: re.Match, placeholder) -> str:
    bang, label, url, double_quoted, single_quoted = match.groups()
    shown = _words(label, placeholder, links=False)
    address = safe_url(url)
    if address is None:
        return shown
    title = double_quoted if double_quoted is not None else single_quoted
    # An image would load a remote resource on every page view: link to it instead.
    titled = f' "{plain(title)}"' if title else ""
    return f"[{shown}](<{address}>{titled})"


# -- the rendered page ----------------------------------------------------------

# What the generated pages are made of (Python-Markdown with the site's
# extensions, the flowchart SVG and our own markup). Anything else is removed.
PAGE_TAGS = {
    "a", "abbr", "b", "br", "button", "code", "del", "details", "div", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    # the flowchart
    "svg", "g", "polygon", "polyline", "path", "ellipse", "text", "defs",
}
PAGE_ATTRIBUTES = {
    # data-search-exclude: parts of a page the search index leaves out (see sopc.emit.search_index)
    "*": {"class", "id", "title", "hidden", "aria-label", "aria-hidden", "aria-live", "role", "data-search-exclude"},
    "a": {"href"},
    "button": {"type", "data-tag"},  # the home page's tag filter
    "div": {"data-tags", "data-sop"},  # the home page's entries; guided mode's hook
    "ol": {"start"},
    "td": {"align", "style"}, "th": {"align", "style"},
    "details": {"open"},
    "svg": {"viewBox", "style", "xmlns"},
    "g": {"transform"},
    "polygon": {"fill", "stroke", "stroke-width", "stroke-dasharray", "points"},
    "polyline": {"fill", "stroke", "stroke-width", "stroke-dasharray", "points"},
    "path": {"fill", "stroke", "stroke-width", "stroke-dasharray", "d"},
    "ellipse": {"fill", "stroke", "stroke-width", "stroke-dasharray", "cx", "cy", "rx", "ry"},
    "text": {"text-anchor", "x", "y", "font-family", "font-size", "font-weight", "fill"},
}
PAGE_STYLE_PROPERTIES = {"width", "max-width", "text-align"}


def page_html(text: str) -> str:
    """A generated page's rendered HTML through an allow-list sanitizer (nh3).

    Only the elements and attributes the generated pages are made of survive;
    links keep http(s), mailto and internal addresses. Applied to every page
    sopc generates, by `sopc build` and by a plain `mkdocs build` alike.
    """
    import nh3

    return nh3.clean(text, tags=PAGE_TAGS, attributes=PAGE_ATTRIBUTES, url_schemes=set(ALLOWED_SCHEMES),
                     link_rel=None, strip_comments=True, filter_style_properties=PAGE_STYLE_PROPERTIES)


_ARTICLE = re.compile(r'(<article\b[^>]*\bmd-content__inner\b[^>]*>)(.*)(</article>)', re.S)


def page_content_html(page: str) -> str:
    """A whole built page with the content of its article sanitized as `page_html()` does.

    For engines that run no MkDocs plugins: the theme's own markup (scripts
    included) around the article is left as the engine wrote it.
    """
    match = _ARTICLE.search(page)
    if not match:
        return page
    return page[:match.start(2)] + page_html(match.group(2)) + page[match.end(2):]
