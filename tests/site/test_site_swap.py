"""The site folder always holds a complete site, old or new: under kill -9 at
the swap instant, at random points of many builds, and with builds running
at once. Killed builds leave nothing behind that the next build keeps."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from site_helpers import SAMPLE

REPO = Path(__file__).resolve().parents[2]
EXTRA = """
    sop: extra-sop
    title: Extra SOP
    steps:
      only:
        do: Present in the second version of the corpus only.
        end: resolved
    """
KILLS = int(os.environ.get("SOPC_KILL_BUILDS", "20"))
SEED = int(os.environ.get("SOPC_KILL_SEED", "1"))


def project(root: Path) -> Path:
    for name, text in SAMPLE.items():
        path = root / "sops" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def use_version(root: Path, second: bool) -> None:
    extra = root / "sops" / "extra.yaml"
    if second:
        extra.write_text(textwrap.dedent(EXTRA).lstrip("\n"), encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)


def command(*extra) -> list[str]:
    return [sys.executable, "-m", "sopc", "build", "--sources", "sops", *extra]


def environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(), cwd=root, capture_output=True, text=True, env=environment(), timeout=300)


def pages(site: Path) -> frozenset:
    return frozenset(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def assert_complete(site: Path, versions: dict[str, frozenset]) -> str:
    """The site is one of the complete versions built before; its name."""
    assert site.is_dir(), "no site at all"
    found = pages(site)
    matches = [name for name, files in versions.items() if files == found]
    assert matches, f"a partial site: {sorted(found ^ next(iter(versions.values())))[:10]}"
    for page in found:
        if page.endswith(".html"):
            assert (site / page).read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    return matches[0]


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob(".site-*"))


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """A project and the file lists of the complete sites of both corpus versions."""
    root = project(tmp_path_factory.mktemp("swap"))
    known = {}
    for name, second in (("first", False), ("second", True)):
        use_version(root, second)
        done = build(root)
        assert done.returncode == 0, done.stderr
        known[name] = pages(root / "site")
    assert known["first"] != known["second"]
    return root, known


def killed_at(root: Path, hook: str) -> subprocess.CompletedProcess:
    """Run a build whose process kills itself (SIGKILL) where `hook` says."""
    program = textwrap.dedent(f"""
        import os, signal, sys
        from sopc.emit import publish
        real_exchange, real_replace = publish.exchange, os.replace
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
        {hook}
        from sopc.cli import main
        sys.argv = {command()[2:]!r}
        main()
        """)
    return subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True,
                          env=environment(), timeout=300)


HOOKS = {
    "just before the exchange": "publish.exchange = lambda a, b: die()",
    "just after the exchange": "publish.exchange = lambda a, b: (real_exchange(a, b), die())",
    # Systems without an atomic exchange: two renames, and a kill between them.
    "between the two renames": textwrap.dedent("""
        publish.exchange = lambda a, b: False
        def replace(a, b):
            real_replace(a, b)
            if '-old-' in str(b):  # the site moved aside, the new one not yet in place
                die()
        os.replace = replace
        """).replace("\n", "\n        "),
}


@pytest.mark.parametrize("where", HOOKS)
def test_a_kill_at_the_swap_instant_leaves_a_complete_site(versions, where):
    root, known = versions
    use_version(root, second=False)
    assert build(root).returncode == 0
    use_version(root, second=True)
    done = killed_at(root, HOOKS[where])
    assert done.returncode == -signal.SIGKILL, done.stderr
    if where == "between the two renames":
        # The one gap of the fallback: the next build puts the old site back first.
        assert not (root / "site").exists() and leftovers(root)
    else:
        assert_complete(root / "site", known)
    finished = build(root)
    assert finished.returncode == 0, finished.stderr
    assert assert_complete(root / "site", known) == "second"
    assert leftovers(root) == []


def test_kill_9_at_random_points_of_many_builds_always_leaves_a_complete_site(versions):
    root, known = versions
    rng = random.Random(SEED)
    started = time.monotonic()
    assert build(root).returncode == 0
    duration = time.monotonic() - started
    (root / "docs").mkdir(exist_ok=True)
    author = root / "docs" / "notes.md"
    author.write_text("# An author's page\n", encoding="utf-8")
    seen = set()
    for attempt in range(KILLS):
        use_version(root, second=attempt % 2 == 0)
        process = subprocess.Popen(command(), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env=environment(), start_new_session=True)
        time.sleep(rng.uniform(0, duration * 1.1))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        seen.add(assert_complete(root / "site", known) if (root / "site").exists() else "restorable")
        assert author.read_text(encoding="utf-8") == "# An author's page\n", f"seed {SEED}, kill {attempt}"
    done = build(root)
    assert done.returncode == 0, done.stderr
    assert assert_complete(root / "site", known) in known
    assert leftovers(root) == [], f"seed {SEED}"
    assert author.is_file()
    assert "restorable" not in seen, f"seed {SEED}: a kill left no site (the atomic exchange is not in use?)"


def test_builds_at_once_do_not_interleave(versions):
    root, known = versions
    use_version(root, second=True)
    processes = [subprocess.Popen(command(), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=environment()) for _ in range(3)]
    results = [(process.wait(timeout=300), process.stderr.read()) for process in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _ in results] == [0, 0, 0], results
    assert "Traceback" not in "".join(err for _, err in results)
    assert assert_complete(root / "site", known) == "second"
    assert leftovers(root) == []
