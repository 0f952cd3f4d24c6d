"""Flask's signed-cookie sessions, without building the cookie signer for a request that has no cookie.

RELIES_ON, and what: Flask 3.1.3 — `SecureCookieSessionInterface.open_session(app, request)` builds its
signing serializer (an HMAC key derivation per request) before it looks at the cookie, and without a
cookie returns a new empty `session_class()`; `get_cookie_name(app)` names the cookie. With no secret key
it returns None (sessions unavailable), which the override keeps by asking Flask in that case.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

RELIES_ON = {"Flask": "3.1.3"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; a request without a session cookie (most of them: visitors who
    never logged in) gets its empty session without building the cookie signer first."""

    def open_session(self, app: Flask, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
