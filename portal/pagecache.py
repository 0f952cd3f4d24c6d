"""Anonymous public pages and API answers, kept a short while and dropped at once when anything changes.

Most traffic is anonymous reads of the same pages (the home page, popular searches, dataset pages, API
searches). Each worker process keeps the bodies it rendered in a byte-bounded LRU, and puts them in a
store every worker shares (`PAGE_CACHE_URI`: files under the data directory for the workers of one
machine, or Redis for several machines), so a page one worker rendered is not rendered again by the
others. Both are keyed by the request (path and query, language, display mode, date) and by the *site generation*:
a counter in the database that every write through the ORM bumps in its own transaction (just before
it commits), as does the search indexer when it has applied changes. So a suspended entry, a published
one, a decision or a correction shows on the very next request in every process, and no page of the old
state is served.

Only counters updated outside the ORM (download counts) and the date-free parts of a page may lag, by
at most `PAGE_CACHE_SECONDS` (default 60; 0 turns the cache off). Requests with a session cookie or
an API token, anything but GET, and every answer but a 200 without cookies are never cached. What must
happen on every request (access events, rate limits, security headers) still does: a hit only skips
the rendering.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Callable, Protocol

from flask import Response, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import DDL, Integer, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .caller import may_be_signed_in
from .extensions import db
from .i18n import display_mode, select_locale
from .machinery import listen_once
from .side_db import side_connections

GENERATION_KEY = "pages"
log = logging.getLogger(__name__)


class SiteState(db.Model):
    """Small shared counters; `pages` is the site generation the page cache is keyed by."""

    __tablename__ = "site_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# The row exists from the table's creation on (create_all here; the migration inserts it too).
event.listen(SiteState.__table__, "after_create",
             DDL(f"INSERT INTO site_state (name, value) VALUES ('{GENERATION_KEY}', 0)"))

# Writes that change nothing a visitor sees: logging them must not empty every cache.
_QUIET_TABLES = frozenset({"access_events", "audit_events", "search_outbox", "site_state", "inbox_messages",
                           "deadline_notices",
                           "follows", "follow_events"})


def init_app(app) -> None:
    """Bump the generation with every visible write (the session listeners below), and open the store
    that every worker shares (PAGE_CACHE_URI)."""
    listen_once(Session, "after_flush", _note_visible_write)
    listen_once(Session, "before_commit", _bump_before_commit)
    listen_once(Session, "after_rollback", _forget_write)
    app.extensions["page_store"] = shared_store(app.config)


def _note_visible_write(session: Session, _flush_context) -> None:
    if session.info.get("pages_changed"):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) not in _QUIET_TABLES \
                and (obj not in session.dirty or session.is_modified(obj)):
            session.info["pages_changed"] = True
            return


def _bump_before_commit(session: Session) -> None:
    # Last thing before COMMIT, so the generation row is the last lock any transaction takes and is
    # held for an instant: writers never wait on each other through it in a cycle.
    session.flush()
    if session.info.pop("pages_changed", False):
        session.connection().execute(
            update(SiteState).where(SiteState.name == GENERATION_KEY).values(value=SiteState.value + 1))


def _forget_write(session: Session) -> None:
    session.info.pop("pages_changed", None)


def mark_changed(session: Session | None = None) -> None:
    """For changes made outside the ORM that alter what pages show: the generation moves when the
    caller's transaction commits, as for any ORM write."""
    (session or db.session).info["pages_changed"] = True


def generation() -> int:
    """The site generation, read on the thread's side connection (side_db) rather than the request's
    session, so that a cache hit never starts a database session nor takes a pooled connection. It is
    read before any of the page's data, so a page is never kept under a generation newer than what it
    shows; in autocommit mode, each read sees the latest commit."""
    return side_connections().read_value(_GENERATION_SQL) or 0


_GENERATION_SQL = f"SELECT value FROM site_state WHERE name = '{GENERATION_KEY}'"


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


class SharedStore(Protocol):
    """Pages every worker process sees; best effort: a store that fails is a miss, never an error."""

    def get(self, generation: int, digest: str) -> tuple[bytes, str] | None: ...

    def put(self, generation: int, digest: str, body: bytes, mimetype: str) -> None: ...

    def clear(self) -> None: ...


class FileStore:
    """One file per page under `root/<generation>/`, written whole and renamed into place, so a reader
    sees a complete page or none. A file is good for `seconds` after it was written; expired files are
    swept as pages are added, and a new generation removes the directories of the older ones."""

    def __init__(self, root: Path, seconds: int):
        self.root, self.seconds = root, seconds
        self._made = -1           # the generation whose directory this process made or saw
        self._next_sweep = 0.0

    def get(self, generation: int, digest: str) -> tuple[bytes, str] | None:
        try:
            with open(self.root / str(generation) / digest, "rb") as fh:
                if os.fstat(fh.fileno()).st_mtime + self.seconds <= time.time():
                    return None
                mimetype, _, body = fh.read().partition(b"\n")
        except OSError:
            return None
        return body, mimetype.decode()

    def put(self, generation: int, digest: str, body: bytes, mimetype: str) -> None:
        folder = self.root / str(generation)
        tmp = folder / f".{digest}.{os.getpid()}.{threading.get_ident()}"
        try:
            if generation != self._made:
                folder.mkdir(parents=True, exist_ok=True)
                self._made = generation
                self._drop_generations(older_than=generation)
            with open(tmp, "wb") as fh:
                fh.write(mimetype.encode() + b"\n" + body)
            os.replace(tmp, folder / digest)
        except OSError as exc:  # disk full, a directory another process just removed: no page kept
            self._made = -1  # make the directory again next time
            log.warning("page cache: could not keep a page: %s", exc)
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            return
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.seconds
            self._sweep(folder)

    def _sweep(self, folder: Path) -> None:
        too_old = time.time() - self.seconds
        try:
            for entry in os.scandir(folder):
                try:
                    if entry.stat().st_mtime <= too_old:
                        os.unlink(entry.path)
                except FileNotFoundError:
                    pass
        except OSError:
            pass

    def _drop_generations(self, older_than: int | None = None) -> None:
        """Remove the directories of generations before `older_than` (all when None). A process still
        rendering in an older generation never removes a newer one."""
        try:
            for entry in os.scandir(self.root):
                if older_than is None or (entry.name.isdigit() and int(entry.name) < older_than):
                    shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            pass

    def clear(self) -> None:
        self._made = -1
        self._drop_generations()


class RedisStore:
    """Pages in Redis, shared by the workers of every machine; Redis expires them."""

    def __init__(self, uri: str, namespace: str, seconds: int):
        import redis

        self.redis = redis.Redis.from_url(uri, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.errors = (redis.RedisError, OSError)
        self.prefix, self.seconds = f"portal:pages:{namespace}:", seconds

    def get(self, generation: int, digest: str) -> tuple[bytes, str] | None:
        try:
            value = self.redis.get(f"{self.prefix}{generation}:{digest}")
        except self.errors as exc:
            log.warning("page cache: Redis unavailable: %s", exc)
            return None
        if value is None:
            return None
        mimetype, _, body = value.partition(b"\n")
        return body, mimetype.decode()

    def put(self, generation: int, digest: str, body: bytes, mimetype: str) -> None:
        try:
            self.redis.set(f"{self.prefix}{generation}:{digest}", mimetype.encode() + b"\n" + body, ex=self.seconds)
        except self.errors as exc:
            log.warning("page cache: Redis unavailable: %s", exc)

    def clear(self) -> None:
        try:
            keys = list(self.redis.scan_iter(match=self.prefix + "*", count=1000))
            for i in range(0, len(keys), 1000):
                self.redis.delete(*keys[i:i + 1000])
        except self.errors as exc:
            log.warning("page cache: Redis unavailable: %s", exc)


def shared_store(config) -> SharedStore | None:
    """The store PAGE_CACHE_URI names; its keys are apart for every installation (data directory and
    database), so installations sharing one Redis never see each other's pages."""
    uri, seconds = config["PAGE_CACHE_URI"], config["PAGE_CACHE_SECONDS"]
    if seconds <= 0 or uri in ("", "none"):
        return None
    if uri == "file":
        return FileStore(Path(config["DATA_DIR"]) / "cache" / "pages", seconds)
    if uri.startswith(("redis://", "rediss://", "unix://")):
        where = f"{config['DATA_DIR']}|{config['SQLALCHEMY_DATABASE_URI']}|{config.get('TEST_SCHEMA', '')}"
        return RedisStore(uri, hashlib.sha1(where.encode()).hexdigest()[:12], seconds)
    raise ValueError(f"PORTAL_PAGE_CACHE_URI must be file, none or a redis:// URL, not {uri!r}")


def _store() -> _LRU:
    store = current_app.extensions.get("page_cache")
    if store is None:
        store = current_app.extensions["page_cache"] = _LRU(current_app.config["PAGE_CACHE_MB"] * 1024 * 1024)
    return store


def clear() -> None:
    """Forget every kept page (after a restore: the generation starts again from its first value)."""
    _store().__init__(current_app.config["PAGE_CACHE_MB"] * 1024 * 1024)
    shared = current_app.extensions.get("page_store")
    if shared is not None:
        shared.clear()


def _cacheable() -> bool:
    if current_app.config["PAGE_CACHE_SECONDS"] <= 0 or request.method != "GET":
        return False
    if not may_be_signed_in():
        return True  # anonymous, known without loading the user
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
    key = (generation(), request.host, request.full_path, select_locale(), display_mode(), date.today().isoformat())
    store, shared, now = _store(), current_app.extensions.get("page_store"), time.monotonic()
    expires = now + current_app.config["PAGE_CACHE_SECONDS"]
    hit = store.get(key, now)
    if hit is None and shared is not None:
        digest = hashlib.sha1(repr(key[1:]).encode()).hexdigest()
        hit = shared.get(key[0], digest)  # not copied into this process: its age is the shared store's
    if hit is not None:
        return Response(hit[0], content_type=hit[1])
    resp = make_response(render())
    if resp.status_code == 200 and not resp.direct_passthrough and not session.modified \
            and "Set-Cookie" not in resp.headers:
        body = resp.get_data()
        store.put(key, expires, body, resp.content_type)
        if shared is not None:
            shared.put(key[0], digest, body, resp.content_type)
    return resp
