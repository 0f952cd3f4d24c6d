"""Who may see and act on which application: applicants their own, staff their agency's, the authority all."""
from __future__ import annotations

from typing import Any

from ..accounts.models import Role

AUTHORITY_ROLES = (Role.AUTHORITY, Role.ADMIN)
CONSOLE_VIEWERS = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.ADMIN, Role.AUDITOR)


def _role(actor: Any) -> str | None:
    return getattr(actor, "role", None)


def is_staff_of(actor: Any, agency_id: int | None) -> bool:
    return _role(actor) == Role.AGENCY_STAFF and agency_id is not None and getattr(actor, "agency_id", None) == agency_id


def can_view(actor: Any, app: Any) -> bool:
    """The applicant, the answering agency's staff, the authority and auditors (R2024 §29)."""
    return (getattr(actor, "id", None) == app.applicant_id or is_staff_of(actor, app.agency_id)
            or _role(actor) in (*AUTHORITY_ROLES, Role.AUDITOR))


def can_decide(actor: Any, app: Any) -> bool:
    """Only the providing agency answers an application (R2024 §28)."""
    return is_staff_of(actor, app.agency_id)


def can_manage_access(actor: Any, agency_id: int | None) -> bool:
    """The agency (for its own data) or the authority may suspend or revoke access (R2024 §50)."""
    return _role(actor) in AUTHORITY_ROLES or is_staff_of(actor, agency_id)
