"""Each test app's empty database, made cheaply (tests/conftest.py::build_app and the `app` fixture).

Every test app still gets a database of its own that holds exactly what `db.create_all()` makes; only
the way there is shorter (docs/decisions.md, "Each test still builds its own app and database"):

- SQLite (embedded profile): `create_all()` runs once per process, into a template file; an app on a
  new data directory gets a copy of that file.
- PostgreSQL (production profile): an app still gets a schema of its own, but the schema a finished test
  leaves is emptied for the next test of the same process instead of dropped: its rows deleted (triggers
  off, so the append-only audit table empties too), sequences restarted, the rows `create_all()` puts in
  (site_state) copied back from a pristine template schema, and any table the test added (the search
  backend's, made on first use) dropped. The schema is kept only if its layout is then exactly the
  template's (relations, columns, defaults, constraints, indexes, triggers, functions, types, sequences,
  privileges, comments); otherwise, or on any error, it is dropped as before.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from portal.config import _fresh_pg_schema, drop_test_schema

_sqlite_template: Path | None = None
_pool: "SchemaPool | None" = None
_at_end: list = []  # what clean_up() does, in order


def clean_up() -> None:
    """At the end of the test run (pytest_unconfigure): drop what this process made in the servers."""
    while _at_end:
        _at_end.pop(0)()


# ---- SQLite --------------------------------------------------------------------------------------
def copy_sqlite_template(uri: str) -> bool:
    """Put a copy of the empty template database at the SQLite file `uri` names, if there is no file
    there yet. True when copied (the app's tables exist), False when `uri` is another database."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return False
    target = Path(url.database)
    if target.exists() or Path(f"{target}-wal").exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template_file(), target)
    return True


def _sqlite_template_file() -> Path:
    global _sqlite_template
    if _sqlite_template is None or not _sqlite_template.exists():
        from sqlalchemy import create_engine

        from portal import models  # noqa: F401  (every table registered)
        from portal.extensions import db

        made = Path(tempfile.mkdtemp(prefix="portal-template-")) / "portal.db"
        engine = create_engine(f"sqlite:///{made}")
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()  # the last connection closed: the write-ahead log is folded into the file
        _sqlite_template = made
        _at_end.append(lambda: shutil.rmtree(made.parent, ignore_errors=True))
    return _sqlite_template


# ---- PostgreSQL ----------------------------------------------------------------------------------
def use_worker_database(worker: str) -> None:
    """Under `pytest -n`: this worker's tests use a database of their own beside the test database, with
    the same extensions (one test ends every connection to its database; others make databases and
    schemas of their own anyway). Dropped when the worker ends."""
    import psycopg

    if os.environ.get("PORTAL_TEST_WORKER_DATABASE"):
        return  # a process the worker started (multiprocessing) imports this file again: it has its database
    u = make_url(os.environ["PORTAL_TEST_DATABASE_URL"])
    name = f"{u.database}_{worker}"

    def connect(database: str):
        return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=database,
                               autocommit=True)

    with connect(u.database) as conn:
        extensions = [e for e, in conn.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")]
        conn.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {_quote(name)}")
    with connect(name) as conn:
        for extension in extensions:
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {_quote(extension)}")
    os.environ["PORTAL_TEST_DATABASE_URL"] = u.set(database=name).render_as_string(hide_password=False)
    os.environ["PORTAL_TEST_WORKER_DATABASE"] = name

    def drop() -> None:
        try:
            with connect(u.database) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        except Exception:  # noqa: BLE001 - the server may be gone already; its data directory goes with it
            pass

    _at_end.append(drop)


def pooled_schema(uri: str) -> str | None:
    """An emptied schema of an earlier test in the test database `uri`, if one is waiting."""
    pool = _schema_pool(uri)
    return pool.take() if pool else None


def release_schema(config) -> None:
    """After a test: empty its schema for the next test of this process, or drop it (app.config, after
    the app's engine was disposed)."""
    name = config.get("TEST_SCHEMA")
    if not name:
        return
    pool = _schema_pool(config["SQLALCHEMY_DATABASE_URI"])
    if pool is None or not pool.give_back(name):
        drop_test_schema(config)


def _schema_pool(uri: str) -> "SchemaPool | None":
    global _pool
    test_url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql") or uri != test_url:
        return None
    if _pool is None or _pool.pid != os.getpid() or _pool.url != test_url:
        _pool = SchemaPool(test_url)
        _at_end.insert(0, _pool.close)
    return _pool


# One row per object of a schema, with the schema's name written as $S: two schemas made alike give the
# same rows. Read on a connection whose search_path does not hold the schema, so names come qualified.
LAYOUT = """
SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '') || ' ' || c.relrowsecurity
       || ' ' || coalesce(array_to_string(c.reloptions, ','), '') || ' ' || coalesce(obj_description(c.oid), '')
  FROM pg_class c WHERE c.relnamespace = %(s)s::regnamespace
UNION ALL
SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
       || a.attnotnull || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
       || ' ' || coalesce(col_description(c.oid, a.attnum), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = %(s)s::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'con ' || k.conname || ' ' || coalesce(k.conrelid::regclass::text, '') || ' ' || pg_get_constraintdef(k.oid)
  FROM pg_constraint k WHERE k.connamespace = %(s)s::regnamespace
UNION ALL
SELECT 'idx ' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = %(s)s::regnamespace
UNION ALL
SELECT 'trg ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = %(s)s::regnamespace AND NOT t.tgisinternal  -- foreign keys' own: see con
UNION ALL
SELECT 'fn ' || pg_get_functiondef(p.oid) || ' ' || coalesce(p.proacl::text, '')
  FROM pg_proc p WHERE p.pronamespace = %(s)s::regnamespace
UNION ALL
SELECT 'typ ' || t.typname || ' ' || t.typtype::text || ' '
       || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                     WHERE e.enumtypid = t.oid), '')
  FROM pg_type t WHERE t.typnamespace = %(s)s::regnamespace
UNION ALL
SELECT 'seq ' || s.seqrelid::regclass::text || ' ' || s.seqtypid::regtype::text || ' ' || s.seqstart || ' '
       || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcycle
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = %(s)s::regnamespace
UNION ALL
SELECT 'nsp ' || coalesce(n.nspacl::text, '') || ' ' || coalesce(obj_description(n.oid), '')
  FROM pg_namespace n WHERE n.oid = %(s)s::regnamespace
"""


class SchemaPool:
    """The emptied schemas of this process's finished tests in one test database, and the pristine
    template schema they are compared with."""

    def __init__(self, url: str) -> None:
        self.url, self.pid = url, os.getpid()
        self.waiting: list[str] = []
        self._conn = None
        self.template: str | None = None
        self.template_layout: set[str] = set()
        self.template_tables: list[str] = []
        self.template_relations: dict[str, str] = {}  # name -> relkind (tables, views, sequences)
        self.filled_tables: list[str] = []  # the template's tables that hold rows (site_state)

    def connection(self):
        import psycopg

        if self._conn is None or self._conn.closed:
            u = make_url(self.url)
            self._conn = psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                                         dbname=u.database, autocommit=True)
        return self._conn

    def close(self) -> None:
        """At the end of the process: drop the template and the waiting schemas."""
        if self.pid != os.getpid():
            return
        try:
            conn = self.connection()
            for name in [self.template, *self.waiting]:
                if name:
                    conn.execute(f"DROP SCHEMA IF EXISTS {_quote(name)} CASCADE")
            conn.close()
        except Exception:  # noqa: BLE001 - the server may be gone already; its data directory goes with it
            pass
        self.waiting, self.template = [], None

    def take(self) -> str | None:
        return self.waiting.pop() if self.waiting else None

    def give_back(self, name: str) -> bool:
        """Empty the schema `name` and keep it; False when it could not be brought back to the template."""
        try:
            self._make_template()
            conn = self.connection()
            with conn.transaction():
                self._empty(conn, name)
                if self._layout(conn, name) != self.template_layout:
                    raise _NotAsMade(name)
        except Exception:  # noqa: BLE001 - whatever went wrong, the schema is dropped as before
            if self._conn is not None and (self._conn.closed or self._conn.broken):
                self._conn = None
            return False
        self.waiting.append(name)
        return True

    def _empty(self, conn, name: str) -> None:
        rows = conn.execute("SELECT c.relname, c.relkind::text FROM pg_class c WHERE c.relnamespace = %s::regnamespace "
                            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY c.relname", (name,)).fetchall()
        q = _quote
        # Nothing of another process may be waiting on this schema: give up rather than wait long.
        statements = ["SET LOCAL lock_timeout = '5s'", "SET LOCAL session_replication_role = replica"]
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
        # What the test added (the search backend's tables, with their sequences) goes first.
        added = sorted(((r, kind) for r, kind in rows if r not in self.template_relations),
                       key=lambda rk: rk[1] == "S")
        statements += [f"DROP {kinds[kind]} IF EXISTS {q(name)}.{q(r)} CASCADE" for r, kind in added]
        statements += [f"DELETE FROM {q(name)}.{q(t)}" for t in self.template_tables]
        statements += [f"ALTER SEQUENCE {q(name)}.{q(r)} RESTART" for r, kind in self.template_relations.items()
                       if kind == "S"]
        statements += [f"INSERT INTO {q(name)}.{q(t)} SELECT * FROM {q(self.template)}.{q(t)}"
                       for t in self.filled_tables]
        conn.execute(";\n".join(statements))

    def _layout(self, conn, name: str) -> set[str]:
        found = conn.execute(LAYOUT, {"s": name}).fetchall()
        return {row.replace(f"{name}.", "$S.").replace(f'"{name}".', "$S.") for row, in found}

    def _make_template(self) -> None:
        """The schema every test's schema must look like: `create_all()` into a new schema, once."""
        if self.template:
            return
        from sqlalchemy import create_engine

        from portal import models  # noqa: F401  (every table registered)
        from portal.extensions import db

        name = _fresh_pg_schema(self.url)
        engine = create_engine(self.url, connect_args={"options": f"-c search_path={name},public"})
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()
        conn = self.connection()
        self.template_relations = dict(conn.execute(
            "SELECT relname, relkind::text FROM pg_class WHERE relnamespace = %s::regnamespace "
            "AND relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY relname", (name,)).fetchall())
        tables = [r for r, kind in self.template_relations.items() if kind in ("r", "p")]
        self.filled_tables = [t for t in tables
                              if conn.execute(f"SELECT EXISTS (SELECT FROM {_quote(name)}.{_quote(t)})").fetchone()[0]]
        self.template_tables = tables
        self.template_layout = self._layout(conn, name)
        self.template = name


class _NotAsMade(Exception):
    pass


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

