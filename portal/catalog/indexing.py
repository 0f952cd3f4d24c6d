"""Keeping the search index in line with the database through an outbox, safe under many processes.

A change to an entry that the public can see (or could see before the change) adds a row to
`search_outbox` in the same transaction as the change (a `before_flush` hook), so a committed change
is never forgotten even if the process dies right after. One applier at a time — the holder of an
exclusive file lock next to the data — reads the outbox in batches, re-reads the entries' current
state, writes the index and deletes the rows it applied. The applier is:

- the request that made the change, when the lock is free ("apply now"): a single-process server and
  the tests see every change at once;
- otherwise whoever holds the lock, which looks at the outbox again after releasing it, so a row
  whose own request found the lock taken is picked up moments later;
- `flask portal indexer`, a long-running loop that applies whatever is left (after a crash, or while
  the search backend was unavailable).

Applying is idempotent: the index is made to match the entry as it is now, not as the row says.
The index document of an entry is `search_doc`; `reindex_all` rebuilds the whole index from scratch.
"""
from __future__ import annotations

import fcntl
import logging
import os
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from flask import Response, current_app, g, has_request_context
from sqlalchemy import DateTime, Integer, String, delete, func, inspect as sa_inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from .. import pagecache
from ..extensions import db
from ..machinery import listen_once
from ..models_base import new_id, stamped
from ..search import SearchDoc, backend
from ..search.text import title_sort_key
from .filters import FILTERS, INDEX_ONLY_FIELDS
from .models import Dataset, DatasetState
from .queries import public_datasets

log = logging.getLogger(__name__)

BATCH = 500


class SearchOutbox(db.Model):
    """An index change waiting to be applied: bring entry `dataset_id` in line with the database."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))  # "upsert" or "remove": what the change meant when made
    enqueued_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


# ---- recording changes (same transaction as the change) ----------------------------------------
def _was_public(ds: Dataset) -> bool:
    """Whether the entry was public before this flush; True when unknown (the old state was not loaded)."""
    state = sa_inspect(ds).attrs.state.history
    if state.deleted:
        return DatasetState.PUBLISHED in state.deleted
    if state.added:
        return True
    return ds.state == DatasetState.PUBLISHED


def init_app(app) -> None:
    """Record index changes with every flush (the session listeners below) and apply them after the
    request that made them."""
    listen_once(Session, "before_flush", _record_index_changes)
    listen_once(Session, "after_commit", _forget_queued)
    listen_once(Session, "after_rollback", _forget_queued)
    app.after_request(apply_after_request)


def _record_index_changes(session: Session, _flush_context, _instances) -> None:
    queued: set[str] = session.info.setdefault("search_outbox_queued", set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Dataset) or obj.id in queued and obj not in session.deleted:
            continue
        if obj in session.deleted:
            relevant, op = _was_public(obj), "remove"
        elif obj in session.new:
            relevant, op = obj.state == DatasetState.PUBLISHED, "upsert"
        else:
            relevant, op = (obj.state == DatasetState.PUBLISHED or _was_public(obj)), (
                "upsert" if obj.state == DatasetState.PUBLISHED else "remove")
        if not relevant:
            continue
        if obj.id is None:  # a new entry gets its id from the column default; set it now
            obj.id = new_id()
        queued.add(obj.id)
        session.add(SearchOutbox(dataset_id=obj.id, op=op))
        if has_request_context():
            g.search_outbox_added = True  # applied after the request (see apply_after_request)


def _forget_queued(session: Session) -> None:
    session.info.pop("search_outbox_queued", None)


def enqueue(datasets: Iterable[Dataset]) -> None:
    """Record index changes for these entries (for callers that changed them outside the ORM)."""
    for ds in datasets:
        db.session.add(SearchOutbox(dataset_id=ds.id, op="upsert" if ds.is_public else "remove"))


# ---- the applier lock ---------------------------------------------------------------------------
def lock_path() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "search-indexer.lock"


@contextmanager
def indexer_lock(block: bool) -> Iterator[bool]:
    """The one-applier-at-a-time lock (an flock, so a killed holder releases it). Yields whether held."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ---- applying -----------------------------------------------------------------------------------
def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def search_doc(ds: Dataset) -> SearchDoc:
    """The index document of a public entry."""
    return SearchDoc(
        id=ds.id, title=ds.title, summary=ds.summary, tags=[t.name for t in ds.tags], agency=ds.agency.name,
        items=[i.name for i in ds.items],
        facets={f.name: f.values(ds) for f in FILTERS} | {name: fn(ds) for name, fn in INDEX_ONLY_FIELDS.items()},
        modified=ds.modified_at, downloads=ds.download_count, title_sort=title_sort_key(ds.title))


def _apply_batch(batch: int) -> int:
    rows = db.session.execute(select(SearchOutbox.id, SearchOutbox.dataset_id)
                              .order_by(SearchOutbox.id).limit(batch)).all()
    if not rows:
        return 0
    ids = list(dict.fromkeys(r.dataset_id for r in rows))
    found = db.session.scalars(select(Dataset).where(Dataset.id.in_(ids)).options(
        selectinload(Dataset.tags), selectinload(Dataset.items), selectinload(Dataset.resources),
        selectinload(Dataset.agency))).all()
    public = [search_doc(d) for d in found if d.is_public]
    shown = {d.id for d in public}
    hidden = [i for i in ids if i not in shown]
    if public:
        backend().index(public)
    if hidden:
        backend().remove(hidden)
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
    pagecache.mark_changed()  # pages rendered from the index before it caught up are stale now
    db.session.commit()
    return len(rows)


def apply_pending(block: bool = False, batch: int = BATCH) -> int:
    """Apply the outbox if this process can take the applier lock (wait for it when `block`).

    Returns the number of rows applied. Search backend errors propagate; the rows stay for later.
    """
    applied = 0
    while True:
        with indexer_lock(block) as held:
            if not held:
                return applied  # the holder looks at the outbox again after releasing the lock
            while n := _apply_batch(batch):
                applied += n
        # A row added while we held the lock, by a request that found the lock taken, is ours to apply.
        if not pending_count():
            return applied
        block = False


def apply_now_if_free() -> None:
    """After a committed change: apply it at once unless another process is applying (it will).

    Never fails the request: when the search backend is down the rows wait for the indexer or reindex.
    """
    try:
        apply_pending(block=False)
    except Exception:
        db.session.rollback()
        log.warning("search index not updated now; the change waits in the outbox", exc_info=True)


def apply_after_request(response: Response) -> Response:
    """Any request that recorded index changes (an upload to a published entry, an edit applied…)
    applies them before answering, when no other process is applying, like index_datasets does."""
    if g.pop("search_outbox_added", False):
        apply_now_if_free()
    return response


def index_datasets(datasets: Iterable[Dataset]) -> None:
    """Bring the index in line with these entries after their change was committed.

    The change was recorded in the search outbox with the commit (see above); this applies it now
    when no other process is applying, and otherwise leaves it to that process or the indexer.
    """
    datasets = list(datasets)
    if not datasets:
        return
    ids = [d.id for d in datasets]
    queued = set(db.session.scalars(select(SearchOutbox.dataset_id).where(SearchOutbox.dataset_id.in_(ids))))
    missing = [d for d in datasets if d.id not in queued]
    if missing:  # changed outside the ORM (bulk updates): record them now
        enqueue(missing)
        db.session.commit()
    apply_now_if_free()


def run_indexer(interval: float = 1.0, once: bool = False, echo=print) -> None:
    """The long-running indexer: apply the outbox in batches, then wait for more."""
    while True:
        try:
            n = apply_pending(block=True)
            if n:
                echo(f"applied {n} index changes")
        except Exception as exc:
            db.session.rollback()
            echo(f"search index not available ({exc}); retrying")
        finally:
            db.session.remove()
        if once:
            return
        time.sleep(interval)


def forget_applied(up_to_id: int) -> None:
    """After a full rebuild: rows enqueued before it started are covered by it."""
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= up_to_id))
    pagecache.mark_changed()
    db.session.commit()


def last_id() -> int:
    return db.session.scalar(select(func.max(SearchOutbox.id))) or 0


# ---- rebuilding ---------------------------------------------------------------------------------
PARALLEL_REINDEX_FROM = 20_000  # below this a single writer is quicker than starting processes


def reindex_all(batch: int = 500) -> int:
    """Rebuild the search index from the database (the database is the truth).

    Holds the applier lock, so no outbox change is applied into the index being replaced; the changes
    recorded before the rebuild began are covered by it, and later ones are applied afterwards.
    """
    total = db.session.scalar(select(func.count()).select_from(public_datasets().subquery())) or 0
    procs = min(os.cpu_count() or 1, 4) if total >= PARALLEL_REINDEX_FROM else 1

    def docs() -> Iterable[SearchDoc]:
        # Pages walk the primary key and visibility is checked per row: with the visibility condition in
        # the WHERE clause SQLite picks the (unselective) state or suspension index and sorts every page.
        after_id = ""
        while True:
            rows = db.session.scalars(select(Dataset).where(Dataset.id > after_id)
                                      .order_by(Dataset.id).limit(batch)).all()
            if not rows:
                return
            for ds in rows:
                if ds.is_public:
                    yield search_doc(ds)
            after_id = rows[-1].id
            db.session.expunge_all()
    with indexer_lock(block=True):
        covered = last_id()
        db.session.commit()  # end the read transaction, so the rebuild sees every committed entry
        n = backend().bulk_index(docs(), procs=procs)
        forget_applied(covered)
    apply_now_if_free()
    return n
