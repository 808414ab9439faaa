import pytest

from diff_helpers import Repo


@pytest.fixture
def repo(tmp_path):
    """A git repository whose first commit is the seed corpus."""
    return Repo(tmp_path / "repo")
