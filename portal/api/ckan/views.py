"""The CKAN Action API blueprint: /api/action/<name> and /api/3/action/<name>, GET and POST."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException

from ...extensions import db
from ...pagecache import cached
from ..limits import api_limit
from . import actions

bp = Blueprint("ckan_api", __name__)
api_limit(bp)


def _finish(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json;charset=utf-8")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _bad_request(message: str) -> Response:
    """CKAN answers a bad request with a JSON string, not an envelope."""
    return _finish(400, f"Bad request - {message}")


def _request_data(name: str) -> dict[str, Any]:
    """The action's data as CKAN reads it: URL parameters on GET, else a JSON body, a form, or a form
    whose only key is a JSON document (what some clients send). Repeated keys become lists."""
    def mixed(multi) -> dict[str, Any]:
        return {k: v[0] if len(v) == 1 else v for k, v in multi.to_dict(flat=False).items()}

    if request.method == "GET":
        if name in actions.WRITE_ACTIONS:
            raise ValueError("Invalid request. Please use POST method for your request")
        return mixed(request.args)
    if request.form:
        values = list(request.form.values())
        if len(values) == 1 and values[0] in ("1", ""):
            data = json.loads(next(iter(request.form.keys())))
        else:
            data = mixed(request.form)
    elif request.get_data(cache=True):
        try:
            data = request.get_json(force=True)
        except BadRequest as exc:
            raise ValueError(f"Error decoding JSON data. Error: {exc.description!r}")
    else:
        data = mixed(request.args)
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {data!r} but it needs to be a dictionary.")
    return data


@bp.route("/api/action/<name>", methods=["GET", "POST"])
@bp.route("/api/3/action/<name>", methods=["GET", "POST"])
def action(name: str) -> Response:
    """Run a CKAN action and answer in CKAN's envelope {help, success, result | error}."""
    if name not in actions.ACTIONS and name not in actions.WRITE_ACTIONS:
        return _bad_request(f"Action name not known: {name}")
    envelope: dict[str, Any] = {"help": url_for("ckan_api.action", name="help_show", _external=True)
                                + f"?name={name}"}
    try:
        data = _request_data(name)
    except ValueError as exc:
        return _bad_request(f"JSON Error: {exc}")
    data.pop("callback", None)

    def run() -> Response:
        try:
            envelope["result"] = actions.call(name, data)
            envelope["success"] = True
        except actions.CkanError as exc:
            db.session.rollback()
            envelope["success"] = False
            envelope["error"] = exc.body()
            return _finish(exc.status, envelope)
        return _finish(200, envelope)
    return cached(run) if name in actions.ACTIONS else run()


@bp.get("/api/3")
@bp.get("/api/3/")
def version() -> Response:
    """CKAN's API root: the version number."""
    return _finish(200, {"version": 3})


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    """Errors before the action runs (429 from the rate limit, 405) in CKAN's envelope."""
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_response().headers.items() if k in ("Retry-After", "Allow")}
    if status == 429:
        headers.setdefault("Retry-After", "60")
        body = {"help": url_for("ckan_api.action", name="help_show", _external=True), "success": False,
                "error": {"__type": "Rate Limit Error",
                          "message": f"Too many requests: {exc.description}. Retry after "
                                     f"{headers['Retry-After']} seconds."}}
        return _finish(429, body, headers)
    current_app.logger.info("CKAN API error %s", status)
    return _finish(status, f"Bad request - {exc.description}" if status == 400 else
                   {"success": False, "error": {"__type": "Internal Server Error" if status >= 500 else "Error",
                                                "message": str(exc.description)}}, headers)
