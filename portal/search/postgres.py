"""PostgreSQL search backend: jieba words in a weighted `tsvector`, facet counts and sorts by SQL and numpy.

The words come from the same segmenter as Whoosh (text.py): `part_words()` for each part of an entry, `query_terms()`
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

Exact totals and facet counts without reading every match. A word of half the catalog matches 50,000
rows of about 1.4 kB (the tsvector is stored inline), and reading them, whether for `count(*)` or to
unnest and group their facets, cost up to 100 ms at 100,000 entries. So every row has an entry number
(`docno`, an identity column), and:
- POSTINGS_TABLE holds, for every word that at least POSTINGS_MIN_DF (2,000) entries contain, a bitmap
  of their numbers (12.5 kB at 100,000 entries). It is filled at each recount (rebuild, batch add,
  clear) and kept exact by every write (`index`, `remove` update the rows of the words they add or
  drop); a word that becomes frequent later has no row until the next recount, which is only slower.
- Each process holds FacetArrays: the default facet values of every entry by number, loaded once per
  search generation (the counts table's generation row, moved by every write) with one GROUP BY over
  the table (0.6–0.9 s at 100,000 entries, 70–90 ms at 10,000; paid by the first counted query after a
  start or a write).
Numbers only grow (an upsert uses one of the sequence even when the entry keeps its number): bitmaps and
arrays are as long as the largest number, until a rebuild numbers the entries afresh.
A query's words with a postings row are intersected as bitmaps; when they are all of the words and the
other conditions are facet filters, the filters are applied to the arrays and no table row is read.
Otherwise the table answers the rest (the words without a row, the filters, the expression) as one
binary array of numbers (`array_send(array_agg(docno))`, no per-row result), intersected with the
bitmaps. The total is the number of entries, and the facet counts one numpy gather and bincount. The
page, the generation, the postings and the arrays are read in one REPEATABLE READ snapshot, so counts
stay exact while writers commit. Counts of index-only fields are still counted by SQL (unnest and GROUP
BY); all answers are remembered per process until the next write. What remains at 100,000 entries is
RUM's ranking: it scores every match of the words to return the top 20 (about 30–60 ms for the few
queries of one or two words in a third of the catalog or more). Measured at 51c5128 (bench/README.md,
load average 2–3): 100,000 entries, facets, first time in a fresh process, p95 16.6 ms (90.9 ms before).

The tables `search_documents` and `search_postings` belong to this backend (like Whoosh's index
directory): migrations 0004_pg_search and 0008_pg_search_postings create them on PostgreSQL, and the
backend creates them itself in a database that has none of its tables (one made with `create_all()`);
a search table dropped later is a fault, answered with SearchUnavailable until `flask portal reindex`
rebuilds it. They are not ORM models, so model autogeneration leaves them alone (`include_object`).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from .base import AllOf, AnyOf, Expr, Match, Not, Range, SearchDoc, SearchHit, SearchPage, SearchQuery, SearchUnavailable
from .text import part_words, query_terms

log = logging.getLogger(__name__)

SEARCH_TABLE = "search_documents"
# The words' layout, kept as the table's comment: a table built by a version whose words differ counts
# as another version's, which `flask portal reindex` (also --if-needed) rebuilds, as for Whoosh.
LAYOUT = "portal words 3: part_words, characters of title, tags and agency"
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
POSTINGS_TABLE = "search_postings"
# The numbers (docno) of the entries containing each frequent word, as a bitmap: the total and facet
# counts of a query whose words are frequent come from these and the per-process facet arrays, without
# reading the tens of thousands of table rows the words match. Kept exact by every write.
POSTINGS_MIN_DF = 2000  # words in at least this many entries get a row (at each recount)


def postings_ddl(table: str = POSTINGS_TABLE) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {table} (lexeme text NOT NULL, docnos bytea NOT NULL, "
            f"CONSTRAINT {table}_pkey PRIMARY KEY (lexeme))")


COLUMNS = ("id", "tsv", "facets", "modified", "downloads", "title_sort")  # docno comes from its identity
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
    docno integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,
    CONSTRAINT ix_{table}_pkey PRIMARY KEY (id)
)"""


def layout_ddl(table: str = SEARCH_TABLE) -> str:
    return f"COMMENT ON TABLE {table} IS '{LAYOUT}'"


def holds_other_words(conn: Connection) -> bool:
    """Whether the search table holds the words of another layout than LAYOUT. An empty table holds none:
    it is marked with this layout (the migrations make the table without one)."""
    if conn.scalar(text("SELECT obj_description(to_regclass(:t), 'pg_class')"), {"t": SEARCH_TABLE}) == LAYOUT:
        return False
    if conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {SEARCH_TABLE})")):
        return True
    conn.execute(text(layout_ddl()))
    conn.commit()
    return False


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
    if type_ == "table" and name in (SEARCH_TABLE, COUNTS_TABLE, POSTINGS_TABLE):
        return False
    if type_ == "index" and getattr(getattr(obj, "table", None), "name", None) in (SEARCH_TABLE, COUNTS_TABLE,
                                                                                  POSTINGS_TABLE):
        return False
    return True


def create_search_table(conn: Connection, allow_rum: bool = True) -> bool:
    """Create the table and its indexes if missing; the RUM index when the extension can be had.

    Returns True when the text index is a RUM index.
    """
    rum = allow_rum and _ensure_rum(conn)
    conn.execute(text(table_ddl()))
    conn.execute(text(layout_ddl()))
    conn.execute(text(COUNTS_DDL))
    conn.execute(text(postings_ddl()))
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
    parts = doc.parts()
    positions: dict[str, list[str]] = {}
    pos = 0
    for part, weight in WEIGHTS:
        for word in part_words(part, parts[part]):
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
                 filter_fields: Iterable[str] = (), postings_min_df: int = POSTINGS_MIN_DF) -> None:
        """facet_fields are counted by default (and kept counted for the whole index); filter_fields are
        stored the same way for filters and expressions and counted only when a query names them."""
        self._engine = engine
        self.allow_rum = allow_rum  # False: GIN + ts_rank even where RUM is available (tests, comparisons)
        self.default_facets = tuple(facet_fields)
        self.facet_fields = self.default_facets + tuple(f for f in filter_fields if f not in self.default_facets)
        self._lock = threading.Lock()
        self._ready: dict[int, bool] = {}  # id(engine) -> text index is RUM
        self._counts: OrderedDict[tuple, tuple[int, dict[str, dict[str, int]]]] = OrderedDict()
        self.postings_min_df = postings_min_df  # the words given a postings row at each recount
        self._arrays: dict[int, FacetArrays] = {}  # id(engine) -> facet arrays of one generation

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
                    elif not create and holds_other_words(conn):
                        raise SearchUnavailable(f"the table {SEARCH_TABLE} was built by another version; "
                                                "run `flask portal reindex`")
                    elif any(conn.scalar(text("SELECT to_regclass(:t)"), {"t": t}) is None
                             for t in (COUNTS_TABLE, POSTINGS_TABLE)):
                        conn.execute(text(COUNTS_DDL))
                        conn.execute(text(postings_ddl()))
                        self._lock_writers(conn)
                        self._recount(conn)
                        conn.commit()
                    self._ready[key] = _text_index_is_rum(conn)
        return self._ready[key]

    def uses_rum(self) -> bool:
        with self._conn() as conn:
            return self._rum(conn)

    def needs_rebuild(self) -> bool:
        """True when the table is missing (it is created again on the next write) or was built by a version
        whose words differ (LAYOUT)."""
        with self._conn() as conn:
            stale = conn.scalar(text("SELECT to_regclass(:t)"), {"t": SEARCH_TABLE}) is None \
                or holds_other_words(conn)
        if stale:
            self._ready.clear()
        return stale

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
            ids = {"ids": [r["id"] for r in rows]}
            old = conn.execute(text(f"SELECT facets, docno, tsvector_to_array(tsv) FROM {SEARCH_TABLE} "
                                    "WHERE id = ANY(:ids)"), ids).all()
            conn.execute(UPSERT, rows)
            new = conn.execute(text(f"SELECT docno, tsvector_to_array(tsv) FROM {SEARCH_TABLE} WHERE id = ANY(:ids)"),
                               ids).all()
            self._add_counts(conn, [r["facets"] for r in rows], +1)
            self._add_counts(conn, [o[0] for o in old], -1)
            self._add_postings(conn, [o[1:] for o in old], new)
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
        conn.execute(text(layout_ddl(new)))
        n = 0
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {new} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([r[c] for c in COLUMNS])
                n += 1
        conn.execute(text(f"ALTER TABLE {new} ADD CONSTRAINT ix_{new}_pkey PRIMARY KEY (id)"))
        for ddl in index_ddl(rum, new):
            conn.execute(text(ddl))
        new_postings = f"{POSTINGS_TABLE}_rebuild"
        conn.execute(text(f"DROP TABLE IF EXISTS {new_postings}"))
        conn.execute(text(postings_ddl(new_postings)))
        self._fill_postings(conn, new, new_postings)
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'docno')"), {"t": new})
        self._lock_writers(conn)
        conn.execute(text(f"DROP TABLE {SEARCH_TABLE}"))
        conn.execute(text(f"ALTER TABLE {new} RENAME TO {SEARCH_TABLE}"))
        for suffix in INDEX_SUFFIXES:
            conn.execute(text(f"ALTER INDEX ix_{new}_{suffix} RENAME TO ix_{SEARCH_TABLE}_{suffix}"))
        conn.execute(text(f"ALTER SEQUENCE {sequence} RENAME TO {SEARCH_TABLE}_docno_seq"))
        conn.execute(text(f"DROP TABLE IF EXISTS {POSTINGS_TABLE}"))
        conn.execute(text(f"ALTER TABLE {new_postings} RENAME TO {POSTINGS_TABLE}"))
        conn.execute(text(f"ALTER INDEX {new_postings}_pkey RENAME TO {POSTINGS_TABLE}_pkey"))
        self._recount(conn, postings=False)
        conn.commit()
        conn.execute(text(f"ANALYZE {SEARCH_TABLE}"))
        conn.execute(text(f"ANALYZE {POSTINGS_TABLE}"))
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
                gone = conn.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE id = ANY(:ids) "
                                         "RETURNING facets, docno, tsvector_to_array(tsv)"), {"ids": ids}).all()
                self._add_counts(conn, [g[0] for g in gone], -1)
                self._add_postings(conn, [g[1:] for g in gone], [])
                conn.commit()
        except ProgrammingError as exc:
            raise self._damaged(exc) from exc

    def clear(self) -> None:
        with self._conn() as conn:
            self._rum(conn, create=True)
            self._lock_writers(conn)
            conn.execute(text(f"TRUNCATE {SEARCH_TABLE}"))
            conn.execute(text(layout_ddl()))  # emptied: what is indexed from now on has this layout
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

    def _fill_postings(self, conn: Connection, table: str, postings: str) -> None:
        """The postings rows of every word that at least `postings_min_df` entries of `table` contain."""
        rows = conn.execute(text(
            f"SELECT w, array_send(array_agg(docno)) FROM {table}, unnest(tsvector_to_array(tsv)) AS w "
            f"GROUP BY w HAVING count(*) >= :min_df"), {"min_df": self.postings_min_df}).all()
        if rows:
            conn.execute(text(f"INSERT INTO {postings} (lexeme, docnos) VALUES (:w, :bits)"),
                         [{"w": w, "bits": _bits(_int_array(data))} for w, data in rows])

    @staticmethod
    def _add_postings(conn: Connection, old: list, new: list) -> None:
        """Keep the postings rows exact: `old` and `new` are (docno, words) of the changed entries before and
        after the write. Only words that have a row are updated; a word without one is searched in the table."""
        before = {docno: set(words) for docno, words in old}
        after = {docno: set(words) for docno, words in new}
        add: dict[str, list[int]] = {}
        drop: dict[str, list[int]] = {}
        for docno in before.keys() | after.keys():
            was, now = before.get(docno, set()), after.get(docno, set())
            for word in now - was:
                add.setdefault(word, []).append(docno)
            for word in was - now:
                drop.setdefault(word, []).append(docno)
        changed = sorted(add.keys() | drop.keys())
        if not changed:
            return
        rows = conn.execute(text(f"SELECT lexeme, docnos FROM {POSTINGS_TABLE} WHERE lexeme = ANY(:w)"),
                            {"w": changed}).all()
        updates = []
        for word, data in rows:
            docnos = _docnos(data)
            if word in drop:
                docnos = docnos[~np.isin(docnos, drop[word])]
            updates.append({"w": word, "bits": _bits(np.concatenate((docnos, add.get(word, []))).astype(np.int64))})
        if updates:
            conn.execute(text(f"UPDATE {POSTINGS_TABLE} SET docnos = :bits WHERE lexeme = :w"), updates)

    def _recount(self, conn: Connection, postings: bool = True) -> None:
        if postings:
            conn.execute(text(f"DELETE FROM {POSTINGS_TABLE}"))
            self._fill_postings(conn, SEARCH_TABLE, POSTINGS_TABLE)
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
        filters = {}
        for i, (field, values) in enumerate(sorted(query.filters.items())):
            if field not in self.facet_fields or not values:
                continue
            where.append(f"facets && CAST(:f{i} AS text[])")
            params[f"f{i}"] = [f"{field}:{v}" for v in values]
            filters[field] = params[f"f{i}"]
        if query.where is not None:
            where.append(self._compile(query.where, params))
        cond = " AND ".join(where) or "TRUE"
        with self._conn() as conn:
            rum = self._rum(conn)
            if conn.in_transaction():
                conn.commit()
            # one snapshot for the page, the generation, the postings and the facet arrays: counts stay exact
            # while writers commit
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
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
            if facet_fields and not set(facet_fields) <= set(self.default_facets):
                total, facets = self._facet_counts(conn, where, cond, params, facet_fields)
            elif not where:
                total, facets = self._whole_index(conn, facet_fields)
            else:
                arrays_only = query.where is None and set(filters) <= set(self.default_facets)
                total, facets = self._counted(conn, where, params, facet_fields, terms,
                                              filters if arrays_only else None)
            conn.commit()
        return SearchPage(hits=hits, total=total, facets=facets)

    def _whole_index(self, conn: Connection, fields: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and counts of the whole index: the kept counts."""
        if not fields:
            return int(conn.scalar(text(f"SELECT n FROM {COUNTS_TABLE} WHERE value = :t"), {"t": TOTAL_KEY}) or 0), {}
        return _split_counts(conn.execute(text(f"SELECT value, n FROM {COUNTS_TABLE} WHERE n > 0")).all(), fields)

    def _count_key(self, conn: Connection, cond: str, params: dict, fields: tuple[str, ...]) -> tuple[int, tuple]:
        """The current search generation, and the key counts are remembered under until the next write
        anywhere: the generation, the condition, its values and the fields counted."""
        generation = conn.scalar(text(f"SELECT n FROM {COUNTS_TABLE} WHERE value = :g"), {"g": GENERATION_KEY})
        return generation, (generation, cond, tuple(sorted((k, repr(v)) for k, v in params.items())),
                            tuple(sorted(fields)))

    def _remembered(self, key: tuple, fields: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]] | None:
        with self._lock:
            if key not in self._counts:
                return None
            self._counts.move_to_end(key)
            total, facets = self._counts[key]
            return total, {f: dict(facets[f]) for f in fields}

    def _remember(self, key: tuple, total: int, facets: dict[str, dict[str, int]]) -> None:
        with self._lock:
            self._counts[key] = (total, {f: dict(v) for f, v in facets.items()})
            while len(self._counts) > CACHE_SIZE:
                self._counts.popitem(last=False)

    def _counted(self, conn: Connection, where: list[str], params: dict, fields: tuple[str, ...],
                 terms: list[str], filters: dict[str, list[str]] | None) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and counts of default facet `fields` (none: the total only) within the results.

        The matching entries are found as entry numbers. The words with a postings row give theirs
        (intersected in numpy); when every word has one and the other conditions are facet `filters`
        (None: not only), the filters are applied to the facet arrays and no table row is read. Otherwise
        the table answers the rest of the condition (the words without a row, the filters, the expression)
        as one binary array of numbers, and the two are intersected; or all of it, when no word has a row or
        every word has one but an expression or index-only filter is part of the condition.
        Their facet values are counted in the per-process facet arrays of the current generation. The
        answer is remembered like `_facet_counts`'s."""
        cond = " AND ".join(where)
        generation, key = self._count_key(conn, cond, params, fields)
        remembered = self._remembered(key, fields)
        if remembered is not None:
            return remembered
        docnos, missing = self._postings(conn, terms) if terms else (None, terms)
        if docnos is not None and not missing and filters is not None:
            if filters and len(docnos):
                docnos = self._facet_arrays(conn, generation).filter(docnos, filters)
        elif docnos is not None and missing:  # where[0] is the words' condition: the missing words instead
            rest = ["tsv @@ CAST(:q AS tsquery)", *where[1:]]
            rest_params = {**params, "q": tsquery_literal(missing)}
            found = _int_array(conn.scalar(text(
                f"SELECT array_send(array_agg(docno)) FROM {SEARCH_TABLE} WHERE {' AND '.join(rest)}"), rest_params))
            docnos = _intersect(docnos, found)
        elif not fields:
            docnos = None
            total = int(conn.scalar(text(f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {cond}"), params))
        else:
            docnos = _int_array(conn.scalar(text(
                f"SELECT array_send(array_agg(docno)) FROM {SEARCH_TABLE} WHERE {cond}"), params))
        facets: dict[str, dict[str, int]] = {}
        if docnos is not None:
            total = int(len(docnos))
            if fields:
                facets = self._facet_arrays(conn, generation).count(docnos, fields)
        self._remember(key, total, facets)
        return total, facets

    def _postings(self, conn: Connection, terms: list[str]) -> tuple[np.ndarray | None, list[str]]:
        """The entry numbers containing every word of `terms` that has a postings row (None: no word has
        one), and the words without a row."""
        words = sorted(set(terms))
        rows = conn.execute(text(f"SELECT lexeme, docnos FROM {POSTINGS_TABLE} WHERE lexeme = ANY(:w)"),
                            {"w": words}).all()
        if not rows:
            return None, words
        bitmaps = [np.frombuffer(r[1], dtype=np.uint8) for r in rows]
        both = bitmaps[0][:min(len(b) for b in bitmaps)].copy()
        for other in bitmaps[1:]:
            both &= other[:len(both)]
        docnos = np.flatnonzero(np.unpackbits(both, bitorder="little"))
        have = {r[0] for r in rows}
        return docnos, [w for w in words if w not in have]

    def _facet_arrays(self, conn: Connection, generation) -> "FacetArrays":
        """The default facet values of every entry, loaded once per generation (in the caller's snapshot)."""
        key = id(self._engine())
        arrays = self._arrays.get(key)
        if arrays is None or arrays.generation != generation:
            arrays = FacetArrays.load(conn, self.default_facets, generation)
            with self._lock:
                self._arrays[key] = arrays
        return arrays

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
        """Total and facet counts of `fields` within the results when index-only fields are asked for (the
        facet arrays hold the default fields only): counted by SQL, every match's values unnested and
        grouped, and remembered until the next write anywhere (the generation in the counts table), keyed
        on the condition, its values and the fields counted."""
        _, key = self._count_key(conn, cond, params, fields)
        remembered = self._remembered(key, fields)
        if remembered is not None:
            return remembered
        counts = conn.execute(text(
            f"SELECT v, count(*) FROM (SELECT unnest(array_append(facets, CAST(:total AS text))) AS v "
            f"FROM {SEARCH_TABLE} WHERE {cond}) AS s "
            f"WHERE v = :total OR split_part(v, ':', 1) = ANY(CAST(:count_fields AS text[])) GROUP BY v"),
            {**params, "total": TOTAL_KEY, "count_fields": list(fields)}).all()
        total, facets = _split_counts(counts, fields)
        self._remember(key, total, facets)
        return total, facets


def _split_counts(rows, fields: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]]:
    """(`field:value` or TOTAL_KEY, n) rows as the total and the counts of `fields`."""
    facets: dict[str, dict[str, int]] = {f: {} for f in fields}
    total = 0
    for value, n in rows:
        if value == TOTAL_KEY:
            total = int(n)
            continue
        field, _, val = value.partition(":")
        if field in facets:
            facets[field][val] = int(n)
    return total, facets


def _int_array(data: bytes | None) -> np.ndarray:
    """An integer[] in PostgreSQL's binary form (`array_send`) as a numpy array; NULL is empty."""
    if data is None:
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(data, dtype=">i4")
    if len(words) < 5 or words[0] == 0:  # no dimensions: an empty array
        return np.zeros(0, dtype=np.int64)
    if words[0] != 1 or words[1] != 0:
        raise ValueError("expected a one-dimensional integer array without NULLs")
    return words[6::2].astype(np.int64)  # after the header, (length 4, value) per element


def _bits(docnos: np.ndarray) -> bytes:
    """Entry numbers as a bitmap (bit n of the bytes, least significant bit first, is entry n)."""
    if not len(docnos):
        return b""
    flags = np.zeros(int(docnos.max()) + 1, dtype=bool)
    flags[docnos] = True
    return np.packbits(flags, bitorder="little").tobytes()


def _docnos(bits: bytes) -> np.ndarray:
    return np.flatnonzero(np.unpackbits(np.frombuffer(bits, dtype=np.uint8), bitorder="little"))


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The numbers in both (each without repeats), in a's order."""
    if not len(a) or not len(b):
        return a[:0]
    seen = np.zeros(int(max(a.max(), b.max())) + 1, dtype=bool)
    seen[b] = True
    return a[seen[a]]


class FacetArrays:
    """The default facet values of every entry of one search generation, by entry number (docno).

    `matrix[docno]` holds the codes of the entry's values (padded with `len(values)`), so counting the
    values of any set of entries is one gather and one bincount; `docs[code]` lists the entries that have
    a value, for facet filters. Entries numbered past the matrix have no value in these fields.
    """

    def __init__(self, generation, values: list[str], docs: list[np.ndarray]) -> None:
        self.generation = generation
        self.values = values
        self.codes = {v: i for i, v in enumerate(values)}
        self.docs = docs
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        flat = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        codes = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
        order = np.argsort(flat, kind="stable")
        flat, codes = flat[order], codes[order]
        rows = int(flat.max()) + 1 if len(flat) else 0
        per_doc = np.bincount(flat, minlength=rows)
        width = int(per_doc.max()) if rows else 0
        starts = np.concatenate(([0], np.cumsum(per_doc)[:-1])) if rows else np.zeros(0, dtype=np.int64)
        slot = np.arange(len(flat)) - np.repeat(starts, per_doc)
        self.matrix = np.full((rows, max(width, 1)), len(values), dtype=np.int32)
        self.matrix[flat, slot] = codes

    @classmethod
    def load(cls, conn: Connection, fields: tuple[str, ...], generation) -> "FacetArrays":
        rows = conn.execute(text(
            f"SELECT v, array_send(array_agg(docno)) FROM {SEARCH_TABLE}, unnest(facets) AS v "
            f"WHERE split_part(v, ':', 1) = ANY(CAST(:fields AS text[])) GROUP BY v ORDER BY v"),
            {"fields": list(fields)}).all()
        return cls(generation, [r[0] for r in rows], [_int_array(r[1]) for r in rows])

    def count(self, docnos: np.ndarray, fields: tuple[str, ...]) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {f: {} for f in fields}
        docnos = docnos[docnos < len(self.matrix)]
        counts = np.bincount(self.matrix[docnos].ravel(), minlength=len(self.values) + 1)
        for code in np.flatnonzero(counts[:len(self.values)]):
            field, _, val = self.values[code].partition(":")
            if field in facets:
                facets[field][val] = int(counts[code])
        return facets

    def filter(self, docnos: np.ndarray, filters: dict[str, list[str]]) -> np.ndarray:
        """The entries among `docnos` with one of the values of every filter (`field:value` strings)."""
        for values in filters.values():
            keep = np.zeros(len(self.matrix), dtype=bool)
            for value in values:
                code = self.codes.get(value)
                if code is not None:
                    keep[self.docs[code]] = True
            docnos = docnos[docnos < len(keep)]
            docnos = docnos[keep[docnos]]
        return docnos


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
