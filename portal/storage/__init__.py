"""File storage behind the FileStorage protocol, chosen by config."""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app

from .base import FileStorage, StoredFile, StorageError, StorageFull, TooLarge  # noqa: F401
from .local import LocalStorage


def load_storage(config: Mapping[str, Any]) -> FileStorage:
    return LocalStorage(config["STORAGE_DIR"])


def storage() -> FileStorage:
    return current_app.extensions["storage"]
