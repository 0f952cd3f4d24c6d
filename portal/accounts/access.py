"""Suspending a user's access to data (R2024 §50): one record per suspension (AccessBlock), lifted with a reason.

A suspension closes the access a grant gives: `blocks_closing(user, agency_id)` is asked wherever a grant
of conditionally open data is used (opening.grants: require_grant, usable_grant), on every channel. It
covers one agency's data, or (agency empty) all of it. Unconditionally open data stays open to the
suspended user as to everyone: it needs no permission that could be closed (and is served to the same
person logged out). `suspend_data_access` / `restore_data_access` suspend the whole account; they are
called from a report of illegal use, or from any other workflow that must cut a user off. The agency's
and the authority's suspensions on an application's page are opening.grants.block_user / lift_block.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..inbox.services import notify
from ..models_base import utcnow
from . import roles
from .models import AccessBlock, User


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return getattr(user, "id", user)


def active_blocks(user: Any) -> list[AccessBlock]:
    """Every active suspension of this user (a User or a user id), oldest first."""
    user_id = _user_id(user)
    if user_id is None:
        return []
    return list(db.session.scalars(select(AccessBlock).where(
        AccessBlock.user_id == user_id, AccessBlock.lifted_at.is_(None)).order_by(AccessBlock.created_at,
                                                                                  AccessBlock.id)))


def blocks_closing(user: Any, agency_id: int | None) -> list[AccessBlock]:
    """The active suspensions that close this agency's conditional data to the user, oldest first."""
    return [b for b in active_blocks(user) if b.agency_id is None or b.agency_id == agency_id]


def active_suspension(user: Any) -> AccessBlock | None:
    """The newest active suspension of all the user's data access, if any."""
    return next((b for b in reversed(active_blocks(user)) if b.agency_id is None), None)


def data_access_suspended(user: Any) -> bool:
    """True when this user (a User, a user id, or None/anonymous) may not use any grant of conditional data now."""
    return active_suspension(user) is not None


def suspend(user_id: int, actor: User, reason: str, *, agency_id: int | None = None, source: str = "") -> AccessBlock:
    """Record a suspension (the caller checks, audits, tells the user and commits)."""
    block = AccessBlock(user_id=user_id, agency_id=agency_id, reason=reason, source=source[:100],
                        created_by_id=actor.id, created_at=utcnow())
    db.session.add(block)
    db.session.flush()
    return block


def lift(block: AccessBlock, actor: User, reason: str) -> None:
    """End a suspension (the caller checks, audits, tells the user and commits)."""
    block.lifted_at, block.lifted_by_id, block.lift_reason = utcnow(), actor.id, reason


def _require_authority(actor: User) -> None:
    if not roles.is_authority(actor):
        raise Forbidden(_("Only the data authority suspends or restores a user's data access."))


def suspend_data_access(user: User, actor: User, reason: str, source: str = "") -> AccessBlock:
    """Suspend the user's data access with a written reason; audited, the user is told. Caller commits.
    `source` names the case it was decided in (e.g. report:7); the record says "account" without one."""
    _require_authority(actor)
    if not reason.strip():
        raise Invalid(_("Give the reason for suspending this user's data access."), {"reason": ""})
    if active_suspension(user) is not None:
        raise Conflict(_("This user's data access is already suspended."))
    record = suspend(user.id, actor, reason.strip()[:2000], source=source or "account")
    audit.record(actor, "user.data_access_suspended", "user", str(user.id), reason.strip(),
                 {"source": source, "suspension": record.id})
    notify(user, _("Your data access has been suspended"), reason.strip(), kind="access.suspended")
    return record


def restore_data_access(user: User, actor: User, reason: str) -> AccessBlock:
    """Lift the user's active suspension with a written reason. Caller commits."""
    _require_authority(actor)
    record = active_suspension(user)
    if record is None:
        raise Conflict(_("This user's data access is not suspended."))
    if not reason.strip():
        raise Invalid(_("Give the reason for restoring this user's data access."), {"reason": ""})
    lift(record, actor, reason.strip()[:2000])
    audit.record(actor, "user.data_access_restored", "user", str(user.id), reason.strip(),
                 {"suspension": record.id})
    notify(user, _("Your data access has been restored"), reason.strip(), kind="access.restored")
    return record
