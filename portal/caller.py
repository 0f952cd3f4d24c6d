"""Who is calling, as the basement asks it: whether the request carries anything that could sign someone
in, and the signed-in user. Flask-Login decides who that is; accounts installs its loaders (sessions.py,
permissions.py). The page cache and the access log read this without importing any domain."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user


def may_be_signed_in() -> bool:
    """Whether this request carries anything that could sign someone in: a session cookie, a remember-me
    cookie or an API token. Without any, the visitor is anonymous, known without asking Flask-Login (which
    would hash the client's address and agent for session protection and try the token loader)."""
    cookies = request.cookies
    return (current_app.config["SESSION_COOKIE_NAME"] in cookies
            or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
            or bool(request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")))


def signed_in_user():
    """The signed-in user of this request, or None (anonymous, or outside a request)."""
    if not has_request_context() or not may_be_signed_in() or not current_user.is_authenticated:
        return None
    return current_user._get_current_object()
