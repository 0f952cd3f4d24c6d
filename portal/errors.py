"""Domain errors raised by services, and the handlers that turn any error into a page or JSON body."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .machinery.login import forget_user


class PortalError(Exception):
    """Base of the errors services raise; views never call abort() for domain rules."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class Invalid(PortalError):
    status, code = 422, "invalid"


class BadRequest(PortalError):
    status, code = 400, "bad_request"


class Unauthorized(PortalError):
    status, code = 401, "unauthorized"


class NotFound(PortalError):
    status, code = 404, "not_found"


class Forbidden(PortalError):
    status, code = 403, "forbidden"


class Conflict(PortalError):
    status, code = 409, "conflict"


class UnavailableForLegalReasons(PortalError):
    """451: the data is withheld for a legal reason, e.g. suspended while a rights complaint is verified."""

    status, code = 451, "unavailable_for_legal_reasons"


class Unavailable(PortalError):
    status, code = 503, "unavailable"


class InsufficientStorage(PortalError):
    status, code = 507, "insufficient_storage"


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 416: "range_not_satisfiable",
               422: "invalid", 429: "rate_limited", 451: "unavailable_for_legal_reasons",
               500: "internal_error", 503: "unavailable", 507: "insufficient_storage"}


def _default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You are not allowed to see this."),
        404: _("The page you asked for does not exist."),
        405: _("This method is not allowed here."),
        413: _("The upload is larger than allowed."),
        451: _("This data is unavailable for legal reasons."),
        416: _("The requested byte range is not satisfiable."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("The service is temporarily unavailable. Please try again shortly."),
    }
    return messages.get(status, _("The request could not be completed."))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """Render an error as the JSON envelope under /api/, as templates/errors/<status>.html elsewhere."""
    if wants_json():
        resp = jsonify({"error": {"code": _HTTP_CODES.get(status, "error"), "message": message,
                                  "details": details or {}}})
    else:
        template = f"errors/{status}.html" if status in (403, 404, 429, 451, 500) else "errors/generic.html"
        resp = Response(render_template(template, status=status, message=message, details=details or {}),
                        mimetype="text/html")
    resp.status_code = status
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PortalError)
    def _portal_error(exc: PortalError) -> Response:
        return error_response(exc.status, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = exc.description if status in (400, 403, 404, 416) and _is_custom(exc) else _default_message(status)
        headers = {}
        resp = exc.get_response()
        for name in ("Retry-After", "Allow", "Content-Range"):
            if name in resp.headers:
                headers[name] = resp.headers[name]
        if status == 429 and "Retry-After" not in headers:
            headers["Retry-After"] = "60"
        return error_response(status, message, headers=headers)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Response:
        """The database is unreachable (stopped, restarting, connection lost): 503, nothing half-written.

        The request's transaction never committed, so rolling back leaves nothing behind; the pool
        checks connections before reuse (machinery/database.py), so service resumes once the database is back.
        """
        if not _is_outage(exc):
            return _unexpected(exc)
        try:
            db.session.rollback()
            db.session.remove()
        except DBAPIError:
            pass
        forget_user()  # the page must not load the signed-in user from the database it cannot reach
        app.logger.warning("Database unavailable: %s", exc.orig)
        return error_response(503, _("The database is temporarily unavailable, so nothing was changed. "
                                     "Please try again in a minute."), headers={"Retry-After": "30"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return error_response(500, _default_message(500))


def _is_custom(exc: HTTPException) -> bool:
    """True when the code that raised the error gave its own description."""
    return type(exc).description != exc.description


def _is_outage(exc: DBAPIError) -> bool:
    """A lost or refused connection (any backend), as opposed to a bad statement."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))
