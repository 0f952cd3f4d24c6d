"""Login sessions that can be ended.

A session cookie (and a remember-me cookie) holds `"<user id>:<session version>"` (User.get_session_token,
Flask-Login's id_attribute), not the bare user id. Raising the user's session version (end_sessions:
on logging out, changing the password, deactivation) makes every cookie issued before it name a version
that no longer exists, so a copy taken earlier opens nothing afterwards. The cookie is signed with
PORTAL_SECRET_KEY; the version is not a secret, the key is.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from ..extensions import db, login_manager
from .models import User
from .tokens import api_request_with_token


def init_app(app: Flask) -> None:
    """Sessions name the user and the session version; the loader checks both."""
    login_manager.id_attribute = "get_session_token"
    login_manager.user_loader(load_user)


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user whose current session version the cookie names."""
    if api_request_with_token():
        return None  # on the API a token, when sent, decides who calls (the request loader)
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
