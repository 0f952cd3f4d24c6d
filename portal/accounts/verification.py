"""A verified identity: an e-mail address confirmed by a signed, expiring link, and an official identifier.

Filing a rights complaint suspends opened data at once (R2024 §28), so it needs an account whose owner
can be reached and identified: a confirmed e-mail address and a 公民身份号码 (persons) or 统一社会信用代码
(organisations) with a valid check digit. The mail this module writes says the same whoever asks.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..inbox import mail
from ..models_base import utcnow
from .identifiers import citizen_id_problem, hash_identifier, mask_citizen_id, valid_uscc
from . import roles
from .models import User, UserKind

SALT = "portal.accounts.confirm-email"
Mail = tuple[str, str, str]  # (to, subject, body)


# ---- confirmation links ---------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def confirmation_token(user: User) -> str:
    """A signed token naming the account and the address it confirms (a changed address voids it)."""
    return _serializer().dumps({"u": user.id, "e": user.email})


def _link(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def confirmation_link(user: User) -> str:
    return _link("accounts.confirm_email", token=confirmation_token(user))


def confirmation_mail(user: User) -> Mail:
    hours = current_app.config["EMAIL_CONFIRM_HOURS"]
    site = current_app.config["SITE_NAME"]
    return (user.email, _("Confirm your e-mail address for %(site)s", site=site),
            _("Hello %(name)s,\n\nto confirm that this address belongs to your account, open this link within "
              "%(hours)d hours:\n\n%(link)s\n\nIf you did not register, ignore this message.",
              name=user.name, hours=hours, link=confirmation_link(user)))


def confirm_email(token: str) -> User:
    """Confirm the address a link was mailed to; Invalid when the link is forged, expired or outdated."""
    max_age = int(timedelta(hours=current_app.config["EMAIL_CONFIRM_HOURS"]).total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid(_("This confirmation link has expired. Log in and ask for a new one on your account page."))
    except BadSignature:
        raise Invalid(_("This confirmation link is not valid."))
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        raise Invalid(_("This confirmation link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(user, "user.confirm_email", "user", str(user.id))
        db.session.commit()
    return user


def send_confirmation(user: User) -> None:
    """Mail a new confirmation link to an unconfirmed account (Conflict when it is already confirmed)."""
    if user.email_confirmed_at is not None:
        raise Conflict(_("Your e-mail address is already confirmed."))
    mail.send([confirmation_mail(user)])


def confirm_by_administrator(email: str, actor: object = "cli") -> User:
    """Mark an address confirmed without the link (an administrator has checked it another way)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise Invalid(_("No account has this e-mail address."), {"email": email})
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(actor, "user.confirm_email", "user", str(user.id), details={"by": "administrator"})
        db.session.commit()
    return user


# ---- the identity a complaint needs ---------------------------------------------------------
def identity_problem(user: User) -> str | None:
    """Why this account may not file a rights complaint yet, for the user; None when its identity is verified."""
    if not roles.is_data_user(user) or user.kind not in set(UserKind):
        return _("Rights complaints are filed from a data user's account (a person or an organisation).")
    if user.email_confirmed_at is None:
        return _("Confirm your e-mail address first: follow the link we sent you, or ask for a new one on your "
                 "account page.")
    if user.kind == UserKind.PERSON and not user.citizen_id_hash:
        return _("Add your citizen ID number on your account page first.")
    if user.kind != UserKind.PERSON and not valid_uscc(user.uscc):
        return _("Your account needs a valid unified social credit code; contact the data authority.")
    return None


# ---- adding a citizen ID number to an account registered without one ---------------------------
def identity_taken_mails(owner: User, attempted_email: str, what: str) -> list[Mail]:
    """Mail to the owner of an identifier someone else tried to use, and to the address that tried."""
    site = current_app.config["SITE_NAME"]
    return [
        (owner.email, _("Someone tried to use your %(what)s on %(site)s", what=what, site=site),
         _("Hello %(name)s,\n\nsomeone tried to register another account with the %(what)s of your account. "
           "No account was created and nothing in yours changed. If this was not you, tell the data authority.",
           name=owner.name, what=what)),
        (attempted_email, _("No account was created on %(site)s", site=site),
         _("The identity number you gave already belongs to an account, so no account was created. If you have an "
           "account, log in at %(link)s. If you believe someone else uses your identity, tell the data authority.",
           link=_link("accounts.login"))),
    ]


def add_citizen_id(user: User, citizen_id: str) -> None:
    """Give a person's account registered without one its citizen ID number (checked, stored masked and hashed)."""
    if user.kind != UserKind.PERSON or user.citizen_id_hash:
        raise Conflict(_("This account already has its identity number."))
    if problem := citizen_id_problem(citizen_id):
        raise Invalid(problem, {"citizen_id": problem})
    digest = hash_identifier(citizen_id, current_app.config["IDENTIFIER_KEY"])
    owner = db.session.scalar(select(User).where(User.citizen_id_hash == digest))
    if owner is not None:
        audit.record(user, "user.identity_taken", "user", str(owner.id), details={"by": user.id})
        db.session.commit()
        mail.send(identity_taken_mails(owner, user.email, _("citizen ID number"))[:1])
        message = _("This number cannot be added to your account. If it is yours, tell the data authority.")
        raise Invalid(message, {"citizen_id": message})
    user.citizen_id_hash, user.citizen_id_masked = digest, mask_citizen_id(citizen_id)
    audit.record(user, "user.add_identity", "user", str(user.id), details={"kind": user.kind})
    db.session.commit()
