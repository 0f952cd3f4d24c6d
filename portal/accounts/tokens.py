"""API tokens: created and revoked by their owner, stored hashed, with an expiry and a scope."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from .models import ApiToken, TokenScope, User

PREFIX = "odp_"
EXPIRY_DAYS = (30, 90, 180, 365)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for the user; returns the row and the token itself, which is never stored or shown again."""
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Give the token a name of at most 100 characters.")
    if scope not in set(TokenScope):
        errors["scope"] = _("Choose read or read-write.")
    if days not in EXPIRY_DAYS:
        errors["days"] = _("Choose one of the offered validity periods.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    raw = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(raw), prefix=raw[:10], scope=scope,
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(user, "token.create", "api_token", str(token.id), details={"scope": scope, "days": days})
    db.session.commit()
    return token, raw


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token is not found)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No token of yours has this number."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, "token.revoke", "api_token", str(token.id))
        db.session.commit()
    return token


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc())))


def user_of_token(raw: str) -> tuple[ApiToken, User] | None:
    """The usable token `raw` is and its active user, its last use noted (committed); None otherwise."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    now = utcnow()
    if token is None or not token.usable(now) or not token.user.active:
        return None
    token.last_used_at = now
    db.session.commit()
    return token, token.user
