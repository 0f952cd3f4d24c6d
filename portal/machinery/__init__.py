"""The speed machinery: every place the portal relies on a library's internals, fenced in one basement package.

Each module says which library versions it was written against (`RELIES_ON`, the pins of requirements.txt)
and what exactly it relies on; tests/test_machinery.py fails loudly when an installed version differs from
that, when an internal it uses is gone or changed its signature, or when the trick stops having its effect.
Upgrading one of these libraries: run that test, read the module, adapt it, then change its `RELIES_ON`.

  database       SQLAlchemy's engine and pool events, psycopg's socket, Flask-SQLAlchemy's teardown
  rate_limits    Flask-Limiter's request hook (run in the API blueprints only) and its key prefix
  limit_storage  limits' storage classes: counters in the worker's memory; Redis with the window in one trip
  gettext        Jinja's i18n callables over Flask-Babel's catalog, looked up once per request
  sessions       Flask's cookie session interface, skipped for requests without a session cookie
  login          Flask-Login's per-request user, forgotten when the database is gone
  gunicorn       gunicorn's application object, found on the call stack for its number of workers
  statics        Flask's static endpoint under fingerprinted names; pages gzip'd after the view

Nothing here imports a domain: the machinery sits below every domain (docs/architecture.md).
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import event


def listen_once(target: Any, identifier: str, fn: Callable, **kw: Any) -> None:
    """Install a SQLAlchemy event listener unless it is installed already: `init_app` functions install
    their listeners, and one process (the tests) makes many apps."""
    if not event.contains(target, identifier, fn):
        event.listen(target, identifier, fn, **kw)
