"""Who may see which applications and grants, and who manages a user's access: the applicant their own,
staff their agency's, the authority, auditors and administrators every one (R2024 §29). Who may take each
step of an application or a grant is the `actors` column of its table (workflow.py)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..accounts import roles
from ..accounts.models import Role
from ..errors import Forbidden
from .workflow import ACCESS_MANAGERS


def can_view(actor: Any, app: Any) -> bool:
    """The applicant, the answering agency's staff, the authority and auditors (R2024 §29)."""
    return (getattr(actor, "id", None) == app.applicant_id or roles.is_staff_of(actor, app.agency_id)
            or roles.is_overseer(actor))


def can_manage_access(actor: Any, agency_id: int | None) -> bool:
    """The agency (for its own data) or the authority suspends a user's access or lifts it (R2024 §50),
    as they suspend, resume or revoke a grant (the GRANT table's actors)."""
    return bool(roles.relations(actor, agency_id=agency_id) & set(ACCESS_MANAGERS))


def scoped(stmt, actor: Any, column):
    """Agency staff list their agency's cases; the authority, auditors and administrators every case."""
    if roles.role_of(actor) == Role.AGENCY_STAFF:
        return stmt.where(column == actor.agency_id)
    if roles.is_overseer(actor):
        return stmt
    raise Forbidden(_("Your account's role may not use this page."))
