import textwrap

import pytest

from sopc.check import check_paths


@pytest.fixture
def corpus_of(tmp_path):
    """Check YAML sources written to a folder; return the corpus (no errors allowed)."""

    def _corpus(files: dict[str, str], allow_errors=False):
        folder = tmp_path / "sops"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        result = check_paths([folder])
        if not allow_errors:
            assert not result.errors, [p.message for p in result.errors]
        return result.corpus

    return _corpus
