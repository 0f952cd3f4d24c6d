"""Files attached to complaints, corrections and reports: checked by their first bytes (not the name
the browser sends), size-limited while streaming, stored content-addressed, never public."""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalog.models import Resource, ResourceVersion
from ..errors import Invalid
from ..extensions import db
from ..storage import StorageError, TooLarge, storage
from .models import Attachment

MAX_FILES = 5
# Accepted evidence types by their magic bytes: scans and photos (PNG, JPEG) and documents (PDF).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
)


@dataclass
class Upload:
    """One file as the form sent it."""

    filename: str
    stream: BinaryIO


@dataclass
class Stored:
    filename: str
    key: str
    sha256: str
    size: int
    media_type: str


def sniff(head: bytes) -> str | None:
    """The media type the first bytes show, or None when they are not an accepted type."""
    for magic, media, _label in SIGNATURES:
        if head.startswith(magic):
            return media
    return None


def accepted_types() -> str:
    return "、".join(label for _m, _t, label in SIGNATURES)


def size_limit() -> str:
    """The per-file limit for people, e.g. “10.0 MB”."""
    from ..templating import filesize

    return filesize(current_app.config["EVIDENCE_MAX_BYTES"])


def store_files(uploads: Iterable[Upload], *, field: str = "evidence", required: bool = False) -> list[Stored]:
    """Store every file, or none: a wrong type, a file too large or too many files raise Invalid
    (with the field name) and whatever was already stored for this request is removed again."""
    uploads = [u for u in uploads if u.filename]
    if required and not uploads:
        raise Invalid(_("Attach at least one evidence file."), {field: _("Attach at least one evidence file.")})
    if len(uploads) > MAX_FILES:
        message = _("Attach at most %(n)d files.", n=MAX_FILES)
        raise Invalid(message, {field: message})
    stored: list[Stored] = []
    try:
        for upload in uploads:
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:300] or "file"
            try:
                saved = storage().save(upload.stream, max_size=current_app.config["EVIDENCE_MAX_BYTES"])
            except TooLarge:
                message = _("“%(name)s” is larger than %(limit)s.", name=name, limit=size_limit())
                raise Invalid(message, {field: message})
            except StorageError:
                message = _("“%(name)s” could not be stored; please try again.", name=name)
                raise Invalid(message, {field: message})
            with open(storage().path(saved.key), "rb") as fh:
                media = sniff(fh.read(16))
            item = Stored(name, saved.key, saved.sha256, saved.size, media or "")
            stored.append(item)
            if media is None:
                message = _("“%(name)s” is not an accepted file type (%(types)s).", name=name, types=accepted_types())
                raise Invalid(message, {field: message})
            if saved.size == 0:
                message = _("“%(name)s” is empty.", name=name)
                raise Invalid(message, {field: message})
    except BaseException:
        discard([s.key for s in stored])
        raise
    return stored


def attach(stored: list[Stored], owner_type: str, owner_id: int, uploaded_by_id: int) -> list[Attachment]:
    """Attachment rows for stored files; the caller commits."""
    rows = [Attachment(owner_type=owner_type, owner_id=owner_id, filename=s.filename, storage_key=s.key,
                       media_type=s.media_type, size=s.size, sha256=s.sha256, uploaded_by_id=uploaded_by_id)
            for s in stored]
    db.session.add_all(rows)
    return rows


def attachments(owner_type: str, owner_id: int) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id).order_by(Attachment.id)))


def discard(keys: Iterable[str]) -> None:
    """Remove stored files nothing refers to (after a failed request); shared bytes stay."""
    for key in set(keys):
        in_use = (db.session.scalar(select(Attachment.id).where(Attachment.storage_key == key).limit(1)) or
                  db.session.scalar(select(Resource.id).where(Resource.storage_key == key).limit(1)) or
                  db.session.scalar(select(ResourceVersion.id).where(ResourceVersion.storage_key == key).limit(1)))
        if not in_use:
            storage().delete(key)


def attachment_in_use(key: str) -> bool:
    return db.session.scalar(select(Attachment.id).where(Attachment.storage_key == key).limit(1)) is not None


def _register() -> None:
    from ..catalog.files import register_reference_check

    register_reference_check(attachment_in_use)


_register()
