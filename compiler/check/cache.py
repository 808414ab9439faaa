"""The check cache: `sopc check` on an unchanged corpus answers from disk.

Three levels, all keyed by content hashes, never by modification times:

- the whole result, keyed by the hash of every source file (path and bytes),
  the settings, the date (some rules depend on today) and the environment
  (sopc version, the schema and the compiler's own code). When nothing
  changed, no YAML is read at all.
- per file without problems, what the check made of it: its SOPs' summaries
  or models and their per-SOP findings (`sopc.check.modelled`), keyed by the
  file's path and bytes and the environment, under the settings and the date.
  When anything changed, every rule that looks across files (duplicate ids,
  broken hand-offs, hand-off cycles) runs again over the whole corpus, but
  only new or changed files are read again.
- per file, the problems of the load and schema stages, keyed the same way:
  a file with problems is read again, but not validated again.

One entry file per set of checked paths, under `.sopc-cache/check/` (and beside
it, its files' summaries, `.summaries`, or models, `.models`). Entries
are written to a temporary file and renamed into place, so a reader never
sees half an entry; an entry that cannot be read, has the wrong shape or was
not sealed by this user's sopc (`sopc.cache_seal`: a pull request can add
files to `.sopc-cache/` too) is ignored, and a cache that cannot be written
is skipped silently: the cache can make a check faster, never different.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sopc import __version__, cache_seal
from sopc.problems import Problem
from sopc.check.result import Result
from sopc.load.sources import discover, display_path, read_source
from sopc.schemas import SOP_SCHEMA

CACHE_DIR = Path(".sopc-cache") / "check"
FORMAT = 2
PACKAGE = Path(__file__).resolve().parent
SCHEMA = SOP_SCHEMA


@dataclass
class Known:
    """What the load and schema stages found in one file."""

    problems: list[Problem]
    # The ids a file with problems declares (its `sop:`, or procedures that
    # cannot be used), so that references to them are not reported as well.
    declared: list[str]
    # Whether part of the file is usable all the same (the valid procedures
    # of a procedures file): then it is loaded and modelled again.
    partial: bool = False


class StageCache:
    """Per file: its load and schema problems (read from the previous entry, collected
    for the next) and, when it has none, its models and per-SOP findings (`modelled`)."""

    def __init__(self, environment: str, previous: dict, modelled=None):
        self.environment = environment
        self.previous = previous
        self.current: dict[str, dict] = {}
        self.modelled = modelled  # sopc.check.modelled.ModelledFiles, or None
        self._last: tuple = (None, None, None)  # (display, raw, key): each file is asked for twice

    def key(self, display: str, raw: bytes) -> str:
        last_display, last_raw, last_key = self._last
        if raw is last_raw and display == last_display:
            return last_key
        digest = hashlib.sha256(self.environment.encode())
        digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        self._last = (display, raw, key)
        return key

    def holds_reads(self) -> bool:
        """Whether any file's reading is kept from the last check (not after a first check)."""
        return self.modelled is not None and bool(self.modelled.before)

    def read_before(self, display: str, raw: bytes) -> list | None:
        """What `read_file` read of this file when it last had these bytes (see `sopc.check.modelled`)."""
        if not self.holds_reads():
            return None
        key = self.key(display, raw)
        read = self.modelled.lookup(key)
        if read is not None and key in self.previous:  # kept for a check under other settings
            self.current[key] = self.previous[key]
        return read

    def keep_read(self, display: str, raw: bytes, read: list) -> None:
        if self.modelled is not None:
            self.modelled.store(self.key(display, raw), read)

    # `sopc check --jobs`: each worker collects what it read of one file, which the first process merges.
    def start_over(self) -> None:
        self.current = {}
        if self.modelled is not None:
            self.modelled.now = {}

    def collected(self) -> tuple[dict, dict]:
        return self.current, self.modelled.now if self.modelled is not None else {}

    def merge(self, collected: tuple[dict, dict] | None) -> None:
        stages, modelled = collected or ({}, {})
        self.current.update(stages)
        if self.modelled is not None:
            self.modelled.now.update(modelled)

    def lookup(self, display: str, raw: bytes) -> Known | None:
        entry = self.previous.get(self.key(display, raw))
        if not isinstance(entry, dict):
            return None
        try:
            declared = entry.get("declared") or []
            if not isinstance(declared, list) or not all(isinstance(d, str) for d in declared):
                return None
            return Known([_problem(p) for p in entry["problems"]], declared, entry.get("partial") is True)
        except (KeyError, TypeError, ValueError):
            return None

    def store(self, display: str, raw: bytes, problems: list[Problem], declared: list[str], partial: bool = False) -> None:
        self.current[self.key(display, raw)] = {"problems": [asdict(p) for p in problems], "declared": declared,
                                                "partial": partial}


def environment_fingerprint() -> str:
    """What, besides the sources, decides every stage's output: version, schema, compiler code."""
    digest = hashlib.sha256(f"sopc {__version__} cache {FORMAT}\n".encode())
    digest.update(_read(SCHEMA))
    for source in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(source.relative_to(PACKAGE)).encode() + b"\0")
        digest.update(_read(source))
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def settings_fingerprint(config) -> str:
    """The settings that change what the rules report (strict only changes the exit code)."""
    return config.fingerprint()


def check_cached(paths, config, cache_dir: Path = CACHE_DIR, need_corpus: bool = False, jobs: int = 1):
    """`check_paths`, answered from the cache when nothing changed, and filling it.

    On a hit the result's corpus is None: only the problems and counts are
    kept, which is all the reporters need. With `need_corpus` (the site
    build), the pipeline always runs, but validates only the files that
    changed, and the result holds every SOP's model; without it, only their
    summaries (`check_paths(keep_models=False)`).
    """
    environment = environment_fingerprint()
    files = discover(paths)
    rules_context = f"{settings_fingerprint(config)}\n{datetime.date.today()}\n"
    whole = hashlib.sha256(f"{environment}\n{rules_context}".encode())
    for path in files:
        whole.update(display_path(path).encode("utf-8", "surrogateescape") + b"\0")
        whole.update(hashlib.sha256(_read_or_marker(path)).digest())
    whole_key = whole.hexdigest()
    entry_path = cache_dir / (hashlib.sha256(json.dumps([str(p) for p in paths]).encode()).hexdigest()[:32] + ".json")
    entry = _load_entry(entry_path)
    if entry.get("key") == whole_key and not need_corpus:
        result = _result_from(entry.get("result"))
        if result is not None:
            return result

    from sopc.check import check_paths  # the full pipeline, only when needed
    from sopc.check.modelled import ModelledFiles

    # Each file's summaries (a check) or models (a build); a check keeps them once these paths were
    # checked before, a build always (keeping them is a small part of a build).
    modelled = ModelledFiles(entry_path.with_suffix(".models" if need_corpus else ".summaries"), rules_context,
                             keep=bool(entry) or need_corpus)
    stages = StageCache(environment, entry.get("files") if isinstance(entry.get("files"), dict) else {}, modelled)
    result = check_paths(paths, config, stages, keep_models=need_corpus, jobs=jobs)
    _write_entry(entry_path, {"key": whole_key, "result": _result_data(result), "files": stages.current})
    modelled.save()
    return result


def _read_or_marker(path: Path) -> bytes:
    # An unreadable file hashes differently from every readable one, and from itself once readable.
    try:
        return b"+" + read_source(path)
    except OSError as exc:
        return f"-{exc.errno}".encode()


def _load_entry(path: Path) -> dict:
    return cache_seal.read_mapping(path)


def _write_entry(path: Path, entry: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        cache_seal.write(path, json.dumps(entry, separators=(",", ":")))
    except OSError:
        pass  # a read-only or full disk only costs speed


def _result_data(result) -> dict:
    return {"problems": [asdict(p) for p in result.problems], "files": result.files, "suppressed": result.suppressed}


def _problem(data: dict) -> Problem:
    problem = Problem(**data)
    if not (isinstance(problem.line, int) and isinstance(problem.col, int) and isinstance(problem.path, str)):
        raise ValueError("malformed problem")
    return problem


def _result_from(data):
    try:
        problems = [_problem(p) for p in data["problems"]]
        files, suppressed = int(data["files"]), int(data["suppressed"])
    except (KeyError, TypeError, ValueError):
        return None
    return Result(None, problems, files, suppressed)
