"""Who may call a route: anonymous users are sent to log in (pages) or get 401 (API); wrong roles get 403."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Forbidden, Unauthorized
from ..extensions import login_manager
from .models import Role

STAFF = (Role.AGENCY_STAFF, Role.AUTHORITY, Role.ADMIN)


def roles_required(*roles: str) -> Callable:
    """Decorate a view: only logged-in users with one of `roles` (any role when none is given)."""
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
