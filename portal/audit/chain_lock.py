"""One audit event appended at a time, from reading the chain's newest hash to the commit.

Two transactions that read the same newest hash would both link to it and fork the chain (threads of
one process, or several workers). `record()` therefore takes the database's own write serialisation
before it reads the newest hash, and keeps it until the transaction ends:

- PostgreSQL: a transaction-scoped advisory lock (released by the database at commit or rollback).
- SQLite: the database's write lock, taken by a write statement that changes nothing. SQLite has one
  writer at a time, so every other writer (in any thread or process) waits for our commit; and since
  the driver opens a transaction only at the first write, the read that follows sees every commit.
  Taking the same lock every other write takes means no lock-order inversion with the catalog's writes.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

ADVISORY_KEY = 0x61756469  # "audi"


def hold_append_lock(session: Session) -> None:
    """Serialise this transaction's audit appends with every other writer's (idempotent)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
    else:
        session.execute(text("UPDATE audit_events SET id = id WHERE 0 = 1"))
