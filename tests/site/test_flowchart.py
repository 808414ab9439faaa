"""Flowcharts: DOT emission and escaping, real rendering by Graphviz, the
cache and the SVG checks."""

import re
import xml.etree.ElementTree as ET

import pytest

from sopc.emit import flowchart
from site_helpers import SAMPLE

SVG = "{http://www.w3.org/2000/svg}"


def node_attrs(dot: str) -> dict[str, str]:
    """Node id -> its attribute text, for the node lines of a DOT source."""
    return {m.group(1): m.group(2) for m in re.finditer(r'^  "([^"]+)" \[(.*)\];$', dot, re.M)}


def svg_texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_each_kind_of_step_has_its_own_shape_and_links_to_its_anchor(corpus_of):
    corpus = corpus_of(SAMPLE)
    dot = flowchart.to_dot(corpus.sops["billing-question"], corpus)
    nodes = node_attrs(dot)
    expected = {"greet": "box", "which_plan": "diamond", "lease_answer": "box", "retry": "hexagon",
                "give_up": "box", "loan_answer": "cds", "done": "box"}
    for step_id, shape in expected.items():
        assert f"shape={shape}" in nodes[step_id]
        assert f'URL="#{step_id}"' in nodes[step_id]
        assert f"sopc-{corpus.sops['billing-question'].steps[step_id].kind}" in nodes[step_id]
    assert "dashed" in nodes["lease_answer"] and "peripheries=2" in nodes["done"]


def test_hand_off_leads_to_the_other_page_and_comes_back(corpus_of):
    corpus = corpus_of(SAMPLE)
    dot = flowchart.to_dot(corpus.sops["billing-question"], corpus)
    assert 'URL="../loan-servicing/"' in node_attrs(dot)["_to_loan-servicing"]
    assert '"loan_answer" -> "_to_loan-servicing"' in dot and '"loan_answer" -> "done"' in dot
    plain_urls = flowchart.to_dot(corpus.sops["billing-question"], corpus, directory_urls=False)
    assert 'URL="loan-servicing.html"' in plain_urls
    procedures = {"procedures.yaml": SAMPLE["procedures.yaml"], "x.yaml": "sop: x\ntitle: X\nsteps: {a: {handoff: back-office}}\n"}
    corpus_b = corpus_of(procedures)
    assert 'URL="../../procedures/#back-office"' in node_attrs(flowchart.to_dot(corpus_b.sops["x"], corpus_b))["_to_back-office"]
    external = flowchart.to_dot(corpus.sops["loan-servicing"], corpus)
    assert 'URL="https://wiki.example.com/escalating"' in node_attrs(external)["_to_escalating-complaints"]


def test_every_edge_of_the_model_is_drawn(corpus_of):
    corpus = corpus_of(SAMPLE)
    sop = corpus.sops["billing-question"]
    dot = flowchart.to_dot(sop, corpus)
    for edge in sop.edges():
        assert f'"{edge.source}" -> "{edge.target}"' in dot


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash \\N \\l", "a < b > c & d", "line one\nline two",
                                  "&amp; stays &lt;literal&gt;", "}\"; node [URL=\"javascript:x\"]; {"])
def test_labels_are_escaped_and_graphviz_shows_them_literally(text):
    dot = f"digraph g {{ n [label={flowchart.label(text, 200)}, URL=\"#n\"]; }}"
    svg = flowchart.render_svg(dot)
    assert " ".join(svg_texts(svg)) == " ".join(text.split())
    hrefs = [a.get("{http://www.w3.org/1999/xlink}href") for a in ET.fromstring(svg).iter(f"{SVG}a")]
    assert hrefs == ["#n"]


def test_long_titles_are_wrapped_and_shortened():
    lines = flowchart.label("word " * 60).strip('"').split("\\n")
    assert len(lines) > 1 and all(len(line) <= flowchart.WRAP for line in lines)
    assert lines[-1].endswith("…")


def test_clean_svg_removes_ids_and_refuses_scripts():
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" '
           'height="5pt" id="graph0"><g id="node1" onload="x()"><title>n</title>'
           '<a xlink:href="javascript:alert(1)"><text>t</text></a></g></svg>')
    cleaned = flowchart.clean_svg(raw)
    assert "id=" not in cleaned and "onload" not in cleaned and "javascript" not in cleaned
    assert "<title>" not in cleaned and "width: 10pt" in cleaned
    with pytest.raises(flowchart.FlowchartError):
        flowchart.clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    with pytest.raises(flowchart.FlowchartError):
        flowchart.clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>')


def graphs(n, salt=""):
    return {f"g{i}": f'digraph g{i} {{ a [label="{salt}{i}", URL="#a"]; a -> b; }}' for i in range(n)}


def test_cache_renders_only_what_changed(tmp_path):
    first, stats = flowchart.render_all(graphs(3), tmp_path)
    assert (stats.rendered, stats.cached) == (3, 0)
    again, stats = flowchart.render_all(graphs(3), tmp_path)
    assert (stats.rendered, stats.cached) == (0, 3) and again == first
    changed = graphs(3)
    changed["g1"] = changed["g1"].replace('label="1"', 'label="one"')
    _, stats = flowchart.render_all(changed, tmp_path)
    assert stats.rendered_keys == ["g1"] and stats.cached == 2


@pytest.mark.parametrize("planted", ["unsealed", "a link"])
def test_a_drawing_planted_in_the_cache_is_drawn_again(tmp_path, planted):
    """A pull request can add files to `.sopc-cache/`: a flowchart this user's sopc did not draw is not shown."""
    drawn, _ = flowchart.render_all(graphs(1), tmp_path)
    cached = tmp_path / "flowcharts" / f"{flowchart.cache_key(graphs(1)['g0'])}.svg"
    cached.unlink()
    forged = tmp_path / "forged.svg"
    forged.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>Skip the ID check</text></svg>')
    if planted == "a link":
        cached.symlink_to(forged)
    else:
        cached.write_text(forged.read_text())
    again, stats = flowchart.render_all(graphs(1), tmp_path)
    assert (stats.rendered, stats.cached) == (1, 0) and again == drawn
    assert "Skip the ID check" not in cached.read_text() and not cached.is_symlink()


def test_many_graphs_render_in_parallel_with_a_progress_bar(tmp_path, capsys):
    svgs, stats = flowchart.render_all(graphs(flowchart.PROGRESS_ABOVE + 2, "x"), tmp_path)
    assert stats.rendered == flowchart.PROGRESS_ABOVE + 2
    assert all(svg_texts(svgs[f"g{i}"])[0] == f"x{i}" for i in range(stats.rendered))
    assert "Drawing flowcharts" in capsys.readouterr().err


def test_missing_graphviz_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(flowchart.FlowchartError, match="graphviz"):
        flowchart.render_all(graphs(1), tmp_path)


def test_graphs_drawn_in_batches_match_graphs_drawn_alone_and_a_failure_is_named(tmp_path):
    from sopc.emit.flowchart import FlowchartError, render_all, render_svg

    graphs = {f"g{n}": f'digraph {{ "a{n}" -> "b{n}" [label="edge {n}"] }}' for n in range(7)}
    svgs, stats = render_all(graphs, tmp_path / "one", progress=False)
    assert stats.rendered == 7
    for name, dot in graphs.items():
        assert svgs[name] == render_svg(dot)
    broken = {**graphs, "bad": 'digraph { "a" -> }'}
    with pytest.raises(FlowchartError) as failure:
        render_all(broken, tmp_path / "two", progress=False)
    assert failure.value.graph == "bad"
