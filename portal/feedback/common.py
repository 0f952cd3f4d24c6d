"""What complaints, corrections and reports share: who may see and act, deadlines, one decision at a time."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts.models import Role, User
from ..extensions import db
from ..models_base import utcnow
from ..concurrency import one_decision as one_decision_with

OVERSEERS = (Role.AUTHORITY, Role.AUDITOR, Role.ADMIN)  # see every case
MAX_TEXT = 5000


def due_in(setting: str, start: datetime | None = None) -> date:
    """The due date, counted in working days from start (now) by the named setting."""
    return workdays.add_workdays(start or utcnow(), current_app.config[setting])


def staff_link(kind: str, case_id: int) -> str:
    """A case's page as a path (notices are also written outside requests, e.g. by a calendar change)."""
    return f"/{kind}/{case_id}"


def is_staff_of(user: User, agency_id: int | None) -> bool:
    return user.role == Role.AGENCY_STAFF and agency_id is not None and user.agency_id == agency_id


def agency_staff(agency_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.AGENCY_STAFF, User.agency_id == agency_id, User.active.is_(True))))


def authority_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.AUTHORITY, User.active.is_(True))))


one_decision = one_decision_with(lambda: _("Someone else decided this case at the same time; reload the page."))
