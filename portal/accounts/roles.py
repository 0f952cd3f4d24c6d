"""Who counts as what: every group of roles the portal uses, in one place.

A page, an API handler or a service asks for a group by its name here; no other module spells out a
tuple of roles. The workflows (portal/workflow.py) name the *relation* of an actor to a case
("the providing agency", "the authority"); `relations` below says which relations an account has
towards an object that belongs to an agency.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import Role, User

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
# Agency staff alone: they write their own agency's catalog entries, files and open plan.
AGENCY_STAFF = (Role.AGENCY_STAFF,)
# Auditors alone: the only ones who retrieve bytes quarantined after a rights complaint.
AUDITORS = (Role.AUDITOR,)
# Administrators alone: they manage accounts.
ADMINS = (Role.ADMIN,)
# The public-data expert committee (R2024 §47): each expert reads the disputes referred to them by name
# (disputes/referral.py), nothing else.
EXPERTS = (Role.EXPERT,)
# Authorised operators (授权运营, R2024 §31): they fetch their agreements' data by API token only, never on the site.
OPERATORS = (Role.OPERATOR,)
# Who reads operation agreements: the authority, auditors, administrators, and each operator its own.
OPERATION_VIEWERS = (Role.AUTHORITY, Role.AUDITOR, Role.ADMIN, Role.OPERATOR)
# Who may open the sharing pages: agency staff (their agency's cases), the authority, auditors, administrators.
SHARING_VIEWERS = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.AUDITOR, Role.ADMIN)
# Third-party evaluators (SZ §32「委托第三方专业机构」): read evaluation rounds and snapshots, change nothing.
EVALUATORS = (Role.EVALUATOR,)
# Who reads every evaluation round and every agency's snapshot (OVERSIGHT §8(b)): the authority, auditors,
# administrators and third-party evaluators; agency staff read their own agency's snapshot only.
EVALUATION_READERS = (Role.AUTHORITY, Role.AUDITOR, Role.ADMIN, Role.EVALUATOR)
# Who may open the evaluation pages: the readers above and agency staff.
EVALUATION_VIEWERS = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.AUDITOR, Role.ADMIN, Role.EVALUATOR)

# Who sees the backup status page (R2024 §35, §37): the authority, auditors and administrators.
BACKUP_VIEWERS = (Role.AUTHORITY, Role.AUDITOR, Role.ADMIN)
# Who is alarmed when no verified off-site backup is recent enough: the authority and the administrators.
BACKUP_ALARMED = (Role.AUTHORITY, Role.ADMIN)

# The relations an actor can have to a case of a workflow (the `actors` column of its table).
OWNER = "owner"          # the person who filed or applied (applicant, complainant, corrector, reporter)
AGENCY = "agency"        # staff of the agency the case belongs to
AUTHORITY_ACTOR = "authority"  # the data authority (and administrators)
# Sharing between agencies (portal/sharing): the share officer (共享专员, R2018 §27) of each party.
REQUESTER = "requester"  # the share officer of the requesting agency (使用方)
PROVIDER = "provider"    # the share officer of the providing agency (提供方/数源部门)
SYSTEM = "system"        # the portal itself: an end date passed, a stop notice took effect
ACCOUNT = "account"      # any signed-in account (reports an abusive comment on an entry, portal/reuses)
# Who rates an entry and submits a reuse (利用成果): data users (staff speak for the portal, not about it).
RATERS = (Role.DATA_USER,)


def role_of(actor: Any) -> str | None:
    return getattr(actor, "role", None)


def in_group(actor: Any, group: tuple[str, ...]) -> bool:
    """Whether the actor's role is one of the group's (False for a visitor)."""
    return role_of(actor) in group


def is_authority(actor: Any) -> bool:
    return role_of(actor) in AUTHORITY


def is_overseer(actor: Any) -> bool:
    return role_of(actor) in OVERSEERS


def is_agency_staff(actor: Any) -> bool:
    return role_of(actor) in AGENCY_STAFF


def is_auditor(actor: Any) -> bool:
    return role_of(actor) in AUDITORS


def is_admin(actor: Any) -> bool:
    return role_of(actor) in ADMINS


def is_data_user(actor: Any) -> bool:
    return role_of(actor) in DATA_USERS


def uses_console(actor: Any) -> bool:
    """Whether the actor works in the consoles (everyone but data users and visitors)."""
    return role_of(actor) in CONSOLE_VIEWERS


def is_staff_of(actor: Any, agency_id: int | None) -> bool:
    """Agency staff bound to this agency."""
    return (role_of(actor) == Role.AGENCY_STAFF and agency_id is not None
            and getattr(actor, "agency_id", None) == agency_id)


def is_operator(actor: Any) -> bool:
    return role_of(actor) in OPERATORS


def is_expert(actor: Any) -> bool:
    return role_of(actor) in EXPERTS


def reads_evaluations(actor: Any) -> bool:
    """Whether the actor reads every evaluation round and snapshot (not only its own agency's)."""
    return role_of(actor) in EVALUATION_READERS


def is_share_officer_of(actor: Any, agency_id: int | None) -> bool:
    """The share officer (共享专员) of this agency: its staff account the authority named."""
    return is_staff_of(actor, agency_id) and bool(getattr(actor, "share_officer", False))


def share_relations(actor: Any, *, requester_agency_id: int | None, provider_agency_id: int | None) -> set[str]:
    """The relations `actor` has to a sharing case between two agencies (the tables' `actors` column):
    each party's share officer, the authority; the portal itself as "system"."""
    if actor == SYSTEM:
        return {SYSTEM}
    found: set[str] = set()
    if actor is None or isinstance(actor, str):
        return found
    if is_share_officer_of(actor, requester_agency_id):
        found.add(REQUESTER)
    if is_share_officer_of(actor, provider_agency_id):
        found.add(PROVIDER)
    if is_authority(actor):
        found.add(AUTHORITY_ACTOR)
    return found


def reads_share_case(actor: Any, *, requester_agency_id: int | None, provider_agency_id: int | None) -> bool:
    """Who reads a sharing case (SHARING.md §6): staff of either party (officers decide, the others read),
    the authority, auditors (R2024 §29) and administrators; nobody else learns it exists."""
    return (is_staff_of(actor, requester_agency_id) or is_staff_of(actor, provider_agency_id)
            or is_overseer(actor))


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


def authority_account_ids() -> list[int]:
    """The active accounts that receive what is addressed to the authority: its own accounts, or the
    administrators' while it has none."""
    for group in ((Role.AUTHORITY,), ADMINS):
        ids = list(db.session.scalars(select(User.id).where(User.role.in_(group), User.active.is_(True))))
        if ids:
            return ids
    return []
