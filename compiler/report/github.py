"""GitHub Actions workflow commands: each problem becomes an annotation on the
pull request's changed file, e.g.

    ::error file=sops/a.yaml,line=12,col=5,title=SOP103 unreachable-step::step `x` cannot be reached ...

Values are escaped as the runner expects, so a message cannot end the command
early or start another one.
"""

from __future__ import annotations

from sopc.report.terminal import visible
from sopc.report.text import summary


def render(result, strict: bool = False) -> str:
    out = [command(p) for p in result.problems]
    out.append(summary(result, strict))
    return "\n".join(out) + "\n"


def command(problem) -> str:
    level = "error" if problem.is_error else "warning"
    properties = {"file": problem.path, "line": problem.line, "col": problem.col,
                  "title": f"{problem.code} {problem.slug}"}
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {shown}::{escape_data(visible(problem.message))}"


def escape_data(text: str) -> str:
    """The runner's escaping of a command's message: `%`, CR and LF (a line break would end the command)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
