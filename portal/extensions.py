"""Flask extensions, created here and bound to the app in create_app()."""
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
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import Pool

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
    (about 1 ms instead of 16 ms here, still durable with synchronous=FULL); every download and API call
    commits an access event, so this is on the path of each of them."""
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


def begin_log_writes(session: Session) -> None:
    """What the session writes next, until it commits, is access-log lines and download counters only:
    let it commit without waiting for the disk (docs/decisions.md). Call before the transaction's first
    write; if something else was written already, nothing changes.

    - PostgreSQL: asynchronous commit (synchronous_commit off) for this transaction.
    - SQLite: synchronous=NORMAL, and each statement commits on its own (the driver's autocommit), so
      that SQLite's one write lock is held for a statement and not across the waits for the interpreter
      lock between statements, while the other workers' writers sleep. Both are set back when the
      connection returns to the pool.

    A crash of the portal's processes loses nothing; a crash of the operating system or a power cut may
    lose the last moments of such lines, never a decision or an audit event, whose commits still wait.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # a transaction that has written has its id; until then it holds no change of the caller's
        conn.exec_driver_sql("SELECT set_config('synchronous_commit', 'off', true) "
                             "WHERE pg_current_xact_id_if_assigned() IS NULL")
    elif conn.dialect.name == "sqlite":
        proxied = conn.connection
        raw = proxied.dbapi_connection
        if not raw.in_transaction:  # the driver begins at the first write; SQLite refuses the change after
            raw.execute("PRAGMA synchronous = NORMAL")
            proxied.info["log_writes"] = raw.isolation_level
            raw.isolation_level = None


@event.listens_for(Pool, "checkin")
def _back_to_full_transactions(dbapi_connection, record) -> None:
    if dbapi_connection is not None and record is not None and "log_writes" in record.info:
        dbapi_connection.isolation_level = record.info.pop("log_writes")
        dbapi_connection.execute("PRAGMA synchronous = FULL")
