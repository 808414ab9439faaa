"""Text that is safe to print on a terminal or into a CI log.

SOP files arrive by pull request, and what they say reaches people's
terminals and CI logs through every human-readable output (problem messages
quote keys and values, `sopc run` shows step text, `sopc test` names
scenarios). Printed as they are, such texts could:

- drive the terminal: ESC sequences clear the screen, retitle the window or
  hide a link behind other text (OSC 8); a lone surrogate cannot be encoded
  at all and would crash the print;
- forge CI output: a newline followed by `::error file=...::` is read by the
  GitHub Actions runner as a workflow command (a fake annotation on any file),
  and so is `##[error]` anywhere in a line;
- reorder what is shown: bidirectional controls make text read differently
  from what it is.

`visible()` shows each such character as an escape (`\\n`, `\\x1b`,
`\\u202e`) and breaks the two command markers, so one untrusted text stays
on one line and means what it says.
"""

from __future__ import annotations

import json
import re

# C0 controls but the tab, DEL, C1 controls (0x9b is a one-byte CSI on some
# terminals), line and paragraph separators, bidirectional controls, the
# noncharacters U+FFFE/U+FFFF and lone surrogates.
_BEYOND_ASCII = ("\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                 "\ufffe\uffff\ud800-\udfff")
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f{_BEYOND_ASCII}]")
# json.dumps escapes the C0 controls itself; the newlines between its lines are structure.
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_ASCII}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
# GitHub Actions workflow commands: `::name ...::` at the start of a line
# (leading spaces are skipped) and the older `##[name]` anywhere in a line.
_COMMAND = re.compile(r"^(\s*):(?=:)|##\[")


def visible(text) -> str:
    """`text` with every character that could act on a terminal or CI log shown as an escape."""
    text = str(text)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
    if "::" in text or "##[" in text:
        text = _COMMAND.sub(_break_command, text)
    return text


def _escape(match) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _break_command(match) -> str:
    if match.group(0) == "##[":
        return "#\\x23["
    return match.group(1) + "\\x3a"


def visible_lines(text: str) -> str:
    """Several lines of output, each made `visible` (the line breaks themselves kept)."""
    return "\n".join(visible(line) for line in text.split("\n"))


def json_document(document) -> str:
    """Indented JSON for a report that may be printed into a CI log.

    The same data as `json.dumps`, with the characters `visible` escapes
    written as JSON `\\uXXXX` escapes (a lone surrogate included, which could
    not be printed otherwise) and the `[` of `##[` too, so that no line of it
    acts on a terminal or the runner.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    text = _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text.replace("##[", "##\\u005b") + "\n"
