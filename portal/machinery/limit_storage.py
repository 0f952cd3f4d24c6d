"""Rate-limit counters in the worker's own memory (`worker-memory://`, the embedded default).

limits' `memory://` storage starts a timer thread 10 ms after a hit whenever the previous one has ended,
to drop expired counters: a thread's start and end cost about 0.4 ms of CPU on this 2-core machine, paid
whenever limited requests come more than 10 ms apart (under steady load the timer is mostly still
running, so the load mix gained little; bench/README.md). These counters expire when read, and the
expired ones are swept inline, at most once a minute, so memory stays bounded without any thread.

Fixed windows only (Flask-Limiter's default strategy). Each worker counts alone, as with `memory://`;
Redis (`redis://…`) counts once for all workers and machines.

Redis (`redis://`, `rediss://`): limits' own storage, except that a hit returns its window with the count
in one round trip, and the X-RateLimit-Remaining and -Reset headers Flask-Limiter then asks for are
answered from it. limits asks Redis twice more for them (GET and TTL): three round trips for every
search, download and API call, about 0.3 ms of the portal's CPU each time on the load mix.

RELIES_ON, and what: limits 5.8.0 — a `Storage` subclass registers its `STORAGE_SCHEME` by being defined
(the StorageRegistry metaclass; the later class wins a scheme), the abstract methods incr/get/get_expiry/
check/reset/clear and `base_exceptions`; RedisStorage's `initialize_storage(uri)`, `get_connection()` and
`prefixed_key(key)`, and its fixed-window `incr` (INCRBY, EXPIRE on the first hit) that the script below
repeats. Flask-Limiter 4.1.1 asks `get` and `get_expiry` right after `incr` for the headers.
"""
from __future__ import annotations

import threading
import time

from limits.storage import RedisStorage, Storage

RELIES_ON = {"limits": "5.8.0", "Flask-Limiter": "4.1.1"}
SWEEP_SECONDS = 60.0


class WorkerMemoryStorage(Storage):
    """Fixed-window counters: key → (hits, window end), behind one lock."""

    STORAGE_SCHEME = ["worker-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            hits, ends = self._windows.get(key, (0, 0.0))
            if ends <= now:
                hits, ends = 0, now + expiry
            hits += amount
            self._windows[key] = (hits, ends)
            return hits

    def get(self, key: str) -> int:
        hits, ends = self._windows.get(key, (0, 0.0))
        return hits if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        ends = self._windows.get(key, (0, 0.0))[1]
        return ends if ends > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self._lock:
            count = len(self._windows)
            self._windows.clear()
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def _sweep(self, now: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
        self._next_sweep = now + SWEEP_SECONDS


class RedisWindowStorage(RedisStorage):
    """limits' Redis storage, registered for the same schemes, whose hit keeps (per thread) the count and
    the end of the window it just found, for the one GET and the one TTL that Flask-Limiter then makes for
    the same request's headers: each is answered once from what the hit kept. A question with no hit
    just before it goes to Redis as before, and so does one that comes too late (a minute after)."""

    STORAGE_SCHEME = ["redis", "rediss", "redis+unix"]
    SCRIPT_INCR_WINDOW = """
local current = redis.call("incrby", KEYS[1], ARGV[2])
if tonumber(current) == tonumber(ARGV[2]) then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("pttl", KEYS[1])}
"""
    KEPT_SECONDS = 60.0

    def initialize_storage(self, uri: str) -> None:
        super().initialize_storage(uri)
        self.lua_incr_window = self.get_connection().register_script(self.SCRIPT_INCR_WINDOW)
        self._thread = threading.local()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        current, ttl_ms = self.lua_incr_window([self.prefixed_key(key)], [expiry, amount])
        now = time.monotonic()
        kept = self._kept()
        for old in [k for k, entry in kept.items() if entry["until"] <= now]:
            del kept[old]
        kept[key] = {"get": int(current), "get_expiry": time.time() + max(int(ttl_ms), 0) / 1000,
                     "until": now + self.KEPT_SECONDS}
        return int(current)

    def get(self, key: str) -> int:
        count = self._take(key, "get")
        return super().get(key) if count is None else count

    def get_expiry(self, key: str) -> float:
        ends = self._take(key, "get_expiry")
        return super().get_expiry(key) if ends is None else ends

    def clear(self, key: str) -> None:
        self._kept().pop(key, None)
        super().clear(key)

    def reset(self) -> int | None:
        self._kept().clear()
        return super().reset()

    def _kept(self) -> dict[str, dict]:
        """key → the answers the last hit left for `get` and `get_expiry`, and until when they hold."""
        kept = getattr(self._thread, "kept", None)
        if kept is None:
            kept = self._thread.kept = {}
        return kept

    def _take(self, key: str, question: str):
        """The kept answer to this question, once; None when there is none (any more)."""
        entry = self._kept().get(key)
        if entry is None or entry["until"] <= time.monotonic():
            return None
        return entry.pop(question, None)
