"""Static files under fingerprinted names, and pages compressed for clients that accept gzip.

- Every `url_for('static', filename=...)` names the file with its content hash (`css/portal.3f2a9c1b0d4e.css`):
  such an answer never changes, so it is cached for a year as `immutable`; a changed file gets a new name.
  The manifest is built at start-up and a file whose size or modification time changed is hashed again on
  the next look-up, so an edited stylesheet shows at once in development too.
- A name without the hash (or with an outdated one) still answers, with the current bytes and a short cache.
- Compressible files are kept gzip'd (level 9, once) and sent so to clients that accept gzip.
- HTML/JSON/XML answers of at least PAGE_GZIP_MIN_BYTES are gzip'd after the view. Streamed answers and
  files (downloads, exports: `direct_passthrough` or an attachment) are left alone, so their ETag, Range and
  Content-Length stay the file's own.
- `flask portal statics DIR` writes the fingerprinted files and their .gz next to them for nginx
  (deploy/nginx.conf.example: `gzip_static on`, a year's cache for fingerprinted names).

RELIES_ON, and what:
- Flask 3.1.3: the app's `static` endpoint (registered from `static_folder`) is replaced in `view_functions`
  by `serve_static`, and an `url_defaults` callback rewrites its `filename` before the URL is built.
- Werkzeug 3.1.9: `Response.direct_passthrough` marks the streamed file answers that `compress_page` leaves alone.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request

RELIES_ON = {"Flask": "3.1.3", "Werkzeug": "3.1.9"}

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=600"
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt", ".xml", ".html", ".webmanifest", ".map")
PAGE_TYPES = ("text/html", "application/json", "application/xml", "text/xml", "application/atom+xml",
              "application/ld+json", "application/problem+json", "text/plain", "text/css", "text/javascript",
              "application/javascript", "application/manifest+json")
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<ext>\.[^./]+)$")


@dataclass(frozen=True)
class StaticFile:
    name: str          # the path under the static folder, with "/"
    digest: str        # first 12 hex digits of its SHA-256
    stamp: tuple[int, int]  # (size, mtime_ns) when hashed
    body: bytes
    gz: bytes | None   # gzip'd body, for compressible files smaller gzip'd

    @property
    def hashed_name(self) -> str:
        stem, ext = os.path.splitext(self.name)
        return f"{stem}.{self.digest}{ext}"


class Manifest:
    """The static folder's files by name, each with its hash and compressed bytes; re-read when changed."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._files: dict[str, StaticFile] = {}
        self._lock = threading.Lock()
        for path in sorted(self.folder.rglob("*")) if self.folder.is_dir() else ():
            if path.is_file() and not path.name.endswith((".gz", ".br")):
                self.get(path.relative_to(self.folder).as_posix())

    def get(self, name: str) -> StaticFile | None:
        """The file as it is now (None when there is no such file in the folder)."""
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents:
            return None
        try:
            st = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        known = self._files.get(name)
        if known is not None and known.stamp == stamp:
            return known
        body = path.read_bytes()
        gz = None
        if name.endswith(COMPRESSIBLE):
            packed = gzip.compress(body, compresslevel=9, mtime=0)
            gz = packed if len(packed) < len(body) else None
        entry = StaticFile(name, hashlib.sha256(body).hexdigest()[:12], stamp, body, gz)
        with self._lock:
            self._files[name] = entry
        return entry

    def url_name(self, name: str) -> str:
        """The fingerprinted name for `url_for('static', filename=name)`; the name itself for unknown files."""
        found = self.get(name)
        return found.hashed_name if found else name

    def names(self) -> list[str]:
        return sorted(self._files)


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0  # "*" counts too


def _manifest() -> Manifest:
    return current_app.extensions["statics"]


def serve_static(filename: str) -> Response:
    """A static file: a year's `immutable` cache under its current fingerprinted name, a short one otherwise;
    gzip'd for clients that accept it."""
    immutable = False
    found = _manifest().get(filename)
    if found is None and (m := _HASHED.match(filename)):
        found = _manifest().get(m["stem"] + m["ext"])
        immutable = found is not None and found.digest == m["hash"]
    if found is None:
        abort(404)
    mimetype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    use_gz = found.gz is not None and accepts_gzip()
    etag = found.digest + ("-gz" if use_gz else "")
    resp = Response(found.gz if use_gz else found.body, mimetype=mimetype)
    if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
        resp.content_type = f"{mimetype}; charset=utf-8"
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = IMMUTABLE if immutable else SHORT
    if found.gz is not None:
        resp.vary.add("Accept-Encoding")
    if use_gz:
        resp.headers["Content-Encoding"] = "gzip"
    return resp.make_conditional(request)


def compress_page(resp: Response) -> Response:
    """After the view: gzip an HTML/JSON/XML answer of at least PAGE_GZIP_MIN_BYTES for a client that accepts
    gzip. Files, streams, ranges and already encoded answers pass unchanged."""
    if resp.status_code != 200 or resp.direct_passthrough or resp.is_streamed or request.method == "HEAD":
        return resp
    if resp.mimetype not in PAGE_TYPES or "Content-Encoding" in resp.headers:
        return resp
    if "attachment" in (resp.headers.get("Content-Disposition") or "") or "X-Accel-Redirect" in resp.headers:
        return resp
    resp.vary.add("Accept-Encoding")
    body = resp.get_data()
    if len(body) < current_app.config.get("PAGE_GZIP_MIN_BYTES", 1024) or not accepts_gzip():
        return resp
    resp.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    resp.headers["Content-Encoding"] = "gzip"
    etag, weak = resp.get_etag()
    if etag:  # another representation: another tag
        resp.set_etag(etag + "-gz", weak=weak)
    return resp


def build(manifest: Manifest, target: str | os.PathLike) -> list[str]:
    """Write every static file under its name and its fingerprinted name, each compressible one with a .gz
    beside it, for nginx to serve (`gzip_static on`). Returns the names written."""
    out, written = Path(target), []
    for name in manifest.names():
        entry = manifest.get(name)
        if entry is None:
            continue
        for as_name in (entry.name, entry.hashed_name):
            dest = out / as_name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(manifest.folder / entry.name, dest)
            written.append(as_name)
            if entry.gz is not None:
                Path(f"{dest}.gz").write_bytes(entry.gz)
                written.append(as_name + ".gz")
    return written


def init_app(app: Flask) -> None:
    """The manifest of the static folder, fingerprinted static URLs, the static view, page compression."""
    app.extensions["statics"] = Manifest(app.static_folder or "static")

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = app.extensions["statics"].url_name(values["filename"])

    app.view_functions["static"] = serve_static
    app.after_request(compress_page)
