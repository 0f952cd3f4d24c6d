"""Language choice: Chinese first; English when the visitor picked it (cookie set by /lang/<code>)."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import refresh


def refresh_locale() -> None:
    """Before each request: choose the locale again, and forget the catalog templates looked up."""
    refresh()
    g.pop("_translations", None)


def select_locale() -> str:
    if has_request_context():
        chosen = request.cookies.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]

