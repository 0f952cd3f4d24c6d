"""Login sessions that can be ended, and the device cookie that lets a known browser past a lock-out.

A session cookie (and a remember-me cookie) holds `"<user id>:<session version>"` (User.get_session_token,
Flask-Login's id_attribute), not the bare user id. Raising the user's session version (end_sessions:
on logging out, changing the password, deactivation) makes every cookie issued before it name a version
that no longer exists, so a copy taken earlier opens nothing afterwards. The cookie is signed with
PORTAL_SECRET_KEY; the version is not a secret, the key is.
"""
from __future__ import annotations

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update

from ..extensions import db
from .lockout import address_key
from .models import User

DEVICE_COOKIE = "portal_device"
DEVICE_DAYS = 365


def user_of_session(token: str) -> User | None:
    """The active user whose current session version `token` ("<user id>:<session version>") names."""
    user_id, sep, version = str(token).partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit():
        return None  # a bare id: a forged cookie, or one from before session versions (log in again)
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of the user issued so far (the caller commits)."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1))


# ---- device cookie: "this browser has logged in as this address before" -------------------------
def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="portal.known-device")


def known_device(request: Request, email: str | None) -> bool:
    """Whether this browser carries a device cookie from an earlier successful login with this address."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or not email:
        return False
    try:
        return _devices().loads(raw, max_age=DEVICE_DAYS * 86400) == address_key(email)
    except BadSignature:
        return False


def remember_device(response: Response, email: str) -> Response:
    """After a successful login: mark this browser as one where the address logs in (sent to /login only)."""
    response.set_cookie(DEVICE_COOKIE, _devices().dumps(address_key(email)), max_age=DEVICE_DAYS * 86400,
                        path="/login", httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
