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
