"""Local-directory FileStorage: content-addressed files under <root>/ab/cd/<sha256>."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from .base import StorageError, StorageFull, StoredFile, TooLarge

CHUNK = 1024 * 1024
# Write failures that mean "no room": a full disk, a quota, a file-size limit on the process.
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.sweep_temp()

    def save(self, stream: BinaryIO, max_size: int | None = None) -> StoredFile:
        """Stream to a temporary file in the same volume, hashing as we go, then rename into place.

        The temporary file is flock-ed while written: if the process is killed mid-upload the lock
        goes with it, and `sweep_temp` (at every worker start and before every upload) removes it.
        """
        self.sweep_temp()
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = self._locked_temp()
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
                # readable by the web server that sends it (X-Accel-Redirect); never writable by it
                os.fchmod(out.fileno(), 0o644)
                key = digest.hexdigest()
                stamp = _stamp(os.fstat(out.fileno()))
                final = self.path(key)
                final.parent.mkdir(parents=True, exist_ok=True)
                created = _place(tmp_name, final)  # still locked: the sweeper never takes a finished file
        except BaseException as exc:
            _remove(tmp_name)
            if isinstance(exc, (StorageError, KeyboardInterrupt, SystemExit)):
                raise
            if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
                raise StorageFull(str(exc)) from exc
            raise StorageError(str(exc)) from exc
        return StoredFile(key=key, size=size, sha256=key, created=created, stamp=stamp)

    def _locked_temp(self) -> tuple[int, str]:
        """A new temporary file, flock-ed; made again if a sweeper removed it before we locked it."""
        while True:
            fd, name = tempfile.mkstemp(dir=self.tmp, prefix="upload-")
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.stat(name).st_ino == os.fstat(fd).st_ino:
                    return fd, name
            except FileNotFoundError:
                pass
            os.close(fd)

    def sweep_temp(self) -> int:
        """Remove temporary files no live process is writing (left by a killed worker)."""
        removed = 0
        try:
            names = os.listdir(self.tmp)
        except FileNotFoundError:
            return 0
        for name in names:
            path = self.tmp / name
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue  # an upload in progress
            try:
                _remove(path)
                removed += 1
            finally:
                os.close(fd)
        return removed

    def path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise StorageError("invalid storage key")  # never let a key walk out of the root
        return self.root / key[:2] / key[2:4] / key

    def internal_path(self, key: str) -> str:
        """The file's path below the storage root, as a web server maps it (X-Accel-Redirect)."""
        return self.path(key).relative_to(self.root).as_posix()

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except StorageError:
            return False

    def keys(self) -> Iterator[str]:
        """Every key under <root>/ab/cd/ (the temporary area and anything not named like a key are skipped)."""
        hexdigits = set("0123456789abcdef")
        for first in _subdirs(self.root):
            for second in _subdirs(first):
                for entry in _entries(second):
                    name = entry.name
                    if (len(name) == 64 and set(name) <= hexdigits and name.startswith(first.name + second.name)
                            and entry.is_file(follow_symlinks=False)):
                        yield name

    def stamp(self, key: str) -> str | None:
        try:
            return _stamp(os.stat(self.path(key)))
        except (FileNotFoundError, StorageError):
            return None

    def saved_at(self, key: str) -> float | None:
        try:
            return os.stat(self.path(key)).st_mtime
        except (FileNotFoundError, StorageError):
            return None

    def delete(self, key: str) -> None:
        _remove(self.path(key))


def _place(tmp_name: str, final: Path) -> bool:
    """Move a finished temporary file to its key; True when the key was not stored before.

    link() refuses an existing name, so of two saves of the same new bytes exactly one learns that it
    created them; a save of bytes already stored replaces the file with its own copy, as it always did.
    """
    try:
        os.link(tmp_name, final)
    except FileExistsError:
        os.replace(tmp_name, final)
        return False
    except OSError as exc:
        if exc.errno in FULL_ERRNOS:
            raise
        created = not final.exists()  # a file system without hard links: the best answer it allows
        os.replace(tmp_name, final)
        return created
    os.unlink(tmp_name)
    return True


def _stamp(st: os.stat_result) -> str:
    """The copy a path names: another save of the same bytes puts a new inode there (written at another time)."""
    return f"{st.st_ino}:{st.st_mtime_ns}"


def _entries(path: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as entries:
            return sorted(entries, key=lambda e: e.name)
    except FileNotFoundError:  # removed meanwhile
        return []


def _subdirs(path: Path) -> list[Path]:
    """The two-hex-digit directories of the key layout."""
    return [Path(e.path) for e in _entries(path)
            if len(e.name) == 2 and all(c in "0123456789abcdef" for c in e.name) and e.is_dir(follow_symlinks=False)]


def _remove(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
