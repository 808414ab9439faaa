"""Run every benchmark and print one Markdown table.

    python3 bench/run.py [--sizes 100,1000,5000] [--repeat 5] [--quick] [--only check,export]

Every measurement is a ratio against a reference measured in the same
repetition, right before it, so that a busy machine slows both alike; the
table shows the median over the repetitions. Times are the CPU time (user +
system) of the child process and its own children, which a shared machine
disturbs far less than wall-clock time (`--clock wall` to use that instead).

Corpora are written by `bench/generate.py` into `bench/corpus/<size>` when
missing. What each row measures and against what: docs/benchmarks.md. A
command this checkout does not have is shown as "n/a (command missing)".
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)

SCHEMA = REPO / "schema" / "sop.schema.json"

# The floor: the same files read by PyYAML's C loader and nothing else.
PARSE_FLOOR = """
import sys, yaml
for name in sys.argv[1:]:
    with open(name, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""
# Runs a command and prints its peak resident memory (KB) as the last line.
PEAK_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
code = os.waitstatus_to_exitcode(status)
if code:
    sys.exit(code)
print("peak-rss-kb", usage.ru_maxrss)
"""
# A command's start-up against the floor's: the floor of one SOP, the same
# with the libraries the command imports imported first (`{imports}`), and the
# command. They split a cold row into start-up and work per SOP.
LIBRARIES_FLOOR = "import {imports}\n" + PARSE_FLOOR
JSON_FLOOR = """
import json, sys
with open(sys.argv[1], "rb") as handle:
    json.load(handle)
"""


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_kb: int
    returncode: int
    output: str = ""


@dataclass
class Row:
    measurement: str
    size: str
    value: str = "n/a"
    reference: str = ""
    ratio: str = ""
    spread: str = ""
    target: str = ""
    met: str = ""


@dataclass
class Bench:
    sizes: list[int]
    repeat: int
    clock: str
    jsonschema_max: int
    site_max: int
    work: Path
    rows: list[Row] = field(default_factory=list)
    commands: set[str] = field(default_factory=set)
    cold: dict[int, float] = field(default_factory=dict)
    pending_spread: str = ""
    pending_wall: tuple = (0.0, 0.0, 0.0)
    export_cold: dict[int, float] = field(default_factory=dict)
    cold_floor: dict[int, float] = field(default_factory=dict)
    export_floor: dict[int, float] = field(default_factory=dict)
    # command -> (the libraries it imports, and the medians of the start-up
    # rows: floor of one SOP, with those libraries, the command; seconds)
    start: dict[str, tuple[list[str], float, float, float]] = field(default_factory=dict)
    page_bytes: dict[int, float] = field(default_factory=dict)
    zensical_max: int = 1000
    search_max: int = 1000

    # -- running things ---------------------------------------------------

    def run(self, argv: list[str], cwd: Path | None = None, check: bool = True) -> Sample:
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd or self.work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, usage = _communicate_with_usage(proc)
        wall = time.perf_counter() - start
        sample = Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, output)
        if check and sample.returncode != 0:
            raise CommandFailed(argv, sample)
        return sample

    def seconds(self, sample: Sample) -> float:
        return sample.cpu if self.clock == "cpu" else sample.wall

    def sopc(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "sopc", *args]

    def paired(self, measure, reference) -> tuple[float, float, float]:
        """Median of measure, of reference, and of their per-repetition ratio.

        The lowest and highest per-repetition ratio go with the next row added
        (its spread), and so does the median ratio of wall-clock times.
        """
        values, refs, ratios, walls = [], [], [], []
        for _ in range(self.repeat):
            ref_sample = reference()
            sample = measure()
            ref, value = self.seconds(ref_sample), self.seconds(sample)
            values.append(value)
            refs.append(ref)
            ratios.append(value / ref if ref else float("inf"))
            walls.append(sample.wall / ref_sample.wall if ref_sample.wall else float("inf"))
        self.pending_spread = f"{min(ratios):.2f}–{max(ratios):.2f}x"
        self.pending_wall = (statistics.median(s for s in walls), min(walls), max(walls))
        return statistics.median(values), statistics.median(refs), statistics.median(ratios)

    def add_wall(self, measurement, size, target: float) -> None:
        """A row for the wall-clock ratio of the last paired measurement."""
        ratio, low, high = self.pending_wall
        row = Row(f"wall clock: {measurement}", str(size), "", "", f"{ratio:.2f}x", f"{low:.2f}–{high:.2f}x",
                  f"≤ {target}x", "yes" if ratio <= target else "**no**")
        self.rows.append(row)
        print(f"  {row.measurement} [{size}]: {row.ratio} {row.spread}", file=sys.stderr)

    def add(self, measurement, size, value=None, reference=None, ratio=None, target="", met=None, note=None):
        row = Row(measurement, str(size), target=target)
        if note is not None:
            row.value = note
        else:
            row.value = value if isinstance(value, str) else f"{value:.3f} s"
            row.reference = reference if isinstance(reference, str) else (f"{reference:.3f} s" if reference is not None else "")
            row.ratio = f"{ratio:.2f}x" if ratio is not None else ""
            if ratio is not None and self.pending_spread:
                row.spread, self.pending_spread = self.pending_spread, ""
            row.met = "" if met is None else ("yes" if met else "**no**")
        self.rows.append(row)
        print(f"  {measurement} [{size}]: {row.value} {row.reference} {row.ratio} {row.met}", file=sys.stderr)

    # -- the measurements -------------------------------------------------

    def corpus(self, size: int) -> tuple[Path, list[str]]:
        folder = ensure_corpus(size)
        files = sorted(str(p) for p in folder.glob("*.yaml"))
        return folder, files

    def parse_floor(self, files: list[str]):
        return lambda: self.run([sys.executable, "-c", PARSE_FLOOR, *files])

    def check_cold(self, size: int) -> None:
        folder, files = self.corpus(size)
        value, ref, ratio = self.paired(lambda: self.run(self.sopc("check", "--no-cache", str(folder))),
                                        self.parse_floor(files))
        self.cold[size], self.cold_floor[size] = value, ref
        self.add("`sopc check` cold vs parse floor", size, value, ref, ratio, "≤ 1.3x", ratio <= 1.3)
        self.add_wall("`sopc check` cold vs parse floor", size, 1.3)

    def check_jobs(self, size: int) -> None:
        """A cold check in two processes: its CPU time (all processes) and wall clock against the parse floor's."""
        folder, files = self.corpus(size)
        value, ref, ratio = self.paired(lambda: self.run(self.sopc("check", "--no-cache", "--jobs", "2", str(folder))),
                                        self.parse_floor(files))
        self.add("`sopc check --jobs 2` cold, CPU of all processes vs parse floor", size, value, ref, ratio)
        self.add_wall("`sopc check --jobs 2` cold vs parse floor (one process)", size, 1.0)

    def check_warm(self, size: int) -> None:
        folder, files = self.corpus(size)
        cache_home = Path(tempfile.mkdtemp(dir=self.work))
        self.run(self.sopc("check", str(folder)), cwd=cache_home)  # fills the cache
        value, ref, ratio = self.paired(lambda: self.run(self.sopc("check", str(folder)), cwd=cache_home),
                                        self.parse_floor(files))
        self.add("`sopc check` warm (unchanged) vs parse floor", size, value, ref, ratio, "≤ 0.3x", ratio <= 0.3)

    def check_after_edit(self, size: int) -> None:
        """A check after editing one SOP, once the checks before it kept every file's summaries."""
        folder, _files = self.corpus(size)
        project = self.work / f"edit-{size}"
        shutil.copytree(folder, project / "sops", ignore=shutil.ignore_patterns(".generated"))
        files = sorted(str(p) for p in (project / "sops").glob("*.yaml"))
        check = self.sopc("check", "sops")
        self.run(check, cwd=project)  # the first check of these paths keeps no summaries
        edits = iter(range(1, 1000))

        def edited_and_checked():
            edit_one_sop(project / "sops", f"now {next(edits)}")  # another text each time: never a whole hit
            return self.run(check, cwd=project)

        edited_and_checked()  # keeps every file's summaries
        value, ref, ratio = self.paired(edited_and_checked, self.parse_floor(files))
        self.add("`sopc check` after editing one SOP vs parse floor", size, value, ref, ratio, "≤ 0.3x", ratio <= 0.3)

    def check_policies(self, size: int) -> None:
        """The same cold check with the path policies of POLICIES in the settings, against none."""
        folder, _files = self.corpus(size)
        with_policies = self.work / f"policies-{size}"
        without = self.work / f"no-policies-{size}"
        for project in (with_policies, without):
            project.mkdir(exist_ok=True)
        (with_policies / "sopc.toml").write_text(POLICIES, encoding="utf-8")
        (without / "sopc.toml").write_text("", encoding="utf-8")
        check = self.sopc("check", "--no-cache", str(folder))
        value, ref, ratio = self.paired(lambda: self.run(check, cwd=with_policies), lambda: self.run(check, cwd=without))
        self.add("`sopc check` cold with 3 path policies vs without", size, value, ref, ratio, "≤ 1.1x", ratio <= 1.1)

    def not_measured(self, label: str, size: int, command: str | None = None, largest: int | None = None,
                     option: str = "") -> bool:
        """Add an n/a row and say so when `command` is missing or `size` is above `largest` (set by `option`)."""
        if command is not None and command not in self.commands:
            self.add(label, size, note="n/a (command missing)")
            return True
        if largest is not None and size > largest:
            self.add(label, size, note=f"n/a (skipped above {largest} SOPs; {option})")
            return True
        return False

    def check_vs_jsonschema(self, size: int) -> None:
        label = "`check-jsonschema` vs `sopc check` cold"
        if shutil.which("check-jsonschema") is None:
            self.add(label, size, note="n/a (check-jsonschema not installed)")
            return
        if self.not_measured(label, size, largest=self.jsonschema_max, option="--jsonschema-max"):
            return
        folder, files = self.corpus(size)
        other, ours, ratio = self.paired(
            lambda: self.run(["check-jsonschema", "--schemafile", str(SCHEMA), *files]),
            lambda: self.run(self.sopc("check", "--no-cache", str(folder))))
        self.add(label, size, other, ours, ratio, "≥ 10x (sopc faster)", ratio >= 10)

    def diff(self, size: int) -> None:
        """Both sides loaded and compared, against one side checked: about twice the load, no rules."""
        label = "`sopc diff` of two folders, one SOP edited, vs `sopc check` cold"
        if self.not_measured(label, size, "diff"):
            return
        folder, _files = self.corpus(size)
        edited = self.work / f"edited-{size}"
        shutil.copytree(folder, edited)
        edit_one_sop(edited)
        value, ref, ratio = self.paired(
            lambda: self.run(self.sopc("diff", str(folder), str(edited), "--format", "json")),
            lambda: self.run(self.sopc("check", "--no-cache", str(folder))))
        self.add(label, size, value, ref, ratio, "≤ 2x", ratio <= 2)

    def peak_memory_kb(self, argv: list[str], cwd: Path | None = None) -> int:
        """Peak resident memory of a command, started from a small launcher process.

        Linux counts into a child's peak the memory of the process it was
        forked from, and this harness grows (it loads bundles and pages to
        measure them), so a command started from it directly would report at
        least the harness's own peak.
        """
        output = self.run([sys.executable, "-c", PEAK_LAUNCHER, *argv], cwd=cwd).output
        return int(output.rstrip().rsplit("\n", 1)[-1].split()[-1])

    def memory(self, size: int) -> None:
        """Peak resident memory of a cold check and of an export, against the parse floor's."""
        folder, files = self.corpus(size)
        floor = self.peak_memory_kb([sys.executable, "-c", PARSE_FLOOR, *files])
        commands = {"check": self.sopc("check", "--no-cache", str(folder)),
                    "export": self.sopc("export", str(folder), "-o", str(self.work / "memory-bundle.json"))}
        for name, argv in commands.items():
            if name not in self.commands:
                continue
            ours = self.peak_memory_kb(argv)
            self.add(f"peak memory of `sopc {name}`{' cold' if name == 'check' else ''} vs parse floor", size,
                     f"{ours / 1024:.0f} MB", f"{floor / 1024:.0f} MB", ours / floor, "≤ 200 MB", ours <= 200 * 1024)
        if "check" in self.commands:
            self.memory_after_edit(size, floor)

    def memory_after_edit(self, size: int, floor: int) -> None:
        """Peak memory of a check after editing one SOP, once the check before it kept every file's summaries."""
        folder, _ = self.corpus(size)
        project = self.work / f"memory-edit-{size}"
        shutil.copytree(folder, project / "sops", ignore=shutil.ignore_patterns(".generated"))
        check = self.sopc("check", "sops")
        self.run(check, cwd=project)  # the first check of these paths keeps no summaries
        edit_one_sop(project / "sops", "now kept")
        self.run(check, cwd=project)  # keeps every file's summaries
        edit_one_sop(project / "sops", "now measured")
        ours = self.peak_memory_kb(check, cwd=project)
        self.add("peak memory of `sopc check` after editing one SOP vs parse floor", size, f"{ours / 1024:.0f} MB",
                 f"{floor / 1024:.0f} MB", ours / floor, "reported (no target)")

    def start_up(self) -> None:
        """What a cold check and an export cost before their first SOP, against the parse floor of one SOP.

        Each command runs on the one-SOP corpus, interleaved with the floor
        and with the floor after importing the libraries the command imports
        (found by running it once under `-X importtime`), 4x the repetitions
        of other rows: the figures are a few tens of milliseconds.
        """
        folder, files = self.corpus(1)
        commands = {"check": ("`sopc check` cold", ["check", "--no-cache", str(folder)]),
                    "export": ("`sopc export`", ["export", str(folder), "-o", str(self.work / "bundle-1.json")])}
        for name, (label, args) in commands.items():
            if self.not_measured(f"start-up: {label} of one SOP vs parse floor", 1, name):
                continue
            libraries = self.imported_libraries(args)
            with_libraries = [sys.executable, "-c", LIBRARIES_FLOOR.format(imports=", ".join(libraries)), *files]
            floor, imported, command = self.interleaved(
                [self.parse_floor(files), lambda: self.run(with_libraries), lambda: self.run(self.sopc(*args))],
                self.repeat * 4)
            self.start[name] = (libraries, statistics.median(floor), statistics.median(imported),
                                statistics.median(command))
            self.add_start_up(f"start-up: {', '.join(libraries)} imported, then the parse floor of one SOP", imported, floor)
            self.add_start_up(f"start-up: {label} of one SOP vs parse floor", command, floor)

    def imported_libraries(self, args: list[str]) -> list[str]:
        """The installed libraries (not the standard library, not sopc) that `sopc *args` imports, in import order."""
        import importlib.util

        sample = self.run([sys.executable, "-X", "importtime", "-m", "sopc", *args])
        found: list[str] = []
        for line in sample.output.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            top = line.rsplit("|", 1)[1].strip().split(".")[0]
            if top in found or top in sys.stdlib_module_names or top == "sopc" or top.startswith("_"):
                continue
            spec = importlib.util.find_spec(top)
            if spec is not None and spec.origin not in (None, "built-in", "frozen"):
                found.append(top)
        return found

    def interleaved(self, measures, repeat: int) -> list[list[float]]:
        """Each measure run `repeat` times, one after the other in turn; the times of each."""
        times: list[list[float]] = [[] for _ in measures]
        for _ in range(repeat):
            for measured, measure in zip(times, measures):
                measured.append(self.seconds(measure()))
        return times

    def add_start_up(self, label: str, values: list[float], floors: list[float]) -> None:
        ratio = self.median_ratio(values, floors)
        self.add(label, 1, f"{statistics.median(values) * 1000:.0f} ms",
                 f"{statistics.median(floors) * 1000:.0f} ms", ratio, "reported (no target)")

    def start_up_split(self, name: str, label: str, times: dict[int, float], floors: dict[int, float]) -> None:
        """A cold row taken apart: work per SOP against the floor's, and each start-up against the floor.

        Derived from medians of the rows above (the row's, and the start-up
        rows' of one SOP): the command's time is the floor's start-up, plus
        the libraries', plus sopc's own, plus its work per SOP; so the row's
        ratio is 1 + (libraries' + sopc's start-up) / floor + (work ratio - 1)
        x (floor's work per SOP) / floor.
        """
        if name not in self.start:
            return
        libraries, floor_one, imported_one, command_one = self.start[name]
        for size in sorted(times):
            value, floor = times[size], floors[size]
            work, floor_work = value - command_one, floor - floor_one
            if size > 1 and floor_work > 0:  # the one-SOP corpus is the start-up itself: no work to take apart
                self.add(f"{label}, start-up taken out: its work per SOP vs the floor's", size, work, floor_work,
                         work / floor_work, "reported (no target)")
            self.add(f"{label}: start-up of {', '.join(libraries)} vs parse floor", size,
                     f"{(imported_one - floor_one) * 1000:.0f} ms", floor, (imported_one - floor_one) / floor,
                     "reported (no target)")
            self.add(f"{label}: start-up of sopc itself vs parse floor", size,
                     f"{(command_one - imported_one) * 1000:.0f} ms", floor, (command_one - imported_one) / floor,
                     "reported (no target)")

    def scaling(self, name: str, times: dict[int, float], floors: dict[int, float]) -> None:
        """How a command's time grows with the corpus, against how the parse floor's grew in the same run.

        The sizes are measured minutes apart and the machine's speed moves in
        between (in one run the floor of 5,000 SOPs took 5.9 times that of
        1,000): the floor's own growth is the measure of linear.
        """
        sizes = sorted(times)
        for small, large in zip(sizes, sizes[1:]):
            grew, floor_grew = times[large] / times[small], floors[large] / floors[small]
            ratio = grew / floor_grew
            self.add(f"{name}: {large / small:g}x the SOPs costs, against the parse floor's growth", f"{small}→{large}",
                     f"{grew:.2f}x", f"{floor_grew:.2f}x", ratio, "≤ 1.1x", ratio <= 1.1)

    def export(self, size: int) -> Path | None:
        label = "`sopc export` vs parse floor"
        if self.not_measured(label, size, "export"):
            return None
        folder, files = self.corpus(size)
        bundle = self.work / f"bundle-{size}.json"
        value, ref, ratio = self.paired(lambda: self.run(self.sopc("export", str(folder), "-o", str(bundle))),
                                        self.parse_floor(files))
        self.export_cold[size], self.export_floor[size] = value, ref
        self.add(label, size, value, ref, ratio, "≤ 1.4x", ratio <= 1.4)
        self.add_wall(label, size, 1.4)
        return bundle

    def runtime(self, size: int, bundle: Path | None) -> None:
        """Both runtimes: loading the bundle against parsing its JSON in the same process, and walking it."""
        python = "runtime `Bundle.load` vs `json.load` (in-process)"
        python_walks = "runtime steps per second on random walks"
        node = shutil.which("node")
        javascript = "JS runtime `Bundle.load` vs `JSON.parse` (in-process, Node)"
        javascript_read = "JS runtime `Bundle.load` vs reading the file (in-process, Node)"
        javascript_walks = "JS runtime steps per second on random walks (Node)"
        if bundle is None:
            for label in (python, python_walks, javascript, javascript_read, javascript_walks):
                self.add(label, size, note="n/a (command missing: `sopc export`)")
            return
        probe = [sys.executable, "-c", RUNTIME_PROBE, str(bundle)]
        ours, floor = self.probe_columns(probe + ["load"], 2)
        self.add_load(python, size, ours, floor, target=2)
        self.add_walks(python_walks, size, lambda seed: probe + ["walk", str(seed)])
        if node is None:
            for label in (javascript, javascript_read, javascript_walks):
                self.add(label, size, note="n/a (`node` not found)")
            return
        probe = [node, str(HERE / "runtime_probe.mjs"), str(bundle)]
        ours, parse, read = self.probe_columns(probe + ["load"], 3)
        self.add_load(javascript, size, ours, parse, target=2)
        self.add_load(javascript_read, size, ours, read, target=None)
        self.add_walks(javascript_walks, size, lambda seed: probe + ["walk", str(seed)])

    def probe_columns(self, argv: list[str], count: int) -> list[list[float]]:
        """A probe run `repeat` times, each printing `count` CPU times: one list per column."""
        columns = [[] for _ in range(count)]
        for _ in range(self.repeat):
            for column, value in zip(columns, map(float, self.run(argv).output.split()[-count:])):
                column.append(value)
        return columns

    def median_ratio(self, ours: list[float], floor: list[float]) -> float:
        """The median of per-repetition ratios; their lowest and highest go with the next row added."""
        ratios = [value / ref if ref else float("inf") for value, ref in zip(ours, floor)]
        self.pending_spread = f"{min(ratios):.2f}–{max(ratios):.2f}x"
        return statistics.median(ratios)

    def add_load(self, label: str, size: int, ours: list[float], floor: list[float], target: float | None) -> None:
        ratio = self.median_ratio(ours, floor)
        self.add(label, size, statistics.median(ours), statistics.median(floor), ratio,
                 f"≤ {target}x" if target else "", None if target is None else ratio <= target)

    def add_walks(self, label: str, size: int, argv_for_seed) -> None:
        """Steps per second of seeded random walks, one seed per repetition."""
        rates, last = [], ""
        for seed in range(self.repeat):
            last = self.run(argv_for_seed(seed)).output.strip().splitlines()[-1]
            rates.append(float(last.split()[0]))
        rate = statistics.median(rates)
        self.add(label, size, f"{rate:,.0f} steps/s", last.split(": ", 1)[1], target="≥ 100,000 steps/s",
                 met=rate >= 100_000)
        self.rows[-1].spread = f"{min(rates):,.0f}–{max(rates):,.0f}"

    def site(self, size: int) -> None:
        label = "`sopc build` from scratch vs mkdocs + dot by hand"
        if self.not_measured(label, size, "build", self.site_max, "--site-max"):
            return
        folder, _ = self.corpus(size)
        project = site_project(self.work / f"site-{size}", folder)
        build = self.sopc("build", "--sources", "sops", "--site-dir", "site")
        try:
            self.run(build, cwd=project)  # the pages the baseline is made of
        except CommandFailed as exc:
            print(f"  site build failed:\n{exc.sample.output[-2000:]}", file=sys.stderr)
            self.add(label, size, note="n/a (build failed; see stderr)")
            return
        baseline_dir = write_baseline(project, self.work / f"baseline-{size}")

        peaks: dict[str, list[int]] = {"sopc": [], "floor": []}

        def from_scratch():
            clear_generated(project)
            sample = self.run(build, cwd=project)
            drawn, _ = flowcharts_drawn(sample.output)
            if drawn != size:
                raise CommandFailed(build, sample, f"drew {drawn} flowcharts from scratch, expected {size}")
            peaks["sopc"].append(sample.maxrss_kb)
            return sample

        def baseline():
            shutil.rmtree(baseline_dir / "site", ignore_errors=True)
            shutil.rmtree(baseline_dir / "svg", ignore_errors=True)
            sample = self.run([sys.executable, "-c", BASELINE_BUILD, str(baseline_dir)], cwd=baseline_dir)
            peaks["floor"].append(sample.maxrss_kb)
            return sample

        value, ref, ratio = self.paired(from_scratch, baseline)
        self.add(label, size, value, ref, ratio, "≤ 1.2x", ratio <= 1.2)
        self.add_wall(label, size, 1.2)
        mine, floor = statistics.median(peaks["sopc"]) / 1024, statistics.median(peaks["floor"]) / 1024
        self.add("peak memory of `sopc build` from scratch vs mkdocs + dot by hand", size, f"{mine:.0f} MB",
                 f"{floor:.0f} MB", mine / floor, "reported (no target)")
        self.site_size(size, project / "site")
        self.bundle_bytes(size, project)
        self.rebuilds(size, project, build, value)

    def rebuilds(self, size: int, project: Path, build: list[str], scratch: float) -> None:
        """Rebuilding re-draws only the flowcharts whose graph changed and renders only the pages that changed."""
        again = self.run(build, cwd=project)
        drawn, cached = flowcharts_drawn(again.output)
        self.add("`sopc build` again, nothing changed: flowcharts re-drawn", size,
                 f"{drawn} drawn, {cached} from cache", f"{self.seconds(again):.3f} s", target="0", met=drawn == 0,
                 ratio=None)
        times, first_edit = [], None
        for _ in range(self.repeat):
            edited = edit_one_sop(project / "sops")
            try:
                after = self.run(build, cwd=project)
            finally:
                edited.restore()
            first_edit = first_edit or after
            times.append(self.seconds(after))
            self.run(build, cwd=project)  # back to the site of the unedited corpus
        drawn, cached = flowcharts_drawn(first_edit.output)
        self.add("`sopc build` after editing one SOP: flowcharts re-drawn", size,
                 f"{drawn} drawn, {cached} from cache", f"{self.seconds(first_edit):.3f} s", target="1",
                 met=drawn == 1, ratio=None)
        median = statistics.median(times)
        self.add("`sopc build` after editing one SOP vs from scratch", size, median, scratch, median / scratch,
                 "≤ 0.10x", median / scratch <= 0.10)

    def bundle_bytes(self, size: int, project: Path) -> None:
        """Guided mode's bundles as published (one part per SOP) against one
        bundle per SOP repeating every SOP it hands off to, and the whole corpus's bundle."""
        published = sum(path.stat().st_size for path in (project / "site" / "assets" / "sopc" / "bundles").glob("*.json"))
        done = self.run([sys.executable, "-c", BUNDLE_SIZES, str(project / "sops")])
        repeating, whole = map(int, done.output.split()[-2:])
        self.add("guided-mode bundles: bytes published vs one bundle per SOP with its hand-off targets", size,
                 f"{published / 1e6:.1f} MB", f"{repeating / 1e6:.1f} MB", published / repeating,
                 f"each SOP once (≤ 1.1x the whole corpus's bundle, {whole / 1e6:.1f} MB)", published <= 1.1 * whole)

    def zensical_rebuilds(self, size: int) -> None:
        """Zensical: a build after editing one SOP against one from scratch (no previous site, no caches)."""
        label = "`sopc build --engine zensical` after editing one SOP vs from scratch"
        if self.not_measured(label, size, "build", self.zensical_max, "--zensical-max"):
            return
        project = site_project(self.work / f"site-zensical-{size}", self.corpus(size)[0])
        build = self.sopc("build", "--sources", "sops", "--site-dir", "site", "--engine", "zensical")
        scratch, rebuilt = [], []
        for _ in range(self.repeat):
            clear_generated(project)
            scratch.append(self.seconds(self.run(build, cwd=project)))
            edited = edit_one_sop(project / "sops")
            try:
                rebuilt.append(self.seconds(self.run(build, cwd=project)))
            finally:
                edited.restore()
        ratios = [after / before for after, before in zip(rebuilt, scratch)]
        ratio = statistics.median(ratios)
        self.pending_spread = f"{min(ratios):.2f}–{max(ratios):.2f}x"
        self.add(label, size, statistics.median(rebuilt), statistics.median(scratch), ratio, "≤ 0.10x", ratio <= 0.10)

    def site_size(self, size: int, site: Path) -> None:
        """Bytes of an SOP page (median) and of the whole site."""
        pages = sorted(path.stat().st_size for path in (site / "sops").glob("*/index.html"))
        total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
        self.page_bytes[size] = statistics.median(pages)
        self.add("site size: bytes per SOP page (median), whole site", size,
                 f"{statistics.median(pages) / 1024:.0f} KB per page, {total / 1e6:.1f} MB in all",
                 f"{total / size / 1024:.0f} KB per SOP in all", target="page size flat in the SOP count")

    def search(self, size: int) -> None:
        """The search index (entries, bytes) and the time from typing a query on
        an SOP page to its first result in headless Chromium, for each engine."""
        label = "first search result after typing on an SOP page (headless Chromium)"
        if self.not_measured(label, size, "build", self.search_max, "--search-max"):
            return
        folder, _ = self.corpus(size)
        for engine in ("mkdocs", "zensical"):
            if engine == "zensical" and size > self.zensical_max:
                continue
            site = self.searchable_site(size, folder, engine)
            if site is None:
                self.add(f"{label}, {engine}", size, note="n/a (build failed; see stderr)")
                continue
            if engine == "mkdocs" and size not in self.page_bytes:
                self.site_size(size, site)
            self.search_index_size(size, site, engine)
            self.first_result(f"{label}, {engine}", size, site, engine)

    def searchable_site(self, size: int, corpus: Path, engine: str) -> Path | None:
        """The site group's build of this size if it ran, else one build (timed once, as a row)."""
        built = self.work / f"site-{size}" / "site"
        if engine == "mkdocs" and (built / "search").is_dir():
            return built
        project = site_project(self.work / f"search-{engine}-{size}", corpus)
        clear_generated(project)
        build = self.sopc("build", "--sources", "sops", "--site-dir", "site", "--engine", engine)
        try:
            sample = self.run(build, cwd=project)
        except CommandFailed as exc:
            print(f"  {engine} build failed:\n{exc.sample.output[-2000:]}", file=sys.stderr)
            return None
        self.add(f"`sopc build --engine {engine}` from scratch, once, for the search rows", size,
                 f"{sample.cpu:.1f} s CPU", f"{sample.wall:.1f} s wall", target="reported (no target)")
        return project / "site"

    def search_index_size(self, size: int, site: Path, engine: str) -> None:
        """Entries and bytes of the index the engine's search loads, against the pages of the site."""
        import json

        from sopc.emit.search_index import INDEXES

        label = f"search index ({engine}): entries, bytes"
        path, key = next(((site / relative, key) for relative, key in INDEXES if (site / relative).is_file()),
                         (None, None))
        if path is None:
            self.add(label, size, note="n/a (no search index written)")
            return
        entries = len(json.loads(path.read_text(encoding="utf-8"))[key])
        pages = sum(1 for _ in site.rglob("*.html"))
        self.add(label, size, f"{entries:,} entries, {path.stat().st_size / 1e6:.1f} MB", f"{pages:,} HTML pages",
                 target="≤ 1 entry per page", met=entries <= pages)

    def first_result(self, label: str, size: int, site: Path, engine: str) -> None:
        if not Path(CHROMIUM).exists():
            self.add(label, size, note=f"n/a ({CHROMIUM} not found)")
            return
        page = next(iter(sorted(path.parent.name for path in (site / "sops").glob("*/index.html"))), None)
        probe = [sys.executable, "-c", FIRST_RESULT_PROBE, str(site), f"sops/{page}/", SEARCHED]
        times, workers = [], []
        for _ in range(self.repeat):
            times.append(float(self.run(probe + ["page"]).output.split()[-1]))
            if engine == "mkdocs":  # Material's own worker on the same index, for reference
                workers.append(float(self.run(probe + ["worker"]).output.split()[-1]))
        median = statistics.median(times)
        reference = f"{statistics.median(workers):.2f} s with Material's worker" if workers else ""
        self.add(label, size, f"{median:.2f} s", reference or f"median of {len(times)} page loads",
                 ratio=median / statistics.median(workers) if workers else None, target="≤ 1 s", met=median <= 1.0)
        self.rows[-1].spread = f"{min(times):.2f}–{max(times):.2f} s"

    def page_scaling(self) -> None:
        if len(self.page_bytes) < 2:
            return
        small, large = min(self.page_bytes), max(self.page_bytes)
        ratio = self.page_bytes[large] / self.page_bytes[small]
        self.add(f"SOP page bytes at {large} SOPs vs at {small}", f"{small}→{large}",
                 f"{self.page_bytes[large] / 1024:.0f} KB", f"{self.page_bytes[small] / 1024:.0f} KB", ratio,
                 "≤ 1.10x", ratio <= 1.10)


class CommandFailed(Exception):
    def __init__(self, argv, sample: Sample, why: str | None = None):
        super().__init__(f"{' '.join(argv[:4])} ... {why or f'exited {sample.returncode}'}")
        self.sample = sample


def _communicate_with_usage(proc: subprocess.Popen):
    """Output and resource usage of a finished child (its CPU time and peak memory)."""
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return output, usage


def ensure_corpus(size: int) -> Path:
    """bench/corpus/<size>, written unless already written by this generator."""
    folder = HERE / "corpus" / str(size)
    stamp = folder / ".generated"
    fingerprint = f"{size}:{hash_file(Path(generate.__file__))}"
    if not (stamp.is_file() and stamp.read_text() == fingerprint):
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {size} SOPs into {folder}", file=sys.stderr)
        generate.generate(size, folder)
        stamp.write_text(fingerprint)
    return folder


def hash_file(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def available_commands() -> set[str]:
    """The sub-commands this checkout's `sopc` has."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "sopc", "--help"], capture_output=True, text=True,
                         env=env, cwd=REPO).stdout
    lines = out.split("Commands:", 1)[1].splitlines() if "Commands:" in out else []
    return {line.split()[0] for line in lines if line.strip()}


# -- runtime and site helpers -------------------------------------------------

RUNTIME_PROBE = """
import json, random, sys, time
from datetime import date
from sopc.runtime import Bundle, Session

path, what = sys.argv[1], sys.argv[2]
if what == "load":  # CPU seconds of Bundle.load, then of json.load, of the same file
    start = time.process_time()
    Bundle.load(path)
    ours = time.process_time() - start
    start = time.process_time()
    with open(path, "rb") as handle:
        json.load(handle)
    print(ours, time.process_time() - start)
elif what == "walk":  # one random walk through every SOP, again until a second has passed
    bundle = Bundle.load(path)
    rng = random.Random(int(sys.argv[3]))
    today = date(2026, 1, 15)
    steps = walks = 0
    start = time.process_time()
    while walks == 0 or time.process_time() - start < 1.0:
        for sop_id in sorted(bundle.sops):
            session = Session.start(bundle, sop_id, today=today)
            for _ in range(10_000):
                shown = session.view()  # what a tool shows the agent at every stop
                if session.status == "question":
                    session.choose(rng.randint(1, len(shown["options"])))
                elif session.status == "waiting":
                    session.resume()
                else:
                    break
            steps += len(session.log)
            walks += 1
    elapsed = time.process_time() - start
    print(f"{steps / elapsed:.0f} steps/s: {walks} walks, {steps} steps in {elapsed:.2f} s")
"""

# The floor of a site build: Graphviz draws the same graphs (as many at a
# time as `sopc build` draws: one per core, at most 8) and MkDocs builds the
# same pages, with no hook.
BASELINE_BUILD = """
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(sys.argv[1])
(root / "svg").mkdir(exist_ok=True)

def draw(dot):
    subprocess.run(["dot", "-Tsvg", str(dot), "-o", str(root / "svg" / (dot.stem + ".svg"))], check=True)

with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 2))) as pool:
    list(pool.map(draw, sorted((root / "dot").glob("*.dot"))))
subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")], check=True)
"""

# Bytes of guided mode's bundles if each SOP's repeated every SOP it hands off
# to (`sopc export --sop`), and of the whole corpus's bundle.
BUNDLE_SIZES = """
import sys
from sopc.check import load_corpus
from sopc.emit.bundle import export_bundle

corpus = load_corpus([sys.argv[1]])[0]
repeating = sum(len(export_bundle(corpus, sop_id)[1].encode()) for sop_id in corpus.sops)
print(repeating, len(export_bundle(corpus)[1].encode()))
"""

# The time from the first key press of a query typed into the search box of an
# SOP page (opened fresh, as an agent opens it from a link) to the first result
# shown, in headless Chromium, the site served from a local static server;
# Material's search box or Zensical's search dialog.
CHROMIUM = "/usr/bin/chromium"
SEARCHED = "homeowner"
FIRST_RESULT_PROBE = """
import functools, http.server, sys, threading, time
from playwright.sync_api import sync_playwright

site, page_path, query, answered_by = sys.argv[1:5]

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
threading.Thread(target=server.serve_forever, daemon=True).start()
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="%s", args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
    page = browser.new_page()
    if answered_by == "worker":  # without the site's in-page search: Material's worker indexes and answers
        page.route("**/assets/sopc/search.js", lambda route: route.abort())
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_path}", wait_until="load")
    material = page.locator("input.md-search__input")
    if material.count():
        material.click()
    else:  # Zensical: a button opens its search dialog
        page.locator(".md-search__button").first.click()
        page.locator("input[role=combobox]").wait_for()
    start = time.perf_counter()
    page.keyboard.type(query)
    page.locator(".md-search-result__item, [role=listbox] > li").first.wait_for(state="attached", timeout=300_000)
    print(f"{time.perf_counter() - start:.3f}")
    browser.close()
server.shutdown()
""" % CHROMIUM

# Where `sopc build` writes the generated pages (mkdocs.yml's docs_dir).
GENERATED_DOCS = ".sopc/docs"


def site_project(folder: Path, corpus: Path) -> Path:
    """A project as `sopc build` expects it: this checkout's mkdocs.yml and the corpus as sops/."""
    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(corpus, folder / "sops", ignore=shutil.ignore_patterns(".generated"))
    return folder


def clear_generated(project: Path) -> None:
    """Back to a fresh checkout: no site, no flowchart cache, no generated pages."""
    for name in ("site", ".sopc-cache", ".sopc", ".cache"):
        shutil.rmtree(project / name, ignore_errors=True)


def flowcharts_drawn(output: str) -> tuple[int, int]:
    """(drawn, from cache) as `sopc build` reports them: "N flowcharts drawn, M from cache"."""
    found = re.search(r"(\d+) flowcharts drawn, (\d+) from cache", output)
    if not found:
        raise ValueError(f"`sopc build` did not say how many flowcharts it drew:\n{output[-1000:]}")
    return int(found.group(1)), int(found.group(2))


def write_baseline(project: Path, folder: Path) -> Path:
    """The pages `sopc build` generated, as a plain MkDocs project (same theme,
    extensions, menu and style sheet, no sopc plugin), and the DOT sources it drew."""
    import yaml

    sys.path.insert(0, str(REPO))
    from sopc.check import load_corpus
    from sopc.emit.flowchart import to_dot
    from sopc.emit.engines import NOT_IN_MENU
    from sopc.emit.site import CSS, navigation

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(project / GENERATED_DOCS, folder / "docs")
    corpus = load_corpus([project / "sops"])[0]
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = "docs"
    config["plugins"] = [p for p in config.get("plugins", ["search"]) if p != "sopc"]
    config["extra_css"] = sorted({*config.get("extra_css", []), CSS})
    config["nav"] = navigation()
    config["not_in_nav"] = NOT_IN_MENU
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (folder / "dot").mkdir()
    for sop_id, sop in corpus.sops.items():
        (folder / "dot" / f"{sop_id}.dot").write_text(to_dot(sop, corpus, config.get("use_directory_urls", True)),
                                                      encoding="utf-8")
    return folder


@dataclass
class Edited:
    path: Path
    original: bytes

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def edit_one_sop(sources: Path, how: str = "now") -> Edited:
    """Retitle one step of one SOP ("Close the contact `how`", `how` starting with "now"):
    only that SOP's flowchart changes."""
    for path in sorted(sources.glob("*.yaml")):
        original = path.read_bytes()
        text = original.decode("utf-8")
        found = re.search(r"title: Close the contact( now.*)?\n", text)
        if found:
            path.write_text(text[:found.start()] + f"title: Close the contact {how}\n" + text[found.end():],
                            encoding="utf-8")
            return Edited(path, original)
    raise ValueError(f"no SOP in {sources} has the step this benchmark retitles")


# -- main ---------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    head = ["measurement", "SOPs", "sopc / measured", "reference", "ratio", "spread (min–max)", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([r.measurement, r.size, r.value, r.reference, r.ratio, r.spread, r.target, r.met]) + " |")
    return "\n".join(lines)


# Path policies over the whole generated corpus (settings policies walk from every
# SOP no other SOP hands off to, through every hand-off): one of each kind, each
# selecting steps in every SOP, and kept by the corpus, as in a corpus that passes CI.
POLICIES = """
[[policies]]
id = "no-contact-only-after-no-answer"
kind = "require-before"
step = { outcome = "closed-no-contact" }
first = { option = "No answer" }
message = "A contact is closed without contact only after the homeowner did not answer."

[[policies]]
id = "no-comment-after-closing"
kind = "forbid-after"
step = { system = "Jira", action = "comment" }
after = { tag = "closing" }
message = "Nothing is written on a ticket after a step tagged closing."

[[policies]]
id = "zendesk-tickets-reach-an-end"
kind = "must-reach"
step = { system = "Zendesk", action = "create" }
reach = { kind = "end" }
message = "A walk that creates a Zendesk ticket reaches an end step."
"""

# Groups of rows `--only` can pick; the runtime rows need the export's bundle.
GROUPS = ("startup", "check", "jobs", "policies", "jsonschema", "export", "runtime", "site", "zensical", "search", "diff", "memory")


def compile_sopc() -> None:
    """Compile sopc's modules to bytecode once, before anything is timed.

    An installed sopc has its bytecode (pip compiles on install); a checkout
    may not, and with PYTHONDONTWRITEBYTECODE set every run would compile the
    whole package again (about 50 ms of CPU, a fifth of the 100-SOP floor),
    while the floor's PyYAML comes compiled.
    """
    import compileall

    compileall.compile_dir(REPO / "compiler", quiet=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default 100,1000,5000; 20 with --quick)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions per measurement (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="every row once on 20 SOPs: a smoke run of well under a minute")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--jsonschema-max", type=int, default=1000, help="largest size to run check-jsonschema on")
    parser.add_argument("--site-max", type=int, default=1000, help="largest size to build the site for")
    parser.add_argument("--search-max", type=int, default=1000,
                        help="largest size to measure search for (a size the site group did not build is built once)")
    parser.add_argument("--zensical-max", type=int, default=1000,
                        help="largest size to measure Zensical's rebuilds for (0: none)")
    parser.add_argument("--only", default=None, metavar="GROUPS",
                        help=f"comma-separated groups to measure, of: {', '.join(GROUPS)} (default all)")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else set(GROUPS)
    if only - set(GROUPS):
        parser.error(f"unknown group(s) {', '.join(sorted(only - set(GROUPS)))}; choose from {', '.join(GROUPS)}")
    sizes = sorted({int(s) for s in (args.sizes or ("20" if args.quick else "100,1000,5000")).split(",")})
    repeat = args.repeat or (1 if args.quick else 5)
    compile_sopc()
    with tempfile.TemporaryDirectory(prefix="sopc-bench-") as work:
        bench = Bench(sizes, repeat, args.clock, args.jsonschema_max, args.site_max, Path(work),
                      zensical_max=args.zensical_max, search_max=args.search_max)
        bench.commands = available_commands()
        try:
            if "startup" in only:
                print("start-up", file=sys.stderr)
                bench.start_up()
            for size in sizes:
                print(f"size {size}", file=sys.stderr)
                if "check" in only:
                    bench.check_cold(size)
                    bench.check_warm(size)
                    bench.check_after_edit(size)
                if "jobs" in only:
                    bench.check_jobs(size)
                if "policies" in only:
                    bench.check_policies(size)
                if "jsonschema" in only:
                    bench.check_vs_jsonschema(size)
                if "export" in only or "runtime" in only:
                    bundle = bench.export(size)
                    if "runtime" in only:
                        bench.runtime(size, bundle)
                if "site" in only:
                    bench.site(size)
                if "zensical" in only:
                    bench.zensical_rebuilds(size)
                if "search" in only:
                    bench.search(size)
                if "diff" in only:
                    bench.diff(size)
            bench.scaling("`sopc check` cold", bench.cold, bench.cold_floor)
            bench.scaling("`sopc export`", bench.export_cold, bench.export_floor)
            bench.start_up_split("check", "`sopc check` cold", bench.cold, bench.cold_floor)
            bench.start_up_split("export", "`sopc export`", bench.export_cold, bench.export_floor)
            bench.page_scaling()
            if "memory" in only:
                for size in sizes:
                    bench.memory(size)
        except CommandFailed as exc:
            print(f"bench: {exc}\n{exc.sample.output[-3000:]}", file=sys.stderr)
            return 1
    print(f"Times: median {args.clock} seconds of {repeat} run(s); ratio = median of per-run ratios.\n")
    print(table(bench.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
