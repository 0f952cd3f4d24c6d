"""A connection each thread keeps for itself, outside the request's session, for what most requests do
besides their own work: reading the site generation (pagecache.generation), writing an access line with
its counters (audit.log_access), and the reads of an anonymous page or download whose session has not
begun a transaction (read_committed).

Through the session, each cost a pool checkout (on a server database a ping round trip first), then
BEGIN, the statements and ROLLBACK or COMMIT: on PostgreSQL about 0.7 ms of the portal's CPU for the
generation alone, against 0.15 ms on a kept connection. The kept connection:

- belongs to a second engine on the same database, without a pool (each thread holds its own), in
  autocommit mode: each statement commits on its own and no lock is held between statements;
- commits without waiting for the disk (PostgreSQL synchronous_commit off, SQLite synchronous=NORMAL):
  only access lines and download counters are written on it (docs/decisions.md). The request's
  session keeps waiting for the disk for everything else;
- on PostgreSQL writes an access line and its counters as one statement, one round trip;
- is not pinged before use: when a statement fails because the connection is gone (the database
  restarted), the connection is dropped and the statements not yet done run once more on a fresh one,
  so a restart costs no visitor an error. If the database is really down, that error is raised;
- is made anew in a forked process, and closed with the app's engine (engine.dispose()).

An in-memory SQLite database could not be shared with a second engine; config refuses one.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable, Sequence

from flask import current_app
from sqlalchemy import Connection, Engine, Insert, bindparam, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from .extensions import db


class SideConnections:
    def __init__(self, app_engine: Engine, connect_args: dict[str, Any]) -> None:
        self.engine = create_engine(app_engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                    connect_args=connect_args)
        self.local = threading.local()
        self.kept: dict[Connection, int] = {}  # each connection with the process that made it
        self.lock = threading.Lock()
        self._combinations: dict[tuple, Any] = {}  # combined statements by the statements they join
        event.listen(app_engine, "engine_disposed", self.close_all)

    def connection(self) -> Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None or conn.closed or self.local.pid != os.getpid():  # never one inherited through fork
            conn = self.engine.connect()
            dbapi_conn = conn.connection.dbapi_connection
            if conn.dialect.name == "postgresql":
                dbapi_conn.execute("SET synchronous_commit = off")
            elif conn.dialect.name == "sqlite":
                dbapi_conn.execute("PRAGMA synchronous = NORMAL")
            self.local.conn, self.local.pid = conn, os.getpid()
            with self.lock:
                self.kept[conn] = os.getpid()
        return conn

    def drop(self) -> None:
        conn = getattr(self.local, "conn", None)
        self.local.conn = None
        if conn is not None:
            with self.lock:
                self.kept.pop(conn, None)
            try:
                conn.invalidate()
                conn.close()
            except Exception:  # noqa: BLE001 - it is gone either way
                pass

    def close_all(self, *_args) -> None:
        """With the app's engine (also in a forked worker, whose engine gunicorn disposes): closes this
        process's connections, and only forgets those inherited through fork, which belong to the parent."""
        with self.lock:
            kept, self.kept = self.kept, {}
        for conn, pid in kept.items():
            if pid != os.getpid():
                continue
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a connection another thread may be using in a test
                pass

    # ---- the uses ---------------------------------------------------------------------------------
    def read_value(self, sql: str) -> Any:
        """The first column of the first row of a parameterless SELECT, straight through the driver
        (a quarter of the cost of a Core statement); on a dropped connection, once more through Core,
        which reports a real fault as any query does (DBAPIError: a 503 when the database is down)."""
        try:
            row = self.connection().connection.dbapi_connection.execute(sql).fetchone()
            return row[0] if row else None
        except Exception:  # noqa: BLE001 - the driver's own errors: the connection is not trusted again
            self.drop()
        return self.connection().exec_driver_sql(sql).scalar()

    def read_rows(self, statement: Any, params: dict) -> list:
        """The rows of a Core SELECT as the latest commits have them."""
        return self._once_more_if_gone(lambda conn: conn.execute(statement, params).all())

    def write(self, statements: Sequence[tuple[Any, dict]]) -> None:
        """Run Core statements, each committed on its own; on PostgreSQL, several go as one statement
        (data-modifying WITH clauses), one round trip committed at once. If the connection turns out to
        be gone, the statements not yet done run on a fresh one (a statement that failed did not commit)."""
        if len(statements) > 1 and self.engine.dialect.name == "postgresql":
            statements = [self._combined(statements)]
        pending = list(statements)

        def run(conn: Connection) -> None:
            while pending:
                conn.execute(*pending[0])
                pending.pop(0)

        self._once_more_if_gone(run)

    def _once_more_if_gone(self, work: Callable[[Connection], Any]) -> Any:
        """work(connection), once more on a fresh connection if the kept one turns out to be gone (the
        database restarted); any other error, or a second failure, is raised."""
        for attempt in (1, 2):
            conn = self.connection()
            try:
                result = work(conn)
                conn.commit()  # ends the Connection's bookkeeping; in autocommit the driver holds no transaction
                return result
            except DBAPIError as exc:
                self.drop()
                if attempt == 2 or not exc.connection_invalidated:
                    raise

    def _combined(self, statements: Sequence[tuple[Any, dict]]) -> tuple[Any, dict]:
        """The statements as the last one with the others in its WITH clause, built once per sequence of
        statements (they are module constants). An INSERT (a table's insert(), its values given as
        parameters) gets them as bound parameters named after its place; the other statements' own
        parameter names must differ from each other's."""
        params: dict = {}
        for n, (stmt, p) in enumerate(statements):
            params.update({f"side_{n}_{k}": v for k, v in p.items()} if isinstance(stmt, Insert) else p)
        key = tuple(stmt for stmt, _ in statements)  # the statements themselves: kept alive, never confused
        combined = self._combinations.get(key)
        if combined is None:
            assert len(params) == sum(len(p) for _, p in statements), "parameter names must be distinct"
            parts = [stmt.values({k: bindparam(f"side_{n}_{k}") for k in p}) if isinstance(stmt, Insert) else stmt
                     for n, (stmt, p) in enumerate(statements)]
            combined = parts[-1].add_cte(*(part.cte(f"side_{n}") for n, part in enumerate(parts[:-1])))
            self._combinations[key] = combined
        return combined, params


def read_committed(statement: Any, params: dict) -> list:
    """The rows of a SELECT for a request whose session has begun no transaction: on the thread's side
    connection, which gives the same rows (each statement sees the latest commits, as in the session's
    read-committed transaction) without a pool checkout, BEGIN and ROLLBACK. Through the session
    otherwise, so that its own uncommitted changes count."""
    session = db.session()
    if session.in_transaction():  # begun by any read or change, also by an object only added
        return session.execute(statement, params).all()
    return side_connections().read_rows(statement, params)


def side_connections() -> SideConnections:
    """The app's side connections, made at first use."""
    side = current_app.extensions.get("side_db")
    if side is None:
        options = current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        side = current_app.extensions["side_db"] = SideConnections(db.engine, options.get("connect_args", {}))
    return side
