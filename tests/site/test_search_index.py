"""The search index merged to one entry per page (sopc.emit.search_index)."""

import json

from sopc.emit import search_index


def test_sections_join_their_page_entry_in_order_led_by_their_heading():
    docs = [
        {"location": "sops/a/", "title": "A", "text": "<p>Summary &lt;b&gt;</p>", "boost": 4},
        {"location": "sops/a/#one", "title": "1. First &amp; only", "text": "<p>Do it.</p>", "boost": 4},
        {"location": "", "title": "Home", "text": "Welcome"},
        {"location": "sops/a/#two", "title": "2. Second", "text": ""},
    ]
    merged = search_index.one_entry_per_page(docs)
    assert [entry["location"] for entry in merged] == ["sops/a/", ""]
    assert merged[0] == {"location": "sops/a/", "title": "A", "boost": 4,
                         "text": "<p>Summary &lt;b&gt;</p> <p>1. First &amp; only</p> <p>Do it.</p> <p>2. Second</p>"}
    assert merged[1]["text"] == "Welcome"


def test_compact_rewrites_the_site_index_and_leaves_other_sites_alone(tmp_path):
    (tmp_path / "search").mkdir()
    path = tmp_path / "search" / "search_index.json"
    config = {"lang": ["en"], "separator": "[\\s\\-]+"}
    path.write_text(json.dumps({"config": config, "docs": [
        {"location": "p/", "title": "P", "text": "x"}, {"location": "p/#s", "title": "S", "text": "y"}]}))
    search_index.compact(tmp_path)
    assert json.loads(path.read_text()) == {"config": config, "docs": [
        {"location": "p/", "title": "P", "text": "x <p>S</p> y"}]}
    search_index.compact(tmp_path / "no-site")  # no index written (search off): nothing to do


def test_compact_merges_zensicals_index_too(tmp_path):
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"config": {}, "items": [
        {"location": "p/", "level": 1, "title": "P", "text": "x", "path": ["P"]},
        {"location": "p/#s", "level": 2, "title": "S", "text": "y", "path": ["P"]}]}))
    search_index.compact(tmp_path)
    assert json.loads(path.read_text())["items"] == [
        {"location": "p/", "level": 1, "title": "P", "text": "x <p>S</p> y", "path": ["P"]}]
