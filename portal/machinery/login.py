"""Flask-Login's user of the request, forgotten when the database that would load it is gone.

RELIES_ON, and what: Flask-Login 0.6.3 — `current_user` reads `g._login_user`, and loads the user (from
the session cookie, the remember-me cookie or the request loader, through the database) only while that
attribute is absent (flask_login.utils._get_user). Setting it to an anonymous user ends the question.
"""
from __future__ import annotations

from flask import g
from flask_login import AnonymousUserMixin

RELIES_ON = {"Flask-Login": "0.6.3"}


def forget_user() -> None:
    """From now on in this request `current_user` is anonymous, without asking the database (an error page
    rendered while the database is unreachable must not try to load the signed-in user)."""
    g._login_user = AnonymousUserMixin()
