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
  images become plain links (no remote images are loaded).
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


def markdown(text: str, placeholder=None) -> str:
    """Author Markdown made safe; `placeholder(name)` renders `{{ name }}` (safe HTML)."""
    out = []
    position = 0
    for fence in _FENCE.finditer(text):
        out.append(_inline_safe(text[position:fence.start()], placeholder))
        out.append(_code_block(fence.group(1), fence.group(3)))
        position = fence.end()
    out.append(_inline_safe(text[position:], placeholder))
    return "".join(out)


def inline(text: str, placeholder=None) -> str:
    """A one-line text (title, label, table cell) made safe; no link syntax."""
    flat = " ".join(str(text).split())
    return markdown(flat, placeholder).replace("[", "&#91;").replace("]", "&#93;")


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


def _inline_safe(text: str, placeholder) -> str:
    out = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_prose(text[position:span.start()], placeholder))
        out.append(f"<code>{entities(span.group(2).strip())}</code>")
        position = span.end()
    out.append(_prose(text[position:], placeholder))
    return "".join(out)


def _prose(text: str, placeholder) -> str:
    if not text:
        return text
    pieces = []
    position = 0
    for match, name in braced(text) if placeholder and "{{" in text else ():
        if is_input_id(name):
            pieces.append(_escape_prose(text[position:match.start()]))
            pieces.append(placeholder(name))
            position = match.end()
    pieces.append(_escape_prose(text[position:]))
    return _neutralise_links("".join(pieces))


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
