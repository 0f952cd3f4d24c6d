"""A stored file as an HTTP answer: streamed with ETag, Last-Modified and Range (or handed to nginx with
X-Accel-Redirect), counted and logged. The site's download (catalog/views.py) and the API's (api/v1.py)
share it; the decision whether the caller may have the file is the catalog's (downloadable_resource)."""
from __future__ import annotations

from flask import Response, current_app, request, send_file

from .catalog import downloads
from .storage import storage
from .storage.names import clean_filename


def send_resource(res: downloads.StoredFile):
    """The file's response (streamed, ETag, Last-Modified, Range), counted and logged; the site's
    download and the API's share it."""
    key = res.storage_key
    resp = send_file(storage().path(key), mimetype=res.media_type, as_attachment=True,
                     download_name=clean_filename(res.filename, f"{res.id}.{res.format.lower()}"), conditional=True,
                     etag=res.sha256, last_modified=res.updated_at, max_age=0)
    if res.encoding and res.media_type.startswith("text/"):
        # set here, not in `mimetype`: send_file would add its own charset=utf-8 after ours
        resp.content_type = f"{res.media_type}; charset={res.encoding}"
    rng = request.range
    start = rng.ranges[0][0] if rng and rng.ranges else None
    if resp.status_code in (200, 206):
        downloads.record_download(res, resp.status_code, resp.content_length or 0, start)
        prefix = current_app.config.get("ACCEL_REDIRECT_PREFIX")
        if prefix:
            resp = _hand_to_nginx(resp, prefix, key)
    return resp


def _hand_to_nginx(resp: Response, prefix: str, key: str) -> Response:
    """Let nginx send the bytes (X-Accel-Redirect to its internal location for the stored file); the
    portal keeps the headers it decided (name, type, ETag, caching) and nginx applies any Range."""
    resp.close()  # the file send_file opened is not read here
    out = Response(status=200)
    for name, value in resp.headers.items():
        if name.lower() not in ("content-length", "content-range", "accept-ranges"):
            out.headers[name] = value
    out.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + storage().internal_path(key)
    out.headers["X-Accel-Buffering"] = "no"
    return out
