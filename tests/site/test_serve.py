"""`sopc serve` in a real Chromium: it reloads on save, shows located errors
at once (never a hanging request) and comes back when they are fixed."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_helpers import SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                                "(bash scripts/setup.sh installs it)")
sync_api = pytest.importorskip("playwright.sync_api")


def kb(root: Path) -> Path:
    import textwrap

    (root / "sops").mkdir(parents=True)
    for name, text in SAMPLE.items():
        (root / "sops" / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


class Serving:
    """`sopc serve --port 0` started in `root`; its address read from what it prints."""

    def __init__(self, root: Path, *args):
        self.process = subprocess.Popen([sys.executable, "-m", "sopc", "serve", "--port", "0", *args], cwd=root,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, "PYTHONPATH": str(REPO)})
        self.output = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found.group(1)
                return
        self.stop()
        raise AssertionError("sopc serve did not start:\n" + "".join(self.output))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_serve_reloads_on_save_and_shows_located_errors_until_fixed(tmp_path, chromium, engine):
    if engine == "zensical":
        pytest.importorskip("zensical")
    root = kb(tmp_path / "kb")
    source = root / "sops" / "loan.yaml"
    original = source.read_text(encoding="utf-8")
    serving = Serving(root, "--engine", engine)
    try:
        page = chromium.new_page()
        page.goto(serving.url + "sops/loan-servicing/")
        assert page.locator("h1").first.inner_text().startswith("Loan servicing")

        # A save reloads the open page with the new text.
        source.write_text(original.replace("title: Loan servicing", "title: Loan servicing, revised"), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1') && "
                               "document.querySelector('h1').textContent.includes('revised')", timeout=60_000)

        # A broken reference: the open page turns into the located error.
        source.write_text(original.replace("handoff: escalating-complaints", "handoff: escalating-complaint"),
                          encoding="utf-8")
        page.wait_for_selector("pre.sopc-problems", timeout=60_000)
        problems = page.locator("pre.sopc-problems").inner_text()
        assert re.search(r"sops/loan\.yaml:\d+:\d+: error\[SOP100 ", problems), problems

        # Every other request is answered at once with the same page, never left waiting.
        started = time.monotonic()
        response = page.goto(serving.url + "sops/billing-question/", timeout=5_000)
        assert time.monotonic() - started < 5 and response.status == 500
        assert "SOP100" in page.locator("pre.sopc-problems").inner_text()

        # Fixed: the page comes back by itself.
        source.write_text(original, encoding="utf-8")
        page.wait_for_selector("h1:has-text('Billing question')", timeout=60_000)
        assert page.locator("pre.sopc-problems").count() == 0
    finally:
        serving.stop()
    assert serving.process.returncode is not None


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_mkdocs_serve_with_the_plugin_shows_errors_instead_of_waiting(tmp_path):
    """`mkdocs serve` run by hand (the `sopc` plugin): a broken SOP no longer leaves requests waiting."""
    root = kb(tmp_path / "kb")
    (root / ".sopc" / "docs").mkdir(parents=True)  # MkDocs wants its docs_dir before any plugin runs
    source = root / "sops" / "loan.yaml"
    original = source.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{free_port()}/"
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", url[7:-1]], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        wait_until(lambda: "Loan servicing" in fetch(url + "sops/loan-servicing/"), 120)
        source.write_text(original.replace("handoff: escalating-complaints", "handoff: escalating-complaint"),
                          encoding="utf-8")
        wait_until(lambda: "sopc-problems" in fetch(url + "sops/loan-servicing/"))
        started = time.monotonic()
        page = fetch(url + "sops/billing-question/")
        assert time.monotonic() - started < 5
        assert re.search(r"sops/loan\.yaml:\d+:\d+: error\[SOP100 ", page)
        source.write_text(original, encoding="utf-8")
        wait_until(lambda: "sopc-problems" not in fetch(url + "sops/loan-servicing/"))
    finally:
        process.terminate()
        process.wait(timeout=20)
