"""Demo accounts, one or more per role, all with the password DEMO_PASSWORD (named in README).

Every demo account has a confirmed e-mail address and dates from a month before loading, so the demo data
users are established, verified complainants (docs/security.md).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..accounts.identifiers import hash_identifier, mask_citizen_id
from ..accounts.models import Role, User, UserKind
from ..accounts.services import hash_password
from ..agencies.models import Agency
from ..extensions import db
from ..models_base import utcnow

DEMO_PASSWORD = "Demo-Passw0rd!"
DEMO_ACCOUNT_AGE = timedelta(days=30)
# (e-mail, name, role, agency slug, kind, identifier). The citizen ID is the standard's own example
# (GB 11643), the credit code a fictional one with a valid check digit: no real person or company.
DEMO_USERS = (
    ("admin@demo.nmg.example", "平台管理员", Role.ADMIN, None, None, None),
    ("authority@demo.nmg.example", "数据局审核员", Role.AUTHORITY, None, None, None),
    ("auditor@demo.nmg.example", "审计厅审计员", Role.AUDITOR, None, None, None),
    ("hhht-env@demo.nmg.example", "呼和浩特市生态环境局经办人", Role.AGENCY_STAFF, "hhht-sthjj", None, None),
    ("hhht-transport@demo.nmg.example", "呼和浩特市交通运输局经办人", Role.AGENCY_STAFF, "hhht-jtysj", None, None),
    ("nmg-env@demo.nmg.example", "自治区生态环境厅经办人", Role.AGENCY_STAFF, "nmg-sthjt", None, None),
    ("citizen@demo.nmg.example", "演示用户（自然人）", Role.DATA_USER, None, UserKind.PERSON, "11010519491231002X"),
    ("company@demo.nmg.example", "演示科技有限公司", Role.DATA_USER, None, UserKind.LEGAL_PERSON,
     "91350100M000100Y43"),
)


def load_demo_users(identifier_key: str) -> int:
    """Create the demo accounts that do not exist yet; returns how many were created."""
    hashed = hash_password(DEMO_PASSWORD)  # one KDF run for all of them
    since = utcnow() - DEMO_ACCOUNT_AGE
    made = 0
    for email, name, role, agency_slug, kind, identifier in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        user = User(email=email, name=name, role=role, kind=kind, password_hash=hashed, created_at=since,
                    email_confirmed_at=since)
        if agency_slug:
            user.agency = db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
        if kind == UserKind.PERSON:
            user.citizen_id_masked = mask_citizen_id(identifier)
            user.citizen_id_hash = hash_identifier(identifier, identifier_key)
        elif identifier:
            user.uscc = identifier
        db.session.add(user)
        made += 1
    return made
