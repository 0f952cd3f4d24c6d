"""PostgreSQL search backend: jieba words in a weighted `tsvector`, facet counts and sorts by SQL.

The words come from the same segmenter as Whoosh (text.py): `tokenize()` for an entry, `query_terms()`
for a query. They are written as a tsvector *literal* (`'word':1A,7B ...`) and queried with a tsquery
literal (`'w1' & 'w2'`), so PostgreSQL's text-search parser and dictionaries never touch Chinese.
Weights: title A, tags and agency B, data items C, summary D.

With the `rum` extension (Debian `postgresql-15-rum`) the tsvector gets a RUM index and the top
results come ranked from the index (`ORDER BY tsv <=> query`); without it, a GIN index finds the
matches and `ts_rank` orders them. Facets are `field:value` strings in a text[] with a GIN index:
values of one facet are OR-ed (`&&`), facets AND-ed, and counted within the current results.
Index-only filter fields (tags, licence, name) are in the same array: filters and expressions
(`SearchQuery.where`, compiled to SQL) use them, and they are counted only when a query asks for them.
The counts kept for the whole index (COUNTS_TABLE) hold the default facet fields only.

The table `search_documents` belongs to this backend (like Whoosh's index directory): migration
0004_pg_search creates it on PostgreSQL, and the backend creates it itself in a database that has
neither of its tables (one made with `create_all()`); a search table dropped later is a fault, answered
with SearchUnavailable until `flask portal reindex` rebuilds it. It is not an ORM model, so model
autogeneration leaves it alone (`include_object`).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from .base import AllOf, AnyOf, Expr, Match, Not, Range, SearchDoc, SearchHit, SearchPage, SearchQuery, SearchUnavailable
from .text import query_terms, tokenize

log = logging.getLogger(__name__)

SEARCH_TABLE = "search_documents"
# (part, weight) in the order the positions are numbered
WEIGHTS = (("title", "A"), ("tags", "B"), ("agency", "B"), ("items", "C"), ("summary", "D"))
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
TOTAL_KEY = "\x1f"    # pseudo facet value carrying the total in the facet query
GENERATION_KEY = "\x1e"  # row of the counts table that every write increments
CACHE_SIZE = 2048  # (generation, query) -> total and facet counts, per process

COUNTS_TABLE = "search_facet_counts"
# Facet counts of the whole index (and the total under TOTAL_KEY), kept by every write: the plain
# search page (no words, no filter) reads them instead of counting every entry's facets.
COUNTS_DDL = f"CREATE TABLE IF NOT EXISTS {COUNTS_TABLE} (value text PRIMARY KEY, n bigint NOT NULL)"
WRITE_LOCK = 7_230_401  # advisory lock id: one search writer at a time keeps the counts exact
COLUMNS = ("id", "tsv", "facets", "modified", "downloads", "title_sort")
INDEX_SUFFIXES = ("pkey", "tsv", "facets", "modified", "downloads", "title")


def table_ddl(table: str = SEARCH_TABLE) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS {table} (
    id varchar(64) NOT NULL,
    tsv tsvector NOT NULL,
    facets text[] NOT NULL,
    modified double precision NOT NULL,
    downloads bigint NOT NULL,
    title_sort text COLLATE "C" NOT NULL,
    CONSTRAINT ix_{table}_pkey PRIMARY KEY (id)
)"""


def index_ddl(rum: bool, table: str = SEARCH_TABLE) -> tuple[str, ...]:
    text_index = "rum (tsv rum_tsvector_ops)" if rum else "gin (tsv)"
    return (
        f"CREATE INDEX IF NOT EXISTS ix_{table}_tsv ON {table} USING {text_index}",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_facets ON {table} USING gin (facets)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_modified ON {table} (modified DESC, id)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_downloads ON {table} (downloads DESC, modified DESC, id)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_title ON {table} (title_sort, id)",
    )


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: the search table is the backend's, not a model's."""
    if type_ == "table" and name in (SEARCH_TABLE, COUNTS_TABLE):
        return False
    if type_ == "index" and getattr(getattr(obj, "table", None), "name", None) in (SEARCH_TABLE, COUNTS_TABLE):
        return False
    return True


def create_search_table(conn: Connection, allow_rum: bool = True) -> bool:
    """Create the table and its indexes if missing; the RUM index when the extension can be had.

    Returns True when the text index is a RUM index.
    """
    rum = allow_rum and _ensure_rum(conn)
    conn.execute(text(table_ddl()))
    conn.execute(text(COUNTS_DDL))
    for ddl in index_ddl(rum):
        conn.execute(text(ddl))
    return _text_index_is_rum(conn)


def _ensure_rum(conn: Connection) -> bool:
    if conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'rum'")):
        return True
    if not conn.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")):
        return False
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS rum"))
        return True
    except (ProgrammingError, OperationalError) as exc:  # no privilege: fall back to GIN + ts_rank
        log.warning("rum extension not created (%s); falling back to GIN and ts_rank", exc)
        return False


def _text_index_is_rum(conn: Connection) -> bool:
    am = conn.scalar(text(
        "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
        "WHERE c.oid = to_regclass(:name)"), {"name": f"ix_{SEARCH_TABLE}_tsv"})
    return am == "rum"


def _quote(word: str) -> str:
    """A lexeme as a tsvector/tsquery literal: quoted, with quotes and backslashes doubled."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: SearchDoc) -> str:
    parts = {"title": doc.title, "tags": " ".join(doc.tags), "agency": doc.agency,
             "items": " ".join(doc.items), "summary": doc.summary}
    positions: dict[str, list[str]] = {}
    pos = 0
    for part, weight in WEIGHTS:
        for word in tokenize(parts[part]):
            pos = min(pos + 1, MAX_POSITION)
            entries = positions.setdefault(word, [])
            if len(entries) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                entries.append(f"{pos}{weight}")
    return " ".join(f"{_quote(w)}:{','.join(p)}" for w, p in positions.items())


def tsquery_literal(terms: list[str]) -> str:
    return " & ".join(_quote(t) for t in terms)


def row(doc: SearchDoc) -> dict:
    """The table row of one entry (module-level so that a process pool can build rows)."""
    facets = [f"{field}:{value}" for field, values in doc.facets.items() for value in values]
    return {"id": doc.id, "tsv": tsvector_literal(doc), "facets": facets, "modified": doc.modified.timestamp(),
            "downloads": doc.downloads, "title_sort": doc.title_sort}


UPSERT = text(f"""
INSERT INTO {SEARCH_TABLE} (id, tsv, facets, modified, downloads, title_sort)
VALUES (:id, CAST(:tsv AS tsvector), :facets, :modified, :downloads, :title_sort)
ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv, facets = EXCLUDED.facets, modified = EXCLUDED.modified,
    downloads = EXCLUDED.downloads, title_sort = EXCLUDED.title_sort""")


class PostgresBackend:
    """SearchBackend on the portal's own PostgreSQL database (the engine is looked up when used)."""

    def __init__(self, engine: Callable[[], Engine], facet_fields: Iterable[str], allow_rum: bool = True,
                 filter_fields: Iterable[str] = ()) -> None:
        """facet_fields are counted by default (and kept counted for the whole index); filter_fields are
        stored the same way for filters and expressions and counted only when a query names them."""
        self._engine = engine
        self.allow_rum = allow_rum  # False: GIN + ts_rank even where RUM is available (tests, comparisons)
        self.default_facets = tuple(facet_fields)
        self.facet_fields = self.default_facets + tuple(f for f in filter_fields if f not in self.default_facets)
        self._lock = threading.Lock()
        self._ready: dict[int, bool] = {}  # id(engine) -> text index is RUM
        self._counts: OrderedDict[tuple, tuple[int, dict[str, dict[str, int]]]] = OrderedDict()

    # ---- set-up ----------------------------------------------------------
    def _conn(self):
        return self._engine().connect()

    def _rum(self, conn: Connection, create: bool = False) -> bool:
        """Whether the text index is RUM; checks the tables once per engine. A database without either
        table (a new one, made by `create_all()`) gets them. A search table that is gone while its counts
        table is there was dropped: like a removed Whoosh index it is a fault that only a rebuild
        (`create`, `flask portal reindex`) repairs, since an empty table made silently would show
        visitors an empty catalog."""
        key = id(self._engine())
        if key not in self._ready:
            with self._lock:
                if key not in self._ready:
                    check_utf8(conn)
                    if conn.scalar(text("SELECT to_regclass(:t)"), {"t": SEARCH_TABLE}) is None:
                        if not create and conn.scalar(text("SELECT to_regclass(:t)"), {"t": COUNTS_TABLE}) is not None:
                            raise SearchUnavailable(f"the table {SEARCH_TABLE} is missing; run `flask portal reindex`")
                        create_search_table(conn, self.allow_rum)
                        self._lock_writers(conn)
                        self._recount(conn)
                        conn.commit()
                    elif conn.scalar(text("SELECT to_regclass(:t)"), {"t": COUNTS_TABLE}) is None:
                        conn.execute(text(COUNTS_DDL))
                        self._lock_writers(conn)
                        self._recount(conn)
                        conn.commit()
                    self._ready[key] = _text_index_is_rum(conn)
        return self._ready[key]

    def uses_rum(self) -> bool:
        with self._conn() as conn:
            return self._rum(conn)

    def needs_rebuild(self) -> bool:
        """True when the table is missing (it is created again on the next write)."""
        with self._conn() as conn:
            missing = conn.scalar(text("SELECT to_regclass(:t)"), {"t": SEARCH_TABLE}) is None
        if missing:
            self._ready.clear()
        return missing

    # ---- writing ---------------------------------------------------------
    def _damaged(self, exc: ProgrammingError) -> SearchUnavailable:
        """The table was dropped or changed under us: `flask portal reindex` repairs it."""
        self._ready.clear()
        return SearchUnavailable(str(exc.orig))

    def index(self, docs: Iterable[SearchDoc]) -> None:
        rows = [row(d) for d in docs]
        if not rows:
            return
        try:
            self._index_rows(rows)
        except ProgrammingError as exc:
            raise self._damaged(exc) from exc

    def _index_rows(self, rows: list[dict]) -> None:
        with self._conn() as conn:
            self._rum(conn)
            self._lock_writers(conn)
            old = conn.execute(text(f"SELECT facets FROM {SEARCH_TABLE} WHERE id = ANY(:ids)"),
                               {"ids": [r["id"] for r in rows]}).scalars().all()
            conn.execute(UPSERT, rows)
            self._add_counts(conn, [r["facets"] for r in rows], +1)
            self._add_counts(conn, old, -1)
            conn.commit()

    def bulk_index(self, docs: Iterable[SearchDoc], clear: bool = True, procs: int = 1, batch: int = 1000) -> int:
        """Rebuild the index (clear=True) or add to it; with procs > 1 jieba runs in that many processes.

        A rebuild fills a new table with COPY, indexes it, and swaps it in at the end in one short
        transaction: searches keep using the old table meanwhile.
        """
        pool = None
        if procs > 1:
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(procs)
            rows = pool.imap(row, docs, chunksize=64)
        else:
            rows = map(row, docs)
        try:
            with self._conn() as conn:
                rum = self._rum(conn, create=clear)
                return self._rebuild(conn, rows, rum) if clear else self._add_all(conn, rows, batch)
        finally:
            if pool is not None:
                pool.close()
                pool.join()

    def _add_all(self, conn: Connection, rows: Iterable[dict], batch: int) -> int:
        n = 0
        self._lock_writers(conn)
        chunk: list[dict] = []
        for r in rows:
            chunk.append(r)
            if len(chunk) >= batch:
                conn.execute(UPSERT, chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            conn.execute(UPSERT, chunk)
            n += len(chunk)
        self._recount(conn)
        conn.commit()
        return n

    def _rebuild(self, conn: Connection, rows: Iterable[dict], rum: bool) -> int:
        new = f"{SEARCH_TABLE}_rebuild"
        conn.execute(text(f"DROP TABLE IF EXISTS {new}"))
        conn.execute(text(table_ddl(new).replace(f"CONSTRAINT ix_{new}_pkey PRIMARY KEY (id)", "CHECK (TRUE)")))
        n = 0
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {new} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([r[c] for c in COLUMNS])
                n += 1
        conn.execute(text(f"ALTER TABLE {new} ADD CONSTRAINT ix_{new}_pkey PRIMARY KEY (id)"))
        for ddl in index_ddl(rum, new):
            conn.execute(text(ddl))
        self._lock_writers(conn)
        conn.execute(text(f"DROP TABLE {SEARCH_TABLE}"))
        conn.execute(text(f"ALTER TABLE {new} RENAME TO {SEARCH_TABLE}"))
        for suffix in INDEX_SUFFIXES:
            conn.execute(text(f"ALTER INDEX ix_{new}_{suffix} RENAME TO ix_{SEARCH_TABLE}_{suffix}"))
        self._recount(conn)
        conn.commit()
        conn.execute(text(f"ANALYZE {SEARCH_TABLE}"))
        conn.commit()
        return n

    def remove(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        try:
            with self._conn() as conn:
                self._rum(conn)
                self._lock_writers(conn)
                gone = conn.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE id = ANY(:ids) RETURNING facets"),
                                    {"ids": ids}).scalars().all()
                self._add_counts(conn, gone, -1)
                conn.commit()
        except ProgrammingError as exc:
            raise self._damaged(exc) from exc

    def clear(self) -> None:
        with self._conn() as conn:
            self._rum(conn, create=True)
            self._lock_writers(conn)
            conn.execute(text(f"TRUNCATE {SEARCH_TABLE}"))
            self._recount(conn)  # to zero, and a new generation: cached counts are void
            conn.commit()

    @staticmethod
    def _lock_writers(conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})

    def _kept(self, value: str) -> bool:
        """Whether the kept counts hold this `field:value` (the default facet fields only)."""
        return value.partition(":")[0] in self.default_facets

    def _add_counts(self, conn: Connection, facet_lists: list[list[str]], sign: int) -> None:
        delta: dict[str, int] = {GENERATION_KEY: 1}
        for facets in facet_lists:
            for value in [*(v for v in facets if self._kept(v)), TOTAL_KEY]:
                delta[value] = delta.get(value, 0) + sign
        conn.execute(text(f"INSERT INTO {COUNTS_TABLE} (value, n) VALUES (:v, :n) "
                          f"ON CONFLICT (value) DO UPDATE SET n = {COUNTS_TABLE}.n + EXCLUDED.n"),
                     [{"v": v, "n": n} for v, n in sorted(delta.items())])

    def _recount(self, conn: Connection) -> None:
        conn.execute(text(f"INSERT INTO {COUNTS_TABLE} (value, n) VALUES (:g, 1) "
                          f"ON CONFLICT (value) DO UPDATE SET n = {COUNTS_TABLE}.n + 1"), {"g": GENERATION_KEY})
        conn.execute(text(f"DELETE FROM {COUNTS_TABLE} WHERE value <> :g"), {"g": GENERATION_KEY})
        conn.execute(text(f"INSERT INTO {COUNTS_TABLE} (value, n) SELECT v, count(*) FROM {SEARCH_TABLE}, "
                          f"unnest(array_append(facets, CAST(:total AS text))) AS v "
                          f"WHERE v = :total OR split_part(v, ':', 1) = ANY(CAST(:fields AS text[])) GROUP BY v"),
                     {"total": TOTAL_KEY, "fields": list(self.default_facets)})

    def count(self) -> int:
        try:
            with self._conn() as conn:
                self._rum(conn)
                return int(conn.scalar(text(f"SELECT count(*) FROM {SEARCH_TABLE}")))
        except ProgrammingError as exc:
            raise self._damaged(exc) from exc

    # ---- reading ---------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchPage:
        try:
            return self._search(query)
        except ProgrammingError as exc:  # the table was dropped or changed under us: `flask portal reindex`
            raise self._damaged(exc) from exc

    def _search(self, query: SearchQuery) -> SearchPage:
        facet_fields = tuple(f for f in (self.default_facets if query.facet_fields is None else query.facet_fields)
                             if f in self.facet_fields) if query.with_facets else ()
        terms = query_terms(query.text) if query.text.strip() else []
        if query.text.strip() and not terms:
            return SearchPage(hits=[], total=0, facets={f: {} for f in facet_fields} if query.with_facets else {})
        where, params = [], {}
        if terms:
            where.append("tsv @@ CAST(:q AS tsquery)")
            params["q"] = tsquery_literal(terms)
        for i, (field, values) in enumerate(sorted(query.filters.items())):
            if field not in self.facet_fields or not values:
                continue
            where.append(f"facets && CAST(:f{i} AS text[])")
            params[f"f{i}"] = [f"{field}:{v}" for v in values]
        if query.where is not None:
            where.append(self._compile(query.where, params))
        cond = " AND ".join(where) or "TRUE"
        with self._conn() as conn:
            rum = self._rum(conn)
            if terms and query.sort == "relevance":
                order = "tsv <=> CAST(:q AS tsquery)" if rum else "ts_rank(tsv, CAST(:q AS tsquery)) DESC, modified DESC, id"
            elif query.sort == "downloads":
                order = "downloads DESC, modified DESC, id"
            elif query.sort == "title":
                order = "title_sort, id"
            elif query.sort == "modified_asc":
                order = "modified, id"
            else:  # modified, and relevance without text
                order = "modified DESC, id"
            rows = conn.execute(text(f"SELECT id FROM {SEARCH_TABLE} WHERE {cond} ORDER BY {order} "
                                     "LIMIT :limit OFFSET :offset"),
                                {**params, "limit": query.limit, "offset": query.offset}).all()
            hits = [SearchHit(r[0]) for r in rows]
            facets: dict[str, dict[str, int]] = {}
            if facet_fields:
                total, facets = self._facet_counts(conn, where, cond, params, facet_fields)
            elif not where:
                total = int(conn.scalar(text(f"SELECT n FROM {COUNTS_TABLE} WHERE value = :t"), {"t": TOTAL_KEY}) or 0)
            else:
                total = int(conn.scalar(text(f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {cond}"), params))
        return SearchPage(hits=hits, total=total, facets=facets)

    def _compile(self, expr: Expr, params: dict) -> str:
        """A filter expression as an SQL condition on the search table (its values bound in `params`)."""
        if isinstance(expr, Match):
            name = f"w{len(params)}"
            if expr.field == "id":
                params[name] = list(expr.values)
                return f"id = ANY(CAST(:{name} AS varchar[]))"
            if expr.field not in self.facet_fields:
                raise ValueError(f"unknown filter field {expr.field!r}")
            params[name] = [f"{expr.field}:{v}" for v in expr.values]
            return f"facets && CAST(:{name} AS text[])"
        if isinstance(expr, Range):
            parts = []
            for value, op in ((expr.low, ">="), (expr.high, "<=")):
                if value is not None:
                    name = f"w{len(params)}"
                    params[name] = value.timestamp()
                    parts.append(f"modified {op} CAST(:{name} AS double precision)")
            return "(" + " AND ".join(parts) + ")" if parts else "TRUE"
        if isinstance(expr, Not):
            return f"NOT ({self._compile(expr.expr, params)})"
        if isinstance(expr, AllOf):
            return "(" + " AND ".join(self._compile(e, params) for e in expr.exprs) + ")" if expr.exprs else "TRUE"
        if isinstance(expr, AnyOf):
            return "(" + " OR ".join(self._compile(e, params) for e in expr.exprs) + ")" if expr.exprs else "FALSE"
        raise TypeError(f"not a filter expression: {expr!r}")

    def _facet_counts(self, conn: Connection, where: list[str], cond: str, params: dict,
                      fields: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts of `fields` within the results. No condition and default fields only: the
        kept counts. Otherwise counted by SQL, and remembered until the next write anywhere (the generation
        in the counts table), keyed on the condition, its values and the fields counted: counting a word
        that half the catalog contains means reading half the catalog."""
        key = None
        if not where and set(fields) <= set(self.default_facets):
            counts = conn.execute(text(f"SELECT value, n FROM {COUNTS_TABLE} WHERE n > 0")).all()
        else:
            generation = conn.scalar(text(f"SELECT n FROM {COUNTS_TABLE} WHERE value = :g"), {"g": GENERATION_KEY})
            key = (generation, cond, tuple(sorted((k, repr(v)) for k, v in params.items())), tuple(sorted(fields)))
            with self._lock:
                if key in self._counts:
                    self._counts.move_to_end(key)
                    total, facets = self._counts[key]
                    return total, {f: dict(facets[f]) for f in fields}
            counts = conn.execute(text(
                f"SELECT v, count(*) FROM (SELECT unnest(array_append(facets, CAST(:total AS text))) AS v "
                f"FROM {SEARCH_TABLE} WHERE {cond}) AS s "
                f"WHERE v = :total OR split_part(v, ':', 1) = ANY(CAST(:count_fields AS text[])) GROUP BY v"),
                {**params, "total": TOTAL_KEY, "count_fields": list(fields)}).all()
        facets: dict[str, dict[str, int]] = {f: {} for f in fields}
        total = 0
        for value, n in counts:
            if value == TOTAL_KEY:
                total = int(n)
                continue
            field, _, val = value.partition(":")
            if field in facets:
                facets[field][val] = int(n)
        if key is not None:
            with self._lock:
                self._counts[key] = (total, {f: dict(v) for f, v in facets.items()})
                while len(self._counts) > CACHE_SIZE:
                    self._counts.popitem(last=False)
        return total, facets


def check_utf8(conn: Connection) -> None:
    """The database must store UTF-8 and have a UTF-8 ctype; fail clearly otherwise."""
    encoding, ctype = conn.execute(text(
        "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database WHERE datname = current_database()")).one()
    if encoding.upper() != "UTF8" or "UTF8" not in ctype.upper().replace("-", ""):
        raise SearchUnavailable(
            f"the PostgreSQL search backend needs a UTF-8 database with a UTF-8 ctype, but this database has "
            f"encoding {encoding} and ctype {ctype!r}; create it with "
            f"`CREATE DATABASE … ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0` "
            f"(or initdb --locale=C.UTF-8 -E UTF8)")
