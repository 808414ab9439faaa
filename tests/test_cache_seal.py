"""Cache files are believed only when this user's sopc sealed them (`sopc.cache_seal`)."""

import hmac
import os
import stat

import pytest

from sopc import cache_seal


@pytest.fixture
def own_key_home(tmp_path, monkeypatch):
    """A user cache folder of the test's own, and a key made afresh from it."""
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    cache_seal._key.cache_clear()
    yield home
    cache_seal._key.cache_clear()


def test_what_is_written_is_read_back(tmp_path):
    path = tmp_path / "entry.json"
    cache_seal.write(path, '{"a": 1}')
    assert cache_seal.read_text(path) == '{"a": 1}'
    cache_seal.write(path, b"\x00\xff")
    assert cache_seal.read(path) == b"\x00\xff"


def test_content_written_piece_by_piece_is_sealed_as_if_written_whole(tmp_path):
    """`write_from` (a check cache's models, pickled straight into the file) computes the seal as it
    writes: the file is the seal line of the whole content, then the content."""
    pieces = [b"models ", b"\x00" * 70_000, b" end"]
    whole = b"".join(pieces)
    path = tmp_path / "streamed"
    cache_seal.write_from(path, lambda out: [out.write(piece) for piece in pieces])
    expected_seal = hmac.new(cache_seal._key(), whole, "sha256").hexdigest().encode()
    assert path.read_bytes() == b"sopc-seal " + expected_seal + b"\n" + whole
    assert cache_seal.read(path) == whole
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    assert cache_seal.read(path) is None


def test_a_failed_piece_by_piece_write_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "entry"
    cache_seal.write(path, b"before")

    def fails(out):
        out.write(b"half of it")
        raise OSError("disk full")

    with pytest.raises(OSError):
        cache_seal.write_from(path, fails)
    assert cache_seal.read(path) == b"before"


@pytest.mark.parametrize("tamper", [
    lambda sealed: sealed + b" ",  # content added
    lambda sealed: sealed[:-1],  # content cut
    lambda sealed: sealed.split(b"\n", 1)[1],  # no seal at all
    lambda sealed: b"",
    lambda sealed: sealed[:20],
    lambda sealed: b"sopc-seal " + hmac.new(b"k" * 32, b"{}", "sha256").hexdigest().encode() + b"\n{}",  # another key
])
def test_a_file_not_sealed_by_this_user_reads_as_absent(tmp_path, tamper):
    path = tmp_path / "entry.json"
    cache_seal.write(path, "{}")
    path.write_bytes(tamper(path.read_bytes()))
    assert cache_seal.read(path) is None


def test_a_link_is_not_followed_and_is_replaced_when_written(tmp_path):
    """git keeps links: one could lead to a device that never ends, or to a file sealed for another purpose."""
    sealed = tmp_path / "real.json"
    cache_seal.write(sealed, "{}")
    link = tmp_path / "entry.json"
    link.symlink_to(sealed)
    assert cache_seal.read(link) is None
    (tmp_path / "zero").symlink_to("/dev/zero")
    assert cache_seal.read(tmp_path / "zero") is None
    cache_seal.write(link, "[]")
    assert not link.is_symlink() and cache_seal.read_text(link) == "[]" and cache_seal.read_text(sealed) == "{}"


def test_the_key_is_made_once_in_the_users_cache_folder_for_the_user_alone(own_key_home, tmp_path):
    path = tmp_path / "entry"
    cache_seal.write(path, "x")
    key_file = own_key_home / "sopc" / "cache-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    cache_seal._key.cache_clear()  # as a later process would
    assert cache_seal.read_text(path) == "x"


def test_another_users_key_seals_nothing_this_user_believes(own_key_home, tmp_path, monkeypatch):
    path = tmp_path / "entry"
    cache_seal.write(path, "x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    cache_seal._key.cache_clear()
    assert cache_seal.read(path) is None


def test_without_a_place_for_the_key_a_process_seals_for_itself(own_key_home, tmp_path):
    own_key_home.write_text("a file where the folder should be")
    path = tmp_path / "entry"
    cache_seal.write(path, "x")
    assert cache_seal.read_text(path) == "x"
    cache_seal._key.cache_clear()  # the next process: a key of its own
    assert cache_seal.read(path) is None


def test_a_damaged_key_is_not_used(own_key_home, tmp_path):
    (own_key_home / "sopc").mkdir(parents=True)
    (own_key_home / "sopc" / "cache-key").write_bytes(b"short")
    path = tmp_path / "entry"
    cache_seal.write(path, "x")
    assert cache_seal.read_text(path) == "x"
    cache_seal._key.cache_clear()
    assert cache_seal.read(path) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_reads_as_absent(tmp_path):
    path = tmp_path / "entry"
    cache_seal.write(path, "x")
    path.chmod(0)
    assert cache_seal.read(path) is None


@pytest.mark.parametrize("content", ["[1, 2]", "not json", '"text"'])
def test_a_sealed_file_that_holds_no_json_object_reads_as_an_empty_mapping(tmp_path, content):
    path = tmp_path / "entry.json"
    cache_seal.write(path, content)
    assert cache_seal.read_mapping(path) == {}
    cache_seal.write(path, '{"a": [1]}')
    assert cache_seal.read_mapping(path) == {"a": [1]}
    assert cache_seal.read_mapping(tmp_path / "missing.json") == {}
