"""Language choice: Chinese first; English when the visitor picked it (cookie set by /lang/<code>)."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import refresh as refresh_locale  # noqa: F401  (re-exported for the factory)


def select_locale() -> str:
    if has_request_context():
        chosen = request.cookies.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]

