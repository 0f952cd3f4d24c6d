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


class StorageFull(StorageError):
    """The disk (or quota, or file-size limit) ran out while writing; nothing was stored."""


class TooLarge(StorageError):
    """The stream exceeded the size limit; nothing was stored."""


class FileStorage(Protocol):
    def save(self, stream: BinaryIO, max_size: int | None = None) -> StoredFile:
        """Store a stream atomically while hashing it; on any failure nothing remains."""
        ...

    def path(self, key: str) -> Path:
        """Local path of a stored file (for streaming and X-Accel-Redirect)."""
        ...

    def internal_path(self, key: str) -> str:
        """The file's path below the storage root, for a web server's internal location."""
        ...

    def exists(self, key: str) -> bool: ...

    def sweep_temp(self) -> int:
        """Remove temporary files of uploads whose process died; returns how many."""
        ...

    def delete(self, key: str) -> None: ...
