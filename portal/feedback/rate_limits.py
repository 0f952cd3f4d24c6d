"""The three complaint budgets of a filing route (docs/security.md): one per account, one per client
address and one for the portal, site and API alike; only accepted complaints count. A route guard, so it
reads the request; the rule of who is established is the service's (safeguards.is_established)."""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter
from .safeguards import is_established


def _account_key() -> str:
    """The account filing (by session on the site, by token on the API), else the client address."""
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else f"addr:{request.remote_addr}"


def _established_caller() -> bool:
    return bool(current_user.is_authenticated and is_established(current_user))


def _accepted(response) -> bool:
    return response.status_code in (201, 302, 303)


def complaint_limits(**options: Any) -> Callable:
    """Decorate a filing route with the three complaint budgets; only accepted complaints count. The
    portal-wide budget bounds what new accounts can pile up; established verified complainants are
    never turned away by it."""
    budgets = (
        limiter.shared_limit(lambda: current_app.config["RATELIMIT_COMPLAINT"], scope="complaint",
                             key_func=_account_key, deduct_when=_accepted, **options),
        limiter.shared_limit(lambda: current_app.config["RATELIMIT_COMPLAINT_ADDR"], scope="complaint-addr",
                             key_func=get_remote_address, deduct_when=_accepted, **options),
        limiter.shared_limit(lambda: current_app.config["RATELIMIT_COMPLAINT_GLOBAL"], scope="complaint-all",
                             key_func=lambda: "all", deduct_when=_accepted, exempt_when=_established_caller,
                             **options),
    )

    def decorate(view: Callable) -> Callable:
        for budget in budgets:
            view = budget(view)
        return view
    return decorate
