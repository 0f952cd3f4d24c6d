"""Consent to the privacy policy: recorded with the policy's version and time, asked again after a change.

The version is the setting PRIVACY_POLICY_VERSION (the privacy page shows it). A data user gives consent when
registering (accounts.services.register) and, when the policy has a new version, at the next login (the
login page sends them to the consent page, which the other pages wait for). Accounts registered before consent
was recorded got a row of context "legacy" with no version (migration 0038), so they are asked at their next
login too. Staff accounts are bound by their employer's rules and are not asked.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Invalid
from ..extensions import db
from . import roles
from .models import Consent, User

SESSION_KEY = "consent_due"  # set in the session at a login that must agree first (the pages wait for it)


def current_version() -> str:
    return current_app.config["PRIVACY_POLICY_VERSION"]


def latest(user: User) -> Consent | None:
    return db.session.scalar(select(Consent).where(Consent.user_id == user.id).order_by(Consent.id.desc()).limit(1))


def due(user: User) -> bool:
    """Whether this data user last agreed to (or, registered before consent was recorded, never saw) another
    version than the current one. An account with no row at all was made by an administrator, who records the
    person's consent where the account was asked for (docs/decisions.md)."""
    if not roles.is_data_user(user):
        return False
    last = latest(user)
    return last is not None and last.policy_version != current_version()


def missing_message() -> str:
    return _("Agree to the privacy policy to continue.")


def record(user: User, context: str) -> Consent:
    """Record consent to the current version in the caller's transaction (the caller commits)."""
    consent = Consent(user_id=user.id, policy_version=current_version(), context=context)
    db.session.add(consent)
    audit.record(user, "user.consent", "user", str(user.id), details={"version": consent.policy_version,
                                                                      "context": context})
    return consent


def agree(user: User, agreed: bool) -> Consent:
    """The consent page: Invalid (naming the field) unless the box was ticked."""
    if not agreed:
        raise Invalid(missing_message(), {"consent": missing_message()})
    consent = record(user, "login")
    db.session.commit()
    return consent
