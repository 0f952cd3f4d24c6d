"""Local-directory FileStorage: content-addressed files under <root>/ab/cd/<sha256>."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from .base import StoredFile, StorageError, TooLarge

CHUNK = 1024 * 1024


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def save(self, stream: BinaryIO, max_size: int | None = None) -> StoredFile:
        """Stream to a temporary file in the same volume, hashing as we go, then rename into place."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise TooLarge(f"larger than {max_size} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = digest.hexdigest()
            final = self.path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)
        except BaseException as exc:
            _remove(tmp_name)
            if isinstance(exc, (StorageError, KeyboardInterrupt, SystemExit)):
                raise
            raise StorageError(str(exc)) from exc
        return StoredFile(key=key, size=size, sha256=key)

    def path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise StorageError("invalid storage key")  # never let a key walk out of the root
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except StorageError:
            return False

    def delete(self, key: str) -> None:
        _remove(self.path(key))


def _remove(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
