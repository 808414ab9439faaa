"""Where the JSON Schemas (and the JavaScript runtime the site ships) are:
inside an installed package (`sopc/schema/`, `sopc/runtime_js/`, see
pyproject.toml), or at the top of a source checkout (`schema/`,
`runtime-js/src/`, beside the folder `compiler/` that is the package in an
editable install)."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def schema_file(name: str) -> Path:
    packaged = _PACKAGE / "schema" / name
    return packaged if packaged.is_file() else _PACKAGE.parent / "schema" / name


SOP_SCHEMA = schema_file("sop.schema.json")
RUNTIME_SCHEMA = schema_file("runtime.schema.json")


def quick_verdict(schema: dict):
    """A fast yes/no answer to "is this document valid against `schema`?".

    jsonschema explains every error well but walks a valid document slowly
    (it builds an error for every `oneOf`/`anyOf`/`not` branch it tries).
    Most documents are valid, so jsonschema-rs (draft 2020-12, in Rust; its
    patterns read `$` as the end of the text, as JSON Schema means) gives the
    verdict, and only a document it does not pass goes to jsonschema, which
    finds and explains the errors. A document it cannot take (YAML allows a
    mapping key that is not text, or `.inf`, which JSON has no way to write)
    is not passed either. Without jsonschema-rs nothing is passed, and
    jsonschema alone decides.
    """
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a declared dependency; kept optional for the runtime
        return lambda document: False
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)

    def passes(document) -> bool:
        try:
            return validator.is_valid(document)
        except (ValueError, TypeError, OverflowError):
            return False
    return passes


def _javascript_runtime() -> Path:
    """The JavaScript runtime's modules: `sopc/runtime_js/` when installed, `runtime-js/src/` in a checkout."""
    packaged = _PACKAGE / "runtime_js"
    return packaged if (packaged / "index.js").is_file() else _PACKAGE.parent / "runtime-js" / "src"


JAVASCRIPT_RUNTIME = _javascript_runtime()
