"""Answering a search on the PostgreSQL index: the page of hits by SQL, the total and the facet counts from
the kept counts, the postings bitmaps and the facet arrays (or SQL), remembered until the next write."""
from __future__ import annotations

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from ..base import AllOf, AnyOf, Expr, Match, Not, Range, SearchHit, SearchPage, SearchQuery
from ..text import query_terms
from .arrays import FacetArrays, _int_array, _intersect
from .schema import COUNTS_TABLE, GENERATION_KEY, POSTINGS_TABLE, SEARCH_TABLE, TOTAL_KEY
from .words import tsquery_literal

CACHE_SIZE = 2048  # (generation, query) -> total and facet counts, per process


class Querying:
    """PostgresBackend's reading half (its state and set-up are in backend.py)."""

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
