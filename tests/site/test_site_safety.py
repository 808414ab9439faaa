"""A failed or misdirected `sopc build` loses nothing: not the previous site, not the sources, not the docs."""

import textwrap
from pathlib import Path

import pytest

from site_helpers import SAMPLE

REPO = Path(__file__).resolve().parents[2]


def project(tmp_path: Path) -> Path:
    """A project folder: sops/ with a valid corpus, a hand-written guide, and a previous site."""
    for name, text in SAMPLE.items():
        path = tmp_path / "sops" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous", encoding="utf-8")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("site_dir", ["sops", ".", "..", "docs", "sops/.."])
def test_a_site_folder_that_would_replace_what_an_author_wrote_is_refused(tmp_path, sopc, site_dir):
    # Once the swap replaced the named folder whole: `--site-dir sops` deleted the sources.
    root = project(tmp_path / "project")
    before = snapshot(tmp_path)
    done = sopc("build", "--sources", "sops", "--site-dir", site_dir, "--docs-dir", "docs",
                "--config-file", REPO / "mkdocs.yml", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "--site-dir" in done.stderr
    assert snapshot(tmp_path) == before


def test_a_docs_folder_holding_the_sources_keeps_them(tmp_path, sopc):
    # With `--docs-dir .`, `sops/` is also where the pages of the SOPs go, and
    # stale pages there are removed: once the YAML sources were removed too.
    root = project(tmp_path / "project")
    sources = snapshot(root / "sops")
    done = sopc("build", "--sources", "sops", "--site-dir", tmp_path / "out", "--docs-dir", ".",
                "--config-file", REPO / "mkdocs.yml", cwd=root)
    assert done.returncode == 0, done.stderr
    assert {k: v for k, v in snapshot(root / "sops").items() if k in sources} == sources
    assert (tmp_path / "out" / "sops" / "loan-servicing" / "index.html").is_file()


def test_mkdocs_failing_mid_build_keeps_the_previous_site(tmp_path, sopc):
    root = project(tmp_path)
    (root / "docs" / "guide.md").write_text("# Guide\n\n[gone](missing.md)\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: Strict
        strict: true
        plugins: [search, sopc]
        """), encoding="utf-8")
    before = snapshot(root / "site")
    done = sopc("build", "--sources", "sops", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert snapshot(root / "site") == before
    assert not list(root.glob(".site-*"))


def test_sources_in_the_docs_folder_keep_an_authors_readme(tmp_path, sopc):
    # `--sources docs/sops` once deleted docs/sops/README.md as a "stale generated page".
    root = project(tmp_path)
    (root / "sops").rename(root / "docs" / "sops")
    readme = root / "docs" / "sops" / "README.md"
    readme.write_text("# How we write SOPs\n", encoding="utf-8")
    args = ("build", "--sources", "docs/sops", "--docs-dir", "docs", "--config-file", REPO / "mkdocs.yml")
    assert sopc(*args, cwd=root).returncode == 0
    (root / "docs" / "sops" / "billing.yaml").unlink()
    done = sopc(*args, cwd=root)
    assert done.returncode == 0, done.stderr
    assert readme.read_text(encoding="utf-8") == "# How we write SOPs\n"
    assert not (root / "docs" / "sops" / "billing-question.md").exists()  # generated, then stale: removed
    assert (root / "docs" / "sops" / "loan-servicing.md").is_file()


def test_a_generated_page_edited_by_hand_is_not_removed(tmp_path, sopc):
    root = project(tmp_path)
    args = ("build", "--sources", "sops", "--docs-dir", "docs", "--config-file", REPO / "mkdocs.yml")
    assert sopc(*args, cwd=root).returncode == 0
    page = root / "docs" / "sops" / "billing-question.md"
    page.write_text("# Kept by its author\n", encoding="utf-8")
    (root / "sops" / "billing.yaml").unlink()
    assert sopc(*args, cwd=root).returncode == 0
    assert page.read_text(encoding="utf-8") == "# Kept by its author\n"


def test_a_file_sopc_did_not_write_is_never_overwritten(tmp_path, sopc):
    root = project(tmp_path)
    args = ("build", "--sources", "sops", "--docs-dir", "docs", "--config-file", REPO / "mkdocs.yml")
    assert sopc(*args, cwd=root).returncode == 0
    (root / "sops" / "extra.yaml").write_text("sop: notes\ntitle: Notes\nsteps:\n  one:\n    do: Write it down.\n    end: resolved\n", encoding="utf-8")
    mine = root / "docs" / "sops" / "notes.md"
    mine.write_text("# My notes\n", encoding="utf-8")
    before = snapshot(root / "site")
    done = sopc(*args, cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "notes.md" in done.stderr
    assert mine.read_text(encoding="utf-8") == "# My notes\n"
    assert snapshot(root / "site") == before


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_engine_sanitizes_generated_pages_and_leaves_hand_written_ones(tmp_path, engine):
    # Defence in depth: whatever reached a generated page's Markdown, its
    # rendered HTML goes through the allow-list sanitizer before it is written.
    from sopc.emit import engines

    if engine == "zensical":
        pytest.importorskip("zensical")

    docs = tmp_path / "docs"
    (docs / "sops").mkdir(parents=True)
    live = '<p><img src="x" onerror="window.__pwned=1"> <a href="javascript:alert(1)">go</a></p>\n'
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "sops" / "x.md").write_text("# X\n\n" + live, encoding="utf-8")
    (docs / "guide.md").write_text("# Guide\n\n" + live, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: T\ndocs_dir: docs\n", encoding="utf-8")
    engines.build(engine, engines.read_settings(config), docs, [], tmp_path / "site",
                  generated_pages=frozenset({"sops/x.md", "index.md"}))
    generated = (tmp_path / "site" / "sops" / "x" / "index.html").read_text(encoding="utf-8")
    hand_written = (tmp_path / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    assert "onerror" not in generated and "javascript:" not in generated and "<img" not in generated
    assert "onerror" in hand_written  # an author's own page is trusted: not changed


def test_the_plugin_sanitizes_the_pages_it_generated():
    from types import SimpleNamespace

    from sopc.emit.mkdocs_plugin import SopcPlugin

    plugin = SopcPlugin()
    plugin.sanitizer.pages = frozenset({"sops/x.md"})
    page = SimpleNamespace(file=SimpleNamespace(src_uri="sops/x.md"))
    assert plugin.on_page_content('<p onclick="x()">a<script>x</script></p>', page=page) == "<p>a</p>"
    other = SimpleNamespace(file=SimpleNamespace(src_uri="guide.md"))
    assert "onclick" in plugin.on_page_content('<p onclick="x()">a</p>', page=other)


def test_a_deleted_sop_leaves_nothing_of_its_own_in_the_next_site(tmp_path, sopc):
    # The incremental build starts from a copy of the previous site: the
    # deleted SOP's guided-mode bundle once stayed published.
    root = project(tmp_path)
    args = ("build", "--sources", "sops", "--docs-dir", "docs", "--config-file", REPO / "mkdocs.yml")
    assert sopc(*args, cwd=root).returncode == 0
    assert list((root / "site").rglob("billing-question*"))
    (root / "sops" / "billing.yaml").unlink()
    done = sopc(*args, cwd=root)
    assert done.returncode == 0, done.stderr
    assert list((root / "site").rglob("billing-question*")) == []
    assert list((root / "docs").rglob("billing-question*")) == []
