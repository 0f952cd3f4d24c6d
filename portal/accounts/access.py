"""Suspending a user's access to data (R2024 §50): one record per suspension, lifted with a reason.

A suspension closes the access a grant gives: `data_access_suspended(user)` is asked wherever a grant of
conditionally open data is used (opening.require_grant, usable_grant), on every channel. Unconditionally
open data stays open to the suspended user as to everyone: it needs no permission that could be closed
(and is served to the same person logged out). `suspend_data_access` / `restore_data_access` are called
from a report of illegal use, or from any other workflow that must cut a user off.
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
from .models import DataAccessSuspension, User


def active_suspension(user: Any) -> DataAccessSuspension | None:
    user_id = getattr(user, "id", user)
    if user_id is None:
        return None
    return db.session.scalar(select(DataAccessSuspension).where(
        DataAccessSuspension.user_id == user_id, DataAccessSuspension.lifted_at.is_(None))
        .order_by(DataAccessSuspension.id.desc()).limit(1))


def data_access_suspended(user: Any) -> bool:
    """True when this user (a User, a user id, or None/anonymous) may not use grants of conditional data now."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return active_suspension(user) is not None


def _require_authority(actor: User) -> None:
    if not roles.is_authority(actor):
        raise Forbidden(_("Only the data authority suspends or restores a user's data access."))


def suspend_data_access(user: User, actor: User, reason: str, source: str = "") -> DataAccessSuspension:
    """Suspend the user's data access with a written reason; audited, the user is told. Caller commits."""
    _require_authority(actor)
    if not reason.strip():
        raise Invalid(_("Give the reason for suspending this user's data access."), {"reason": ""})
    if active_suspension(user) is not None:
        raise Conflict(_("This user's data access is already suspended."))
    record = DataAccessSuspension(user_id=user.id, reason=reason.strip()[:2000], source=source[:100],
                                  suspended_by_id=actor.id, suspended_at=utcnow())
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "user.data_access_suspended", "user", str(user.id), reason.strip(),
                 {"source": source, "suspension": record.id})
    notify(user, _("Your data access has been suspended"), reason.strip(), kind="access.suspended")
    return record


def restore_data_access(user: User, actor: User, reason: str) -> DataAccessSuspension:
    """Lift the user's active suspension with a written reason. Caller commits."""
    _require_authority(actor)
    record = active_suspension(user)
    if record is None:
        raise Conflict(_("This user's data access is not suspended."))
    if not reason.strip():
        raise Invalid(_("Give the reason for restoring this user's data access."), {"reason": ""})
    record.lifted_at, record.lifted_by_id, record.lift_reason = utcnow(), actor.id, reason.strip()[:2000]
    audit.record(actor, "user.data_access_restored", "user", str(user.id), reason.strip(),
                 {"suspension": record.id})
    notify(user, _("Your data access has been restored"), reason.strip(), kind="access.restored")
    return record
