"""The Whoosh index as numpy arrays: per segment (facet values, sort keys, lengths, posting lists read once),
and for the whole index at one generation (segments laid end to end, with liveness)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ...machinery.whoosh_postings import read_postings
from .fields import META

POSTING_CACHE_ENTRIES = 8_000_000  # postings kept in memory over all segments (~96 MB), then the cache restarts


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


class SegmentArrays:
    """WhooshBackend's arrays: the view of the current generation, built from cached segments (its state
    and the index's lifecycle are in backend.py)."""

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

    def _postings(self, view: _View, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of `word` in the index: (docnums, term frequencies), deleted documents included."""
        ids, tfs = [], []
        for seg, offset, sub in view.segments:
            cached = seg.postings.get(word)
            if cached is None:
                cached = read_postings(sub, word)
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
