"""Writing the PostgreSQL search index: add, rebuild, remove and clear, keeping the whole-index counts and the
postings of frequent words exact under one writer at a time (an advisory lock)."""
from __future__ import annotations

from typing import Iterable

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from ..base import SearchDoc
from .arrays import _bits, _docnos, _int_array
from .schema import (COLUMNS, COUNTS_TABLE, GENERATION_KEY, INDEX_SUFFIXES, POSTINGS_TABLE, SEARCH_TABLE, TOTAL_KEY,
                     WRITE_LOCK, index_ddl, layout_ddl, postings_ddl, table_ddl)
from .words import row

UPSERT = text(f"""
INSERT INTO {SEARCH_TABLE} (id, tsv, facets, modified, downloads, title_sort)
VALUES (:id, CAST(:tsv AS tsvector), :facets, :modified, :downloads, :title_sort)
ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv, facets = EXCLUDED.facets, modified = EXCLUDED.modified,
    downloads = EXCLUDED.downloads, title_sort = EXCLUDED.title_sort""")


class Writing:
    """PostgresBackend's writing half (its state and set-up are in backend.py)."""

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
