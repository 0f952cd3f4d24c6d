"""Who may call a route: anonymous users are sent to log in (pages) or get 401 (API); wrong roles get 403.

Who the caller is comes from Flask-Login, whose loaders are installed here (init_app): pages by the session
cookie (sessions.user_of_session), the API by its token (tokens.user_of_token). This is the front doors'
side of accounts: the only module of accounts that reads the request.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable, Iterable

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Forbidden, Unauthorized
from ..extensions import login_manager
from .models import Role, TokenScope, User
from .sessions import user_of_session
from .tokens import user_of_token


def roles_required(*roles: str | Iterable[str]) -> Callable:
    """Decorate a view: only logged-in users with one of `roles` (any role when none is given). Each
    argument is a role or a group of roles from accounts/roles.py: roles_required(roles.OVERSEERS)."""
    roles = tuple(dict.fromkeys(r for item in roles for r in ((item,) if isinstance(item, str) else item)))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise Unauthorized(_("Please log in first."))
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                raise Forbidden(_("Your account's role may not use this page."))
            return view(*args, **kwargs)
        wrapper.required_roles = tuple(roles) or tuple(Role)  # read by the route-walking test
        return wrapper
    return decorate


login_required = roles_required()


def init_app(app: Flask) -> None:
    """Sessions name the user and the session version (the loader checks both); the API's requests name
    their caller by token."""
    login_manager.id_attribute = "get_session_token"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_request)


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user whose current session version the cookie names."""
    if api_request_with_token():
        return None  # on the API a token, when sent, decides who calls (the request loader)
    return user_of_session(token)


def load_user_from_request(req) -> User | None:
    """Flask-Login's request loader: `Authorization: Bearer <token>`, or the raw token as CKAN clients send it.

    Only API paths accept tokens; pages use the session.
    """
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "").strip()
    if not header:
        return None
    raw = header[7:].strip() if header.lower().startswith("bearer ") else header
    found = user_of_token(raw)
    if found is None:
        return None
    g.api_token, user = found
    return user


def token_user() -> User:
    """The caller of an API request, by its API token only: a logged-in session does not count on the API
    (it carries no CSRF token, and programs must not act with a person's browser session). 401 otherwise."""
    current_user._get_current_object()  # runs the request loader, which sets g.api_token for a valid token
    token = g.get("api_token")
    if token is None:
        raise Unauthorized(_("Send a valid API token in the header Authorization: Bearer <token>."))
    return token.user


def require_write_scope() -> None:
    """API writes need a read-write token (a session cookie is not enough: the API has no CSRF token)."""
    token = g.get("api_token")
    if token is None or token.scope != TokenScope.READ_WRITE:
        raise Forbidden(_("This request needs an API token with the read-write scope."))


def api_request_with_token() -> bool:
    return request.path.startswith("/api/") and bool(request.headers.get("Authorization"))
