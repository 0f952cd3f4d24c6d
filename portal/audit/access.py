"""Which requests are access events (R2018 §24: every access traceable for two years), who made them,
and what happens when their row cannot be written.

The rule is ACCESS_RULES below, and nowhere else. A request to a path it names leaves one access event
with who (the account), what (method, path with its query, secrets redacted) and the status: the
handler's own row when it writes one (a download with its bytes, a refused download with its reason, a
bulk export when its stream ends), otherwise the row `services.log_request_access` writes after the
answer. API calls always get their `api` row, also when the handler wrote its own (as documented).

Who made the request is read once, before the handler runs (`capture`, the app's first before_request
function), and kept as plain values: a handler may roll back, commit or expunge the session, and the
account object it held is then no longer readable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..caller import signed_in_user
from ..extensions import db
from ..redact import redact_target

# kind of the row written for the request, and the paths it covers (the whole path must match), in order:
# the first match decides. Not listed, and so not logged unless a handler logs them itself (searches do):
# the home page, the catalog search, entry pages, agencies, plans, decisions, the negative list, the
# developers' page, login and registration, the language switch and static files.
ACCESS_RULES: tuple[tuple[str, str], ...] = (
    ("api", r"/api/.*"),  # REST /api/v1 (with the bulk dump), CKAN /api/3/action and /api/action
    ("download", r".*/download"  # files of entries, also of the API and archived versions in the console
                 r"|/(?:agency|theme)/[^/]+/files\.zip"  # bulk ZIPs
                 r"|/catalog\.(?:ttl|jsonld|rdf)"  # the whole catalog in DCAT-AP
                 r"|/(?:applications|complaints|corrections|reports)/\d+/(?:attachments?|evidence)/\d+"),
    ("preview", r"/dataset/[^/]+/resource/[^/]+"),  # a file's page shows its first rows
    ("page", r"/(?:console|review|account|applications|my|inbox|complaints|corrections|reports|grants|users"
             r"|access-blocks)(?:/.*)?"  # staff, auditors' and account pages; cases, grants, access blocks
             r"|/dataset/[^/]+/(?:apply|complaint|corrections/new)"),  # forms that file a case
)
_RULE = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in ACCESS_RULES))
PATH_LENGTH = 500  # the column's


def access_kind(path: str) -> str | None:
    """The kind of access event a request to `path` leaves, or None when it is not traced by itself."""
    match = _RULE.fullmatch(path)
    return match.lastgroup if match else None


@dataclass(slots=True)
class RequestAccess:
    """Who asked for what, read at the start of the request."""

    kind: str | None  # ACCESS_RULES' kind, None for a request that is not traced by itself
    method: str
    path: str  # with the query string as sent, secrets redacted
    user_id: int | None
    user_label: str  # the account's e-mail, for the error log when the row cannot be written
    written: bool = False  # the handler wrote this request's row (or will, when its stream ends)


def request_access() -> RequestAccess:
    """This request's RequestAccess, made at the first call (normally `capture`, before the handler)."""
    acc = g.get("request_access")
    if acc is None:
        user = signed_in_user()
        query = request.query_string.decode("utf-8", "replace")
        path = redact_target(f"{request.path}?{query}" if query else request.path)
        acc = g.request_access = RequestAccess(
            access_kind(request.path), request.method, path[:PATH_LENGTH],
            user.id if user is not None else None, (user.email if user is not None else "") or "")
    return acc


def capture() -> None:
    """before_request, first of all: for a traced path, who is asking, before anything can refuse or
    roll back (a CSRF or rate-limit refusal is an access too). Other requests pay one regular expression."""
    if access_kind(request.path) is not None:
        request_access()


def written_by_handler() -> None:
    """A handler that logs this request's access itself (now, or when its stream ends) says so; a HEAD
    request's body, and so its stream, never runs, and keeps the row written after the answer."""
    if has_request_context() and request.method != "HEAD":
        request_access().written = True


def describe(row: dict) -> str:
    """A row as one line of text, for the error log when it could not be written."""
    return " ".join(f"{k}={row.get(k)!r}" for k in ("kind", "status", "user_id", "method", "path", "client_addr",
                                                     "dataset_id", "resource_id", "detail"))


# ---- failures to write a row -------------------------------------------------------------------
FAILURES_KEY = "access_log_failures"  # a counter in site_state, shared by every process


def report_failure(row: dict, exc: BaseException) -> None:
    """An access event could not be written: an error in the server's log, with the row and the exception,
    and one more in the counter the access log page shows (`failures()`)."""
    acc = g.get("request_access") if has_request_context() else None
    current_app.logger.error("Could not write an access event (R2018 §24): %s user_label=%r", describe(row),
                             acc.user_label if acc else "", exc_info=exc)
    try:
        count_failure()
    except Exception:  # noqa: BLE001 - the database is likely gone: the error log above is what remains
        current_app.logger.exception("Could not count the failure to write an access event either")


def count_failure() -> None:
    """Add one to the shared counter, in a transaction of its own."""
    from ..pagecache import SiteState

    for attempt in (1, 2):
        try:
            with db.engine.begin() as conn:
                done = conn.execute(update(SiteState).where(SiteState.name == FAILURES_KEY)
                                    .values(value=SiteState.value + 1)).rowcount
                if not done:
                    conn.execute(insert(SiteState).values(name=FAILURES_KEY, value=1))
            return
        except IntegrityError:  # another process inserted the row first: add to it
            if attempt == 2:
                raise


def failures() -> int:
    """How many access events could not be written, in every process, since the counter began."""
    from ..pagecache import SiteState

    return db.session.scalar(select(SiteState.value).where(SiteState.name == FAILURES_KEY)) or 0
