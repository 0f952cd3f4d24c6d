"""Anonymous public pages and API answers, kept a short while and dropped at once when anything changes.

Most traffic is anonymous reads of the same pages (the home page, popular searches, dataset pages, API
searches). Each worker process keeps the bodies it rendered in a byte-bounded LRU, keyed by the
request (path and query, language, date) and by the *site generation*: a counter in the database
that every write through the ORM bumps in its own transaction (just before it commits), as does the
search indexer when it has applied changes. So a suspended entry, a published one, a decision or a
correction shows on the very next request in every process, and no page of the old state is served.

Only counters updated outside the ORM (download counts) and the date-free parts of a page may lag, by
at most `PAGE_CACHE_SECONDS` (default 60; 0 turns the cache off). Requests with a session cookie or
an API token, anything but GET, and every answer but a 200 without cookies are never cached. What must
happen on every request (access events, rate limits, security headers) still does: a hit only skips
the rendering.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import date
from typing import Callable

from flask import Response, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import DDL, Integer, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db
from .i18n import select_locale

GENERATION_KEY = "pages"


class SiteState(db.Model):
    """Small shared counters; `pages` is the site generation the page cache is keyed by."""

    __tablename__ = "site_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# The row exists from the table's creation on (create_all here; the migration inserts it too).
event.listen(SiteState.__table__, "after_create",
             DDL(f"INSERT INTO site_state (name, value) VALUES ('{GENERATION_KEY}', 0)"))

# Writes that change nothing a visitor sees: logging them must not empty every cache.
_QUIET_TABLES = frozenset({"access_events", "audit_events", "search_outbox", "site_state", "messages",
                           "deadline_notices"})


@event.listens_for(Session, "after_flush")
def _note_visible_write(session: Session, _flush_context) -> None:
    if session.info.get("pages_changed"):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) not in _QUIET_TABLES \
                and (obj not in session.dirty or session.is_modified(obj)):
            session.info["pages_changed"] = True
            return


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    # Last thing before COMMIT, so the generation row is the last lock any transaction takes and is
    # held for an instant: writers never wait on each other through it in a cycle.
    session.flush()
    if session.info.pop("pages_changed", False):
        session.connection().execute(
            update(SiteState).where(SiteState.name == GENERATION_KEY).values(value=SiteState.value + 1))


@event.listens_for(Session, "after_rollback")
def _forget_write(session: Session) -> None:
    session.info.pop("pages_changed", None)


def mark_changed(session: Session | None = None) -> None:
    """For changes made outside the ORM that alter what pages show: the generation moves when the
    caller's transaction commits, as for any ORM write."""
    (session or db.session).info["pages_changed"] = True


_GENERATION = select(SiteState.__table__.c.value).where(SiteState.__table__.c.name == GENERATION_KEY)


def generation() -> int:
    # A Core statement built once, on the session's connection: this runs on every cacheable request.
    return db.session.connection().execute(_GENERATION).scalar() or 0


class _LRU:
    """Bodies by key, least recently used dropped first once `max_bytes` is reached; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, now: float) -> tuple[bytes, str] | None:
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            if item[0] <= now:
                self._drop(key)
                return None
            self.items.move_to_end(key)
            return item[1], item[2]

    def put(self, key: tuple, expires: float, body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 8:
            return
        with self.lock:
            if key in self.items:
                self._drop(key)
            self.items[key] = (expires, body, mimetype)
            self.size += len(body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.items)))

    def _drop(self, key: tuple) -> None:
        self.size -= len(self.items.pop(key)[1])


def _store() -> _LRU:
    store = current_app.extensions.get("page_cache")
    if store is None:
        store = current_app.extensions["page_cache"] = _LRU(current_app.config["PAGE_CACHE_MB"] * 1024 * 1024)
    return store


def _cacheable() -> bool:
    if current_app.config["PAGE_CACHE_SECONDS"] <= 0 or request.method != "GET":
        return False
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:  # logged in, or flashed messages
        return False
    if request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key"):
        return False
    return not current_user.is_authenticated  # a remember-me cookie logs in without a session cookie


def cached(render: Callable[[], str | Response]) -> Response:
    """The view's answer: from the cache when this anonymous request was answered in this generation,
    else `render()` (a template's text or a Response), kept when it is a plain 200."""
    if not _cacheable():
        return make_response(render())
    key = (generation(), request.host, request.full_path, select_locale(), date.today().isoformat())
    store, now = _store(), time.monotonic()
    hit = store.get(key, now)
    if hit is not None:
        return Response(hit[0], content_type=hit[1])
    resp = make_response(render())
    if resp.status_code == 200 and not resp.direct_passthrough and not session.modified \
            and "Set-Cookie" not in resp.headers:
        store.put(key, now + current_app.config["PAGE_CACHE_SECONDS"], resp.get_data(), resp.content_type)
    return resp
