"""The benchmark scripts still run: a tiny generated corpus, one quick pass. No timings are asserted."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_generator_writes_a_deterministic_corpus_that_passes_check(tmp_path, sopc):
    for out in ("a", "b"):
        done = subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--size", "5", "--out",
                               str(tmp_path / out), "--steps", "40"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "a").glob("*.yaml"))
    assert len(names) == 6 and "procedures.yaml" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    checked = sopc("check", "--no-cache", "--format", "json", tmp_path / "a")
    assert checked.returncode == 0, checked.stdout
    assert '"errors": 0' in checked.stdout


def test_run_quick_prints_a_table():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--sizes", "5", "--repeat", "1"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| measurement"))
    assert lines[header + 1].startswith("|---")
    rows = [line for line in lines[header + 2:] if line.startswith("| ")]
    measured = [row for row in rows if row.startswith("| `sopc check` cold vs parse floor")]
    assert measured and all(" s |" in row for row in measured)
    exported = [row for row in rows if row.startswith("| `sopc export` vs parse floor")]
    assert exported and all(" s |" in row for row in exported)
    started = [row for row in rows if row.startswith("| start-up: `sopc ")]
    assert len(started) == 2 and all(" ms |" in row and "x |" in row for row in started), started
    libraries = next(row for row in rows if row.startswith("| start-up: ") and "imported, then the parse floor" in row)
    assert "click" in libraries and "jsonschema_rs" in libraries and "sopc" not in libraries.split("|")[1], libraries
    for taken_apart in ("`sopc check` cold, start-up taken out: its work per SOP", "`sopc check` cold: start-up of sopc",
                        "`sopc export`, start-up taken out: its work per SOP", "`sopc export`: start-up of sopc"):
        row = next(row for row in rows if row.startswith("| " + taken_apart))
        assert "x |" in row, row
    compared = [row for row in rows if row.startswith("| `sopc diff` of two folders")]
    assert compared and all(" s |" in row for row in compared)
    walked = [row for row in rows if row.startswith("| runtime steps per second")]
    assert walked and all("steps/s" in row for row in walked)
    walked_js = [row for row in rows if row.startswith("| JS runtime steps per second")]
    assert walked_js and all("steps/s" in row for row in walked_js)
    loaded_js = [row for row in rows if row.startswith("| JS runtime `Bundle.load` vs `JSON.parse`")]
    assert loaded_js and all(" s |" in row for row in loaded_js)
    unchanged = next(row for row in rows if row.startswith("| `sopc build` again, nothing changed"))
    assert "| 0 drawn, 5 from cache |" in unchanged
    edited = next(row for row in rows if row.startswith("| `sopc build` after editing one SOP"))
    assert "| 1 drawn, 4 from cache |" in edited
    for measured in ("wall clock: `sopc build` from scratch", "peak memory of `sopc build` from scratch",
                     "guided-mode bundles: bytes published", "`sopc build --engine zensical` after editing one SOP",
                     "peak memory of `sopc check` after editing one SOP"):
        row = next(row for row in rows if row.startswith("| " + measured))
        assert "n/a" not in row and "x |" in row, row
    index = next(row for row in rows if row.startswith("| search index (mkdocs): entries, bytes"))
    assert "| 6 entries," in index and "| yes |" in index, index  # 5 SOPs and the home page
    first = next(row for row in rows if row.startswith("| first search result after typing on an SOP page"))
    assert "n/a" not in first and " s |" in first, first


def test_peak_memory_is_the_commands_own_even_when_the_harness_has_grown(tmp_path):
    """A forked child's peak counts its parent's memory on Linux: the memory rows start commands from a
    small launcher so that what the harness holds never shows up as the command's."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run as bench_run
    finally:
        sys.path.remove(str(REPO / "bench"))
    held = bytearray(300 * 1024 * 1024)  # the harness holding 300 MB, touched
    held[::4096] = b"x" * len(held[::4096])
    bench = bench_run.Bench(sizes=[], repeat=1, clock="cpu", jsonschema_max=0, site_max=0, work=tmp_path)
    peak_kb = bench.peak_memory_kb([sys.executable, "-c", "pass"])
    assert 0 < peak_kb < 100 * 1024
    del held
