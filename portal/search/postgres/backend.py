"""PostgresBackend: the SearchBackend on the portal's PostgreSQL database, its set-up and its state;
writing.py writes the index, querying.py answers searches."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ProgrammingError

from ..base import SearchUnavailable
from .arrays import FacetArrays
from .querying import Querying
from .schema import (COUNTS_DDL, COUNTS_TABLE, POSTINGS_MIN_DF, POSTINGS_TABLE, SEARCH_TABLE, _text_index_is_rum,
                     check_utf8, create_search_table, holds_other_words, postings_ddl)
from .writing import Writing


class PostgresBackend(Writing, Querying):
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

    def _damaged(self, exc: ProgrammingError) -> SearchUnavailable:
        """The table was dropped or changed under us: `flask portal reindex` repairs it."""
        self._ready.clear()
        return SearchUnavailable(str(exc.orig))
