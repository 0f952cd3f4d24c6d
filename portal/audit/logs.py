"""The auditors' reading of the logs: search and export of the audit log and the access log (SPEC §6,
R2024 §29). A domain above the audit machinery (services.py records, chain.py links): it may name
accounts, which the machinery may not."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterator, Mapping
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from ..accounts.models import User
from ..errors import BadRequest
from ..extensions import db
from ..spreadsheet import csv_line
from .models import AccessEvent, AuditEvent
from .services import record


PAGE_SIZE = 50
MAX_PAGE = 2000
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass
class LogQuery:
    start: date | None = None
    end: date | None = None
    user: str = ""
    action: str = ""       # audit: action prefix (e.g. "dataset." or "review.approve"); access: kind
    object_type: str = ""
    object_id: str = ""
    page: int = 1


@dataclass
class LogPage:
    params: LogQuery
    rows: list
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def parse_log_query(args: Mapping[str, str]) -> LogQuery:
    """Read filters from the URL; dates are China dates (YYYY-MM-DD), `end` inclusive. BadRequest on nonsense."""
    q = LogQuery(user=(args.get("user") or "").strip()[:254], action=(args.get("action") or "").strip()[:80],
                 object_type=(args.get("object_type") or "").strip()[:40],
                 object_id=(args.get("object_id") or "").strip()[:64])
    for name in ("start", "end"):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                setattr(q, name, date.fromisoformat(raw))
            except ValueError:
                raise BadRequest(_("Write dates as YYYY-MM-DD."), {name: raw[:40]})
    raw_page = args.get("page") or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        raise BadRequest(_("The page number must be between 1 and %(max)d.", max=MAX_PAGE), {"page": raw_page[:40]})
    q.page = int(raw_page)
    return q


def _utc_bounds(q: LogQuery) -> tuple[datetime | None, datetime | None]:
    def utc(d: date) -> datetime:
        return datetime.combine(d, time(), CHINA).astimezone(timezone.utc).replace(tzinfo=None)
    return (utc(q.start) if q.start else None, utc(q.end + timedelta(days=1)) if q.end else None)


def _user_ids(text: str) -> list[int]:
    if text.isdigit():
        return [int(text)]
    return list(db.session.scalars(select(User.id).where(func.lower(User.email) == text.lower())))


def audit_statement(q: LogQuery) -> Select:
    stmt = select(AuditEvent)
    start, end = _utc_bounds(q)
    if start:
        stmt = stmt.where(AuditEvent.at >= start)
    if end:
        stmt = stmt.where(AuditEvent.at < end)
    if q.user:
        stmt = stmt.where(or_(AuditEvent.actor_id.in_(_user_ids(q.user)), AuditEvent.actor_label == q.user))
    if q.action:
        stmt = stmt.where(or_(AuditEvent.action == q.action, AuditEvent.action.startswith(q.action.rstrip(".") + ".",
                                                                                           autoescape=True)))
    if q.object_type:
        stmt = stmt.where(AuditEvent.object_type == q.object_type)
    if q.object_id:
        stmt = stmt.where(AuditEvent.object_id == q.object_id)
    return stmt


def access_statement(q: LogQuery) -> Select:
    stmt = select(AccessEvent)
    start, end = _utc_bounds(q)
    if start:
        stmt = stmt.where(AccessEvent.at >= start)
    if end:
        stmt = stmt.where(AccessEvent.at < end)
    if q.user:
        stmt = stmt.where(AccessEvent.user_id.in_(_user_ids(q.user)))
    if q.action:
        stmt = stmt.where(AccessEvent.kind == q.action)
    if q.object_id:
        stmt = stmt.where(or_(AccessEvent.dataset_id == q.object_id, AccessEvent.resource_id == q.object_id))
    return stmt


def _page(stmt: Select, model, q: LogQuery) -> LogPage:
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(model.id.desc()).offset((q.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return LogPage(params=q, rows=list(rows), total=total)


def search_audit(q: LogQuery) -> LogPage:
    return _page(audit_statement(q), AuditEvent, q)


def search_access(q: LogQuery) -> LogPage:
    return _page(access_statement(q), AccessEvent, q)


def user_emails(ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}


def china_time(value: datetime) -> str:
    return value.replace(tzinfo=timezone.utc).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def export_csv(log: str, q: LogQuery, actor: Any) -> Iterator[str]:
    """The whole filtered log as CSV lines (UTF-8 with BOM, so spreadsheet programs read Chinese),
    oldest first, read from the database in batches; the export itself is an audit event."""
    record(actor, f"{log}_log.export", f"{log}_log", "-", details={
        k: str(v) for k, v in vars(q).items() if v and k != "page"})
    db.session.commit()
    if log == "audit":
        yield "\ufeff" + csv_line([_("Number"), _("Time (Beijing)"), _("User"), _("Action"), _("Object type"),
                                    _("Object"), _("Reason"), _("Details"), _("Previous hash"), _("Hash")])
        stmt = audit_statement(q).order_by(AuditEvent.id).execution_options(yield_per=1000)
        for e in db.session.scalars(stmt):
            yield csv_line([e.id, china_time(e.at), e.actor_label, e.action, e.object_type, e.object_id, e.reason,
                             json.dumps(e.details, ensure_ascii=False, sort_keys=True), e.prev_hash, e.hash])
    else:
        yield "\ufeff" + csv_line([_("Number"), _("Time (Beijing)"), _("User"), _("Kind"), _("Client address"),
                                    _("Entry"), _("File"), _("Status"), _("Bytes sent"), _("Details"),
                                    _("Request")])
        stmt = (access_statement(q).add_columns(User.email).outerjoin(User, User.id == AccessEvent.user_id)
                .order_by(AccessEvent.id).execution_options(yield_per=1000))
        for e, email in db.session.execute(stmt):
            yield csv_line([e.id, china_time(e.at), email, e.kind, e.client_addr, e.dataset_id,
                             e.resource_id, e.status, e.bytes_sent, e.detail, f"{e.method} {e.path}".strip()])
