"""Chinese typed straight into an address: raw UTF-8 in the request line, as curl sends `?q=空气质量`.

HTTP wants non-ASCII characters in a URL percent-encoded, and gunicorn refuses a request line holding raw
ones with 400 before the portal sees it (it has no setting to allow them; docs/decisions.md): behind
gunicorn the client must percent-encode, and every example the portal prints does. Werkzeug's development
server accepts them but garbles the query string: the standard library decodes the request line as latin-1,
and werkzeug then encodes that text as UTF-8 once more for the WSGI environ, so `q` arrives as mojibake
(`ç©ºæ°...`) and the search finds nothing. Its PATH_INFO is decoded right.

`Utf8RequestLine` undoes that double encoding, in the environ of every server: a non-ASCII value whose bytes
are UTF-8 of latin-1 text that is itself valid UTF-8 is put back to the bytes the client sent. A correct
WSGI value (the client's UTF-8 bytes as latin-1) never passes that test unless the client's own text was
made only of the characters U+0080 to U+00FF in an order that forms UTF-8, such as "Ã©"; ASCII values, by
far the most, cost one `isascii()` each.
"""
from __future__ import annotations

from typing import Callable, Iterable

_KEYS = ("QUERY_STRING", "PATH_INFO", "REQUEST_URI", "RAW_URI")


def undo_double_utf8(value: str) -> str:
    """A WSGI string back to the client's bytes when a server encoded them as UTF-8 a second time."""
    try:
        text = value.encode("latin-1").decode("utf-8")  # what the server took for the request's text
        sent = text.encode("latin-1")  # fails for a correct value: its text holds characters beyond U+00FF
        sent.decode("utf-8")  # the client's bytes must be UTF-8 themselves
    except UnicodeError:
        return value
    return text  # the client's bytes, one character each, as WSGI wants them


class Utf8RequestLine:
    """WSGI middleware: QUERY_STRING, PATH_INFO and the raw URI as the client sent them (see above)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        for key in _KEYS:
            value = environ.get(key)
            if value and not value.isascii():
                environ[key] = undo_double_utf8(value)
        return self.app(environ, start_response)
