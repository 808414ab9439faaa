"""Run every benchmark and print one Markdown table.

    python3 bench/run.py [--sizes 100,1000,5000] [--repeat 5] [--quick]

Every measurement is a ratio against a reference measured in the same
repetition, right before it, so that a busy machine slows both alike; the
table shows the median over the repetitions. Times are the CPU time (user +
system) of the child process and its own children, which a shared machine
disturbs far less than wall-clock time (`--clock wall` to use that instead).

Corpora are written by `bench/generate.py` into `bench/corpus/<size>` when
missing. Commands this checkout does not have yet (`sopc export`, `sopc
build`, a runtime) are shown as "n/a (command missing)" and measured as soon
as they exist.
"""

from __future__ import annotations

import argparse
import os
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
    export_cold: dict[int, float] = field(default_factory=dict)

    # -- running things ---------------------------------------------------

    def run(self, argv: list[str], cwd: Path | None = None, check: bool = True) -> Sample:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
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
        return [sys.executable, "-m", "compiler", *args]

    def paired(self, measure, reference) -> tuple[float, float, float]:
        """Median of measure, of reference, and of their per-repetition ratio."""
        values, refs, ratios = [], [], []
        for _ in range(self.repeat):
            ref = self.seconds(reference())
            value = self.seconds(measure())
            values.append(value)
            refs.append(ref)
            ratios.append(value / ref if ref else float("inf"))
        return statistics.median(values), statistics.median(refs), statistics.median(ratios)

    def add(self, measurement, size, value=None, reference=None, ratio=None, target="", met=None, note=None):
        row = Row(measurement, str(size), target=target)
        if note is not None:
            row.value = note
        else:
            row.value = value if isinstance(value, str) else f"{value:.3f} s"
            row.reference = reference if isinstance(reference, str) else (f"{reference:.3f} s" if reference is not None else "")
            row.ratio = f"{ratio:.2f}x" if ratio is not None else ""
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
        self.cold[size] = value
        self.add("`sopc check` cold vs parse floor", size, value, ref, ratio, "≤ 1.5x", ratio <= 1.5)

    def check_warm(self, size: int) -> None:
        folder, files = self.corpus(size)
        cache_home = Path(tempfile.mkdtemp(dir=self.work))
        self.run(self.sopc("check", str(folder)), cwd=cache_home)  # fills the cache
        value, ref, ratio = self.paired(lambda: self.run(self.sopc("check", str(folder)), cwd=cache_home),
                                        self.parse_floor(files))
        self.add("`sopc check` warm (unchanged) vs parse floor", size, value, ref, ratio, "≤ 0.3x", ratio <= 0.3)

    def check_vs_jsonschema(self, size: int) -> None:
        label = "`check-jsonschema` vs `sopc check` cold"
        if shutil.which("check-jsonschema") is None:
            self.add(label, size, note="n/a (check-jsonschema not installed)")
            return
        if size > self.jsonschema_max:
            self.add(label, size, note=f"n/a (skipped above {self.jsonschema_max} SOPs; --jsonschema-max)")
            return
        folder, files = self.corpus(size)
        other, ours, ratio = self.paired(
            lambda: self.run(["check-jsonschema", "--schemafile", str(SCHEMA), *files]),
            lambda: self.run(self.sopc("check", "--no-cache", str(folder))))
        self.add(label, size, other, ours, ratio, "≥ 10x (sopc faster)", ratio >= 10)

    def memory(self, size: int) -> None:
        folder, files = self.corpus(size)
        ours = self.run(self.sopc("check", "--no-cache", str(folder))).maxrss_kb
        floor = self.run([sys.executable, "-c", PARSE_FLOOR, *files]).maxrss_kb
        self.add("peak memory of `sopc check` cold vs parse floor", size, f"{ours / 1024:.0f} MB",
                 f"{floor / 1024:.0f} MB", ours / floor)

    def scaling(self, name: str, times: dict[int, float]) -> None:
        sizes = sorted(times)
        for small, large in zip(sizes, sizes[1:]):
            factor = large / small
            ratio = times[large] / times[small]
            allowed = factor * 1.1
            self.add(f"{name}: {factor:g}x the SOPs costs", f"{small}→{large}", times[large], times[small], ratio,
                     f"≤ {allowed:g}x", ratio <= allowed)

    def export(self, size: int) -> Path | None:
        label = "`sopc export` vs parse floor"
        if "export" not in self.commands:
            self.add(label, size, note="n/a (command missing)")
            return None
        folder, files = self.corpus(size)
        bundle = self.work / f"bundle-{size}.json"
        argv = self.export_argv(folder, bundle)
        if argv is None:
            self.add(label, size, note="n/a (export failed; see stderr)")
            return None
        value, ref, ratio = self.paired(lambda: self.run(argv), self.parse_floor(files))
        self.export_cold[size] = value
        self.add(label, size, value, ref, ratio, "≤ 1.5x", ratio <= 1.5)
        return bundle

    def export_argv(self, folder: Path, bundle: Path) -> list[str] | None:
        """The first usual spelling of the export command that writes the bundle."""
        for argv in (self.sopc("export", str(folder), "--out", str(bundle)),
                     self.sopc("export", str(folder), "-o", str(bundle)),
                     self.sopc("export", "--sources", str(folder), "--out", str(bundle))):
            sample = self.run(argv, check=False)
            if sample.returncode == 0 and bundle.is_file():
                return argv
            last = sample.output
        print(f"  export failed:\n{last[-2000:]}", file=sys.stderr)
        return None

    def runtime(self, size: int, bundle: Path | None) -> None:
        label = "runtime bundle load vs `json.load`"
        if bundle is None:
            self.add(label, size, note="n/a (command missing: `sopc export`)")
            self.add("runtime steps per second on random walks", size, note="n/a (command missing: `sopc export`)")
            return
        probe = self.run([sys.executable, "-c", RUNTIME_PROBE, str(bundle), "probe"], check=False)
        if probe.returncode != 0:
            why = "n/a (command missing: `compiler.runtime` with `load_bundle` and `walk`)"
            self.add(label, size, note=why)
            self.add("runtime steps per second on random walks", size, note=why)
            return
        value, ref, ratio = self.paired(lambda: self.run([sys.executable, "-c", RUNTIME_PROBE, str(bundle), "load"]),
                                        lambda: self.run([sys.executable, "-c", JSON_FLOOR, str(bundle)]))
        self.add(label, size, value, ref, ratio)
        walked = self.run([sys.executable, "-c", RUNTIME_PROBE, str(bundle), "walk"])
        self.add("runtime steps per second on random walks", size, walked.output.strip().splitlines()[-1])

    def site(self, size: int) -> None:
        label = "`sopc build` from scratch vs mkdocs + dot by hand"
        if "build" not in self.commands:
            self.add(label, size, note="n/a (command missing)")
            return
        if size > self.site_max:
            self.add(label, size, note=f"n/a (skipped above {self.site_max} SOPs; --site-max)")
            return
        folder, _ = self.corpus(size)
        ours_dir, base_dir = site_project(self.work / f"site-{size}"), self.work / f"baseline-{size}"
        write_baseline(folder, base_dir)

        def ours():
            for generated in ("site", ".sopc-cache", "docs/sops"):
                shutil.rmtree(ours_dir / generated, ignore_errors=True)
            return self.run(self.sopc("build", "--sources", str(folder), "--site-dir", "site"), cwd=ours_dir)

        def baseline():
            shutil.rmtree(base_dir / "site", ignore_errors=True)
            return self.run([sys.executable, "-c", BASELINE_BUILD, str(base_dir)], cwd=base_dir)

        try:
            value, ref, ratio = self.paired(ours, baseline)
        except CommandFailed as exc:
            print(f"  site build failed:\n{exc.sample.output[-2000:]}", file=sys.stderr)
            self.add(label, size, note="n/a (build failed; see stderr)")
            return
        self.add(label, size, value, ref, ratio, "≤ 1.2x", ratio <= 1.2)


class CommandFailed(Exception):
    def __init__(self, argv, sample: Sample):
        super().__init__(f"{' '.join(argv[:4])} ... exited {sample.returncode}")
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
    out = subprocess.run([sys.executable, "-m", "compiler", "--help"], capture_output=True, text=True,
                         env=env, cwd=REPO).stdout
    lines = out.split("Commands:", 1)[1].splitlines() if "Commands:" in out else []
    return {line.split()[0] for line in lines if line.strip()}


# -- runtime and site helpers -------------------------------------------------

RUNTIME_PROBE = """
import random, sys, time
from compiler import runtime
bundle, what = sys.argv[1], sys.argv[2]
if not hasattr(runtime, "load_bundle") or not hasattr(runtime, "walk"):
    sys.exit(3)
if what == "load":
    runtime.load_bundle(bundle)
elif what == "walk":
    loaded = runtime.load_bundle(bundle)
    rng = random.Random(1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < 2:
        steps += runtime.walk(loaded, rng)
    print(f"{steps / (time.perf_counter() - start):,.0f} steps/s")
"""

BASELINE_BUILD = """
import subprocess, sys
from pathlib import Path
root = Path(sys.argv[1])
for dot in sorted((root / "docs").glob("*.dot")):
    subprocess.run(["dot", "-Tsvg", str(dot), "-o", str(dot.with_suffix(".svg"))], check=True)
subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")], check=True)
"""


def site_project(folder: Path) -> Path:
    """A copy of this checkout's site set-up (MkDocs configuration, hand-written pages)."""
    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    if (REPO / "docs").is_dir():
        shutil.copytree(REPO / "docs", folder / "docs", ignore=shutil.ignore_patterns("sops"))
    (folder / "compiler").symlink_to(REPO / "compiler")
    return folder


def write_baseline(corpus: Path, folder: Path) -> None:
    """The same SOPs as hand-written Markdown pages and Graphviz files: what a plain MkDocs site costs."""
    import yaml

    docs = folder / "docs"
    if docs.is_dir():
        return
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text("site_name: Baseline\ntheme:\n  name: material\n  font: false\n"
                                       "plugins:\n  - search\nmarkdown_extensions:\n  - admonition\n  - tables\n")
    (docs / "index.md").write_text("# SOPs\n")
    for path in sorted(corpus.glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if "sop" not in data:
            continue
        page = [f"# {data['title']}", "", data.get("purpose", ""), "", f"![Flowchart]({data['sop']}.svg)", ""]
        edges = []
        for step_id, step in data["steps"].items():
            page += [f"## {step.get('title', step_id)}", "", step.get("do", ""), ""]
            for script in step.get("scripts", []):
                text = next(v for k, v in script.items() if k != "title")
                page += ["!!! quote \"Script\"", "    " + text.replace("\n", "\n    "), ""]
            for option in step.get("options", []):
                page.append(f"- {option['label']}: go to {option['goto']}")
                edges.append(f'"{step_id}" -> "{option["goto"]}";')
            if "next" in step:
                edges.append(f'"{step_id}" -> "{step["next"]}";')
            page.append("")
        (docs / f"{data['sop']}.md").write_text("\n".join(page))
        (docs / f"{data['sop']}.dot").write_text("digraph G {\n" + "\n".join(edges) + "\n}\n")


# -- main ---------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    head = ["measurement", "SOPs", "sopc / measured", "reference", "ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([r.measurement, r.size, r.value, r.reference, r.ratio, r.target, r.met]) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default 100,1000,5000; 100 with --quick)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions per measurement (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="one small size, one repetition: a smoke run")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--jsonschema-max", type=int, default=1000, help="largest size to run check-jsonschema on")
    parser.add_argument("--site-max", type=int, default=100, help="largest size to build the site for")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in (args.sizes or ("100" if args.quick else "100,1000,5000")).split(",")})
    repeat = args.repeat or (1 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="sopc-bench-") as work:
        bench = Bench(sizes, repeat, args.clock, args.jsonschema_max, args.site_max, Path(work))
        bench.commands = available_commands()
        try:
            for size in sizes:
                print(f"size {size}", file=sys.stderr)
                bench.check_cold(size)
                bench.check_warm(size)
                bench.check_vs_jsonschema(size)
                bundle = bench.export(size)
                bench.runtime(size, bundle)
                bench.site(size)
            bench.scaling("`sopc check` cold", bench.cold)
            bench.scaling("`sopc export`", bench.export_cold)
            bench.memory(sizes[-1])
        except CommandFailed as exc:
            print(f"bench: {exc}\n{exc.sample.output[-3000:]}", file=sys.stderr)
            return 1
    print(f"Times: median {args.clock} seconds of {repeat} run(s); ratio = median of per-run ratios.\n")
    print(table(bench.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
