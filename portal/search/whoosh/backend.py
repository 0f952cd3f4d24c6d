"""WhooshBackend: the SearchBackend on a Whoosh index directory, its lifecycle (open, create, reset,
refresh) and writing; arrays.py builds the numpy view it searches, querying.py answers searches."""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError

from ..base import SearchDoc, SearchUnavailable
from .arrays import SegmentArrays, _Segment, _View
from .fields import META, WeightedJiebaTokenizer, entry_text
from .querying import Querying

WRITE_TIMEOUT_S = 10.0


class WhooshBackend(SegmentArrays, Querying):
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
