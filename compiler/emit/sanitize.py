"""Make author text safe to put into a Markdown page.

SOP text arrives by pull request, so it is treated as untrusted: raw HTML must
reach the reader as text, never as markup, and links may only go to http(s),
mailto or internal addresses. Markdown formatting (emphasis, lists, links
with safe addresses) keeps working.

Instead of predicting exactly how the Markdown processor will parse a text,
every transformation here is safe whatever the parser decides:

- `<`, `>` and `&` are HTML-escaped everywhere outside code;
- code (inline spans and fenced blocks) is turned into our own `<code>` /
  `<pre><code>` HTML whose content is fully entity-encoded, so it is shown
  verbatim even if the parser does not see it as code;
- `{` is entity-encoded, so `attr_list` syntax (`{: onclick=...}`) cannot add
  attributes;
- any `](address` whose address is not allowed loses its link syntax;
  images become plain links (no remote images are loaded);
- `<https://...>` autolinks and bare http(s) addresses become links;
- a `#` starting a line is text (a Slack channel such as `#support`) unless
  it is followed by a space, the Markdown heading an author writes on
  purpose; such headings are moved two levels down, below the page's step
  headings, so they never compete with them.
"""

from __future__ import annotations

import html
import re

from sopc.language import braced, is_input_id

ALLOWED_SCHEMES = ("http", "https", "mailto")

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n(.*?)(?:^[ \t]*\2[`~]*[ \t]*$|\Z)", re.M | re.S)
# A code span on one line, not preceded by a backslash (Python-Markdown's rule).
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
_INLINE_LINK = re.compile(r"""(!?)\[([^\[\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\))?[^()\s]*)(?:\s+"[^"\n]*"|\s+'[^'\n]*')?\s*\)""")
_LINK_OPENER = re.compile(r"\]\(")
_REFERENCE = re.compile(r"^( {0,3})\[([^\]\n]+)\]:([ \t]*\n?[ \t]*)(\S+)", re.M)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")
# `<https://...>` and bare http(s) addresses, outside link syntax (not right
# after `](`, `](<`, `[` or a reference definition's `]: `).
_URL_BODY = r"""[^\s<>(){}\[\]"'`]+(?:\([^\s<>(){}\[\]"'`]*\)[^\s<>(){}\[\]"'`]*)*"""
_ADDRESS = re.compile(rf"(?<!\]\()<(?P<auto>(?:https?://|mailto:){_URL_BODY})>"
                      rf"|(?<![\w/(<\[=\"'])(?<!\]: )(?P<bare>https?://{_URL_BODY})")
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!?]+$")
_HEADING = re.compile(r"^([ \t]{0,3})(#{1,6})(?=[ \t])", re.M)
_HASH_AT_LINE_START = re.compile(r"^([ \t]*)#", re.M)
HEADING_SHIFT = 2


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


def entities(text: str) -> str:
    """Every character that means something to Markdown or HTML as an entity."""
    return "".join(ch if ch.isalnum() or ch in " \n" else f"&#{ord(ch)};" for ch in text)


def markdown(text: str, placeholder=None, links: bool = True) -> str:
    """Author Markdown made safe; `placeholder(name)` renders `{{ name }}` (safe HTML).

    With `links`, addresses written out (`<https://...>` or bare) become links.
    """
    out = []
    position = 0
    for fence in _FENCE.finditer(text):
        out.append(_headings(_inline_safe(text[position:fence.start()], placeholder, links)))
        out.append(_code_block(fence.group(1), fence.group(3)))
        position = fence.end()
    out.append(_headings(_inline_safe(text[position:], placeholder, links)))
    return "".join(out)


def inline(text: str, placeholder=None) -> str:
    """A one-line text (title, label, table cell) made safe; no link syntax."""
    flat = " ".join(str(text).split())
    return markdown(flat, placeholder, links=False).replace("[", "&#91;").replace("]", "&#93;")


def cell(text: str, placeholder=None) -> str:
    """A text made safe for a Markdown table cell (one line, no pipes)."""
    lines = [markdown(" ".join(line.split()), placeholder) for line in str(text).splitlines() if line.strip()]
    return "<br>".join(lines).replace("|", "&#124;") or " "


def plain(text: str) -> str:
    """Text shown as-is inside our own HTML (attribute or element content)."""
    return html.escape(" ".join(str(text).split()), quote=True)


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


def _inline_safe(text: str, placeholder, links: bool = True) -> str:
    out = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_prose(text[position:span.start()], placeholder, links))
        out.append(f"<code>{entities(span.group(2).strip())}</code>")
        position = span.end()
    out.append(_prose(text[position:], placeholder, links))
    return "".join(out)


def _prose(text: str, placeholder, links: bool = True) -> str:
    if not text:
        return text
    pieces = []
    position = 0
    for match, name in braced(text) if placeholder and "{{" in text else ():
        if is_input_id(name):
            pieces.append(_escape_with_links(text[position:match.start()], links))
            pieces.append(placeholder(name))
            position = match.end()
    pieces.append(_escape_with_links(text[position:], links))
    return _neutralise_links("".join(pieces))


def _escape_with_links(text: str, links: bool) -> str:
    if not links:
        return _escape_prose(text)
    pieces = []
    position = 0
    for match in _ADDRESS.finditer(text):
        url = match.group("auto") or _TRAILING_PUNCTUATION.sub("", match.group("bare"))
        end = match.end() if match.group("auto") else match.start() + len(url)
        pieces.append(_escape_prose(text[position:match.start()]))
        pieces.append(link_to(url))
        position = end
    pieces.append(_escape_prose(text[position:]))
    return "".join(pieces)


def link_to(url: str) -> str:
    """A Markdown link showing the address itself; unsafe addresses stay text."""
    shown = entities(url)
    if not is_safe_url(url):
        return shown
    return f"[{shown}](<{url}>)"


def _escape_prose(text: str) -> str:
    return html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")


def _neutralise_links(text: str) -> str:
    text = _INLINE_LINK.sub(_inline_link, text)
    text = _LINK_OPENER.sub(lambda m: _guard_opener(m, text), text)
    text = _REFERENCE.sub(_reference, text)
    # Image syntax the inline pass did not recognise becomes a plain link.
    return text.replace("![", "&#33;[")


def _inline_link(match: re.Match) -> str:
    bang, label, url = match.groups()
    if not is_safe_url(url):
        return label
    # An image would load a remote resource on every page view: link to it instead.
    return match.group(0)[len(bang):] if bang else match.group(0)


def _guard_opener(match: re.Match, text: str) -> str:
    # Whatever link syntax the inline pass did not recognise: if the address
    # that follows is unsafe, break the `](` so that no parser makes a link.
    rest = text[match.end():]
    address = re.match(r"[^)]*", rest).group(0)
    return match.group(0) if is_safe_url(address) else "]&#40;"


def _reference(match: re.Match) -> str:
    indent, label, space, url = match.groups()
    if is_safe_url(url):
        return match.group(0)
    return f"{indent}&#91;{label}&#93;:{space}{url}"
