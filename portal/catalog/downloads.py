"""Serving stored files: which file a visitor may download (published, not suspended, not quarantined,
open or covered by a grant), and counting and logging the download."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from ..accounts import roles
from ..audit import services as audit
from ..errors import Forbidden, NotFound, UnavailableForLegalReasons
from ..extensions import db
from ..side_db import read_committed
from .models import Dataset, DatasetState, OpenType, QuarantinedFile, Resource, ResourceKind


# ---- suspended entries and withdrawn bytes -----------------------------------
def require_not_suspended(ds: Dataset) -> None:
    """451 for everyone (grant holders included) while a rights complaint is verified (R2024 §28)."""
    if ds.is_suspended:
        raise UnavailableForLegalReasons(
            _("“%(title)s” is suspended pending verification of a rights complaint; its data is not provided "
              "until the verification ends.", title=ds.title), {"suspended_since": ds.suspended_at.isoformat()})


def is_quarantined(sha256: str) -> bool:
    """True when these bytes were withdrawn after a rights complaint and must never be served."""
    return bool(sha256) and db.session.scalar(_QUARANTINED, {"sha256": sha256}) is not None


# Built once, and asked through the session (which flushes first, so a quarantine added in this
# transaction counts): every download asks, and a miss of session.get costs twice as much.
_QUARANTINED = select(QuarantinedFile.sha256).where(QuarantinedFile.sha256 == bindparam("sha256"))


def quarantined_hashes(hashes: Iterable[str]) -> set[str]:
    hashes = [h for h in set(hashes) if h]
    if not hashes:
        return set()
    rows = read_committed(select(QuarantinedFile.sha256).where(QuarantinedFile.sha256.in_(bindparam("h", expanding=True))),
                          {"h": hashes})  # an anonymous page asks on the side connection (side_db)
    return {row[0] for row in rows}


def servable_sql():
    """SQL: the resource's current bytes are not quarantined (for queries that list files to serve)."""
    return ~select(QuarantinedFile.sha256).where(QuarantinedFile.sha256 == Resource.sha256).exists()


def is_servable(res: Resource) -> bool:
    """A link, or a file whose bytes are not quarantined: what may be offered for download at all."""
    return res.kind != ResourceKind.FILE or not is_quarantined(res.sha256)


# ---- downloads --------------------------------------------------------------
@dataclass(frozen=True)
class StoredFile:
    """What serving one stored file needs, decided from one row (entry, file and quarantine together):
    every download asks, and loading the two objects cost twice as much."""
    id: str
    dataset_id: str
    dataset_slug: str
    storage_key: str
    media_type: str
    filename: str
    format: str
    sha256: str
    encoding: str
    updated_at: datetime
    grant_id: int | None = None   # the grant a conditional file is served under (the access log names it)
    agreement_id: int | None = None  # the operation agreement an operator fetches it under (logged likewise)


def downloadable_resource(resource_id: str, user=None, channel: str = "download") -> StoredFile:
    """The stored file a visitor may download; NotFound, 451 or Forbidden with the reason otherwise.

    Order: the entry is published (else 404); not suspended and the bytes not quarantined (else 451,
    for everyone, grant holders included); then the open type: unconditionally open files are anyone's,
    signed in or not, also a user whose data access is suspended (R2024 §50 closes the access a grant
    gives, and the same user could fetch open files logged out); conditional files need a grant of `user`
    usable now on this `channel` ("download" from the site, "api").
    """
    if channel == "download" and roles.is_operator(user):
        raise Forbidden(_("Authorised operators receive data through the API under their agreement only."))
    row = _servable_row(resource_id)
    grant_id = None
    if row.open_type == OpenType.CONDITIONAL:
        res = db.session.get(Resource, row.id)
        grant_id = grant_for_download(res.dataset, res, user, channel)
    if row.open_type == OpenType.CLOSED:
        raise Forbidden(_("“%(title)s” is not open; its data is not provided through the portal.", title=row.title))
    if row.kind != ResourceKind.FILE:
        raise NotFound(_("This resource is a link, not a stored file."))
    return StoredFile(row.id, row.dataset_id, row.slug, row.storage_key, row.media_type, row.filename, row.format,
                      row.sha256, row.encoding, row.updated_at, grant_id)


def _servable_row(resource_id: str):
    """The file's row if its entry is published (else 404), not suspended (else 451 saying since when and
    why) and its bytes not quarantined (else 451), for everyone."""
    rows = read_committed(_DOWNLOAD_ROW, {"id": resource_id}) if len(resource_id) <= 36 else []
    row = rows[0] if rows else None
    if row is None or row.state != DatasetState.PUBLISHED:
        raise NotFound(_("No downloadable file has this address."))
    if row.suspended_at is not None:
        require_not_suspended(db.session.get(Dataset, row.dataset_id))
    if row.kind == ResourceKind.FILE and row.quarantined is not None:
        raise UnavailableForLegalReasons(
            _("This file was withdrawn after a rights complaint and is no longer provided."))
    return row


def operated_file(resource_id: str, agreement_id: int) -> StoredFile:
    """A file served to an authorised operator under an agreement the caller (operation.services) has checked:
    the same 404 and 451 as every download, whatever the entry's open type; the access log names the agreement."""
    row = _servable_row(resource_id)
    if row.kind != ResourceKind.FILE:
        raise NotFound(_("This resource is a link, not a stored file."))
    return StoredFile(row.id, row.dataset_id, row.slug, row.storage_key, row.media_type, row.filename, row.format,
                      row.sha256, row.encoding, row.updated_at, agreement_id=agreement_id)


# Mapped columns, not the tables', so that a session in a transaction flushes first and a quarantine or a
# suspension added in it counts. The empty hash of a link matches no quarantined file.
_DOWNLOAD_ROW = (
    select(Resource.id, Resource.dataset_id, Resource.kind, Resource.storage_key, Resource.media_type,
           Resource.filename, Resource.format, Resource.sha256, Resource.encoding, Resource.updated_at,
           Dataset.slug, Dataset.title, Dataset.state, Dataset.suspended_at, Dataset.open_type,
           QuarantinedFile.sha256.label("quarantined"))
    .join(Dataset, Dataset.id == Resource.dataset_id)
    .outerjoin(QuarantinedFile, QuarantinedFile.sha256 == Resource.sha256)
    .where(Resource.id == bindparam("id")))


def grant_for_download(ds: Dataset, res: Resource, user, channel: str) -> int:
    """Conditional data: the user must hold a grant usable now for this file and channel (site or API);
    Forbidden saying why otherwise. The grant's id, so that the access is logged against it."""
    from ..opening.grants import require_grant

    return require_grant(ds, res, user, channel).id


_entries, _files = Dataset.__table__, Resource.__table__
_COUNT_ENTRY_DOWNLOAD = update(_entries).where(_entries.c.id == bindparam("entry")).values(
    download_count=_entries.c.download_count + 1, modified_at=_entries.c.modified_at)
_COUNT_FILE_DOWNLOAD = update(_files).where(_files.c.id == bindparam("file")).values(
    download_count=_files.c.download_count + 1)


def record_download(res: StoredFile, status: int, bytes_sent: int, range_start: int | None) -> None:
    """Log the access and count it: a full download, or a ranged one that starts at the first byte."""
    counted = status == 200 or (status == 206 and range_start == 0)
    # modified_at stays: a download is not a change of the entry (the column has onupdate). Counters move
    # in SQL (no lost update between processes): the loaded objects need not follow.
    counters = [(_COUNT_ENTRY_DOWNLOAD, {"entry": res.dataset_id}), (_COUNT_FILE_DOWNLOAD, {"file": res.id})]
    audit.log_access("download", status, counters=counters if counted else [], dataset_id=res.dataset_id,
                     resource_id=res.id, bytes_sent=bytes_sent,
                     grant_id=res.grant_id, agreement_id=res.agreement_id)
