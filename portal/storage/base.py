"""The FileStorage protocol: where resource bytes live (local directory now, object storage later)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class StorageError(Exception):
    """Writing failed; nothing was stored."""


class TooLarge(StorageError):
    """The stream exceeded the size limit; nothing was stored."""


class FileStorage(Protocol):
    def save(self, stream: BinaryIO, max_size: int | None = None) -> StoredFile:
        """Store a stream atomically while hashing it; on any failure nothing remains."""
        ...

    def path(self, key: str) -> Path:
        """Local path of a stored file (for streaming and X-Accel-Redirect)."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...
