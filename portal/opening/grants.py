"""Grants and what they allow: downloads of conditional data by the holder, on the site or by API; the
grant's suspension, resumption and revocation (workflow.GRANT), and suspending a user's access for misuse
(R2024 §50, one record: accounts.models.AccessBlock). `Grant.covers` is the one answer to "may the holder
fetch this file through this channel today"; a suspension of the holder closes every grant it covers.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import access, roles
from ..accounts.models import AccessBlock, Role, User
from ..audit import services as audit
from ..catalog.models import Dataset, OpenType, Resource
from ..errors import BadRequest, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify
from ..models_base import utcnow
from . import permissions
from .models import Grant, GrantState
from .vocab import METHOD_LABELS
from .workflow import GRANT, event, today

EVENTS = {"suspend": "grant_suspended", "resume": "grant_resumed", "revoke": "grant_revoked"}


def get_grant(grant_id: int, actor: User) -> Grant:
    grant = db.session.get(Grant, grant_id)
    if grant is None or not permissions.can_view(actor, grant.application):
        raise NotFound(_("No grant has this number."))
    return grant


def my_grants(user: User) -> list[Grant]:
    return list(db.session.scalars(select(Grant).where(Grant.user_id == user.id).order_by(Grant.end.desc())))


def grants_for(actor: User) -> list[Grant]:
    stmt = permissions.scoped(select(Grant).join(Dataset, Grant.dataset_id == Dataset.id), actor, Dataset.agency_id)
    return list(db.session.scalars(stmt.order_by(Grant.end.desc())))


def change_grant(grant: Grant, actor: User, action: str, reason: str) -> Grant:
    """Suspend, resume or revoke a grant, with a reason the holder sees."""
    if action not in GRANT.actions():
        raise BadRequest(_("Choose suspend, resume or revoke."))

    def changed(_t) -> None:
        grant.state_reason, grant.state_changed_at, grant.state_changed_by_id = reason.strip(), utcnow(), actor.id
        event(grant.application, EVENTS[action], actor, reason.strip())

    GRANT.perform(grant, action, actor, reason or "", effect=changed,
                  details=lambda: {"application": grant.application_id, "user": grant.user_id})
    return grant


def state_note(grant: Grant) -> str:
    """Why a grant that is not active is not: the reason of its last change ("" while active)."""
    return grant.state_reason if grant.state != GrantState.ACTIVE else ""


# ---- a user's access suspended for misuse ------------------------------------------------------------
def active_blocks(user_id: int) -> list[AccessBlock]:
    return access.active_blocks(user_id)


def blocks_for(actor: User) -> list[AccessBlock]:
    """The active suspensions the console lists: the agency's own, or (the authority, auditors) all."""
    stmt = select(AccessBlock).where(AccessBlock.lifted_at.is_(None))
    if roles.role_of(actor) == Role.AGENCY_STAFF:
        stmt = stmt.where(AccessBlock.agency_id == actor.agency_id)
    else:
        permissions.scoped(stmt, actor, AccessBlock.agency_id)
    return list(db.session.scalars(stmt.order_by(AccessBlock.created_at.desc())))


def may_lift(actor: User, block: AccessBlock) -> bool:
    """The agency lifts its own suspensions; the authority every one."""
    return permissions.can_manage_access(actor, block.agency_id)


def block_scope(actor: User) -> int | None:
    """The data a suspension by this actor closes: the staff's agency, or (None) all, by the authority."""
    if roles.role_of(actor) == Role.AGENCY_STAFF:
        return actor.agency_id
    if roles.is_authority(actor):
        return None
    raise Forbidden(_("Only the providing agency or the data authority can change access."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("State the reason."), {"reason": _("State the reason.")})
    return reason


def block_user(user_id: int, actor: User, reason: str) -> AccessBlock:
    """Suspend a data user's access for misuse: staff for their agency's data, the authority for all."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.DATA_USER:
        raise NotFound(_("No data user has this number."))
    agency_id = block_scope(actor)
    reason = _reason(reason)
    block = access.suspend(user.id, actor, reason, agency_id=agency_id)
    audit.record(actor, "access.suspend", "user", str(user.id), reason, {"block": block.id, "agency": agency_id})
    notify(user.id, _("Your access to data has been suspended"), reason, link="/applications",
           kind="access.suspended")
    db.session.commit()
    return block


def lift_block(block_id: int, actor: User, reason: str) -> AccessBlock:
    """End a suspension of a user's access, with a reason."""
    block = db.session.get(AccessBlock, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound(_("No active suspension has this number."))
    if not may_lift(actor, block):
        raise Forbidden(_("Only the providing agency or the data authority can change access."))
    reason = _reason(reason)
    access.lift(block, actor, reason)
    audit.record(actor, "access.lift", "user", str(block.user_id), reason, {"block": block.id})
    notify(block.user_id, _("Your access to data is restored"), reason, link="/applications", kind="access.lifted")
    db.session.commit()
    return block


# ---- downloads by grant holders ------------------------------------------------------------
def _refuse(message: str, ds: Dataset, res: Resource, grant: Grant | None) -> Forbidden:
    """Log the refused attempt (against the grant when there is one) and build the 403."""
    audit.record_access("download", 403, dataset_id=ds.id, resource_id=res.id, detail=message[:500],
                        grant_id=grant.id if grant else None)
    db.session.commit()
    return Forbidden(message)


def _suspended(block: AccessBlock) -> str:
    if block.source:  # the whole account, from a report or directly: the notice in the inbox says why
        return _("Your account's access to conditionally open data is suspended; see the notice in your inbox.")
    return _("Your access to this data was suspended on %(date)s for misuse: %(reason)s",
             date=workdays.china_date(block.created_at).isoformat(), reason=block.reason)


def _holders_grants(ds: Dataset, user) -> list[Grant]:
    return list(db.session.scalars(select(Grant).where(Grant.dataset_id == ds.id, Grant.user_id == user.id)
                                   .order_by(Grant.end.desc(), Grant.id.desc())))


def require_grant(ds: Dataset, res: Resource, user, channel: str) -> Grant:
    """The grant under which `user` may fetch this file of a conditional entry now, through `channel`
    (download on the site, or api); Forbidden saying why otherwise. Refusals are logged."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("“%(title)s” is conditionally open: log in and apply; its data is provided only to "
                          "applicants whose application has been approved.", title=ds.title))
    grants = _holders_grants(ds, user)
    closing = access.blocks_closing(user, ds.agency_id)
    if closing:
        block = next((b for b in closing if b.source), closing[0])
        raise _refuse(_suspended(block), ds, res, grants[0] if grants else None)
    if not grants:
        raise _refuse(_("“%(title)s” is conditionally open, and you hold no approved application for it.",
                        title=ds.title), ds, res, None)
    on = today()
    usable = [g for g in grants if g.usable_on(on)]
    if not usable:
        g = grants[0]
        if g.state == GrantState.REVOKED:
            message = _("Your access was revoked on %(date)s: %(reason)s",
                        date=workdays.china_date(g.state_changed_at).isoformat(), reason=g.state_reason)
        elif g.state == GrantState.SUSPENDED:
            message = _("Your access is suspended since %(date)s: %(reason)s",
                        date=workdays.china_date(g.state_changed_at).isoformat(), reason=g.state_reason)
        elif on < g.start:
            message = _("Your approved use period starts on %(date)s.", date=g.start.isoformat())
        else:
            message = _("Your approved use period ended on %(date)s; apply again for further use.",
                        date=g.end.isoformat())
        raise _refuse(message, ds, res, g)
    in_scope = [g for g in usable if g.covers_file(res.id)]
    if not in_scope:
        raise _refuse(_("This file is not within the scope approved for you."), ds, res, usable[0])
    by_channel = [g for g in in_scope if g.covers(res.id, channel, on)]
    if not by_channel:
        raise _refuse(_("Your approval covers %(methods)s only, not this way of access.",
                        methods="、".join(str(METHOD_LABELS.get(m, m)) for m in in_scope[0].provision_methods)),
                      ds, res, in_scope[0])
    return by_channel[0]


def usable_grant(ds: Dataset, user) -> Grant | None:
    """The user's grant for this entry that is usable today (for showing download buttons)."""
    if not getattr(user, "is_authenticated", False) or ds.open_type != OpenType.CONDITIONAL:
        return None
    if access.blocks_closing(user, ds.agency_id):
        return None
    on = today()
    return next((g for g in _holders_grants(ds, user) if g.usable_on(on)), None)


def files_covered(grant: Grant | None, user, channel: str) -> set[str]:
    """The files of the grant's entry that `user` may fetch under it through `channel` today: none unless
    the user holds the grant and no suspension closes the entry's data."""
    if grant is None or grant.user_id != getattr(user, "id", None) or access.blocks_closing(user, grant.dataset.agency_id):
        return set()
    on = today()
    return {r.id for r in grant.dataset.resources if grant.covers(r.id, channel, on)}
