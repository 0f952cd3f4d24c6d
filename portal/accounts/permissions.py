"""Who may call a route: anonymous users are sent to log in (pages) or get 401 (API); wrong roles get 403."""
from __future__ import annotations

from functools import wraps
from typing import Callable, Iterable

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Forbidden, Unauthorized
from ..extensions import login_manager
from .models import Role


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
