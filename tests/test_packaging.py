"""What a non-editable install ships: every subpackage, the schemas and the site's assets."""

import subprocess
import sys
import tomllib

from helpers import REPO


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    package = REPO / "compiler"  # installed as `sopc`
    on_disk = {".".join(("sopc",) + p.parent.relative_to(package).parts) for p in package.rglob("__init__.py")}
    assert on_disk | {"sopc.schema", "sopc.runtime_js"} == listed  # mapped from schema/ and runtime-js/src/


def test_the_package_is_imported_as_sopc_from_any_folder(tmp_path):
    found = subprocess.run([sys.executable, "-c", "import sopc, sopc.cli; print(sopc.__name__)"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "sopc"
    generic = subprocess.run([sys.executable, "-c", "import compiler"], cwd=tmp_path, capture_output=True, text=True)
    assert generic.returncode != 0, "no top-level package named `compiler` is installed"


def test_schemas_are_found_in_a_checkout():
    from sopc.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

    assert SOP_SCHEMA == REPO / "schema" / "sop.schema.json" and SOP_SCHEMA.is_file()
    assert RUNTIME_SCHEMA.is_file()


def test_the_javascript_runtime_the_site_ships_is_found_in_a_checkout():
    from sopc.schemas import JAVASCRIPT_RUNTIME

    assert JAVASCRIPT_RUNTIME == REPO / "runtime-js" / "src" and (JAVASCRIPT_RUNTIME / "index.js").is_file()
