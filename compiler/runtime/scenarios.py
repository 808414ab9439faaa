"""Running one flow test (a scenario) through the reference runtime and
comparing the walk with what the scenario expects.

Step names in a scenario are bare for the scenario's own SOP and written
`sop-id:step` for steps of an SOP it handed off to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sopc.runtime.bundle import Bundle
from sopc.runtime.errors import SopcRuntimeError
from sopc.runtime.session import ENDED, QUESTION, WAITING, Session

MAX_ROUNDS = 10_000


@dataclass
class Walk:
    """What a scenario's walk did, and what differed from its expectations."""

    path: list[str] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    visited: list[tuple[str, str]] = field(default_factory=list)
    outcome: str | None = None
    end: str | None = None
    records: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_scenario(bundle: Bundle, sop_id: str, scenario: dict) -> Walk:
    walk = Walk()
    try:
        today = date.fromisoformat(scenario["today"]) if scenario.get("today") else date.today()
        session = Session.start(bundle, sop_id, scenario.get("inputs") or {}, today)
        unused = _answer(session, list(scenario.get("answers") or []), walk)
    except SopcRuntimeError as exc:
        walk.failures.append(str(exc))
        return walk
    _collect(session, sop_id, walk)
    if walk.failures:
        return walk
    if unused:
        walk.failures.append(f"the walk ended with {len(unused)} answer(s) not used: {', '.join(unused)}")
    walk.failures.extend(compare(scenario.get("expect") or {}, walk))
    return walk


def _answer(session: Session, answers: list[str], walk: Walk) -> list[str]:
    """Answer questions in order and let waits pass; the answers left over."""
    for _ in range(MAX_ROUNDS):
        if session.status == WAITING:
            session.resume()
        elif session.status == QUESTION:
            if not answers:
                shown = session.view()
                labels = ", ".join(o["label"] for o in shown["options"])
                walk.failures.append(f"answers ran out at `{shown['step']}`, which asks \"{shown['ask']}\" (options: {labels})")
                return []
            session.choose(answers.pop(0))
        elif session.status == ENDED:
            return answers
    walk.failures.append(f"the walk did not end within {MAX_ROUNDS} rounds")
    return []


def _collect(session: Session, sop_id: str, walk: Walk) -> None:
    def name(sop, step):
        return step if sop == sop_id else f"{sop}:{step}"

    walk.visited = session.path
    walk.path = [name(sop, step) for sop, step in session.path]
    walk.edges = session.edges
    walk.outcome = session.outcome
    walk.end = name(session.end["sop"], session.end["step"]) if session.end else None
    walk.records = [record["title"] for record in session.records]
    walk.scripts = [script["text"] for script in session.scripts]


def compare(expect: dict, walk: Walk) -> list[str]:
    """One line per expectation the walk did not meet."""
    differences = []
    if "outcome" in expect and expect["outcome"] != walk.outcome:
        differences.append(f"expected outcome `{expect['outcome']}`, got `{walk.outcome}` (at `{walk.end}`)")
    if "end" in expect and expect["end"] != walk.end:
        differences.append(f"expected the walk to end at `{expect['end']}`, it ended at `{walk.end}`")
    if "path" in expect and expect["path"] != walk.path:
        differences.append(f"expected path {' > '.join(expect['path'])}; got {' > '.join(walk.path)}")
    missing = [step for step in expect.get("visits", []) if step not in walk.path]
    if missing:
        differences.append(f"expected visits to {', '.join(missing)}; path was {' > '.join(walk.path)}")
    if "records" in expect and expect["records"] != walk.records:
        differences.append(f"expected records [{'; '.join(expect['records'])}], got [{'; '.join(walk.records)}]")
    for text in expect.get("scripts_contain", []):
        if not any(text in script for script in walk.scripts):
            differences.append(f"no script shown contains \"{text}\"")
    return differences
