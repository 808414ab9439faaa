"""`sopc serve`: a live preview of the agents' site on 127.0.0.1.

The site is built into a private folder and served from there; a watcher
rebuilds it when a source, the site configuration or the settings change.
Every page carries a small script that asks the server for the build number
and reloads when it changes. While the SOPs have errors every request gets,
at once, a page listing them where they are (never a request left waiting
for a fix), and the preview comes back by itself once they are fixed.
"""

from __future__ import annotations

import html
import json
import mimetypes
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sopc.emit import site
from sopc.load.sources import discover

HOST = "127.0.0.1"
VERSION_PATH = "/__sopc/version"
# Polls the build number; reloads the page when a new build (or a fix) is in.
RELOAD_SCRIPT = """<script>(function () {
  if (window.__sopcPreview) return;
  window.__sopcPreview = true;
  var seen = %d;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (state.version !== seen) { location.reload(); } else { setTimeout(poll, 500); }
    }).catch(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 500);
})();</script>"""


@dataclass(frozen=True)
class Build:
    """What the server shows: a built site, or a page saying why there is none."""

    version: int
    site: Path | None = None
    problem_page: str | None = None
    problem_text: str = ""  # the same, for the terminal


@dataclass
class Options:
    sources: list
    config_file: str
    docs_dir: str | None = None
    engine: str = "mkdocs"
    rule_pages: bool = False


class Preview:
    """The builds, the folder they go to and the sources they watch."""

    def __init__(self, options: Options):
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="sopc-serve-"))
        self.current = Build(0, problem_page=_page("Building", "<p>The first build is under way.</p>"))
        self._fingerprint = None
        self._key: str | None = None  # what the site shown now was built with

    def rebuild(self) -> Build:
        version = self.current.version + 1
        into = self.folder / f"site-{version}"
        into.mkdir()
        try:
            self._render(into)
            build = Build(version, site=into)
        except site.CheckFailed as exc:
            build = Build(version, problem_page=errors_page(exc.result), problem_text=str(exc))
        except site.SiteError as exc:
            build = _failed(version, str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure must reach the browser, not hang it
            build = _failed(version, f"{type(exc).__name__}: {exc}")
        previous, self.current = self.current, build
        if build.site is None:
            shutil.rmtree(into, ignore_errors=True)
        # The build before the previous one: no page is still being sent from it.
        for stale in self.folder.glob("site-*"):
            if stale not in (build.site, previous.site):
                shutil.rmtree(stale, ignore_errors=True)
        return build

    def _render(self, into: Path) -> None:
        result = site.checked(self.options.sources)
        settings = site.site_settings(self.options.config_file)
        docs = Path(self.options.docs_dir).resolve() if self.options.docs_dir else settings.docs_dir
        # Start from the site shown now when it was built the same way (only
        # the pages that changed are rendered again).
        key = site.incremental_key(settings, self.options.engine, self.options.rule_pages, docs)
        previous = self.current.site if key and key == self._key else None
        self._key = None
        site.render_site(site.handed_over(result), settings, docs, into, engine=self.options.engine,
                         rule_pages=self.options.rule_pages, progress=False, previous=previous)
        self._key = key

    def changed(self) -> bool:
        """Whether a watched file changed since the last call."""
        fingerprint = self.fingerprint()
        changed = fingerprint != self._fingerprint
        self._fingerprint = fingerprint
        return changed

    def fingerprint(self) -> tuple:
        from sopc.config import find_config

        watched = [*discover(self.options.sources), Path(self.options.config_file)]
        found = find_config(Path.cwd())
        if found:
            watched.append(found[0])
        return tuple((str(path), *_stamp(path)) for path in watched)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _failed(version: int, message: str) -> Build:
    return Build(version, problem_page=_page("The site could not be built", f"<pre>{html.escape(message)}</pre>"),
                 problem_text=message + "\n")


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (None, None)
    return (stat.st_mtime_ns, stat.st_size)


def errors_page(result) -> str:
    from sopc.report import text as text_report

    errors = len(result.errors)
    report = html.escape(text_report.render(result))
    body = (f"<p>{errors} error{'s' if errors != 1 else ''} in the SOPs: the site is not rebuilt until they "
            "are fixed. This page reloads by itself when you save.</p>"
            f"<pre class=\"sopc-problems\">{report}</pre>")
    return _page("The SOPs have errors", body)


def _page(title: str, body: str) -> str:
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>sopc preview: {html.escape(title)}</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}"
            "pre{background:#f6f6f6;padding:1rem;overflow:auto;white-space:pre-wrap}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")


def with_reload(page: str, version: int) -> bytes:
    script = RELOAD_SCRIPT % (version, VERSION_PATH)
    at = page.rfind("</body>")
    return (page[:at] + script + page[at:] if at >= 0 else page + script).encode("utf-8")


def handler_for(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        server_version = "sopc-serve"

        def do_GET(self):  # noqa: N802 - the http.server interface
            path = unquote(urlsplit(self.path).path)
            build = preview.current
            if path == VERSION_PATH:
                self._send(HTTPStatus.OK, "application/json",
                           json.dumps({"version": build.version, "ok": build.site is not None}).encode())
            elif build.site is None:
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                           with_reload(build.problem_page, build.version))
            else:
                self._send_file(build, path)

        def do_HEAD(self):  # noqa: N802
            self.do_GET()

        def _send_file(self, build: Build, path: str) -> None:
            target = _file_in(build.site, path)
            status = HTTPStatus.OK
            if target is None:
                status, target = HTTPStatus.NOT_FOUND, build.site / "404.html"
                if not target.is_file():
                    self._send(status, "text/plain; charset=utf-8", b"Not found")
                    return
            try:
                data = target.read_bytes()
            except OSError:  # replaced by a newer build meanwhile: the page reloads anyway
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found")
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix == ".html":
                self._send(status, "text/html; charset=utf-8", with_reload(data.decode("utf-8", "replace"),
                                                                           build.version))
            else:
                self._send(status, kind, data)

        def _send(self, status, kind: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format, *args):  # noqa: A002 - quiet: the terminal shows builds, not requests
            pass

    return Handler


def _file_in(root: Path, path: str) -> Path | None:
    """The file a URL path names inside the site, or None (also for anything outside it)."""
    target = (root / path.lstrip("/")).resolve()
    if target != root and root.resolve() not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def serve(options: Options, port: int = 8000, interval: float = 0.3, say=print) -> None:
    """Build, serve on 127.0.0.1:`port` and rebuild on every change, until interrupted."""
    _stop_on_terminate()
    preview = Preview(options)
    server = ThreadingHTTPServer((HOST, port), handler_for(preview))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        preview.changed()
        _report(preview.rebuild(), say)
        say(f"Serving the agents' site on http://{HOST}:{server.server_address[1]}/ (Ctrl+C to stop)")
        sys.stdout.flush()
        while True:
            time.sleep(interval)
            if preview.changed():
                _report(preview.rebuild(), say)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def _stop_on_terminate() -> None:
    """SIGTERM stops the preview as Ctrl+C does, so its build folder is removed."""

    def interrupt(_signal, _frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def _report(build: Build, say) -> None:
    stamp = time.strftime("%H:%M:%S")
    if build.site is not None:
        say(f"[{stamp}] built #{build.version}")
    else:
        say(f"[{stamp}] build #{build.version} failed (the browser shows this too):\n{build.problem_text}".rstrip())
    sys.stdout.flush()
