"""`sopc init`: a knowledge-base repository that checks, tests and builds at once.

Writes an example SOP and a procedures file, the settings, the site
configuration, the SOP schema (so the YAML modeline resolves), a GitHub
Actions workflow and a pre-commit configuration. A file that is already
there is never touched: it is reported as kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sopc import __version__
from sopc.schemas import SOP_SCHEMA

# Target path -> packaged template (file names without dots, so that they
# ship as package data).
TEMPLATES = {
    "sops/example-password-reset.yaml": "example.yaml",
    "sops/procedures.yaml": "procedures.yaml",
    "sopc.toml": "sopc.toml",
    "mkdocs.yml": "mkdocs.yml",
    ".sopc/docs/.gitignore": "docs-gitignore",
    ".gitignore": "gitignore",
    ".github/workflows/sops.yml": "workflow.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}
SCHEMA_TARGET = "schema/sop.schema.json"  # what the modelines of sops/*.yaml point at


@dataclass
class Scaffold:
    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def files() -> dict[str, str]:
    """Every file `sopc init` writes (path relative to the repository -> text)."""
    folder = resources.files(__package__).joinpath("init_files")
    texts = {target: folder.joinpath(name).read_text(encoding="utf-8").replace("{version}", __version__)
             for target, name in TEMPLATES.items()}
    texts[SCHEMA_TARGET] = SOP_SCHEMA.read_text(encoding="utf-8")
    return texts


def scaffold(root) -> Scaffold:
    """Write every file missing under `root`; OSError if one cannot be written."""
    done = Scaffold(Path(root))
    for relative, text in files().items():
        if write_new(done.root / relative, text):
            done.written.append(relative)
        else:
            done.kept.append(relative)
    return done


def write_new(path: Path, text: str) -> bool:
    """Write `path` unless something is there already (even created a moment ago); whether it wrote."""
    if path.exists() or path.is_symlink():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True
