"""Output formats for check results, interchangeable: each module has
`render(result, strict) -> str`."""

from . import github, json_report, sarif, text

REPORTERS = {
    "text": text,
    "json": json_report,
    "github": github,
    "sarif": sarif,
}
