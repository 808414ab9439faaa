"""`sopc build` end to end: real checks, real Graphviz, real MkDocs."""

import html
import json
import re
import sys
import subprocess
from pathlib import Path

import pytest

from sopc import cache_seal

from sopc.check import check_paths
from sopc.emit import site
from sopc.emit.markdown import Placeholders
from site_helpers import SAMPLE, Elements, write_corpus

REPO = Path(__file__).resolve().parents[2]
BROKEN = """
    sop: broken
    title: Broken
    steps:
      first:
        next: nowhere
    """


def build_args(sources, tmp_path, *extra):
    return ["build", "--sources", sources, "--site-dir", tmp_path / "site", "--docs-dir", tmp_path / "docs",
            "--config-file", REPO / "mkdocs.yml", *extra]


def script_openings(sources):
    """For every script of the corpus, its first words as the page shows them."""
    corpus = check_paths([sources]).corpus
    for sop in corpus.sops.values():
        for step in sop.steps.values():
            for script in step.scripts:
                words = Placeholders(sop).text(script.text).split()[:6]
                yield sop, " ".join(words)


def test_build_publishes_every_sop_with_flowchart_and_searchable_scripts(tmp_path, sopc):
    done = sopc(*build_args(REPO / "sops", tmp_path))
    assert done.returncode == 0, done.stderr
    corpus = check_paths([REPO / "sops"]).corpus
    for sop in corpus.sops.values():
        page = (tmp_path / "site" / "sops" / sop.id / "index.html").read_text(encoding="utf-8")
        assert "<svg" in page and f'xlink:href="#{sop.start}"' in page
        for step_id in sop.steps:
            assert f'id="{step_id}"' in page
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    searchable = html.unescape(" ".join(" ".join(doc["text"].split()) for doc in index["docs"]))
    openings = list(script_openings(REPO / "sops"))
    assert openings
    for _sop, words in openings:
        assert words in searchable
    values = [value for sop in corpus.sops.values() for step in sop.steps.values() for record in step.records
              for value in record.fields.values() if isinstance(value, str) and "{{" not in value]
    assert values
    for value in values:
        assert " ".join(value.split()) in searchable
    assert not list(tmp_path.glob(".site-tmp-*")) and not list(tmp_path.glob(".site-old-*"))


def test_build_replaces_the_previous_site(tmp_path, sopc):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "stale.html").write_text("old", encoding="utf-8")
    assert sopc(*build_args(sources, tmp_path), cwd=tmp_path).returncode == 0
    assert not (tmp_path / "site" / "stale.html").exists()
    assert (tmp_path / "site" / "sops" / "loan-servicing" / "index.html").is_file()
    assert (tmp_path / "site" / "procedures" / "index.html").is_file()
    assert (tmp_path / "site" / "reading" / "index.html").is_file()
    assert not (tmp_path / "site" / "rules").exists(), "the rule reference is for authors, not on the agents' site"


def test_rule_pages_are_published_only_when_asked(tmp_path, sopc):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    assert sopc(*build_args(sources, tmp_path, "--rule-pages"), cwd=tmp_path).returncode == 0
    assert (tmp_path / "site" / "rules" / "index.html").is_file()
    assert (tmp_path / "site" / "rules" / "dead-end" / "index.html").is_file()


def test_build_refuses_a_corpus_with_errors_and_keeps_the_site(tmp_path, sopc):
    sources = write_corpus(tmp_path / "sops", {"broken.yaml": BROKEN})
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous", encoding="utf-8")
    built = sopc(*build_args(sources, tmp_path), cwd=tmp_path)
    checked = sopc("check", sources, cwd=tmp_path)
    assert built.returncode == 1 and checked.returncode == 1
    assert built.stdout == checked.stdout and re.search(r"broken\.yaml:\d+:\d+: error\[SOP100 ", built.stdout)
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / "docs").exists()


def test_failed_build_without_graphviz_keeps_the_site(tmp_path, sopc):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous", encoding="utf-8")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    built = sopc(*build_args(sources, tmp_path), cwd=tmp_path, env={"PATH": str(empty)})
    assert built.returncode == 1
    assert "Traceback" not in built.stderr and "graphviz" in built.stderr
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "previous"
    assert not list(tmp_path.glob(".site-tmp-*"))


def test_generation_draws_only_changed_flowcharts_and_writes_only_changed_pages(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    first = site.generate_docs(site.checked_corpus([sources]), docs, cache, progress=False)
    assert first.stats.rendered == 2 and "sops/billing-question.md" in first.written
    second = site.generate_docs(site.checked_corpus([sources]), docs, cache, progress=False)
    assert second.stats.rendered == 0 and second.stats.cached == 2 and second.written == []
    loan = sources / "loan.yaml"
    loan.write_text(loan.read_text(encoding="utf-8").replace("    do: Open the loan.", "    title: Open the file"),
                    encoding="utf-8")
    third = site.generate_docs(site.checked_corpus([sources]), docs, cache, progress=False)
    assert third.stats.rendered_keys == ["loan-servicing"] and third.stats.cached == 1
    (sources / "billing.yaml").write_text((sources / "billing.yaml").read_text(encoding="utf-8")
                                          .replace("Greet **{{ homeowner_name }}** warmly.", "Say hello."),
                                          encoding="utf-8")
    fourth = site.generate_docs(site.checked_corpus([sources]), docs, cache, progress=False)
    # The page, and the bundle guided mode walks on it.
    assert fourth.stats.rendered == 0
    assert fourth.written == ["assets/sopc/bundles/billing-question.json", "sops/billing-question.md"]


def test_generation_removes_pages_of_deleted_sops_but_not_hand_written_ones(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n", encoding="utf-8")
    site.generate_docs(site.checked_corpus([sources]), docs, tmp_path / "cache", progress=False)
    (sources / "billing.yaml").unlink()
    later = site.generate_docs(site.checked_corpus([sources]), docs, tmp_path / "cache", progress=False)
    assert sorted(later.removed) == ["assets/sopc/bundles/billing-question.json", "sops/billing-question.md"]
    assert (docs / "guide.md").is_file()
    assert "guide.md" not in str(site.navigation())


def test_mkdocs_build_from_the_repository_root_runs_the_compiler(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    corpus = check_paths([REPO / "sops"]).corpus
    for sop_id in corpus.sops:
        assert (tmp_path / "site" / "sops" / sop_id / "index.html").is_file()
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert [doc["location"] for doc in index["docs"] if "#" in doc["location"]] == []  # the plugin merged it too


def test_mkdocs_build_refuses_a_corpus_with_errors(tmp_path):
    sources = write_corpus(tmp_path / "bad", {"broken.yaml": BROKEN})
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "SOPC_SOURCES": str(sources)})
    assert done.returncode != 0 and "SOP100" in done.stderr and "Traceback" not in done.stderr


def kb_project(root: Path, files: dict[str, str]) -> Path:
    """A knowledge-base repository: this checkout's mkdocs.yml and the SOPs in sops/."""
    write_corpus(root / "sops", files)
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def nav_targets(page: Path) -> set[str]:
    """Where the links of the page's menu go."""
    links = Elements(page.read_text(encoding="utf-8")).named("a")
    return {a.get("href", "") for a in links if "md-nav__link" in a.get("class", "")}


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_both_engines_build_every_sop_page_with_the_menu(tmp_path, sopc, engine):
    if engine == "zensical":
        pytest.importorskip("zensical")
    root = kb_project(tmp_path / "kb", SAMPLE)
    done = sopc("build", "--engine", engine, cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"with {engine}" in done.stdout
    built = root / "site"
    for sop_id in ("billing-question", "loan-servicing"):
        page = built / "sops" / sop_id / "index.html"
        assert page.is_file()
        assert 'xlink:href="#' in page.read_text(encoding="utf-8")
    menu = nav_targets(built / "sops" / "loan-servicing" / "index.html")
    assert any("procedures" in target for target in menu) and any("reading" in target for target in menu), menu
    assert not any("billing-question" in target for target in menu), "the menu lists no SOP (it would grow with N)"
    home = Elements((built / "index.html").read_text(encoding="utf-8")).named("a")
    assert {"billing-question", "loan-servicing"} <= {a.get("href", "").strip("./").split("/")[-1] for a in home}
    assert not (built / "rules").exists()
    assert not list(root.glob(".sopc-zensical*")) and not list(root.glob(".sopc-site-*"))
    index, key = {"mkdocs": ("search/search_index.json", "docs"), "zensical": ("search.json", "items")}[engine]
    entries = json.loads((built / index).read_text(encoding="utf-8"))[key]
    assert "sops/loan-servicing/" in {entry["location"] for entry in entries}
    assert [entry["location"] for entry in entries if "#" in entry["location"]] == []  # one entry per page


def test_an_sop_page_does_not_grow_with_the_number_of_sops(tmp_path, sopc):
    """The menu lists no SOP, so adding SOPs leaves every other page as it was."""
    many = dict(SAMPLE)
    for n in range(30):
        many[f"extra-{n}.yaml"] = f"""
            sop: extra-{n}
            title: Extra procedure {n}
            steps:
              only:
                do: Nothing else.
                end: resolved
            """
    sizes = {}
    for name, files in (("few", SAMPLE), ("many", many)):
        root = kb_project(tmp_path / name, files)
        assert sopc("build", cwd=root).returncode == 0
        sizes[name] = len((root / "site" / "sops" / "loan-servicing" / "index.html").read_bytes())
    assert abs(sizes["many"] - sizes["few"]) < 200, sizes


def search_pages(built: Path) -> dict[str, str]:
    """Page -> all its indexed text, from the search index."""
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        pages[page] = pages.get(page, "") + " " + doc["title"] + " " + doc["text"]
    return pages


def test_a_rebuild_renders_only_what_changed_and_keeps_search_whole(tmp_path, sopc):
    root = kb_project(tmp_path / "kb", SAMPLE)
    assert "only the changed" not in sopc("build", cwd=root).stdout
    built = root / "site"
    before = search_pages(built)
    untouched = built / "sops" / "billing-question" / "index.html"
    stamp = untouched.stat().st_mtime_ns

    loan = root / "sops" / "loan.yaml"
    loan.write_text(loan.read_text(encoding="utf-8").replace("do: Open the loan.", "do: Open the loan file now."),
                    encoding="utf-8")
    again = sopc("build", cwd=root)
    assert again.returncode == 0 and "only the changed pages rendered again" in again.stdout, again.stdout
    assert untouched.stat().st_mtime_ns == stamp, "an unchanged page is not rendered again"
    assert "Open the loan file now." in (built / "sops" / "loan-servicing" / "index.html").read_text(encoding="utf-8")
    after = search_pages(built)
    assert set(after) == set(before)
    assert "Open the loan file now." in after["sops/loan-servicing/"] and "Open the loan." not in after["sops/loan-servicing/"]

    (root / "sops" / "billing.yaml").unlink()
    removed = sopc("build", cwd=root)
    assert removed.returncode == 0 and "only the changed" in removed.stdout
    assert not (built / "sops" / "billing-question").exists()
    assert "sops/billing-question/" not in search_pages(built)
    assert sopc("build", "--site-dir", "fresh", cwd=root).returncode == 0  # another folder: from scratch
    files = {name: {p.relative_to(root / name).as_posix() for p in (root / name).rglob("*") if p.is_file()}
             for name in ("site", "fresh")}
    assert files["site"] == files["fresh"], files["site"] ^ files["fresh"]
    assert search_pages(built) == search_pages(root / "fresh")

    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: Support SOPs", "site_name: Other"),
                      encoding="utf-8")
    whole = sopc("build", cwd=root)
    assert whole.returncode == 0 and "only the changed" not in whole.stdout, "a new configuration renders every page"


def test_the_search_index_has_one_entry_per_page_with_its_steps_and_without_repeats(tmp_path, sopc):
    root = kb_project(tmp_path / "kb", SAMPLE)
    assert sopc("build", cwd=root).returncode == 0
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert len(locations) == len(set(locations)) and not [where for where in locations if "#" in where], locations
    corpus = check_paths([root / "sops"]).corpus
    pages = {doc["location"]: doc for doc in index["docs"]}
    for sop in corpus.sops.values():
        entry = pages[f"sops/{sop.id}/"]
        text = html.unescape(entry["text"])
        assert entry["title"] == sop.title
        for step in sop.steps.values():
            assert step.title in text  # each step's heading leads its text
        # the way on, the step kinds, the referrers and the source file repeat other text: left out
        assert "Next:" not in text and "Source:" not in text and "Referenced by" not in text, text
        assert ">Action<" not in entry["text"]


def test_plugins_that_post_process_the_search_index_see_every_page_in_a_rebuild(tmp_path, monkeypatch):
    """The dirty build's index is completed before later post-build plugins run, not after the build."""
    from mkdocs.plugins import event_priority

    from sopc.emit import mkdocs_plugin

    seen: list[set[str]] = []

    class Recording(mkdocs_plugin.PageSanitizer):
        @event_priority(-100)
        def on_post_build(self, *, config):
            earlier = getattr(super(), "on_post_build", None)
            if earlier:
                earlier(config=config)
            index = json.loads((Path(config.site_dir) / "search" / "search_index.json").read_text(encoding="utf-8"))
            seen.append({doc["location"].split("#")[0] for doc in index["docs"]})

    monkeypatch.setattr(mkdocs_plugin, "PageSanitizer", Recording)
    root = kb_project(tmp_path / "kb", SAMPLE)
    monkeypatch.chdir(root)
    site.build_site(["sops"], progress=False)
    loan = root / "sops" / "loan.yaml"
    loan.write_text(loan.read_text(encoding="utf-8").replace("do: Open the loan.", "do: Open the loan file."),
                    encoding="utf-8")
    assert site.build_site(["sops"], progress=False).only_changed
    assert len(seen) == 2 and seen[1] == seen[0] and "sops/billing-question/" in seen[1]


def test_the_models_and_page_texts_are_let_go_before_the_engine_runs(tmp_path, monkeypatch):
    """The engine's own peak is the build's: nothing sopc made for the pages is held while it runs."""
    import weakref

    from sopc.emit import engines

    held: dict = {}
    generate, build = site.generate_docs, engines.build

    def generating(corpus, *args, **kwargs):
        sop = next(iter(corpus.sops.values()))
        held["refs"] = [weakref.ref(corpus), weakref.ref(sop), weakref.ref(next(iter(sop.steps.values())))]
        del sop
        held["generated"] = generate(corpus, *args, **kwargs)
        return held["generated"]

    def building(*args, **kwargs):
        held["alive"] = [ref() is not None for ref in held["refs"]]
        held["texts"] = [text for text in held["generated"].files.values() if text is not None]
        return build(*args, **kwargs)

    monkeypatch.setattr(site, "generate_docs", generating)
    monkeypatch.setattr(engines, "build", building)
    monkeypatch.chdir(kb_project(tmp_path / "kb", SAMPLE))
    outcome = site.build_site(["sops"], progress=False)
    assert held["alive"] == [False, False, False] and held["texts"] == []
    assert outcome.sops == 2 and (outcome.site_dir / "sops" / "loan-servicing" / "index.html").is_file()


@pytest.mark.parametrize("replaced_by", ["damaged", "not sealed by this user"])
def test_the_themes_compiled_templates_are_kept_and_only_this_users_are_loaded(tmp_path, monkeypatch, replaced_by):
    """Compiled templates are code the build runs; a pull request can add files to `.sopc-cache/`."""
    import jinja2

    monkeypatch.chdir(kb_project(tmp_path / "kb", SAMPLE))
    site.build_site(["sops"], progress=False)
    kept = sorted((Path(site.CACHE_DIR) / "templates").glob("*.cache"))
    assert kept, "no compiled template kept"
    page = Path("site/sops/loan-servicing/index.html").read_text(encoding="utf-8")
    for damaged in kept:
        # Unsealed, the very bytecode Jinja wrote: what anyone can write for a template whose source is public.
        damaged.write_bytes(b"not bytecode" if replaced_by == "damaged" else cache_seal.read(damaged))
    compiled = []
    original = jinja2.Environment.compile

    def compiling(self, *args, **kwargs):
        compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    Path("site").rename("previous-site")  # a build from scratch, so that every template is asked for again
    site.build_site(["sops"], progress=False)
    assert {"main.html", "base.html"} <= set(compiled)
    assert Path("site/sops/loan-servicing/index.html").read_text(encoding="utf-8") == page
    compiled.clear()
    Path("site").rename("second-site")
    site.build_site(["sops"], progress=False)
    # Only what Material compiles in environments of its own, for its language, is compiled again.
    assert {"main.html", "base.html", "404.html"}.isdisjoint(compiled), compiled
    assert set(compiled) <= {"partials/language.html", "partials/languages/en.html"}, compiled
    assert Path("site/sops/loan-servicing/index.html").read_text(encoding="utf-8") == page


def test_a_site_and_caches_that_a_checkout_brings_are_not_believed(tmp_path, monkeypatch):
    """A pull request can add `site/` and `.sopc-cache/` files: only what this user's sopc sealed is reused."""
    monkeypatch.chdir(kb_project(tmp_path / "kb", SAMPLE))
    site.build_site(["sops"], progress=False)
    cached = [path for path in Path(site.CACHE_DIR).rglob("*") if path.is_file()]
    assert {"flowcharts", "pages", "templates", "site-state.json"} <= {path.relative_to(site.CACHE_DIR).parts[0]
                                                                       for path in cached}
    for path in cached:  # the same words, as anyone can write them, but not sealed by this user
        content = cache_seal.read(path)
        if content is not None:
            path.write_bytes(content)
    page = Path("site/sops/loan-servicing/index.html")
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<script>steal()</script></body>"),
                    encoding="utf-8")
    outcome = site.build_site(["sops"], progress=False)
    assert not outcome.only_changed and outcome.stats.rendered == 2 and outcome.stats.cached == 0
    assert "steal()" not in page.read_text(encoding="utf-8")
