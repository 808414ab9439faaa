"""Where the JSON Schemas are: inside the installed package (`compiler/schema/`,
see pyproject.toml), or at the top of a source checkout (`schema/`)."""

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def schema_file(name: str) -> Path:
    packaged = _HERE / "schema" / name
    return packaged if packaged.is_file() else _HERE.parent / "schema" / name


SOP_SCHEMA = schema_file("sop.schema.json")
RUNTIME_SCHEMA = schema_file("runtime.schema.json")
