"""What a non-editable install ships: every subpackage, the schemas and the site's assets."""

import tomllib

from helpers import REPO


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "compiler").rglob("__init__.py")}
    assert on_disk | {"compiler.schema"} == listed


def test_schemas_are_found_in_a_checkout():
    from compiler.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

    assert SOP_SCHEMA == REPO / "schema" / "sop.schema.json" and SOP_SCHEMA.is_file()
    assert RUNTIME_SCHEMA.is_file()
