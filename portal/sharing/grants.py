"""Share grants (SHARING.md §3.3, §4, §5): made when a request is granted or delivered; suspended, resumed or
revoked by the provider's officer or the authority (workflow.SHARE_GRANT). `ShareGrant.covers` decides each
use: named users only, listed files, granted modes, start to end. Every use, refused ones too, is an access
event of kind `share` naming the grant (kept at least two years, R2018 §24). Tabular files leave with only
the agreed data items; every delivery carries the purpose and the ban on onward transfer (R2024 §20).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import sha256
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import User
from ..audit import services as audit
from ..audit.models import AccessEvent
from ..catalog.downloads import is_quarantined, require_not_suspended
from ..catalog.models import Resource, ResourceKind
from ..errors import Conflict, Forbidden, NotFound, UnavailableForLegalReasons
from ..extensions import db
from ..models_base import utcnow
from ..storage import storage
from ..storage.names import clean_filename
from . import tabular
from .models import ShareDelivery, ShareGrant, ShareGrantState, ShareRequest
from .schemas import ReasonIn, load, notice_text
from .workflow import SHARE_GRANT, event, today

ACCESS_KIND = "share"
EVENTS = {"suspend": "grant_suspend", "resume": "grant_resume", "revoke": "grant_revoke"}


def make_grant(req: ShareRequest, offline_note: str = "") -> ShareGrant:
    """The grant of a granted or delivered request: its agreed terms, active from now."""
    grant = ShareGrant(request=req, dataset=req.dataset, requester_agency_id=req.requester_agency_id,
                       provider_agency_id=req.provider_agency_id, user_ids=list(req.agreed_user_ids),
                       resource_ids=list(req.agreed_resource_ids), items=list(req.agreed_items),
                       modes=list(req.agreed_modes), purpose=req.purpose, scenario=req.scenario,
                       start=req.agreed_start, end=req.agreed_end, offline_note=offline_note,
                       state=ShareGrantState.ACTIVE)
    db.session.add(grant)
    return grant


def notice(grant: ShareGrant | None) -> str:
    """The purpose and the ban on onward transfer shown with every delivery ("" without a grant)."""
    return notice_text(grant) if grant is not None else ""


def get_grant(grant_id: int, actor: Any) -> ShareGrant:
    """A grant the actor may read (the parties' staff, the authority, auditors); else not found."""
    grant = db.session.get(ShareGrant, grant_id)
    if grant is None or not roles.reads_share_case(actor, requester_agency_id=grant.requester_agency_id,
                                                   provider_agency_id=grant.provider_agency_id):
        raise NotFound(_("No share grant of your agency has this number."))
    return grant


def allowed_actions(grant: ShareGrant, actor: Any) -> list[str]:
    return SHARE_GRANT.allowed_actions(grant, actor)


def change(grant: ShareGrant, action: str, values: Mapping[str, Any], actor: User) -> ShareGrant:
    """Suspend, resume or revoke, with a reason the requester's officers see (R2024 §50 for misuse)."""
    if action not in EVENTS:
        raise NotFound(_("No such step."))
    data = load(ReasonIn(), values)
    reason = data["reason"].strip()

    def changed(_t) -> None:
        grant.state_reason, grant.state_changed_by_id = reason, actor.id
        grant.state_changed_at = utcnow()
        event(grant.request, EVENTS[action], actor, reason)

    SHARE_GRANT.perform(grant, action, actor, reason, effect=changed, version=data["version"],
                        details={"request": grant.request_id})
    return grant


def expire_ended(on: date) -> int:
    """Grants whose last day is before `on` expire, as the portal (SHARE_GRANT `expire`, run by `flask portal
    deadlines`); their holders' officers are told. The number expired."""
    due = list(db.session.scalars(select(ShareGrant).where(
        ShareGrant.state.in_((ShareGrantState.ACTIVE, ShareGrantState.SUSPENDED)), ShareGrant.end.is_not(None),
        ShareGrant.end < on).order_by(ShareGrant.id)))
    for grant in due:
        why = _("The grant's last day, %(date)s, has passed; a new request is needed to go on.",
                date=grant.end.isoformat())

        def expired(_t, grant=grant, why=why) -> None:
            grant.state_reason, grant.state_changed_at, grant.state_changed_by_id = why, utcnow(), None
            event(grant.request, "grant_expire", roles.SYSTEM, why)

        SHARE_GRANT.perform(grant, "expire", roles.SYSTEM, why, effect=expired,
                            details=lambda grant=grant: {"request": grant.request_id, "end": grant.end.isoformat()})
    return len(due)


# ---- what a use is refused for ----------------------------------------------------------------------
def _reason(grant: ShareGrant, code: str) -> str:
    return {
        ShareGrantState.SUSPENDED: _("Sharing under this grant is suspended: %(reason)s", reason=grant.state_reason),
        ShareGrantState.REVOKED: _("Sharing under this grant was revoked: %(reason)s", reason=grant.state_reason),
        ShareGrantState.EXPIRED: _("This grant ended on %(date)s; a new request is needed.", date=grant.end.isoformat()),
        ShareGrantState.ENDED: _("Sharing of this data has stopped: %(reason)s", reason=grant.state_reason),
        "user": _("You are not among the users named in this grant."),
        "resource": _("This file is not covered by the grant."),
        "mode": _("The grant allows %(modes)s only, not this way of access.", modes="、".join(grant.modes)),
        "not_started": _("The grant's period starts on %(date)s.", date=grant.start.isoformat()),
        "ended": _("The grant's period ended on %(date)s; a new request is needed.", date=grant.end.isoformat()),
    }[code]


def log_use(grant: ShareGrant, res_id: str, status: int, detail: str = "", sent: int = 0) -> None:
    audit.log_access(ACCESS_KIND, status, dataset_id=grant.dataset_id, resource_id=res_id, grant_id=grant.id,
                     bytes_sent=sent, detail=detail)


def require(grant: ShareGrant, resource_id: str, user: Any, mode: str) -> Resource:
    """The file `user` may take under this grant by `mode` now; 404, 451 or a logged 403 saying why."""
    res = db.session.get(Resource, resource_id)
    if res is None or res.dataset_id != grant.dataset_id or res.kind != ResourceKind.FILE:
        raise NotFound(_("This grant covers no such file."))
    code = grant.refusal(res.id, getattr(user, "id", None), mode, today())
    if code is not None:
        message = _reason(grant, code)
        log_use(grant, res.id, 403, f"{mode}: {message}")
        raise Forbidden(message, {"grant": grant.id, "refused": code})
    require_not_suspended(res.dataset)
    if is_quarantined(res.sha256):
        raise UnavailableForLegalReasons(_("This file was withdrawn after a rights complaint and is no longer provided."))
    return res


# ---- the delivered bytes: only the agreed data items ---------------------------------------------------
@dataclass(frozen=True)
class Delivered:
    filename: str
    media_type: str
    data: bytes
    projected: bool


def projects(grant: ShareGrant, res: Resource) -> bool:
    """A CSV or XLSX with columns beyond the agreed data items leaves with the agreed ones only."""
    return tabular.projects(grant, res)


def delivered_bytes(grant: ShareGrant, res: Resource) -> Delivered:
    """The file as it leaves under the grant: a CSV or XLSX cut to the agreed data items (409 when its header
    holds none of them), any other file whole."""
    path = storage().path(res.storage_key)
    name = clean_filename(res.filename, f"{res.id}.{res.format.lower()}")
    if not tabular.projects(grant, res):
        return Delivered(name, res.media_type, path.read_bytes(), False)
    if res.format.upper() == "XLSX":
        return Delivered(name, res.media_type, tabular.project_xlsx(grant, path), True)
    encoding = res.encoding or "utf-8"
    return Delivered(name, f"text/csv; charset={encoding}", tabular.project_csv(grant, res, path), True)


def take(grant: ShareGrant, resource_id: str, user: Any, mode: str) -> Delivered:
    """One file under the grant: checked, projected, remembered by its hash (S6) and logged."""
    res = require(grant, resource_id, user, mode)
    try:
        out = delivered_bytes(grant, res)
    except Conflict as exc:
        log_use(grant, res.id, exc.status, f"{mode}: {exc.message}")
        raise
    _remember(grant, res.id, sha256(out.data).hexdigest())
    log_use(grant, res.id, 200, mode, len(out.data))
    return out


def archive(grant: ShareGrant, user: Any, mode: str = "download") -> Delivered:
    """Every file the user may take, with a notice file (使用须知.txt) of the purpose and the ban on onward
    transfer (R2024 §20)."""
    buf = io.BytesIO()
    taken = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("使用须知.txt", notice(grant) + "\n")
        for res in grant.dataset.resources:
            if res.kind == ResourceKind.FILE and grant.covers(res.id, getattr(user, "id", None), mode, today()):
                out = take(grant, res.id, user, mode)
                zf.writestr(out.filename, out.data)
                taken += 1
    if not taken:
        require(grant, next((r.id for r in grant.dataset.resources if r.kind == ResourceKind.FILE), ""), user, mode)
    return Delivered(f"grant-{grant.id}.zip", "application/zip", buf.getvalue(), False)


def _remember(grant: ShareGrant, resource_id: str, digest: str) -> None:
    if db.session.scalar(select(ShareDelivery.id).where(ShareDelivery.grant_id == grant.id,
                                                        ShareDelivery.sha256 == digest)) is None:
        db.session.add(ShareDelivery(grant_id=grant.id, resource_id=resource_id, sha256=digest, at=utcnow()))
        db.session.commit()


def received_under_grant(agency_id: int, digest: str) -> int | None:
    """The grant under which `agency_id` received these bytes (same SHA-256), if any (SHARING.md §4)."""
    return db.session.scalar(select(ShareGrant.id).join(ShareDelivery, ShareDelivery.grant_id == ShareGrant.id)
                             .where(ShareGrant.requester_agency_id == agency_id, ShareDelivery.sha256 == digest)
                             .limit(1))


# ---- pages ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileRow:
    id: str
    name: str
    url: str
    projected: bool
    query_url: str = ""


def files_for(grant: ShareGrant, user: Any) -> list[FileRow]:
    """The grant's files, with a download link where the user may take them on the site now and a query link
    where the user may query a table online now."""
    on, uid = today(), getattr(user, "id", None)
    return [FileRow(r.id, r.name, f"/sharing/grants/{grant.id}/files/{r.id}/download"
                    if grant.covers(r.id, uid, "download", on) else "", projects(grant, r),
                    f"/sharing/grants/{grant.id}/resources/{r.id}/query"
                    if tabular.is_tabular(r) and grant.covers(r.id, uid, "query", on) else "")
            for r in grant.dataset.resources if r.kind == ResourceKind.FILE
            and (not grant.resource_ids or r.id in grant.resource_ids)]


@dataclass(frozen=True)
class Use:
    at: datetime
    who: str
    file: str
    way: str
    status: int


def uses(grant: ShareGrant | None, actor: Any) -> list[Use] | None:
    """Who took what, when, under this grant (the access events of kind `share`): for the provider, the
    authority and auditors; None for others."""
    if grant is None:
        return None
    if not (roles.is_staff_of(actor, grant.provider_agency_id) or roles.is_overseer(actor)):
        return None
    names = {r.id: r.name for r in grant.dataset.resources}
    rows = db.session.execute(select(AccessEvent, User.name).outerjoin(User, User.id == AccessEvent.user_id).where(
        AccessEvent.kind == ACCESS_KIND, AccessEvent.grant_id == grant.id).order_by(AccessEvent.at.desc()).limit(500))
    return [Use(e.at, name or "—", names.get(e.resource_id, e.resource_id or ""), e.detail.split(":")[0], e.status)
            for e, name in rows]
