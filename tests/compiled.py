"""Test apps share what each of them would compile the same way: templates and SQL statements.

Every test builds its own app and database engine (tests/databases.py makes those cheap), and each new
app compiled again what the previous one had compiled: every template it rendered (Jinja parses it,
writes Python source and compiles that) and every SQL statement it ran (SQLAlchemy keeps compiled
statements per engine, keyed by the engine's dialect object). In the domain tests that was a third of
the time. `share(app)`, called by tests/conftest.py::build_app, shares both within one test process:

- templates: one in-memory Jinja bytecode cache for every test app (jinja2.BytecodeCache, Jinja's public
  interface; an entry is keyed by the template's name and a checksum of its source, so a changed
  template is compiled anew);
- SQL: every test engine of one database kind (same dialect class and driver) uses the dialect of the
  first one and its compiled-statement cache. A dialect holds what SQLAlchemy learned from the server
  at the first connection (version, defaults), which is the same for every test database of a process
  (one SQLite library; one PostgreSQL server, where each test has a schema of its own on the search
  path and statements name no schema).

Relies on SQLAlchemy 2.1's private Engine.dialect, Engine._compiled_cache and Pool._dialect (each
Connection takes its dialect and cache from its engine); on another version only templates are shared.
tests/test_compiled.py fails loudly when SQLAlchemy changes under it, and checks that a shared
statement reads each app's own database.
"""
from __future__ import annotations

from importlib.metadata import version

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine

from portal.extensions import db

SQL_VERSION = "2.1."  # the SQLAlchemy release series the SQL share was written for


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in this process's memory."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()
_shared: dict[tuple, tuple] = {}  # (dialect class, driver) -> (dialect, compiled-statement cache)


def sql_shared() -> bool:
    return version("sqlalchemy").startswith(SQL_VERSION)


def share_sql(engine: Engine) -> bool:
    """Give `engine` the dialect and compiled-statement cache of the first engine of its kind; False when
    nothing was shared (the first engine, or another SQLAlchemy)."""
    if not sql_shared():
        return False
    kind = (type(engine.dialect), engine.url.drivername)
    if kind not in _shared:
        _shared[kind] = (engine.dialect, engine._compiled_cache)
        return False
    engine.dialect, engine._compiled_cache = _shared[kind]
    engine.pool._dialect = engine.dialect
    return True


def share(app: Flask) -> None:
    app.jinja_env.bytecode_cache = TEMPLATES
    with app.app_context():
        share_sql(db.engine)
