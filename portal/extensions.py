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


def asynchronous_commit(session: Session) -> None:
    """Let the transaction the session is about to begin commit without waiting for the disk; for
    transactions that hold only access-log lines and download counters (docs/decisions.md).

    PostgreSQL's asynchronous commit (synchronous_commit off for this transaction only) and SQLite's
    synchronous=NORMAL (for this commit; the connection is set back to FULL when it returns to the pool).
    A crash of the portal's processes loses nothing; a crash of the operating system or a power cut may
    lose the last moments of such lines, never a decision or an audit event, whose commits stay
    synchronous. If the transaction has written already, its commit stays synchronous too.
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
            proxied.info["asynchronous_commit"] = True


@event.listens_for(Pool, "checkin")
def _synchronous_again(dbapi_connection, record) -> None:
    if dbapi_connection is not None and record is not None and record.info.pop("asynchronous_commit", False):
        dbapi_connection.execute("PRAGMA synchronous = FULL")
