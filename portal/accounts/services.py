"""Account rules: registration with checked identifiers that tells no one who is registered, password strength,
login, sessions, staff accounts."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..agencies.models import Agency
from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox import mail
from ..models_base import utcnow
from . import consent, roles, verification
from .identifiers import citizen_id_problem, hash_identifier, mask_citizen_id, normalise_identifier, uscc_problem
from . import lockout
from .models import Role, User, UserKind
from .sessions import end_sessions

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = {"password", "password123", "1234567890", "qwertyuiop", "12345678910", "a123456789",
                    "woaini1314", "qwerty123456", "admin12345", "abc1234567", "1qaz2wsx3edc", "iloveyou123"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A hash of a random password for each method, checked when the e-mail is unknown so both cases take equal time.
_DUMMY_HASHES: dict[str, str] = {}


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is too weak, or None: at least 10 characters from 3 of 4 kinds, not a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    kinds = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"))
    if kinds < 3:
        return _("The password must mix at least three of: lower-case letters, upper-case letters, digits, "
                 "symbols.")
    local = email.split("@")[0].lower()
    if password.lower() in COMMON_PASSWORDS or (len(local) >= 3 and local in password.lower()):
        return _("This password is too easy to guess.")
    return None


def hash_password(password: str) -> str:
    """scrypt, werkzeug's default modern KDF (PASSWORD_HASH_METHOD; the tests use a cheap one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


@dataclass
class Registration:
    kind: str
    name: str
    email: str
    password: str
    citizen_id: str = ""
    uscc: str = ""
    consent: bool = False  # agreed to the privacy policy's current version (accounts.consent)


def register(data: Registration) -> User | None:
    """Register a data user and mail a confirmation link; Invalid with field messages, nothing stored.

    The field messages depend only on what was entered. When the e-mail address, citizen ID number or
    credit code already has an account, nothing is created and that account's owner is told by e-mail
    instead (None is returned); the page answers the same either way, so registration never tells anyone
    who has an account."""
    errors: dict[str, str] = {}
    email = data.email.strip().lower()
    name = data.name.strip()
    if data.kind not in set(UserKind):
        errors["kind"] = _("Choose whether you register as a person or an organisation.")
    if not name or len(name) > 200:
        errors["name"] = _("Enter a name of at most 200 characters.")
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = _("Enter a valid e-mail address.")
    if problem := password_problem(data.password, email):
        errors["password"] = problem
    if not data.consent:
        errors["consent"] = consent.missing_message()
    user = User(email=email, name=name, role=Role.DATA_USER, kind=data.kind)
    if data.kind == UserKind.PERSON:
        if not data.citizen_id.strip():
            errors["citizen_id"] = _("Enter your citizen ID number.")
        elif problem := citizen_id_problem(data.citizen_id):
            errors["citizen_id"] = problem
        else:
            user.citizen_id_hash = hash_identifier(data.citizen_id, current_app.config["IDENTIFIER_KEY"])
            user.citizen_id_masked = mask_citizen_id(data.citizen_id)
    elif data.kind in (UserKind.LEGAL_PERSON, UserKind.UNINCORPORATED):
        if problem := uscc_problem(data.uscc):
            errors["uscc"] = problem
        else:
            user.uscc = normalise_identifier(data.uscc)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    user.password_hash = hash_password(data.password)  # also for an existing account: both answers take as long
    existing = _existing_account(user)
    if existing is None:
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # registered at this very moment by another request
            db.session.rollback()
            existing = _existing_account(user)
            if existing is None:
                raise
    if existing is not None:
        owner, matched = existing
        audit.record("registration", "user.register_existing", "user", str(owner.id), details={"matched": matched})
        db.session.commit()
        mail.send(_existing_account_mails(owner, matched, email))
        return None
    audit.record(user, "user.register", "user", str(user.id), details={"kind": user.kind})
    consent.record(user, "registration")
    db.session.commit()
    mail.send([verification.confirmation_mail(user)])
    return user


def _existing_account(new: User) -> tuple[User, str] | None:
    """The account that already has the new one's e-mail address, citizen ID number or credit code."""
    for matched, column, value in (("email", User.email, new.email), ("citizen_id", User.citizen_id_hash,
                                   new.citizen_id_hash), ("uscc", User.uscc, new.uscc)):
        if value:
            owner = db.session.scalar(select(User).where(column == value))
            if owner is not None:
                return owner, matched
    return None


def _existing_account_mails(owner: User, matched: str, email: str) -> list[verification.Mail]:
    """What the owner of an existing account (and, for an identifier, the address given) is told."""
    if matched == "citizen_id":
        return verification.identity_taken_mails(owner, email, _("citizen ID number"))
    if matched == "uscc":
        return verification.identity_taken_mails(owner, email, _("unified social credit code"))
    site = current_app.config["SITE_NAME"]
    body = _("Hello %(name)s,\n\nsomeone, perhaps you, tried to register a new account on %(site)s with this "
             "e-mail address. It already has an account, so no new one was created and nothing changed. You can "
             "log in at %(link)s. If this was not you, ignore this message.",
             name=owner.name, site=site, link=current_app.config["BASE_URL"].rstrip("/") + url_for("accounts.login"))
    if owner.email_confirmed_at is None:
        body += "\n\n" + _("Your address is not confirmed yet. Only if you registered this account yourself, "
                            "confirm it with this link: %(link)s",
                            link=verification.confirmation_link(owner))
    return [(owner.email, _("Someone tried to register with your e-mail address on %(site)s", site=site), body)]


def authenticate(email: str, password: str, *, known_device: bool = False) -> User:
    """The active user with these credentials; one vague Invalid for every failure, Locked (429) while the
    address is locked out after failed logins (unless this browser logged in with it before)."""
    lockout.begin_attempt(email, trusted=known_device)  # counted before the password is checked
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if not user or not ok or not user.active:
        raise Invalid(_("The e-mail address or password is wrong."), {"password": ""})
    lockout.succeeded(email)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def log_out(user: User) -> None:
    """Logging out ends every session of the account, here and in any other browser (docs/security.md)."""
    end_sessions(user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the account ends (the
    caller logs the current one in again)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid(_("Please correct the marked fields."),
                      {"current_password": _("The current password is wrong.")})
    if problem := password_problem(new or "", user.email):
        raise Invalid(_("Please correct the marked fields."), {"password": problem})
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record(user, "user.password_change", "user", str(user.id))
    db.session.commit()


def list_users(query: str = "", limit: int = 100) -> list[User]:
    """Accounts whose e-mail address or name contains `query`, oldest first (administrators' list)."""
    stmt = select(User).order_by(User.id).limit(limit)
    if query := query.strip():
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(func.lower(User.email).like(pattern) | func.lower(User.name).like(pattern))
    return list(db.session.scalars(stmt))


def account_action(user: User, actor: User) -> str | None:
    """What the accounts page offers an administrator on an account: deactivate or reactivate it (never
    their own: see set_active)."""
    if not roles.is_admin(actor) or user.id == actor.id:
        return None
    return "deactivate" if user.active else "reactivate"


def set_active(user_id: int, active: bool, actor: User) -> User:
    """An administrator deactivates an account, which ends all its sessions (and its API tokens stop
    working), or reactivates it."""
    if not roles.is_admin(actor):
        raise Forbidden(_("Only administrators may deactivate or reactivate accounts."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no account with this number."))
    if user.id == actor.id and not active:
        raise Conflict(_("You cannot deactivate your own account."))
    if user.active != active:
        user.active = active
        if not active:
            end_sessions(user)
        audit.record(actor, "user.reactivate" if active else "user.deactivate", "user", str(user.id))
        db.session.commit()
    return user


def create_staff_user(email: str, name: str, password: str, role: str, agency_slug: str | None = None,
                      actor: object = "cli") -> User:
    """Create a staff account (agency staff bound to one agency, authority, auditor, administrator)."""
    if role not in set(Role):
        raise Invalid(_("Unknown role %(role)s.", role=role), {"role": role})
    agency = None
    if role in roles.AGENCY_STAFF:
        agency = db.session.scalar(select(Agency).where(Agency.slug == (agency_slug or "")))
        if agency is None:
            raise Invalid(_("Agency staff need an existing agency."), {"agency": agency_slug or ""})
    if problem := password_problem(password, email):
        raise Invalid(problem, {"password": problem})
    email = email.strip().lower()
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise Invalid(_("An account with this e-mail address already exists."), {"email": email})
    user = User(email=email, name=name, role=role, agency=agency, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", str(user.id), details={"role": role, "agency": agency_slug})
    db.session.commit()
    return user


# ---- share officers (共享专员, R2018 §27) --------------------------------------------------------
def agency_staff_accounts() -> list[User]:
    """Every active agency staff account, by agency then name: the authority names the share officers here."""
    return list(db.session.scalars(select(User).join(Agency, User.agency_id == Agency.id).where(
        User.role == Role.AGENCY_STAFF, User.active.is_(True)).order_by(Agency.name, User.name, User.id)))


def set_share_officer(user_id: int, officer: bool, actor: User, note: str = "") -> User:
    """The authority names (or unnames) an agency's share officer, on the agency's report (R2018
    §27「指定专人负责信息资源共享工作」); `note` says which report. One audit event per change."""
    if not roles.is_authority(actor):
        raise Forbidden(_("Only the data authority names share officers."))
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.AGENCY_STAFF:
        raise NotFound(_("No agency staff account has this number."))
    note = (note or "").strip()
    if len(note) > 500:
        message = _("At most %(n)d characters.", n=500)
        raise Invalid(message, {"note": message})
    if user.share_officer != officer:
        user.share_officer = officer
        audit.record(actor, "user.share_officer" if officer else "user.share_officer_end", "user", str(user.id),
                     note, {"agency": user.agency.slug if user.agency else None})
        db.session.commit()
    return user
