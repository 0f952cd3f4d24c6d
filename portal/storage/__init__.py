"""File storage behind the FileStorage protocol, chosen by config. Domains save and discard through
`portal.storage.files`, the one owner of stored files (it knows every reference to a key)."""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app

from .base import FileStorage, StoredFile, StorageError, StorageFull, TooLarge  # noqa: F401
from .local import LocalStorage


def load_storage(config: Mapping[str, Any]) -> FileStorage:
    return LocalStorage(config["STORAGE_DIR"])


def storage() -> FileStorage:
    return current_app.extensions["storage"]
