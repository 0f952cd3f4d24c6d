"""Files attached to complaints, corrections and reports: checked by their first bytes (not the name
the browser sends), size-limited while streaming, stored content-addressed, never public."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..fields import FormFile
from ..storage import StorageError, TooLarge, storage
from ..storage import files as stored_files
from ..storage.names import clean_filename
from .models import Attachment

MAX_FILES = 5
# Accepted evidence types by their magic bytes: scans and photos (PNG, JPEG) and documents (PDF).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
)


Upload = FormFile  # one file as the form (or the API's multipart body) sent it


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
    from ..units import filesize

    return filesize(current_app.config["EVIDENCE_MAX_BYTES"])


def store_files(uploads: Iterable[Upload], *, field: str = "evidence", required: bool = False) -> list[Stored]:
    """Store every file, or none: a wrong type, a file too large or too many files raise Invalid
    (with the field name) and what this request stored is handed back to the storage owner to discard."""
    uploads = [u for u in uploads if u.filename]
    if required and not uploads:
        raise Invalid(_("Attach at least one evidence file."), {field: _("Attach at least one evidence file.")})
    if len(uploads) > MAX_FILES:
        message = _("Attach at most %(n)d files.", n=MAX_FILES)
        raise Invalid(message, {field: message})
    stored: list[Stored] = []
    try:
        for upload in uploads:
            name = clean_filename(upload.filename, "file")
            try:
                saved = stored_files.save(upload.stream, max_size=current_app.config["EVIDENCE_MAX_BYTES"])
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
        stored_files.discard([s.key for s in stored])
        raise
    return stored


def store_all(uploads: Iterable[Upload], errors: Mapping[str, str], *, field: str = "evidence",
              required: bool = False) -> list[Stored]:
    """Store the files of a filing whose fields were checked: the fields' refusals (`errors`) and the files'
    own are raised together as Invalid, and then nothing stays stored."""
    try:
        stored = store_files(uploads, field=field, required=required)
    except Invalid as exc:
        errors, stored = {**errors, **exc.details}, []
    if errors:
        stored_files.discard(s.key for s in stored)
        raise Invalid(_("Please correct the marked fields."), dict(errors))
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
