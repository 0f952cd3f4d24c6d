"""File storage behind the FileStorage protocol, chosen by config. Domains save and discard through
`portal.storage.files`, the one owner of stored files (it knows every reference to a key).

Two areas, each its own root: "files" (STORAGE_DIR: what people sent, backed up) and "derived" (DERIVED_DIR:
what the portal makes from those files and can make again, such as the Parquet copies of tables; not backed up).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app

from .base import FileStorage, StoredFile, StorageError, StorageFull, TooLarge  # noqa: F401
from .local import LocalStorage

# area -> (its setting, its name in app.extensions)
AREAS = {"files": ("STORAGE_DIR", "storage"), "derived": ("DERIVED_DIR", "derived_storage")}


def load_storage(config: Mapping[str, Any], area: str = "files") -> FileStorage:
    return LocalStorage(config[AREAS[area][0]])


def init_app(app) -> None:
    """One FileStorage per area in app.extensions."""
    for area, (_setting, name) in AREAS.items():
        app.extensions[name] = load_storage(app.config, area)


def storage(area: str = "files") -> FileStorage:
    return current_app.extensions[AREAS[area][1]]
