"""Security headers on every response (no inline scripts or styles anywhere in the templates)."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, RequestRedirect

from .machinery.sessions import SessionInterface

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


class DatabaseInteger(IntegerConverter):
    """`<int:id>` within SQL's INTEGER (signed 32 bits, what the models' ids and years are on PostgreSQL):
    a larger id exists nowhere, so the route does not match (404) instead of overflowing the database
    (PostgreSQL casts the bound value to `integer` and refuses it: a 500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2 ** 31 - 1)
        super().__init__(map, *args, **kwargs)


def install_url_converters(app: Flask) -> None:
    """Call before any route is registered."""
    app.url_map.converters["int"] = DatabaseInteger


def _refuse_nul() -> None:
    """A NUL character has no place in a URL, form text or a JSON body's strings; PostgreSQL would refuse it
    deep inside a query.

    The query string is looked at as sent: a NUL in it can only be %00 (the server refuses a raw one),
    so its arguments need not be parsed for this on every request."""
    from flask_babel import gettext as _

    from .errors import BadRequest

    query = request.query_string
    refused = "\x00" in request.path or b"%00" in query or b"\x00" in query
    # Only POST carries forms here; a PUT's body is a file streamed by the API, whatever type the client
    # names (curl's --data-binary says form-urlencoded), and parsing it as a form would consume it.
    if not refused and request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                                         "multipart/form-data"):
        refused = any("\x00" in text for pair in request.form.items(multi=True) for text in pair
                      if isinstance(text, str))
    if not refused and request.method == "POST" and request.is_json:  # (a PUT's JSON is a file: left alone)
        refused = _holds_nul(request.get_json(silent=True))  # parsed once: the handler reads the same object
    if refused:
        raise BadRequest(_("The request could not be understood."))


def _holds_nul(value) -> bool:
    """Whether a parsed JSON document has a NUL in any of its strings (keys too)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# Control characters (CR and LF would split the Location header: a 500, or a forged header) and the
# backslash (browsers read "/\evil.example" as "//evil.example", another site).
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str | None) -> str:
    """Where a `next=` parameter may send the visitor: a path on this site whose route answers GET, else
    the home page. Every redirect to a `next` goes through here (login, the language switch).

    Refused: other sites (a scheme, a host, `//`), control characters and backslashes, paths that match
    no route, and paths whose route does not answer GET: the address a form was posted to is not a page
    to return to (it would answer 405)."""
    home = url_for("web.home")
    if not target or not target.startswith("/") or _UNSAFE_IN_NEXT.search(target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    try:
        current_app.create_url_adapter(request).match(unquote(parts.path), method="GET")
    except RequestRedirect:
        pass  # the route answers GET at a slightly different address (a trailing slash): it redirects there
    except HTTPException:  # no such page (404), or no GET there (405)
        return home
    return target


def return_path() -> str:
    """The page a link should bring the visitor back to (after logging in, after switching language): this
    page, or, when it answers a form's POST, the same-site page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return "/"
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def register_security_headers(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.before_request(_refuse_nul)

    https_only = bool(app.config.get("SESSION_COOKIE_SECURE"))

    wanted = dict(HEADERS)
    if https_only:  # served over HTTPS (PORTAL_SECURE_COOKIES=1): browsers keep to HTTPS for a year
        wanted["Strict-Transport-Security"] = "max-age=31536000"
    wanted_by_key = [(name.lower(), name, value) for name, value in wanted.items()]

    @app.after_request
    def _headers(resp: Response) -> Response:
        """Each header unless the view set its own (one pass over the response's headers)."""
        present = {name.lower() for name in resp.headers.keys()}
        for key, name, value in wanted_by_key:
            if key not in present:
                resp.headers.add(name, value)
        return resp
