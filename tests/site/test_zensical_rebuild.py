"""`sopc build --engine zensical` again: real checks, real Graphviz, real Zensical.

Zensical keeps its own cache (`.cache/`) keyed by the whole configuration;
sopc builds into one stable work folder so that the cache is used, and must
still publish a complete, sanitized site at every build, and none at all
when a build fails.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_helpers import SAMPLE, Elements, write_corpus

from sopc import cache_seal

pytest.importorskip("zensical")

REPO = Path(__file__).resolve().parents[2]
WORK = Path(".sopc-cache") / "zensical"


def project(root: Path) -> Path:
    write_corpus(root / "sops", SAMPLE)
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def build(sopc, root: Path):
    done = sopc("build", "--engine", "zensical", cwd=root)
    assert done.returncode == 0, done.stderr
    return done


def page(root: Path, sop_id: str) -> str:
    return (root / "site" / "sops" / sop_id / "index.html").read_text(encoding="utf-8")


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_shows_the_edit_sanitized_and_leaves_nothing_behind(tmp_path, sopc):
    root = project(tmp_path / "kb")
    build(sopc, root)
    assert (root / WORK).is_dir() and (root / ".cache").is_dir()

    edit(root / "sops" / "loan.yaml", "do: Open the loan.",
         'do: Open the loan file now. <img src=x onerror="window.__pwned=1">')
    build(sopc, root)
    loan = page(root, "loan-servicing")
    assert "Open the loan file now." in loan and "Open the loan.<" not in loan
    assert not [attrs for _, attrs in Elements(loan).tags if "onerror" in attrs]  # shown as text, never run
    assert "Billing question" in page(root, "billing-question")
    assert not (root / WORK / "site").exists(), "the site is moved out of the work folder"
    assert not (root / ".sopc-zensical.yml").exists() and not list(root.glob(".site-tmp-*"))


def test_a_rebuild_after_removing_an_sop_removes_its_page(tmp_path, sopc):
    root = project(tmp_path / "kb")
    build(sopc, root)
    assert (root / "site" / "sops" / "billing-question" / "index.html").is_file()
    (root / "sops" / "billing.yaml").unlink()
    build(sopc, root)
    assert not (root / "site" / "sops" / "billing-question").exists()
    assert list((root / "site").rglob("billing-question*")) == []
    assert "billing-question" not in (root / "site" / "search.json").read_text(encoding="utf-8")


def test_a_rebuild_is_the_site_a_build_from_scratch_makes(tmp_path, sopc):
    root = project(tmp_path / "kb")
    build(sopc, root)
    edit(root / "sops" / "loan.yaml", "do: Open the loan.", "do: Open the loan file now.")
    build(sopc, root)
    rebuilt = files_of(root / "site")

    fresh = project(tmp_path / "fresh")
    edit(fresh / "sops" / "loan.yaml", "do: Open the loan.", "do: Open the loan file now.")
    build(sopc, fresh)
    assert rebuilt == files_of(fresh / "site")


def test_a_failed_build_keeps_the_previous_site_and_the_next_one_is_whole(tmp_path, sopc):
    root = project(tmp_path / "kb")
    build(sopc, root)
    before = files_of(root / "site")
    config = root / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    # A theme Zensical cannot find: Zensical itself fails, after sopc generated the pages.
    config.write_text(good + "\ntheme:\n  name: no-such-theme\n", encoding="utf-8")
    edit(root / "sops" / "loan.yaml", "do: Open the loan.", "do: Open the loan file now.")
    failed = sopc("build", "--engine", "zensical", cwd=root)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert files_of(root / "site") == before

    config.write_text(good, encoding="utf-8")
    build(sopc, root)
    assert "Open the loan file now." in page(root, "loan-servicing")
    assert not (root / WORK / "unfinished").exists()


def test_a_build_killed_while_zensical_runs_keeps_the_site_and_the_next_cleans_its_cache(tmp_path):
    root = project(tmp_path / "kb")
    command = [sys.executable, "-m", "sopc", "build", "--engine", "zensical"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    assert subprocess.run(command, cwd=root, env=env, capture_output=True).returncode == 0
    before = files_of(root / "site")

    edit(root / "sops" / "loan.yaml", "do: Open the loan.", "do: Open the loan file now.")
    running = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (root / WORK / "unfinished").exists() and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait()
    if not (root / WORK / "unfinished").exists():
        pytest.skip("the build finished before it could be killed while Zensical ran")
    assert files_of(root / "site") == before

    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Open the loan file now." in page(root, "loan-servicing")
    assert not (root / WORK / "unfinished").exists()
    assert not list(root.glob(".site-tmp-*")) and not (root / ".sopc-zensical.yml").exists()


def test_a_build_after_an_unfinished_one_asks_zensical_to_clean_its_cache(tmp_path, monkeypatch):
    from sopc.emit import engines

    root = project(tmp_path / "kb")
    commands = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        commands.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(engines.subprocess, "run", spy)
    docs = root / "docs"
    (docs / "sops").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("site_name: T\ndocs_dir: docs\n", encoding="utf-8")
    def build_once():
        into = root / f"out-{len(commands)}"
        engines.build("zensical", engines.read_settings(config), docs, [], into)
        assert (into / "index.html").is_file()

    build_once()  # the first: nothing says this user's sopc built here before
    build_once()
    (root / WORK / "unfinished").write_text("", encoding="utf-8")
    build_once()
    build_once()
    assert ["--clean" in command for command in commands] == [True, False, True, False]


def test_zensicals_cache_is_cleaned_when_this_users_sopc_did_not_finish_the_last_build_there(tmp_path, sopc):
    """A pull request can bring files into the work folder and Zensical's cache: without the sealed
    record of a build that finished, Zensical is asked to clean its cache."""
    root = project(tmp_path / "kb")
    build(sopc, root)
    built = root / WORK / "built"
    assert cache_seal.read(built) is not None
    built.write_bytes(cache_seal.read(built))  # the same words, without this user's seal
    from sopc.emit import engines

    assert engines._unfinished(root / WORK)
    build(sopc, root)
    assert not engines._unfinished(root / WORK)


def memo_entries(root: Path) -> dict:
    return json.loads(cache_seal.read(root / WORK / "references.json"))["entries"]


def test_zensicals_scan_of_each_page_is_remembered_for_the_pages_of_the_last_build(tmp_path, sopc):
    root = project(tmp_path / "kb")
    build(sopc, root)
    pages = len(list((root / ".sopc" / "docs").rglob("*.md")))
    assert len(memo_entries(root)) == pages
    (root / "sops" / "billing.yaml").unlink()
    build(sopc, root)
    assert len(memo_entries(root)) == pages - 1


@pytest.mark.parametrize("forged", ["not json", "unknown kind", "not a number"])
def test_a_memo_that_is_not_zensicals_own_is_not_used(tmp_path, sopc, forged):
    import zensical

    root = project(tmp_path / "kb")
    build(sopc, root)
    expected = files_of(root / "site")
    entries = memo_entries(root)
    reference = {"unknown kind": {"@": "Unknown", "start": 0, "end": 1},
                 "not a number": {"@": "Span", "start": [0], "end": 1}}.get(forged)
    text = forged if reference is None else json.dumps(
        {"format": 1, "zensical": zensical.version(), "entries": {key: [reference] for key in entries}})
    cache_seal.write(root / WORK / "references.json", text)  # sealed: what is checked here is the content
    build(sopc, root)
    assert files_of(root / "site") == expected
    assert len(memo_entries(root)) == len(entries)


def test_the_memo_answers_a_page_it_has_seen_as_zensical_would(tmp_path):
    from sopc.emit.zensical_launch import ReferenceMemo, zensicals_scanner

    found = zensicals_scanner()
    if found is None:
        pytest.skip("this Zensical has no reference scanner")
    scan, kinds = found
    scanned = []

    def counted(markdown, *args):
        scanned.append(markdown)
        return scan(markdown, *args)

    text = b"# T\n\nSee [the guide](guide.md) and ![a](b.png)[^1].\n\n[x]: other.md\n\n[^1]: A note.\n"
    first = ReferenceMemo(tmp_path / "memo.json", "v", kinds)
    answer = list(first.wrap(counted)(text, 0))
    first.save()
    again = ReferenceMemo(tmp_path / "memo.json", "v", kinds)
    again.load()
    assert list(again.wrap(counted)(text, 0)) == answer == list(scan(text, 0)) and len(answer) >= 4
    assert len(scanned) == 1, "the second build does not scan the page again"
    other = ReferenceMemo(tmp_path / "memo.json", "another version", kinds)
    other.load()
    list(other.wrap(counted)(text, 0))
    assert len(scanned) == 2, "another Zensical version scans again"


def hostile_docs(root: Path) -> tuple:
    from sopc.emit import engines

    docs = root / "docs"
    (docs / "sops").mkdir(parents=True)
    live = '<p><img src="x" onerror="window.__pwned=1"> <a href="javascript:alert(1)">go</a></p>\n'
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "sops" / "x.md").write_text("# X\n\n" + live, encoding="utf-8")
    (docs / "sops" / "y.md").write_text("# Y\n\n" + live, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("site_name: T\ndocs_dir: docs\n", encoding="utf-8")
    return engines.read_settings(config), docs


def test_every_build_publishes_sanitized_pages_and_sanitizes_only_what_changed(tmp_path):
    from sopc.emit import engines

    settings, docs = hostile_docs(tmp_path)
    generated = frozenset({"sops/x.md", "sops/y.md", "index.md"})
    sites = [tmp_path / f"site-{n}" for n in range(4)]
    engines.build("zensical", settings, docs, [], sites[0], generated_pages=generated)
    x, y = (Path("sops") / name / "index.html" for name in ("x", "y"))
    first = (sites[0] / x).read_text(encoding="utf-8")
    assert "onerror" not in first and "javascript:" not in first and "<img" not in first

    engines.build("zensical", settings, docs, [], sites[1], generated_pages=generated)
    assert (sites[1] / x).read_text(encoding="utf-8") == first
    kept = tmp_path / WORK / "sanitized" / x
    assert (sites[1] / x).samefile(kept), "an unchanged page gets what sanitizing made of it last time"

    # What was kept is no longer what was recorded: it is not used.
    kept.unlink()
    kept.write_text(first.replace("<h1", '<h1 onclick="window.__pwned=1"'), encoding="utf-8")
    (docs / "sops" / "y.md").write_text("# Y again\n\n<script>window.__pwned=1</script>\n", encoding="utf-8")
    engines.build("zensical", settings, docs, [], sites[2], generated_pages=generated)
    assert (sites[2] / x).read_text(encoding="utf-8") == first
    again = (sites[2] / y).read_text(encoding="utf-8")
    assert "Y again" in again and "<script>window" not in again and "onclick" not in again

    (docs / "sops" / "y.md").unlink()
    engines.build("zensical", settings, docs, [], sites[3], generated_pages=generated - {"sops/y.md"})
    assert not (sites[3] / y).exists() and not (tmp_path / WORK / "sanitized" / y).exists()


def test_a_memo_that_cannot_be_written_as_json_is_dropped_without_failing_the_build(tmp_path):
    """Another Zensical may return what JSON cannot hold: the build stands, the next one scans again."""
    from sopc.emit.zensical_launch import ReferenceMemo

    memo_path = tmp_path / "references.json"
    memo_path.write_text("{}", encoding="utf-8")
    memo = ReferenceMemo(memo_path, "0.0.0", {})
    memo.wrap(lambda markdown: iter([object()]))("text")
    memo.save()
    assert not memo_path.exists()
