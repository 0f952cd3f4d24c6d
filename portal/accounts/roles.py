"""Who counts as what: every group of roles the portal uses, in one place.

A page, an API handler or a service asks for a group by its name here; no other module spells out a
tuple of roles. The workflows (portal/workflow.py) name the *relation* of an actor to a case
("the providing agency", "the authority"); `relations` below says which relations an account has
towards an object that belongs to an agency.
"""
from __future__ import annotations

from typing import Any

from .models import Role

# The data authority (公共数据主管部门); the administrator acts as the authority everywhere.
AUTHORITY = (Role.AUTHORITY, Role.ADMIN)
# Staff accounts: agency staff, the authority and administrators (the consoles' editors).
STAFF = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.ADMIN)
# Read-only oversight of every case and log (R2024 §29): the authority, auditors and administrators.
OVERSEERS = (Role.AUTHORITY, Role.AUDITOR, Role.ADMIN)
# Everyone who may open the consoles: staff, plus auditors who only read.
CONSOLE_VIEWERS = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.AUDITOR, Role.ADMIN)
# Data users (数据利用主体): the accounts of citizens, companies and organisations.
DATA_USERS = (Role.DATA_USER,)

# The relations an actor can have to a case of a workflow (the `actors` column of its table).
OWNER = "owner"          # the person who filed or applied (applicant, complainant, corrector, reporter)
AGENCY = "agency"        # staff of the agency the case belongs to
AUTHORITY_ACTOR = "authority"  # the data authority (and administrators)


def role_of(actor: Any) -> str | None:
    return getattr(actor, "role", None)


def is_authority(actor: Any) -> bool:
    return role_of(actor) in AUTHORITY


def is_overseer(actor: Any) -> bool:
    return role_of(actor) in OVERSEERS


def is_staff_of(actor: Any, agency_id: int | None) -> bool:
    """Agency staff bound to this agency."""
    return (role_of(actor) == Role.AGENCY_STAFF and agency_id is not None
            and getattr(actor, "agency_id", None) == agency_id)


def relations(actor: Any, *, agency_id: int | None = None, owner_id: int | None = None) -> set[str]:
    """The relations `actor` has to an object of `agency_id` filed by `owner_id`."""
    found: set[str] = set()
    if actor is None:
        return found
    if owner_id is not None and getattr(actor, "id", None) == owner_id:
        found.add(OWNER)
    if is_staff_of(actor, agency_id):
        found.add(AGENCY)
    if is_authority(actor):
        found.add(AUTHORITY_ACTOR)
    return found
