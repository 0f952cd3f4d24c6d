"""Audit events (hash-chained decisions) and access events (downloads, API calls, searches)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Sequence

from flask import Response, g, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..errors import Invalid
from ..extensions import db
from ..models_base import utcnow
from ..side_db import side_connections
from . import access
from .chain import GENESIS, chain_head  # noqa: F401  (the chain's hashes and checks live in chain.py)
from .chain import broken_events as verify_chain  # noqa: F401
from .chain import event_hash as _event_hash
from .chain_lock import hold_append_lock
from .models import AccessEvent, AuditEvent


def record(actor: Any, action: str, object_type: str, object_id: str, reason: str = "",
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Append an audit event in the caller's transaction (the caller commits with its change). The
    append lock is held from reading the newest hash to the end of the transaction (chain_lock.py)."""
    hold_append_lock(db.session())
    last = db.session.query(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).scalar()
    prev = last or GENESIS
    event = AuditEvent(at=utcnow(), actor_id=getattr(actor, "id", None),
                       actor_label=getattr(actor, "email", None) or str(actor or "system"),
                       action=action, object_type=object_type, object_id=str(object_id),
                       reason=reason, details=details or {}, prev_hash=prev, keyed=True)
    event.hash = _event_hash(prev, event)
    db.session.add(event)
    return event


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def client_addr() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record_access(kind: str, status: int, **fields) -> None:
    """Log one access (kept at least two years, R2018 §24) in the session's transaction; the caller commits.
    A plain INSERT, not an ORM object: most requests log one, and the unit of work would cost twice as much."""
    db.session.connection().execute(_INSERT_ACCESS, _access_row(kind, status, **fields))
    _written()


def log_access(kind: str, status: int, *, counters: Sequence[tuple] = (), **fields) -> None:
    """Record one access at once, outside the request's transaction, on the thread's side connection
    (side_db): committed on its own and without waiting for the disk (docs/decisions.md), then
    `counters`, (statement, parameters) pairs such as a download's counts, each committed on its own.
    The request's session must hold no uncommitted change to the rows the counters touch. A failure is
    reported (error log, counter) and raised: the caller's answer depends on it (a download is not sent)."""
    row = _access_row(kind, status, **fields)
    try:
        side_connections().write([(_INSERT_ACCESS, row), *counters])
    except Exception as exc:
        access.report_failure(row, exc)
        _written()  # reported once: no second attempt after the answer
        raise
    _written()


def _written() -> None:
    """This request's access is logged by its handler: no second row after the answer (access.py)."""
    if has_request_context():
        access.request_access().written = True


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value: str | None) -> str | None:
    """Control characters as the URL would carry them (%00, %0A): a NUL from a hostile address is kept in
    the log as written, and PostgreSQL, which stores no NUL in text, still takes the row."""
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", value) if value else value


def _access_row(kind: str, status: int, *, dataset_id: str | None = None, resource_id: str | None = None,
                bytes_sent: int = 0, detail: str = "", grant_id: int | None = None,
                agreement_id: int | None = None) -> dict:
    """Who and what come from the request (read before its handler ran); outside a request, nobody."""
    acc = access.request_access() if has_request_context() else None
    return {"at": utcnow(), "kind": kind, "status": status, "dataset_id": _printable(dataset_id),
            "resource_id": _printable(resource_id), "user_id": acc.user_id if acc else None,
            "client_addr": client_addr(), "method": acc.method if acc else "",
            "path": _printable(acc.path) if acc else "", "bytes_sent": bytes_sent,
            "detail": _printable(detail[:500]), "grant_id": grant_id, "agreement_id": agreement_id}


_INSERT_ACCESS = AccessEvent.__table__.insert()


# ---- retention ------------------------------------------------------------------------
MIN_RETENTION_DAYS = 730  # R2018 §24: at least two years


def retention_cutoff(retention_days: int, now: datetime | None = None) -> datetime:
    """Access events older than this may be removed: `retention_days` ago, and never less than two
    calendar years ago (so a leap day in the window keeps 731 days)."""
    if retention_days < MIN_RETENTION_DAYS:
        raise Invalid(_("Access events must be kept at least two years (%(min)d days); %(days)d is too short.",
                        min=MIN_RETENTION_DAYS, days=retention_days), {"retention_days": retention_days})
    now = now or utcnow()
    try:
        two_years = now.replace(year=now.year - 2)
    except ValueError:  # 29 February
        two_years = now.replace(year=now.year - 2, day=28)
    return min(now - timedelta(days=retention_days), two_years)


def purge_access_events(retention_days: int, now: datetime | None = None) -> tuple[int, datetime]:
    """Delete access events older than the retention period; audit events are never purged."""
    cutoff = retention_cutoff(retention_days, now)
    removed = db.session.execute(delete(AccessEvent).where(AccessEvent.at < cutoff)).rowcount or 0
    record("cli", "access_log.purge", "access_log", "-",
           details={"before": cutoff.isoformat(), "removed": removed, "retention_days": retention_days})
    db.session.commit()
    return removed, cutoff


# ---- access logging of requests: API calls, downloads, pages (access.ACCESS_RULES) ------------------
def log_request_access(response: Response) -> Response:
    """after_request: a request to a traced path leaves its access event (access.py): every API call its
    `api` row; any other traced request one row unless its handler wrote its own. A row that cannot be
    written is an error in the server's log and a count on the access log page, never a silent loss."""
    acc = g.get("request_access")  # read before the handler (access.capture) for every traced path
    if acc is None:
        kind = access.access_kind(request.path)
        if kind is None:
            return response  # not traced (and no handler asked who was asking: nothing was read)
        acc = access.request_access()  # not captured before the handler (it did not run): who is asking now
    if acc.kind is None or request.method == "OPTIONS" or (acc.written and acc.kind != "api"):
        return response
    row = None
    try:
        if not response.is_streamed:
            # The answer is made, so its objects are done with: let them go instead of having the
            # rollback expire each one (a package_search holds hundreds).
            db.session.expunge_all()
        # The request's own work is committed by now; whatever is not (an error's) is undone before the
        # line is written on another connection, which must never wait on this session's locks.
        db.session.rollback()
        args = request.view_args or {}
        fields = {name: value if isinstance(value, str) and len(value) <= 36 else None
                  for name, value in (("dataset_id", args.get("dataset_id")), ("resource_id", args.get("resource_id")))}
        if acc.kind == "api":  # as documented since the API's first access events: method and path with query
            fields["detail"] = f"{acc.method} {acc.path}"
        row = _access_row(acc.kind, response.status_code, **fields)
        side_connections().write([(_INSERT_ACCESS, row)])
    except Exception as exc:  # the answer is already made: it stays, and the loss is reported, not hidden
        access.report_failure(row or {"kind": acc.kind, "status": response.status_code, "user_id": acc.user_id,
                                      "method": acc.method, "path": acc.path}, exc)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - a lost connection: the session's teardown deals with it
            pass
    return response
