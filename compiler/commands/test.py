"""`sopc test`: run every scenario through the reference runtime and measure
flow coverage, the share of steps and edges (`Step.edges()`) the scenarios
walk through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopc.model import Corpus
from sopc.report.terminal import json_document, visible
from sopc.runtime import Bundle
from sopc.runtime.scenarios import Walk, run_scenario


@dataclass
class ScenarioResult:
    sop: str
    name: str
    path: str
    line: int
    col: int
    walk: Walk


@dataclass
class Coverage:
    steps: int = 0
    steps_covered: int = 0
    edges: int = 0
    edges_covered: int = 0
    unvisited_steps: list[str] = field(default_factory=list)
    uncovered_edges: list[str] = field(default_factory=list)

    @property
    def edge_percent(self) -> float:
        return 100.0 if not self.edges else 100.0 * self.edges_covered / self.edges

    @property
    def step_percent(self) -> float:
        return 100.0 if not self.steps else 100.0 * self.steps_covered / self.steps

    def add(self, other: "Coverage") -> None:
        self.steps += other.steps
        self.steps_covered += other.steps_covered
        self.edges += other.edges
        self.edges_covered += other.edges_covered


@dataclass
class TestReport:
    results: list[ScenarioResult]
    coverage: dict[str, Coverage]
    total: Coverage

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.walk.passed]


def run_tests(corpus: Corpus, bundle: Bundle) -> TestReport:
    results = []
    for sop_id in sorted(corpus.sops):
        sop = corpus.sops[sop_id]
        for index, scenario in enumerate(sop.scenarios):
            line, col = sop.locate(("scenarios", index))
            results.append(ScenarioResult(sop_id, scenario["name"], sop.path, line, col,
                                          run_scenario(bundle, sop_id, scenario)))
    coverage, total = measure(corpus, [r.walk for r in results])
    return TestReport(results, coverage, total)


def edge_key(sop: str, source: str, kind: str, target: str, label: str | None) -> tuple:
    # Options are told apart by label (two answers may lead to the same step);
    # other edges have at most one of each kind per step.
    return (sop, source, kind, target, label if kind == "option" else None)


def measure(corpus: Corpus, walks: list[Walk]) -> tuple[dict[str, Coverage], Coverage]:
    visited = {pair for walk in walks for pair in walk.visited}
    walked = {edge_key(e["sop"], e["source"], e["kind"], e["target"], e["label"]) for walk in walks for e in walk.edges}
    per_sop, total = {}, Coverage()
    for sop_id in sorted(corpus.sops):
        sop = corpus.sops[sop_id]
        cover = Coverage(steps=len(sop.steps), edges=len(sop.edges()))
        for step_id in sop.steps:
            if (sop_id, step_id) in visited:
                cover.steps_covered += 1
            else:
                cover.unvisited_steps.append(step_id)
        for edge in sop.edges():
            if edge_key(sop_id, edge.source, edge.kind, edge.target, edge.label) in walked:
                cover.edges_covered += 1
            else:
                shown = f" ({edge.label})" if edge.kind == "option" else f" ({edge.kind})"
                cover.uncovered_edges.append(f"{edge.source} -> {edge.target}{shown}")
        per_sop[sop_id] = cover
        total.add(cover)
    return per_sop, total


def render_text(report: TestReport, min_coverage: float | None) -> str:
    out = []
    for result in report.failed:
        for failure in result.walk.failures:
            out.append(f"{result.path}:{result.line}:{result.col}: FAIL {result.sop} \"{result.name}\": {failure}")
    passed = len(report.results) - len(report.failed)
    out.append(f"{len(report.results)} scenario{'s' if len(report.results) != 1 else ''}: {passed} passed, {len(report.failed)} failed.")
    out.append("Flow coverage (edges, steps):")
    width = max([len(s) for s in report.coverage] + [5])
    for sop_id, cover in report.coverage.items():
        out.append(f"  {sop_id:<{width}}  {_ratio(cover.edges_covered, cover.edges, cover.edge_percent)}  {_ratio(cover.steps_covered, cover.steps, cover.step_percent)}")
        if cover.uncovered_edges:
            out.append(f"  {'':<{width}}  not walked: {'; '.join(cover.uncovered_edges)}")
    total = report.total
    out.append(f"  {'total':<{width}}  {_ratio(total.edges_covered, total.edges, total.edge_percent)}  {_ratio(total.steps_covered, total.steps, total.step_percent)}")
    if min_coverage is not None and total.edge_percent < min_coverage:
        out.append(f"Edge coverage {total.edge_percent:.1f}% is below the required {min_coverage:g}%.")
    return "\n".join(visible(line) for line in out) + "\n"


def _ratio(covered: int, count: int, percent: float) -> str:
    return f"{covered:>3}/{count:<3} {percent:5.1f}%"


def render_json(report: TestReport, min_coverage: float | None) -> str:
    def cover_json(cover: Coverage, detail: bool) -> dict:
        data = {"steps": {"covered": cover.steps_covered, "total": cover.steps, "percent": round(cover.step_percent, 2)},
                "edges": {"covered": cover.edges_covered, "total": cover.edges, "percent": round(cover.edge_percent, 2)}}
        if detail:
            data.update(unvisited_steps=cover.unvisited_steps, uncovered_edges=cover.uncovered_edges)
        return data

    document = {
        "scenarios": [
            {"sop": r.sop, "name": r.name, "path": r.path, "line": r.line, "column": r.col,
             "passed": r.walk.passed, "failures": r.walk.failures, "walk": r.walk.path, "outcome": r.walk.outcome}
            for r in report.results
        ],
        "coverage": {"sops": {k: cover_json(v, True) for k, v in report.coverage.items()},
                     "total": cover_json(report.total, False)},
        "summary": {"scenarios": len(report.results), "passed": len(report.results) - len(report.failed),
                    "failed": len(report.failed), "min_coverage": min_coverage,
                    "coverage_ok": min_coverage is None or report.total.edge_percent >= min_coverage},
    }
    return json_document(document)


def failed(report: TestReport, min_coverage: float | None) -> bool:
    return bool(report.failed) or (min_coverage is not None and report.total.edge_percent < min_coverage)
