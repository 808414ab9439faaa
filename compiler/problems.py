"""What every stage of the pipeline reports: a located problem."""

from __future__ import annotations

from dataclasses import dataclass, field


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located at a 1-based line and column of a source file."""

    path: str
    line: int
    col: int
    code: str
    slug: str
    message: str
    severity: str = ERROR
    sop: str | None = field(default=None, compare=False)
    step: str | None = field(default=None, compare=False)
    # A path that shows the problem: (path, line, col, label) of each step, in order.
    trace: tuple = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def closest(word: str, candidates) -> str | None:
    """The candidate close enough to `word` to be what was meant, or None."""
    import difflib  # only a mistake needs it

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates) -> str:
    """A ' (did you mean `x`?)' suffix when a candidate is close, else ''."""
    close = closest(word, candidates)
    return f" (did you mean `{close}`?)" if close else ""


def name_list(names, limit: int = 10) -> str:
    """'`a`, `b`, `c`', cut short after `limit` names so a message stays one readable line."""
    names = list(names)
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
