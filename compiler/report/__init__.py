"""Output formats for check results, interchangeable: each module has
`render(result, strict) -> str`."""

from . import json_report, text

REPORTERS = {
    "text": text,
    "json": json_report,
}
