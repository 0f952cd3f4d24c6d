"""Language choice: Chinese first; English when the visitor picked it (cookie set by /lang/<code>)."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import refresh

from .machinery.gettext import forget_request_catalog


def refresh_locale() -> None:
    """Before each request: choose the locale again, and forget the catalog templates looked up."""
    refresh()
    forget_request_catalog()


def select_locale() -> str:
    if has_request_context():
        chosen = request.cookies.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=None)
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def babel_locale() -> Locale:
    """Flask-Babel's locale selector: the chosen code as a Locale parsed once per process (parsing a code
    scans Babel's list of every locale, about half a millisecond on each page)."""
    return _parsed(select_locale())
