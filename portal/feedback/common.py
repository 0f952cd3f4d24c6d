"""What complaints, corrections and reports share: who sees a case, who is told, one decision at a time."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import Role, User
from ..extensions import db

MAX_TEXT = 5000  # the longest description, answer or reason


def case_relations(actor: Any, *, agency_id: int | None, owner_id: int | None) -> set[str]:
    """The actor's relations to a case (accounts/roles.py): the filer, staff of the agency concerned, the authority."""
    return roles.relations(actor, agency_id=agency_id, owner_id=owner_id)


def may_see(actor: Any, *, agency_id: int | None, owner_id: int | None) -> bool:
    """The filer sees their own case; staff the cases of their agency; the authority, auditors and
    administrators every case."""
    return roles.is_overseer(actor) or bool(case_relations(actor, agency_id=agency_id, owner_id=owner_id))


def visible_to(stmt, agency_column, user: Any):
    """A list of cases narrowed to what `user` sees: their agency's for staff, all for overseers."""
    return stmt if roles.is_overseer(user) else stmt.where(agency_column == (getattr(user, "agency_id", None) or -1))


def works_in_console(user: Any) -> bool:
    """Staff and overseers reach their cases from the console; data users from “My cases”."""
    return roles.role_of(user) in roles.CONSOLE_VIEWERS


def decided_meanwhile(case: Any) -> str:
    """The refusal of the losing side of two decisions at the same time (409)."""
    return _("Someone else decided this case at the same time; reload the page.")


def staff_link(kind: str, case_id: int) -> str:
    """A case's page as a path (notices are also written outside requests, e.g. by a calendar change)."""
    return f"/{kind}/{case_id}"


def agency_staff(agency_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.AGENCY_STAFF, User.agency_id == agency_id, User.active.is_(True))))


def authority_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.AUTHORITY, User.active.is_(True))))
