"""`path:line:col: severity[CODE slug]: message`, the source line and a caret."""

from __future__ import annotations

from sopc.load.sources import LINE_BREAKS, read_source
from sopc.report.terminal import visible


def render(result, strict: bool = False) -> str:
    out = []
    lines_by_path = _documents(result)
    for p in result.problems:
        out.append(line(p))
        source = lines_by_path.get(p.path)
        if source and p.code != "SOP004" and 0 < p.line <= len(source):
            shown, caret = excerpt(source[p.line - 1], p.col)
            # The source line is the author's text: shown with escapes, the caret moved along.
            out.append(f"  {visible(shown)}")
            out.append("  " + " " * len(visible(shown[:caret])) + "^")
    out.append(summary(result, strict))
    return "\n".join(out) + "\n"


def line(p) -> str:
    """`path:line:col: severity[CODE slug]: message`, safe to print (see `report.terminal`)."""
    return f"{visible(p.path)}:{p.line}:{p.col}: {p.severity}[{p.code} {p.slug}]: {visible(p.message)}"


# A source line is shown whole up to this width; a longer one (minified or
# generated YAML can hold a whole file on one line) around the column only.
SHOWN_WIDTH = 120


def excerpt(line: str, col: int) -> tuple[str, int]:
    """The part of `line` to show for a problem at 1-based `col`, and the caret's offset in it."""
    if len(line) <= SHOWN_WIDTH:
        return line, col - 1
    start = max(0, min(col - 1 - SHOWN_WIDTH // 2, len(line) - SHOWN_WIDTH))
    shown = line[start:start + SHOWN_WIDTH]
    prefix = "… " if start else ""
    suffix = " …" if start + SHOWN_WIDTH < len(line) else ""
    return prefix + shown + suffix, len(prefix) + col - 1 - start


def summary(result, strict: bool = False) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    suppressed = f" ({_count(result.suppressed, 'finding')} suppressed)" if result.suppressed else ""
    if not errors and not warnings:
        return f"{_count(result.files, 'file')} checked, no problems{suppressed}."
    parts = [_count(errors, "error"), _count(warnings, "warning")]
    failing = " (warnings fail with --strict)" if strict and warnings and not errors else ""
    return f"{_count(result.files, 'file')} checked: {', '.join(parts)}{failing}{suppressed}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _documents(result) -> dict[str, list[str]]:
    """Source lines of every file with a problem, read once."""
    lines: dict[str, list[str]] = {}
    for p in result.problems:
        if p.path not in lines:
            try:
                text = read_source(p.path).decode("utf-8-sig", errors="replace")
            except OSError:  # gone since, or not a file at all (a FIFO would block)
                text = ""
            lines[p.path] = LINE_BREAKS.split(text) if text else []
    return lines
