"""Language choice: Chinese first; English when the visitor picked it (cookie set by /lang/<code>)."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def select_locale() -> str:
    if has_request_context():
        chosen = request.cookies.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
