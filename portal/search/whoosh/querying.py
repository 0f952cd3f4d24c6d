"""Answering a search over the Whoosh index's arrays: words matched and scored with BM25, facet filters and
filter expressions as boolean vectors, the top of the sort, and the facet counts."""
from __future__ import annotations

import logging
from typing import Iterable

import numpy as np

from ..base import AllOf, AnyOf, Expr, Match, Not, Range, SearchHit, SearchPage, SearchQuery, SearchUnavailable
from ..text import query_terms
from .arrays import _View

BM25_K1, BM25_B = 1.2, 0.75  # Whoosh's BM25F defaults
log = logging.getLogger(__package__)


class Querying:
    """WhooshBackend's reading half (its state and the index's lifecycle are in backend.py)."""

    def _filter_mask(self, view: _View, filters: dict[str, list[str]], where: Expr | None = None) -> np.ndarray:
        mask = view.live.copy()
        for field, values in filters.items():
            if field not in view.pairs or not values:
                continue
            mask &= self._field_mask(view, field, values)
        if where is not None:
            mask &= self._eval(view, where)
        return mask

    def _match_words(self, view: _View, words: list[str], mask: np.ndarray) -> np.ndarray:
        """Narrow `mask` to documents holding every word; the BM25 score of each document."""
        n = len(view.live)
        score = np.zeros(n, dtype=np.float64)
        for word in words:
            docs, tf = self._postings(view, word)
            hit = np.zeros(n, dtype=bool)
            hit[docs] = True
            mask &= hit
            if not mask.any():
                break
            idf = np.log(n / (len(docs) + 1)) + 1.0
            norm = BM25_K1 * ((1 - BM25_B) + BM25_B * view.lengths[docs] / view.average_length)
            score[docs] += idf * (tf * (BM25_K1 + 1)) / (tf + norm)
        return score

    def _field_mask(self, view: _View, field: str, values) -> np.ndarray:
        field_mask = np.zeros(len(view.live), dtype=bool)
        if field == "id":
            index = view.id_index()
            hits = [index[v] for v in values if v in index]
            if hits:
                field_mask[np.asarray(hits, dtype=np.int64)] = True
            return field_mask
        if field not in view.pairs:
            raise ValueError(f"unknown filter field {field!r}")
        wanted = [self._codes[field][v] for v in values if v in self._codes[field]]
        docs, codes = view.pairs[field]
        if wanted:
            field_mask[docs[np.isin(codes, wanted)]] = True
        return field_mask

    def _eval(self, view: _View, expr: Expr) -> np.ndarray:
        """A filter expression as a boolean vector over every document (deleted ones included)."""
        if isinstance(expr, Match):
            return self._field_mask(view, expr.field, expr.values)
        if isinstance(expr, Range):
            out = np.ones(len(view.live), dtype=bool)
            if expr.low is not None:
                out &= view.modified >= expr.low.timestamp()
            if expr.high is not None:
                out &= view.modified <= expr.high.timestamp()
            return out
        if isinstance(expr, Not):
            return ~self._eval(view, expr.expr)
        if isinstance(expr, AllOf):
            out = np.ones(len(view.live), dtype=bool)
            for e in expr.exprs:
                out &= self._eval(view, e)
            return out
        if isinstance(expr, AnyOf):
            out = np.zeros(len(view.live), dtype=bool)
            for e in expr.exprs:
                out |= self._eval(view, e)
            return out
        raise TypeError(f"not a filter expression: {expr!r}")

    def search(self, query: SearchQuery) -> SearchPage:
        """Search the latest committed index. A read that races a commit in another process (a `.toc`
        or segment file replaced while opening it) refreshes and retries once; what still fails is
        SearchUnavailable (index missing, unreadable or corrupt), which the portal answers with 503."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._search(query)
                except SearchUnavailable:
                    self._refresh()
                    raise
                except Exception as exc:
                    self._refresh()
                    if attempt == 2:
                        log.warning("search index unreadable", exc_info=True)
                        raise SearchUnavailable(str(exc)) from exc
            raise AssertionError("unreachable")

    def _search(self, query: SearchQuery) -> SearchPage:
        searcher = self._current_searcher()
        view = self._build_view(searcher)
        mask = self._filter_mask(view, query.filters, query.where)
        facet_fields = self.default_facets if query.facet_fields is None else query.facet_fields
        words = query_terms(query.text) if query.text.strip() else []
        if query.text.strip() and not words:
            return SearchPage(hits=[], total=0,
                              facets=self._facets(view, np.zeros_like(mask), facet_fields) if query.with_facets else {})
        score = self._match_words(view, words, mask) if words else None
        total = int(mask.sum())
        end = query.offset + query.limit
        if score is not None and query.sort == "relevance":
            docs = self._top(np.flatnonzero(mask), -score, query.offset, end)
            hits = [SearchHit(view.ids[d], float(score[d])) for d in docs]
        else:
            hits = [SearchHit(view.ids[d]) for d in self._sorted_docs(view, mask, query.sort, query.offset, end)]
        facets = self._facets(view, mask, facet_fields) if query.with_facets else {}
        return SearchPage(hits=hits, total=total, facets=facets)

    def _top(self, docs: np.ndarray, key: np.ndarray, start: int, end: int) -> list[int]:
        """docs[start:end] ordered by key (ascending; ties by document number)."""
        if len(docs) == 0 or start >= len(docs):
            return []
        values = key[docs]
        if end < len(docs):
            top = np.argpartition(values, end - 1)[:end]
            top = top[np.lexsort((docs[top], values[top]))]
        else:
            top = np.lexsort((docs, values))
        return docs[top[start:end]].tolist()

    def _sorted_docs(self, view: _View, mask: np.ndarray, sort: str, start: int, end: int) -> list[int]:
        docs = np.flatnonzero(mask)
        if sort == "title":
            key = view.title_rank()
        elif sort == "modified_asc":
            key = view.modified
        elif sort == "downloads":
            # one integer key: downloads first, then newest first among equals
            key = -((view.downloads << 32) | view.modified.astype(np.int64))
        else:  # modified, and relevance without text
            key = -view.modified
        return self._top(docs, key, start, end)

    def _facets(self, view: _View, mask: np.ndarray, fields: Iterable[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for field in fields:
            if field not in view.pairs:
                continue
            docs, codes = view.pairs[field]
            selected = codes[mask[docs]] if len(docs) else codes
            counts = np.bincount(selected, minlength=len(self._values[field])) if len(selected) else []
            values = self._values[field]
            out[field] = {values[i]: int(c) for i, c in enumerate(counts) if c}
        return out
