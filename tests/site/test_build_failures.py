"""Schema-valid but hostile SOPs build; what Graphviz refuses is reported at
the SOP and step it came from, never as a traceback."""

import os
import re
import stat
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sopc.emit import flowchart

REPO = Path(__file__).resolve().parents[2]

LONG_TITLE = "Confirm " + "the homeowner's details " * 800  # about 19,000 characters

HOSTILE = {
    "long.yaml": f"""
        sop: long-titles
        title: Long titles
        steps:
          first:
            title: "{LONG_TITLE}"
            next: second
          second:
            title: 'Quote " and <b>tag</b> & \\\\N \\\\G backslashes'
            handoff: wiki-page
        """,
    "procedures.yaml": """
        procedures:
          wiki-page:
            title: 'Wiki "page" <script>'
            url: "https://example.com/a%22%3Cb%3E?q=%27x%27&y=(1)"
        """,
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def build(sopc, root: Path, **env):
    return sopc("build", "--sources", root / "sops", "--site-dir", root / "site", "--docs-dir", root / "docs",
                "--config-file", REPO / "mkdocs.yml", cwd=root, env=env or None)


def test_long_titles_quotes_and_addresses_reach_dot_escaped(tmp_path, sopc):
    # A step title over 16 KB once made `dot` fail ("longer than 16384?"), and
    # quotes or brackets in an address broke the SVG Graphviz wrote.
    write(tmp_path / "sops", HOSTILE)
    done = build(sopc, tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "sops" / "long-titles" / "index.html").read_text(encoding="utf-8")
    figure = page.index('class="sopc-flowchart')
    svg = page[page.index("<svg", figure):page.index("</svg>", figure) + len("</svg>")]
    links = re.findall(r'xlink:href="([^"]*)"', svg)
    assert "https://example.com/a%22%3Cb%3E?q=%27x%27&amp;y=%281%29" in links
    assert "<script" not in svg and "<b>" not in svg


@pytest.mark.parametrize("text", ["x" * 40000, "bell\x07 nul\x00 nonchar\ufffe surrogate\ud800 end", 'a"b\\N<c>&d'])
def test_any_text_gives_a_dot_string_graphviz_accepts(text):
    dot = f"digraph g {{ a [label={flowchart.label(text)}, tooltip={flowchart.dot_string(text)}, " \
          f"URL={flowchart.dot_string('#a')}]; }}"
    svg = flowchart.render_svg(dot)
    ET.fromstring(svg)  # well-formed: no control character or noncharacter reached it


def fake_dot(folder: Path, message: str) -> Path:
    folder.mkdir()
    script = folder / "dot"
    script.write_text(f"#!/bin/sh\ncat >/dev/null\necho '{message}' >&2\nexit 1\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_a_graphviz_failure_names_the_sop_and_step(tmp_path, sopc):
    from sopc.check import check_paths

    write(tmp_path / "sops", HOSTILE)
    corpus = check_paths([tmp_path / "sops"]).corpus
    dot = flowchart.to_dot(corpus.sops["long-titles"], corpus)
    line = next(number for number, text in enumerate(dot.split("\n"), 1) if text.strip().startswith('"second" ['))
    bin_dir = fake_dot(tmp_path / "bin", f"Error: <stdin>: syntax error in line {line} near x")
    done = build(sopc, tmp_path, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    step_line = next(n for n, text in enumerate((tmp_path / "sops" / "long.yaml").read_text().split("\n"), 1)
                     if text.strip() == "second:")
    assert re.search(rf"long\.yaml:{step_line}:\d+: the flowchart of SOP `long-titles`, step `second`: "
                     "Graphviz `dot` failed", done.stderr), done.stderr
    assert not (tmp_path / "site").exists()


def test_a_failure_on_a_hand_off_target_names_the_step_that_hands_off(tmp_path):
    dot = 'digraph "s" {\n  "a" -> "_to_wiki" [style="dashed"];\n  "_to_wiki" [label="x"];\n}\n'
    assert flowchart.step_at_error(dot, "syntax error in line 3 near x") == "a"
    assert flowchart.step_at_error(dot, "out of memory") is None


def test_pathological_markdown_in_every_kind_of_field_builds(tmp_path, sopc):
    # 8,000 `[` in `do` took Python-Markdown 19 s (40,000: minutes), a list
    # nested 300 deep ended in RecursionError; labels, questions and cells
    # are one-line contexts of their own.
    import yaml

    many = "[" * 40000
    nested = "".join("    " * i + "- x\n" for i in range(300))
    sop = {"sop": "pathological", "title": many, "inputs": {
        "plan": {"type": "choice", "label": many, "help": many, "values": [many, "other"]}},
        "steps": {
            "first": {"title": many, "do": "[" * 8000 + "\n\n" + many + "\n\n" + nested + "- " * 3000,
                      "callouts": [{"warning": nested}],
                      "records": [{"action": "create", "fields": {many: many}}], "next": "choose"},
            "choose": {"ask": many, "input": "plan",
                       "options": [{"label": many, "value": many, "goto": "done"},
                                   {"label": "Other", "otherwise": True, "goto": "done"}]},
            "done": {"end": "resolved"}}}
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "p.yaml").write_text(yaml.safe_dump(sop, sort_keys=False, width=10 ** 6), encoding="utf-8")
    done = build(sopc, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert (tmp_path / "site" / "sops" / "pathological" / "index.html").is_file()
