"""The pan and zoom library is shipped inside the package, with its licence,
and is the very file of the version package.json pins (npm ci installs it)."""

import json
from pathlib import Path

import pytest

from sopc.emit import site

REPO = Path(__file__).resolve().parents[2]
VENDORED = REPO / "compiler" / "emit" / "assets" / "vendor" / "panzoom"
INSTALLED = REPO / "node_modules" / "@panzoom" / "panzoom"


def test_the_library_and_its_licence_are_published_with_the_site():
    published = {packaged: path for path, packaged in site.ASSETS.items()}
    assert published["assets/vendor/panzoom/panzoom.min.js"].startswith("assets/sopc/")
    assert published["assets/vendor/panzoom/MIT-License.txt"].startswith("assets/sopc/")
    assert "MIT" in (VENDORED / "MIT-License.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(not INSTALLED.is_dir(), reason="Node packages not installed (bash scripts/setup.sh installs them)")
def test_the_vendored_copy_is_the_pinned_version():
    locked = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    version = locked["packages"]["node_modules/@panzoom/panzoom"]["version"]
    assert json.loads((INSTALLED / "package.json").read_text(encoding="utf-8"))["version"] == version
    assert (VENDORED / "panzoom.min.js").read_bytes() == (INSTALLED / "dist" / "panzoom.min.js").read_bytes()
    assert (VENDORED / "MIT-License.txt").read_bytes() == (INSTALLED / "MIT-License.txt").read_bytes()
    assert f"Panzoom {version}" in (VENDORED / "panzoom.min.js").read_text(encoding="utf-8")[:200]
