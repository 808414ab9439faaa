"""Where the JSON Schemas are: inside an installed package (`sopc/schema/`,
see pyproject.toml), or at the top of a source checkout (`schema/`, beside
the folder `compiler/` that is the package in an editable install)."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def schema_file(name: str) -> Path:
    packaged = _PACKAGE / "schema" / name
    return packaged if packaged.is_file() else _PACKAGE.parent / "schema" / name


SOP_SCHEMA = schema_file("sop.schema.json")
RUNTIME_SCHEMA = schema_file("runtime.schema.json")
