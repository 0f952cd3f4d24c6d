"""Flask extensions, created here and bound to the app in create_app()."""
import select
import sqlite3

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.pool import Pool
from sqlalchemy.orm import DeclarativeBase

from . import limit_storage  # noqa: F401  (registers the worker-memory:// scheme)


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # SQLite needs batch mode for ALTER
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()  # every state-changing form carries a token
# Limits are declared per route (search, download); storage comes from RATELIMIT_STORAGE_URI
# (worker-memory:// is registered by importing limit_storage).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_for_several_processes(dbapi_connection, _record) -> None:
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


@event.listens_for(Pool, "checkout")
def _still_connected(dbapi_connection, _record, _proxy) -> None:
    """Before a pooled connection to a server database is reused: is it still connected? What
    pool_pre_ping learns from a round trip (SELECT 1), learnt from the socket without one. A connection
    the server closed while it sat in the pool (a restart, an idle timeout) has something to read: its
    goodbye, or the end of the stream. So does one that was sent a notice meanwhile; only then is it
    asked with SELECT 1. A connection found gone makes the pool drop it and every connection older than it
    and connect afresh, as after a failed pre-ping, so service resumes after a restart without an error."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    if not _answers(dbapi_connection):
        raise InvalidatePoolError("the database closed this connection")


def _answers(conn) -> bool:
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
