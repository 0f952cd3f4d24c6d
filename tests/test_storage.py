"""Local file storage: atomic, hashed, and leaves nothing behind on failure."""
from __future__ import annotations

import hashlib
import io

import pytest

from portal.storage.base import StorageError, TooLarge
from portal.storage.local import LocalStorage


def files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_save_hashes_and_places_file(tmp_path):
    s = LocalStorage(tmp_path)
    data = "空气质量".encode() * 1000
    stored = s.save(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert s.path(stored.key).read_bytes() == data
    assert files(tmp_path) == [s.path(stored.key)]


class Exploding(io.RawIOBase):
    def __init__(self):
        self.n = 0

    def read(self, size=-1):
        self.n += 1
        if self.n > 3:
            raise ConnectionResetError("client went away")
        return b"x" * 1024


def test_failed_upload_leaves_nothing(tmp_path):
    s = LocalStorage(tmp_path)
    with pytest.raises(StorageError):
        s.save(Exploding())
    assert files(tmp_path) == []


def test_too_large_leaves_nothing(tmp_path):
    s = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        s.save(io.BytesIO(b"x" * 5000), max_size=4096)
    assert files(tmp_path) == []


def test_keys_cannot_escape_the_root(tmp_path):
    s = LocalStorage(tmp_path)
    for key in ["../../etc/passwd", "a" * 64 + "/..", "", "A" * 64]:
        with pytest.raises(StorageError):
            s.path(key)
        assert not s.exists(key)


def test_a_save_says_whether_it_created_the_key_and_which_copy_it_left(tmp_path):
    """Of two saves of the same bytes only the first creates the key; the second puts its own copy there."""
    s = LocalStorage(tmp_path)
    first = s.save(io.BytesIO(b"same bytes"))
    second = s.save(io.BytesIO(b"same bytes"))
    assert first.key == second.key and first.created and not second.created
    assert first.stamp != second.stamp and s.stamp(first.key) == second.stamp
    assert s.path(first.key).read_bytes() == b"same bytes"
    assert files(tmp_path) == [s.path(first.key)]  # no second name left in the temporary area
    assert s.stamp("0" * 64) is None and s.saved_at("0" * 64) is None


def test_keys_lists_stored_files_only(tmp_path):
    s = LocalStorage(tmp_path)
    keys = {s.save(io.BytesIO(data)).key for data in (b"a", b"b", b"c")}
    (tmp_path / ".tmp" / "upload-in-progress").write_bytes(b"partial")
    (tmp_path / "README").write_text("not a key")
    (tmp_path / "ab" / "cd").mkdir(parents=True)
    (tmp_path / "ab" / "cd" / ("ef" * 32)).write_bytes(b"a key in the wrong place")
    assert set(s.keys()) == keys
    assert all(s.saved_at(k) is not None for k in keys)
