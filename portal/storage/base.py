"""The FileStorage protocol: where resource bytes live (local directory now, object storage later)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str
    # True when these bytes were not stored before this save (the key is new), False when the save
    # only rewrote a key that was already there (the same bytes, content-addressed).
    created: bool = False
    # Which copy of the key this save put in place (local: inode and time); another save of the same
    # bytes later puts another copy there. See `FileStorage.stamp`.
    stamp: str = ""


class StorageError(Exception):
    """Writing failed; nothing was stored."""


class StorageFull(StorageError):
    """The disk (or quota, or file-size limit) ran out while writing; nothing was stored."""


class TooLarge(StorageError):
    """The stream exceeded the size limit; nothing was stored."""


class FileStorage(Protocol):
    """Bytes by key. Only portal.storage.files (the one owner of stored files) saves and deletes."""

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

    def keys(self) -> Iterator[str]:
        """Every stored key (temporary files of uploads in progress are not keys)."""
        ...

    def stamp(self, key: str) -> str | None:
        """Which copy of the key is stored now (as `StoredFile.stamp` of the save that put it there), or None."""
        ...

    def saved_at(self, key: str) -> float | None:
        """When the key was last saved (a POSIX timestamp), or None when it is not stored."""
        ...

    def sweep_temp(self) -> int:
        """Remove temporary files of uploads whose process died; returns how many."""
        ...

    def delete(self, key: str) -> None: ...
