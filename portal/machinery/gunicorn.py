"""How many workers the gunicorn loading the app will run, read from gunicorn's own application object.

RELIES_ON, and what: gunicorn 27.0.1 — the app is loaded by a call made, somewhere up the stack, from a
method of `gunicorn.app.base.BaseApplication` (its wsgi(), in the master when the app is preloaded, in each
worker otherwise), whose `self.cfg.workers` is the number of workers; found with `sys._getframe` through
the callers' local `self`.
"""
from __future__ import annotations

import sys

RELIES_ON = {"gunicorn": "27.0.1"}


def gunicorn_workers() -> int | None:
    """The number of workers of the gunicorn that is loading the app now, or None outside gunicorn."""
    if "gunicorn.app.base" not in sys.modules:
        return None
    from gunicorn.app.base import BaseApplication

    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, BaseApplication):
            return int(candidate.cfg.workers)
        frame = frame.f_back
    return None
