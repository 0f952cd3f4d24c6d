"""Database connections: SQLite set up for several processes, pooled server connections checked through
their socket instead of a round trip, and a request teardown that survives a database that went away.

RELIES_ON, and what:
- SQLAlchemy 2.1.9: the `Engine` "connect" and `Pool` "checkout" events; raising InvalidatePoolError in
  "checkout" makes the pool drop that connection and every older one, and connect afresh.
- psycopg 3.3.6: `Connection.pgconn` (the libpq connection: `.status`, 0 being ConnStatus.OK, and
  `.socket`, its file descriptor) and `Connection.closed` / `.autocommit`.
- Flask-SQLAlchemy 3.1.1: `init_app` registers the bound method `SQLAlchemy._teardown_session` as an app
  context teardown function, which `safe_session_teardown` takes out again.
"""
from __future__ import annotations

import select
import sqlite3

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.pool import Pool

from . import listen_once

RELIES_ON = {"SQLAlchemy": "2.1.9", "psycopg": "3.3.6", "Flask-SQLAlchemy": "3.1.1"}


def install_listeners() -> None:
    """Before the app's engine connects (create_app calls this before db.init_app)."""
    listen_once(Engine, "connect", sqlite_for_several_processes)
    listen_once(Pool, "checkout", still_connected)


def sqlite_for_several_processes(dbapi_connection, _record) -> None:
    """The embedded SQLite database under several workers: readers do not block the writer (WAL), and a
    writer waits for the lock instead of failing at once. WAL also makes a commit one fsync of the log
    (about 1 ms instead of 16 ms here, still durable with synchronous=FULL). Access lines are written on
    the side connections of side_db, which set synchronous=NORMAL for themselves."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    except sqlite3.OperationalError:  # another connection holds a lock; it will be set on the next connect
        pass
    finally:
        cursor.close()


def still_connected(dbapi_connection, _record, _proxy) -> None:
    """Before a pooled connection to a server database is reused: is it still connected? What
    pool_pre_ping learns from a round trip (SELECT 1), learnt from the socket without one. A connection
    the server closed while it sat in the pool (a restart, an idle timeout) has something to read: its
    goodbye, or the end of the stream. So does one that was sent a notice meanwhile; only then is it
    asked with SELECT 1. A connection found gone makes the pool drop it and every connection older than it
    and connect afresh, as after a failed pre-ping, so service resumes after a restart without an error."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    if not answers(dbapi_connection):
        raise InvalidatePoolError("the database closed this connection")


def answers(conn) -> bool:
    """Whether a psycopg connection is still connected: nothing waiting on its socket, or SELECT 1 works."""
    try:
        pgconn = conn.pgconn
        if conn.closed or pgconn.status != 0:  # psycopg.pq.ConnStatus.OK
            return False
        if not select.select([pgconn.socket], [], [], 0)[0]:
            return True  # nothing arrived while it was idle: still connected
    except Exception:  # noqa: BLE001 - not a psycopg connection, or its socket is gone: ask
        pass
    try:
        autocommit = conn.autocommit
        conn.autocommit = True
        try:
            conn.cursor().execute("SELECT 1")
        finally:
            conn.autocommit = autocommit
        return True
    except Exception:  # noqa: BLE001 - any failure of the driver: the connection is not trusted
        return False


def safe_session_teardown(app: Flask, db) -> None:
    """End each request's session without letting a vanished database turn the answer into a 500 (call
    after db.init_app).

    Flask-SQLAlchemy's own teardown rolls back on the connection; when the database went away after
    the response was made, that rollback raises. The connection is then invalidated, and the pool
    replaces it (still_connected above) once the database is back.
    """
    app.teardown_appcontext_funcs[:] = [f for f in app.teardown_appcontext_funcs if f != db._teardown_session]

    @app.teardown_appcontext
    def _remove_session(exc: BaseException | None) -> None:
        try:
            db.session.remove()
        except DBAPIError as error:
            app.logger.warning("Session closed on a lost database connection: %s", error.orig)
            try:
                db.session.remove()
            except DBAPIError:
                pass
