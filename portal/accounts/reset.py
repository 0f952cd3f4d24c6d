"""Resetting a forgotten password by e-mail: a signed, single-use link that expires.

The link names the account, the time it was made and a fingerprint of the password hash it replaces: setting
a password (by this link or otherwise) changes the hash, so a link works once; it works for
PASSWORD_RESET_MINUTES after it was made (timed on the portal's clock). Asking answers alike whether the
address has an account or not; only the owner of an account gets mail.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Invalid
from ..extensions import db
from ..inbox import mail
from ..models_base import utcnow
from .models import User
from .sessions import end_sessions

SALT = "portal.accounts.password-reset"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def reset_link(user: User) -> str:
    token = _serializer().dumps({"u": user.id, "p": _fingerprint(user), "t": utcnow().isoformat(timespec="seconds")})
    return current_app.config["BASE_URL"].rstrip("/") + url_for("personal.reset_password", token=token)


def request_reset(email: str) -> None:
    """Mail a reset link to the account with this address, if there is an active one; nothing otherwise."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active or user.deleted_at is not None:
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    site = current_app.config["SITE_NAME"]
    body = _("Hello %(name)s,\n\nsomeone, perhaps you, asked to reset the password of your account on %(site)s. "
             "To choose a new password, open this link within %(minutes)d minutes; it works once:\n\n%(link)s\n\n"
             "If you did not ask for this, ignore this message: your password stays as it is.",
             name=user.name, site=site, minutes=minutes, link=reset_link(user))
    audit.record("password-reset", "user.password_reset_request", "user", str(user.id))
    db.session.commit()
    mail.send([(user.email, _("Reset your password on %(site)s", site=site), body)])


def user_for(token: str) -> User:
    """The account a reset link is for; Invalid when the link is forged, used or expired."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise Invalid(_("This password reset link is not valid."))
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or user.deleted_at is not None or data.get("p") != _fingerprint(user):
        raise Invalid(_("This password reset link has been used or is no longer valid. Ask for a new one."))
    try:
        made = datetime.fromisoformat(str(data.get("t")))
    except ValueError:
        raise Invalid(_("This password reset link is not valid."))
    if utcnow() - made > timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]):
        raise Invalid(_("This password reset link has expired. Ask for a new one."))
    return user


def reset(token: str, password: str) -> User:
    """Set a new password through a reset link: every session of the account ends, the link is used up, and
    the address is confirmed (the link reached it)."""
    from .services import hash_password, password_problem  # services imports this module's neighbours

    user = user_for(token)
    if problem := password_problem(password or "", user.email):
        raise Invalid(_("Please correct the marked fields."), {"password": problem})
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    end_sessions(user)
    audit.record(user, "user.password_reset", "user", str(user.id))
    db.session.commit()
    return user
