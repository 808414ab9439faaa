"""The search index sized for agents: one entry per page.

Both engines' search writes one entry per heading: at 1,000 generated
SOPs of about 50 steps that is some 57,000 entries, which the browser must
index before the first result shows. An agent searches for a procedure, so
each page becomes one entry (its title, and the text of its sections, each
led by its heading); the parts of a page that repeat other text (the kind of
a step, the way on, the flowchart, the pages that refer to it, the source
file) are left out of the index where they are written (`data-search-exclude`
in `sopc.emit.markdown`). A result opens the page with the searched words
highlighted, and the site's script scrolls to the step that holds them
(`assets/sopc/sopc.js`).

Every title and text is taken as the search plugin escaped it; joining them
adds only our own `<p>` markup.
"""

from __future__ import annotations

import json
from pathlib import Path

# Where each engine writes its index, and the key of its list of entries.
INDEXES = ((Path("search") / "search_index.json", "docs"),  # MkDocs (Material's search plugin)
           (Path("search.json"), "items"))  # Zensical


def page_of(location: str) -> str:
    return location.split("#", 1)[0]


def one_entry_per_page(docs: list[dict]) -> list[dict]:
    """The entries of each page merged into the page's first entry, in order."""
    pages: dict[str, dict] = {}
    texts: dict[str, list[str]] = {}
    for entry in docs:
        page = page_of(entry["location"])
        if page not in pages:
            pages[page] = {**entry, "location": page}
            texts[page] = [entry.get("text", "")]
        else:
            texts[page].append(section_text(entry))
    for page, entry in pages.items():
        entry["text"] = " ".join(text for text in texts[page] if text)
    return list(pages.values())


def section_text(entry: dict) -> str:
    title, text = entry.get("title", ""), entry.get("text", "")
    return f"<p>{title}</p> {text}".strip() if title else text


def compact(site_dir) -> None:
    """Rewrite the site's search index (whichever engine wrote it) with one entry per page."""
    for relative, key in INDEXES:
        path = Path(site_dir) / relative
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entries = index.get(key) if isinstance(index, dict) else None
        if not isinstance(entries, list) or all("#" not in entry.get("location", "") for entry in entries):
            continue
        index[key] = one_entry_per_page(entries)
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
