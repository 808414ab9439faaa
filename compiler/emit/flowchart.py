"""Flowcharts: an SOP as a Graphviz graph (DOT), rendered to SVG by `dot`.

Every step is a node linking to its anchor on the page; hand-offs also get a
node for the SOP or procedure they lead to, linking there. Renders are cached
by the hash of their DOT source, so an unchanged graph is never re-rendered,
and run in parallel.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import click

from sopc import cache_seal
from sopc.emit.sanitize import clean_text, is_safe_url, safe_url
from sopc.model import Corpus, Sop, Step
from sopc.model.steps import END_WORDS, KINDS, kind_of  # noqa: F401  (END_WORDS: part of this module's API)
from sopc.emit.numbering import heading_title

WRAP = 24
MAX_LABEL = 90
# Graphviz refuses a quoted string longer than 16,384 bytes; tooltips and
# addresses stay far below (characters may take up to four bytes).
MAX_STRING = 1000
PROGRESS_ABOVE = 20
BATCH = 250  # graphs per `dot` process at most
CACHE_VERSION = "2"  # bump when the DOT-to-SVG post-processing changes

# A step is drawn as its kind says (sopc.model.steps.KINDS); the start and
# the hand-off targets are not steps.
SHAPES = {
    **{kind.name: kind.shape for kind in KINDS.values()},
    "target": 'shape=tab, style="filled"',
    "start": 'shape=circle, style="filled", width=0.25, fixedsize=true, label=""',
}
# Neutral light fills for the standalone SVG; the site's CSS recolours by class
# for light and dark mode.
FILLS = {**{kind.name: kind.fill for kind in KINDS.values()}, "target": "#ffffff", "start": "#607d8b"}


class FlowchartError(Exception):
    """Graphviz is missing or failed; the message says what to do.

    `graph` names the flowchart (the SOP id) and `step` the step whose line of
    DOT Graphviz refused, when known, so the build can say where it came from.
    """

    def __init__(self, message: str, graph: str | None = None, step: str | None = None):
        super().__init__(message)
        self.graph = graph
        self.step = step


# -- DOT ----------------------------------------------------------------------

def dot_string(text: str, limit: int = MAX_STRING) -> str:
    """A DOT double-quoted string showing `text` literally (shortened to `limit` characters).

    Control characters and noncharacters are dropped first: Graphviz copies
    them into the SVG, where XML forbids them.
    """
    text = _shortened(clean_text(text), limit).replace("&", "&amp;")  # Graphviz decodes HTML entities in labels
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def label(text: str, width: int = WRAP) -> str:
    """A DOT label: shortened, wrapped onto centred lines, escaped."""
    flat = _shortened(" ".join(clean_text(text).split()), MAX_LABEL)
    lines = textwrap.wrap(flat, width, break_long_words=True) or [""]
    return "\\n".join(dot_string(line)[1:-1] for line in lines).join('""')


def page_url(target: str, corpus: Corpus, directory_urls: bool = True) -> str | None:
    """Where a hand-off target lives, relative to an SOP page."""
    if target in corpus.sops:
        return f"../{target}/" if directory_urls else f"{target}.html"
    procedure = corpus.procedures.get(target)
    if procedure is None:
        return None
    if procedure.url:
        # Parsed and percent-encoded: no quote or bracket reaches the SVG. An
        # address Graphviz could not hold is left out (the page still links it).
        url = safe_url(procedure.url, external=True)
        return url if url and len(url) <= MAX_STRING else None
    # The procedures page is at the site's root, one level above the SOP pages.
    return f"../../procedures/#{target}" if directory_urls else f"../procedures.html#{target}"


def to_dot(sop: Sop, corpus: Corpus, directory_urls: bool = True) -> str:
    """The SOP's flowchart as DOT source."""
    out = [
        f"digraph {dot_string(sop.id)} {{",
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.3, ranksep=0.4, '
        'fontname="Helvetica,Arial,sans-serif", class="sopc-graph"];',
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize=11, color="#546e7a", '
        'fontcolor="#1f2933", penwidth=1.2, margin="0.15,0.06"];',
        '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=10, color="#78909c", '
        'fontcolor="#37474f", arrowsize=0.7];',
        f'  "_start" [{SHAPES["start"]}, fillcolor="{FILLS["start"]}", class="sopc-start", tooltip="Start"];',
    ]
    if sop.start in sop.steps:
        out.append(f'  "_start" -> {dot_string(sop.start)};')
    targets: dict[str, None] = {}
    for number, step in enumerate(sop.steps.values(), 1):  # numbered as on the page
        out.append("  " + _node(step, number))
        out.extend("  " + line for line in _edges(step, sop))
        if step.handoff:
            targets[step.handoff] = None
    for target in targets:
        out.append("  " + _target_node(target, corpus, directory_urls))
    out.append("}")
    return "\n".join(out) + "\n"


def node_text(step: Step, number: int | None = None) -> str:
    """The box's words: the step numbered as its heading on the page is, and the kind's note."""
    title = f"{number}. {heading_title(step.title)[0]}" if number else step.title
    note = kind_of(step).note(step)
    return f"{title}\n{note}" if note else title


def _node(step: Step, number: int | None = None) -> str:
    text = node_text(step, number)
    lines = [label(part) for part in text.split("\n")]
    joined = "\\n".join(part[1:-1] for part in lines)
    kind = step.kind
    return (f'{dot_string(step.id)} [{SHAPES[kind]}, fillcolor="{FILLS[kind]}", label="{joined}", '
            f'URL={dot_string("#" + step.id)}, tooltip={dot_string(step.title)}, '
            f'class="sopc-node sopc-{kind}"];')


def _edges(step: Step, sop: Sop) -> list[str]:
    lines = []
    for edge in step.edges():
        if edge.target not in sop.steps:
            continue
        attrs = [f'class="sopc-edge sopc-edge-{edge.kind}"']
        if edge.label:
            attrs.append(f"label={label(edge.label, 18)}")
        if edge.kind == "repeat":
            attrs.append('style="dashed", constraint=false')
        if edge.kind == "return":
            attrs.append('style="dashed"')
        lines.append(f"{dot_string(edge.source)} -> {dot_string(edge.target)} [{', '.join(attrs)}];")
    if step.handoff:
        lines.append(f'{dot_string(step.id)} -> {dot_string("_to_" + step.handoff)} '
                     '[style="dashed", arrowhead="vee", class="sopc-edge sopc-edge-handoff"];')
    return lines


def _target_node(target: str, corpus: Corpus, directory_urls: bool) -> str:
    item = corpus.sops.get(target) or corpus.procedures.get(target)
    title = item.title if item else target
    url = page_url(target, corpus, directory_urls)
    link = f", URL={dot_string(url)}" if url else ""
    return (f'{dot_string("_to_" + target)} [{SHAPES["target"]}, fillcolor="{FILLS["target"]}", '
            f'label={label(title)}{link}, tooltip={dot_string("Go to " + title)}, '
            f'class="sopc-node sopc-target"];')


# -- rendering ----------------------------------------------------------------

@dataclass
class RenderStats:
    rendered: int = 0
    cached: int = 0
    rendered_keys: list[str] = field(default_factory=list)


def dot_executable() -> str:
    found = shutil.which("dot")
    if not found:
        raise FlowchartError(
            "Graphviz `dot` was not found on PATH; it draws the flowcharts. "
            "Install it with `apt-get install graphviz` (or run `bash scripts/setup.sh`).")
    return found


def cache_key(dot: str) -> str:
    return hashlib.sha256(f"{CACHE_VERSION}\n{dot}".encode("utf-8")).hexdigest()


def render_all(graphs: dict[str, str], cache_dir: Path, progress: bool = True) -> tuple[dict[str, str], RenderStats]:
    """SVG for every named DOT source, from the cache or rendered in parallel."""
    cache_dir = Path(cache_dir) / "flowcharts"
    stats = RenderStats()
    svgs: dict[str, str] = {}
    todo: dict[str, str] = {}
    for name, dot in graphs.items():
        cached = cache_seal.read_text(cache_dir / f"{cache_key(dot)}.svg")  # None unless this user's sopc drew it
        if cached is not None:
            svgs[name] = cached
            stats.cached += 1
        else:
            todo[name] = dot
    if todo:
        executable = dot_executable()
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, svg in _render_parallel(todo, executable, progress and len(todo) > PROGRESS_ABOVE):
            key = cache_key(todo[name])
            cache_seal.write(cache_dir / f"{key}.svg", svg)
            svgs[name] = svg
            stats.rendered += 1
            stats.rendered_keys.append(name)
    return svgs, stats


def _render_parallel(todo: dict[str, str], executable: str, show_progress: bool):
    """(name, SVG) for every graph: batches of graphs, one `dot` process per
    batch, as many batches at once as there are cores."""
    workers = max(1, min(8, os.cpu_count() or 2))
    names = list(todo)
    size = max(1, min(BATCH, math.ceil(len(names) / workers)))
    batches = [[(name, todo[name]) for name in names[i:i + size]] for i in range(0, len(names), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_render_batch, batch, executable) for batch in batches]
        if show_progress:
            with click.progressbar(futures, label="Drawing flowcharts", file=sys.stderr) as bar:
                for future in bar:
                    yield from future.result()
        else:
            for future in futures:
                yield from future.result()


def _render_batch(graphs: list[tuple[str, str]], executable: str) -> list[tuple[str, str]]:
    """Draw many graphs with one `dot -Tsvg -O` (starting `dot` costs more
    than drawing a graph). If that fails, each graph is drawn alone, so the
    failure names its SOP and step."""
    if len(graphs) == 1:
        return [(graphs[0][0], render_svg(graphs[0][1], executable, graphs[0][0]))]
    with tempfile.TemporaryDirectory(prefix="sopc-dot-") as folder:
        paths = [Path(folder) / f"{number}.dot" for number in range(len(graphs))]
        for path, (_name, dot) in zip(paths, graphs):
            path.write_text(dot, encoding="utf-8")
        try:
            done = subprocess.run([executable, "-Tsvg", "-O", *map(str, paths)], capture_output=True,
                                  timeout=120 + 2 * len(graphs))
            drawn = done.returncode == 0 and all(Path(f"{path}.svg").is_file() for path in paths)
        except (OSError, subprocess.TimeoutExpired):
            drawn = False
        if not drawn:
            return [(name, render_svg(dot, executable, name)) for name, dot in graphs]
        return [(name, _cleaned(Path(f"{path}.svg").read_bytes().decode("utf-8", "replace"), name))
                for path, (name, _dot) in zip(paths, graphs)]


def _cleaned(svg: str, name: str) -> str:
    try:
        return clean_svg(svg)
    except FlowchartError as exc:
        raise FlowchartError(str(exc), name) from exc


def render_svg(dot: str, executable: str | None = None, name: str | None = None) -> str:
    """Run `dot -Tsvg` and return the cleaned SVG; `name` names the graph in errors."""
    executable = executable or dot_executable()
    try:
        done = subprocess.run([executable, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FlowchartError(f"Graphviz `dot` could not draw the flowchart: {exc}", name) from exc
    if done.returncode != 0:
        error = " ".join(done.stderr.decode("utf-8", "replace").split())[:500]
        raise FlowchartError(f"Graphviz `dot` failed: {error}", name, step_at_error(dot, error))
    return _cleaned(done.stdout.decode("utf-8", "replace"), name)


def step_at_error(dot: str, error: str) -> str | None:
    """The step whose DOT line Graphviz names in `error` (node, edge or hand-off target)."""
    found = re.search(r"\bline (\d+)", error)
    lines = dot.split("\n")
    if not found or not 0 < int(found.group(1)) <= len(lines):
        return None
    first = re.match(r'\s*"((?:[^"\\]|\\.)*)"', lines[int(found.group(1)) - 1])
    if not first:
        return None
    node = first.group(1).replace('\\"', '"').replace("\\\\", "\\")
    if node.startswith("_to_"):  # a hand-off target: the first step handing off to it drew it
        target = node[len("_to_"):]
        for line in lines:
            edge = re.match(r'\s*"((?:[^"\\]|\\.)*)" -> "_to_' + re.escape(target) + '"', line)
            if edge:
                return edge.group(1)
        return None
    return None if node == "_start" else node


# -- SVG post-processing ----------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
ALLOWED_ELEMENTS = {"svg", "g", "a", "title", "polygon", "polyline", "path", "ellipse", "text", "defs"}


def clean_svg(svg: str) -> str:
    """Graphviz's SVG ready to inline: no prolog, no ids, responsive size.

    Also checks what it inlines: only drawing elements, no event handlers and
    only safe links, whatever went into the graph.
    """
    try:
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", svg))
    except ET.ParseError as exc:
        raise FlowchartError(f"Graphviz wrote a flowchart that is not valid SVG ({exc})") from exc
    width = root.get("width", "")
    # Graphviz titles name nodes by id; the links carry readable tooltips.
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}title":
                parent.remove(child)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag not in ALLOWED_ELEMENTS:
            raise FlowchartError(f"unexpected <{tag}> in Graphviz output")
        for name in list(element.attrib):
            local = name.split("}")[-1]
            if local == "id" or local.startswith("on"):
                del element.attrib[name]
            elif local == "href" and not is_safe_url(element.get(name)):
                del element.attrib[name]
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", "sopc-flowchart-svg")
    if width.endswith("pt"):
        root.set("style", f"width: {width}; max-width: 100%")
    root.set("aria-label", "Flowchart")
    text = ET.tostring(root, encoding="unicode")
    # Blank lines would end the raw HTML block in Markdown.
    return "\n".join(line for line in text.splitlines() if line.strip())
