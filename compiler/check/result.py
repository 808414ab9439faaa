"""What a check found: the problems, and the corpus they were found in."""

from __future__ import annotations

from dataclasses import dataclass, field

from sopc.problems import ERROR, WARNING, Problem


@dataclass
class Result:
    # None when the result came from the check cache: nothing was loaded.
    corpus: "Corpus | None"  # noqa: F821  (compiler.model.Corpus; not imported, to keep this module light)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    suppressed: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))
