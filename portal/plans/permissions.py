"""Who may see and change which open plan: each agency its own, the authority the regional one."""
from __future__ import annotations

from typing import Any

from ..accounts import roles


def relations(plan: Any, actor: Any) -> set[str]:
    """The actor's relation to a plan (the `actors` column of plans.services.PLAN): the agency's staff own
    their agency's plan, the authority (and the administrator acting as it) the regional plan."""
    if plan.agency_id is None:
        return {roles.AUTHORITY_ACTOR} if roles.is_authority(actor) else set()
    return {roles.AGENCY} if roles.is_staff_of(actor, plan.agency_id) else set()


def own_agency(actor: Any) -> Any:
    """The agency whose plan the actor writes: agency staff their agency's, anyone else the regional plan (None)."""
    return actor.agency if roles.is_agency_staff(actor) else None


def can_create(actor: Any) -> bool:
    """Agency staff (bound to an agency) write their agency's plan; the authority the regional plan."""
    return roles.is_authority(actor) or (roles.is_agency_staff(actor) and getattr(actor, "agency_id", None) is not None)


def can_edit(actor: Any, plan: Any) -> bool:
    """Only the plan's owner changes it: its agency's staff, or the authority for the regional plan."""
    return bool(relations(plan, actor))


def sees_every_plan(actor: Any) -> bool:
    """The authority and auditors (R2024 §29) see every plan in the console."""
    return roles.is_overseer(actor)


def can_view(actor: Any, plan: Any) -> bool:
    """Owners see their plan in the console; the authority and auditors see every plan."""
    return can_edit(actor, plan) or sees_every_plan(actor)
