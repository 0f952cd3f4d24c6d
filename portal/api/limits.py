"""Rate limits of the developer APIs: one budget per API token, or per client address without one.

Every API blueprint shares the budget (scope "api"). A valid token is counted under its SHA-256
(never the token itself); an invalid or missing one counts against the client's address, so
inventing tokens does not buy more requests. The limit for token holders (PORTAL_RATELIMIT_API_TOKEN)
is higher than the anonymous one (PORTAL_RATELIMIT_API).
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter
from ..machinery.rate_limits import check_only_in_blueprints


def _token_hash() -> str | None:
    """The calling token's stored hash when the request carries a valid token (loads the user once)."""
    if "api_caller_key" not in g:
        current_user._get_current_object()  # runs the token request loader, which sets g.api_token
        token = g.get("api_token")
        g.api_caller_key = token.token_hash if token is not None else None
    return g.api_caller_key


def api_key() -> str:
    """The rate-limit key: the token's hash when a valid token is sent, else the client address."""
    digest = _token_hash()
    return f"token:{digest}" if digest else f"addr:{get_remote_address()}"


def api_limit_value() -> str:
    return current_app.config["RATELIMIT_API_TOKEN" if _token_hash() else "RATELIMIT_API"]


_LIMITED_BLUEPRINTS: set[str] = set()


def api_limit(bp: Blueprint) -> Blueprint:
    """Put every route of the blueprint under the shared API budget."""
    _LIMITED_BLUEPRINTS.add(bp.name)
    return limiter.shared_limit(api_limit_value, scope="api", key_func=api_key)(bp)


def check_blueprint_limits_only_where_declared(app: Flask) -> None:
    """Flask-Limiter checks every request before its view, for limits declared on whole blueprints; a
    route with a limit of its own (search, download, login, complaints) checks it when called. The portal
    declares blueprint limits only on the APIs: that check runs in the API blueprints only. Call after
    init_app."""
    check_only_in_blueprints(app, limiter, _LIMITED_BLUEPRINTS)
