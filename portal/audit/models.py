"""Audit events (decisions, hash-chained, append-only) and access events (downloads, API calls, searches)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, event, false
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from ..extensions import db
from ..machinery import listen_once
from ..models_base import stamped


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC with PORTAL_AUDIT_KEY (chain.py); false only for events written before the chain was keyed.
    keyed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())


class AccessEvent(db.Model):
    __tablename__ = "access_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # download | api | search | preview | page | … (access.py)
    dataset_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    resource_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    client_addr: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    detail: Mapped[str] = mapped_column(String(500), default="")
    grant_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # conditional data: whose grant
    agreement_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # 授权运营: under which agreement
    # the request: its method, and its path with the query string as sent, secrets redacted (empty outside one)
    method: Mapped[str] = mapped_column(String(10), default="", server_default="")
    path: Mapped[str] = mapped_column(String(500), default="", server_default="")


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted (SPEC §6); corrections are new events."""


# The database itself refuses to change or delete audit events, whoever asks (raw SQL, another program).
# Tables made by create_all() get the triggers here; migrations add them to existing databases (0006 on
# PostgreSQL with the same statements, 0009 on SQLite with SQLITE_TRIGGERS).
SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_events_no_{op.lower()} BEFORE {op} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only ({op} refused)'); END"
    for op in ("UPDATE", "DELETE"))
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Record a new audit event that corrects the earlier one.';
END
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)
for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in (PG_FUNCTION, *PG_TRIGGERS):
    # DDL() formats its text with %: the function's own % is doubled.
    event.listen(AuditEvent.__table__, "after_create",
                 DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"))


def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"audit event {target.id} is append-only")


def init_app(app) -> None:
    """Refuse changes to audit events in the ORM: through the mapper (an object changed or deleted) and
    through bulk statements (the session listener below). The database refuses them too (the triggers)."""
    listen_once(AuditEvent, "before_update", _refuse_change)
    listen_once(AuditEvent, "before_delete", _refuse_change)
    listen_once(Session, "do_orm_execute", _refuse_bulk_change)


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`update(AuditEvent)` / `delete(AuditEvent)` statements bypass the mapper events; refuse them too.

    Raw SQL text is not inspected: the database's own permissions (and on PostgreSQL a trigger) guard
    against that, and `flask portal audit verify` detects it.
    """
    if (state.is_update or state.is_delete) and getattr(getattr(state.statement, "table", None), "name", None) == AuditEvent.__tablename__:
        raise AppendOnlyError("audit events are append-only")
