"""Flask-Limiter's own request check, run only where blueprint limits are declared; its key prefix per app.

RELIES_ON, and what: Flask-Limiter 4.1.1 —
- `Limiter.init_app(app)` registers the bound method `Limiter._check_request_limit(callable_name=None,
  in_middleware=True)` as an app-wide before_request function. That check looks for limits declared on
  whole blueprints and on the application, before the view; limits of single routes are checked by their
  decorator when the view is called (in_middleware=False), whatever happens to this hook.
- `Limiter._key_prefix`, set from RATELIMIT_KEY_PREFIX by the first init_app only and put before every
  counter's key.
"""
from __future__ import annotations

from typing import Iterable

from flask import Flask
from flask_limiter import Limiter

RELIES_ON = {"Flask-Limiter": "4.1.1"}


def check_only_in_blueprints(app: Flask, limiter: Limiter, blueprints: Iterable[str]) -> None:
    """Move Flask-Limiter's before-request check from every request to the requests of `blueprints` (call
    after init_app). The portal declares blueprint limits only on the APIs, so elsewhere that check finds
    nothing, at about 0.2 ms a request (7% of the CPU of the load mix). Left where it is when limits are
    turned off (no hook) or declared for the whole application."""
    if app.config.get("RATELIMIT_APPLICATION") or app.config.get("RATELIMIT_DEFAULT"):
        return  # limits on every route after all: leave the check where Flask-Limiter put it
    check = limiter._check_request_limit  # the hook init_app registered, unless limits are turned off
    if check not in app.before_request_funcs.get(None, []):
        return
    app.before_request_funcs[None].remove(check)
    for name in blueprints:
        app.before_request_funcs.setdefault(name, []).insert(0, check)


def set_key_prefix(limiter: Limiter, prefix: str) -> None:
    """Count under this prefix from now on. Flask-Limiter keeps the prefix of the first init_app in the
    process; apps made one after another in one process (the tests) each count apart with their own."""
    limiter._key_prefix = prefix
