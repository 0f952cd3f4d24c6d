"""Secrets kept out of logs: what a request's address carries is redacted before it is logged.

API tokens belong in the Authorization header, and the portal refuses them anywhere else; a client that
puts one in the query string anyway (`?token=…`) must not leave it readable for two years in the access
log, nor in gunicorn's. The value of every query parameter named in SECRET_PARAMETERS, and anything shaped
like one of the portal's tokens wherever it appears, becomes REDACTED. Plain `str` work, no Flask: the
gunicorn configuration uses it too.
"""
from __future__ import annotations

import re
from urllib.parse import unquote_plus

# The one list of parameter names whose values are secrets (compared without case, after decoding).
SECRET_PARAMETERS = frozenset({
    "token", "access_token", "refresh_token", "id_token", "auth_token", "api_token", "bearer",
    "api_key", "apikey", "api-key", "key", "x-ckan-api-key", "authorization", "auth",
    "password", "passwd", "pwd", "pass", "secret", "client_secret", "signature", "sig",
    "session", "sessionid", "csrf_token",
})
REDACTED = "[redacted]"

# The portal's API tokens (accounts.tokens.PREFIX and token_urlsafe), also as a value of any parameter or in the path.
_TOKEN = re.compile(r"odp_[A-Za-z0-9_-]{8,}")
_PARAMETER = re.compile(r"([^&;=]*)=([^&;]*)")


def _parameter(match: re.Match) -> str:
    name = match.group(1)
    if unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
        return f"{name}={REDACTED}"
    return match.group(0)


def redact_query(query: str) -> str:
    """The query string with the values of secret parameters and token-shaped text replaced."""
    if not query:
        return query
    return _TOKEN.sub(REDACTED, _PARAMETER.sub(_parameter, query))


def redact_target(target: str) -> str:
    """A path with its query string (`/api/v1/x?token=…`), secrets replaced."""
    path, sep, query = target.partition("?")
    if "odp_" in path:
        path = _TOKEN.sub(REDACTED, path)
    return path + sep + redact_query(query) if sep else path
