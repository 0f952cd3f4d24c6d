"""The visitor's choices kept in cookies: the language (Chinese first; English when the visitor picked it,
cookie set by /lang/<code>) and the display mode (standard, or the 适老化 large mode with larger text and
higher contrast, cookie set by /display/<mode>)."""
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


DISPLAY_COOKIE = "display"
DISPLAY_MODES = ("standard", "large")


def display_mode() -> str:
    """'large' when the visitor turned the accessibility mode on, else 'standard'. The page cache keys
    pages by it, as by the language: the mode is a class on the page's <html>."""
    if has_request_context() and request.cookies.get(DISPLAY_COOKIE) == "large":
        return "large"
    return "standard"


@lru_cache(maxsize=None)
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def babel_locale() -> Locale:
    """Flask-Babel's locale selector: the chosen code as a Locale parsed once per process (parsing a code
    scans Babel's list of every locale, about half a millisecond on each page)."""
    return _parsed(select_locale())
