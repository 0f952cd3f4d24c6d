"""Whoosh search backend with jieba tokenising and in-memory facet counting.

Whoosh's own `groupedby` facets are too slow at 100k entries (about 350 ms p95 measured), so
facet values, sort keys and liveness are held per index segment in numpy arrays, built once
per segment and reassembled when the index generation changes. Text matching and BM25 scoring
are vector operations too: each query word's posting list (document numbers and term frequencies) is
read from Whoosh's segment once and kept as numpy arrays (segments never change, so the cache only
grows with distinct query words, up to POSTING_CACHE_ENTRIES postings). Whoosh stores and segments;
every match, score, filter, count and sort is a vector operation over those arrays.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError

from .base import AllOf, AnyOf, Expr, Match, Not, Range, SearchDoc, SearchHit, SearchPage, SearchQuery, SearchUnavailable
from .text import part_words, query_terms

# How much a word counts in each part of an entry. Every part is segmented once by jieba (text.py,
# the one place to swap the segmenter) into one field, where a title word appears 4 times, a tag
# word twice, and so on: BM25 then ranks title matches first, and a query is one posting-list
# intersection instead of a disjunction over five fields (5x less work at 100,000 entries).
FIELD_WEIGHTS = (("title", 4), ("tags", 2), ("agency", 2), ("items", 1), ("summary", 1))
WRITE_TIMEOUT_S = 10.0
POSTING_CACHE_ENTRIES = 8_000_000  # postings kept in memory over all segments (~96 MB), then the cache restarts
BM25_K1, BM25_B = 1.2, 0.75  # Whoosh's BM25F defaults
log = logging.getLogger(__name__)


PART_SEPARATOR = "\x1f"
# The stored field of facets, dates and counts. Its name carries the layout of what it holds and of the
# words (v3: text.part_words), so an index of an older layout counts as built by another version.
META = "meta_v3"


class WeightedJiebaTokenizer(Tokenizer):
    """Segments the entry's parts (title, tags, agency, items, summary, joined by PART_SEPARATOR) with
    jieba and repeats each word by its part's weight. It runs inside Whoosh's writer, so a parallel
    rebuild segments in every writer process."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for (name, weight), part in zip(FIELD_WEIGHTS, value.split(PART_SEPARATOR)):
            for word in part_words(name, part):
                for _ in range(weight):
                    token.original = token.text = word
                    token.boost, token.stopped = 1.0, False
                    if positions:
                        token.pos = pos
                        pos += 1
                    yield token


def entry_text(doc: SearchDoc) -> str:
    parts = doc.parts()
    return PART_SEPARATOR.join(parts[name] for name, _ in FIELD_WEIGHTS)


@dataclass
class _Segment:
    """Per-segment arrays, indexed by the segment's local document number."""

    size: int
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]  # field -> (local docnums, value codes)
    modified: np.ndarray
    downloads: np.ndarray
    title_sort: list[str]
    ids: list[str]
    lengths: np.ndarray  # the text field's length per document (Whoosh's byte-coded lengths)
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # word -> (local docnums, term frequencies)


@dataclass
class _View:
    """Arrays for the whole index at one generation (segments laid end to end)."""

    generation: tuple
    live: np.ndarray
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    modified: np.ndarray
    downloads: np.ndarray
    title_sort: list[str]
    ids: list[str]
    segments: list[tuple[_Segment, int, object]]  # (segment, first docnum, Whoosh's segment reader)
    lengths: np.ndarray
    average_length: float
    _title_rank: np.ndarray | None = None
    _id_index: dict[str, int] | None = None

    def id_index(self) -> dict[str, int]:
        if self._id_index is None:
            self._id_index = {id_: n for n, id_ in enumerate(self.ids)}
        return self._id_index

    def title_rank(self) -> np.ndarray:
        if self._title_rank is None:
            order = sorted(range(len(self.title_sort)), key=self.title_sort.__getitem__)
            rank = np.empty(len(order), dtype=np.int64)
            rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
            self._title_rank = rank
        return self._title_rank


class WhooshBackend:
    def __init__(self, index_dir: str | Path, facet_fields: Iterable[str], filter_fields: Iterable[str] = ()) -> None:
        """facet_fields are counted by default; filter_fields are indexed the same way for filters and
        expressions and counted only when a query names them."""
        self.dir = Path(index_dir)
        self.default_facets = tuple(facet_fields)
        self.facet_fields = self.default_facets + tuple(f for f in filter_fields if f not in self.default_facets)
        self._lock = threading.RLock()
        self._ix = None
        self._searcher = None
        self._segments: dict[str, _Segment] = {}
        self._view: _View | None = None
        self._cached_postings = 0
        self._codes: dict[str, dict[str, int]] = {f: {} for f in self.facet_fields}
        self._values: dict[str, list[str]] = {f: [] for f in self.facet_fields}
        self._create_if_absent()

    # ---- index lifecycle -------------------------------------------------
    def _schema(self) -> Schema:
        # Words arrive segmented; no positions are kept (there is no phrase search), which halves the index.
        # An index of an older layout (META) counts as built by another version and `reindex --if-needed`
        # rebuilds it.
        return Schema(id=ID(stored=True, unique=True), **{META: STORED()},
                      text=TEXT(analyzer=WeightedJiebaTokenizer(), phrase=False))

    def _index(self):
        """The open index. It is never created here: a missing index is a fault that `reindex` repairs
        (an empty index made silently would show visitors an empty catalog)."""
        if self._ix is None:
            if not whoosh_index.exists_in(str(self.dir)):
                raise SearchUnavailable("there is no search index; run `flask portal reindex`")
            ix = whoosh_index.open_dir(str(self.dir))
            if sorted(ix.schema.names()) != sorted(self._schema().names()):
                raise SearchUnavailable("the search index was built by another version; run `flask portal reindex`")
            self._ix = ix
        return self._ix

    def _create_if_absent(self) -> None:
        """A new installation starts with an empty index; only when the directory does not exist at all."""
        if self.dir.exists():
            return
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        lock = self.dir.parent / f".{self.dir.name}.create.lock"
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # several workers may start at once
            if not self.dir.exists():
                tmp = Path(tempfile.mkdtemp(prefix=f".{self.dir.name}-", dir=self.dir.parent))
                whoosh_index.create_in(str(tmp), self._schema())
                os.rename(tmp, self.dir)
        finally:
            os.close(fd)

    def _refresh(self) -> None:
        """Forget every open handle, so the next read opens the index as it is on disk now."""
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:
                pass
        self._searcher = None
        self._ix = None
        self._view = None

    def needs_rebuild(self) -> bool:
        """True when there is no index yet or it was built with another schema."""
        try:
            if not whoosh_index.exists_in(str(self.dir)):
                return True
            return sorted(whoosh_index.open_dir(str(self.dir)).schema.names()) != sorted(self._schema().names())
        except Exception:  # unreadable or corrupt
            return True

    def _writer(self):
        """A writer, waiting for the lock rather than failing; LockError never reaches a user."""
        try:
            self._index()
        except SearchUnavailable:
            self._refresh()
            raise
        deadline = time.monotonic() + WRITE_TIMEOUT_S
        while True:
            try:
                return self._index().writer(timeout=1.0)
            except LockError:
                if time.monotonic() > deadline:
                    raise SearchUnavailable("search index is locked by another writer")
                time.sleep(0.05)

    def index(self, docs: Iterable[SearchDoc]) -> None:
        with self._lock:
            writer = self._writer()
            try:
                for doc in docs:
                    writer.update_document(**self._fields(doc))
                writer.commit()
            except BaseException:
                writer.cancel()
                self._refresh()
                raise

    def bulk_index(self, docs: Iterable[SearchDoc], clear: bool = True, procs: int = 1) -> int:
        """Rebuild: write every document into a fresh index in one writer (fast path for reindex).

        With procs > 1 the documents are segmented and indexed in that many writer processes, each
        leaving its own segment (no final merge): the rebuild of 100,000 entries runs on every core.
        """
        with self._lock:
            if clear:
                self._reset()
            if not clear:
                writer = self._writer()
            elif procs > 1:
                writer = self._index().writer(procs=procs, limitmb=128, multisegment=True)
            else:
                writer = self._index().writer(limitmb=256)
            n = 0
            try:
                for doc in docs:
                    writer.add_document(**self._fields(doc)) if clear else writer.update_document(**self._fields(doc))
                    n += 1
                writer.commit(optimize=clear and procs == 1)
            except BaseException:
                writer.cancel()
                raise
            return n

    def remove(self, ids: Iterable[str]) -> None:
        with self._lock:
            writer = self._writer()
            try:
                for id_ in ids:
                    writer.delete_by_term("id", id_)
                writer.commit()
            except BaseException:
                writer.cancel()
                self._refresh()
                raise

    def clear(self) -> None:
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._segments.clear()
        self._view = None
        self._ix = None
        self.dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.dir.iterdir():  # a corrupt or half-written index is replaced whole
            if leftover.is_file() and leftover.name != "WRITELOCK":
                leftover.unlink()
        self._ix = whoosh_index.create_in(str(self.dir), self._schema())

    def count(self) -> int:
        with self._lock:
            try:
                return self._current_searcher().doc_count()
            except SearchUnavailable:
                self._refresh()
                raise
            except Exception:
                self._refresh()
                return self._current_searcher().doc_count()

    @staticmethod
    def _fields(doc: SearchDoc) -> dict:
        meta = {"f": doc.facets, "m": doc.modified.timestamp(), "d": doc.downloads, "t": doc.title_sort}
        return {"id": doc.id, "text": entry_text(doc), META: json.dumps(meta, ensure_ascii=False)}

    # ---- reading ---------------------------------------------------------
    def _current_searcher(self):
        """A searcher on the latest committed generation (reopened only when the index changed)."""
        if self._searcher is None or not self._searcher.up_to_date():
            old = self._searcher
            self._searcher = self._index().searcher()
            if old is not None:
                old.close()
        return self._searcher

    def _build_view(self, searcher) -> _View:
        reader = searcher.reader()
        # An index rebuilt elsewhere can reach the same generation number again: key by segments too.
        generation = (reader.generation() if hasattr(reader, "generation") else -1,
                      tuple(sub.segment().segment_id() for sub, _ in reader.leaf_readers() if sub.segment() is not None))
        if self._view is not None and self._view.generation == generation and generation[0] != -1:
            return self._view
        parts, lives = [], []
        seen = set()
        for sub, offset in reader.leaf_readers():
            if sub.segment() is None:  # the empty index
                continue
            seg_id = sub.segment().segment_id()
            seen.add(seg_id)
            seg = self._segments.get(seg_id) or self._load_segment(sub)
            self._segments[seg_id] = seg
            live = np.ones(seg.size, dtype=bool)
            if sub.has_deletions():
                deleted = [d for d in sub.deleted_docs_set if d < seg.size]
                live[np.asarray(deleted, dtype=np.int64)] = False
            parts.append((seg, offset, sub))
            lives.append(live)
        for stale in set(self._segments) - seen:
            del self._segments[stale]
        def cat(arrays, dtype):
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)
        pairs = {}
        for field in self.facet_fields:
            docs = cat([seg.pairs[field][0] + off for seg, off, _ in parts], np.int64)
            codes = cat([seg.pairs[field][1] for seg, _, _ in parts], np.int64)
            pairs[field] = (docs, codes)
        live = cat(lives, bool)
        lengths = cat([seg.lengths for seg, _, _ in parts], np.float32)
        self._view = _View(
            generation=generation,
            live=live,
            pairs=pairs,
            modified=cat([seg.modified for seg, _, _ in parts], np.float64),
            downloads=cat([seg.downloads for seg, _, _ in parts], np.int64),
            title_sort=[t for seg, _, _ in parts for t in seg.title_sort],
            ids=[i for seg, _, _ in parts for i in seg.ids],
            segments=parts,
            lengths=lengths,
            average_length=float(lengths[live].mean()) if live.any() else 1.0,
        )
        return self._view

    def _load_segment(self, sub) -> _Segment:
        size = sub.doc_count_all()
        modified = np.zeros(size, dtype=np.float64)
        downloads = np.zeros(size, dtype=np.int64)
        titles = [""] * size
        ids = [""] * size
        lengths = np.zeros(size, dtype=np.float32)
        pair_docs: dict[str, list[int]] = {f: [] for f in self.facet_fields}
        pair_codes: dict[str, list[int]] = {f: [] for f in self.facet_fields}
        for docnum, stored in sub.iter_docs():
            meta = json.loads(stored[META])
            ids[docnum] = stored["id"]
            modified[docnum] = meta["m"]
            downloads[docnum] = meta["d"]
            titles[docnum] = meta["t"]
            lengths[docnum] = sub.doc_field_length(docnum, "text", 0)
            for field in self.facet_fields:
                for value in meta["f"].get(field, ()):
                    pair_docs[field].append(docnum)
                    pair_codes[field].append(self._code(field, value))
        pairs = {f: (np.asarray(pair_docs[f], dtype=np.int64), np.asarray(pair_codes[f], dtype=np.int64))
                 for f in self.facet_fields}
        return _Segment(size, pairs, modified, downloads, titles, ids, lengths, {})

    def _code(self, field: str, value: str) -> int:
        codes = self._codes[field]
        if value not in codes:
            codes[value] = len(codes)
            self._values[field].append(value)
        return codes[value]

    def _filter_mask(self, view: _View, filters: dict[str, list[str]], where: Expr | None = None) -> np.ndarray:
        mask = view.live.copy()
        for field, values in filters.items():
            if field not in view.pairs or not values:
                continue
            mask &= self._field_mask(view, field, values)
        if where is not None:
            mask &= self._eval(view, where)
        return mask

    def _postings(self, view: _View, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of `word` in the index: (docnums, term frequencies), deleted documents included."""
        ids, tfs = [], []
        for seg, offset, sub in view.segments:
            cached = seg.postings.get(word)
            if cached is None:
                cached = _read_postings(sub, word)
                if self._cached_postings + len(cached[0]) > POSTING_CACHE_ENTRIES:
                    for other, _, _ in view.segments:
                        other.postings.clear()
                    self._cached_postings = 0
                seg.postings[word] = cached
                self._cached_postings += len(cached[0])
            ids.append(cached[0] + offset)
            tfs.append(cached[1])
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(ids), np.concatenate(tfs)

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


def _read_postings(reader, word: str) -> tuple[np.ndarray, np.ndarray]:
    """A segment's posting list of `word` as arrays, read block by block where the codec allows."""
    if ("text", word) not in reader:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    matcher = reader.postings("text", word)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_blocklength")):
        # Whoosh's W3 codec keeps postings in blocks of up to 128; take a block at a time.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:  # inlined short lists and other matchers
        one_ids, one_weights = [], []
        while matcher.is_active():
            one_ids.append(matcher.id())
            one_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(one_ids, dtype=np.int64))
        weights.append(np.asarray(one_weights, dtype=np.float32))
    return np.concatenate(ids), np.concatenate(weights)
