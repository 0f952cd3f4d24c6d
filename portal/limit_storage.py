"""Rate-limit counters in the worker's own memory (`worker-memory://`, the embedded default).

limits' `memory://` storage starts a timer thread 10 ms after a hit whenever the previous one has ended,
to drop expired counters: a thread's start and end cost about 0.4 ms of CPU on this 2-core machine, paid
whenever limited requests come more than 10 ms apart (under steady load the timer is mostly still
running, so the load mix gained little; bench/README.md). These counters expire when read, and the
expired ones are swept inline, at most once a minute, so memory stays bounded without any thread.

Fixed windows only (Flask-Limiter's default strategy). Each worker counts alone, as with `memory://`;
Redis (`redis://…`) counts once for all workers and machines.
"""
from __future__ import annotations

import threading
import time

from limits.storage import Storage

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
