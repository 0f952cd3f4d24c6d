"""Who may see and change which open plan: each agency its own, the authority the regional one."""
from __future__ import annotations

from typing import Any

from ..accounts.models import Role

# The administrator acts as the authority here, as in the catalog review.
AUTHORITY_ROLES = (Role.AUTHORITY, Role.ADMIN)
CONSOLE_EDITORS = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.ADMIN)
CONSOLE_VIEWERS = (*CONSOLE_EDITORS, Role.AUDITOR)


def can_create(actor: Any) -> bool:
    """Agency staff (bound to an agency) write their agency's plan; the authority the regional plan."""
    role = getattr(actor, "role", None)
    return role in AUTHORITY_ROLES or (role == Role.AGENCY_STAFF and getattr(actor, "agency_id", None) is not None)


def can_edit(actor: Any, plan: Any) -> bool:
    """Only the plan's owner changes it: its agency's staff, or the authority for the regional plan."""
    role = getattr(actor, "role", None)
    if plan.agency_id is None:
        return role in AUTHORITY_ROLES
    return role == Role.AGENCY_STAFF and getattr(actor, "agency_id", None) == plan.agency_id


def can_view(actor: Any, plan: Any) -> bool:
    """Owners see their plan in the console; the authority and auditors (R2024 §29) see every plan."""
    return can_edit(actor, plan) or getattr(actor, "role", None) in (*AUTHORITY_ROLES, Role.AUDITOR)
