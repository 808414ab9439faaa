"""Fixtures state what they expect in comments: `# expect: SOP103` (or several,
comma-separated) on the line the problem must be reported at."""

import re
from pathlib import Path

EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected_problems(path: Path) -> set[tuple[str, int]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.update((code.strip(), number) for code in match.group(1).split(",") if code.strip())
    return found


def reported(problems, path: Path) -> set[tuple[str, int]]:
    return {(p.code, p.line) for p in problems if Path(p.path).resolve() == path.resolve()}
