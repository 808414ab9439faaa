"""Output formats for check results, interchangeable: each module has
`render(result, strict) -> str`."""

from importlib import import_module

# Format name -> module. Only the one asked for is imported: a check prints
# one format, and the rest would only slow its start.
FORMATS = {
    "text": "text",
    "json": "json_report",
    "github": "github",
    "sarif": "sarif",
}


def reporter(name: str):
    """The reporter module of format `name` (one of `FORMATS`)."""
    return import_module(f"{__name__}.{FORMATS[name]}")
