"""Every API call is logged as an access event (who, from where, what, answer), kept at least two
years with the downloads (R2021 §25, R2018 §24)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from ..audit import services as audit
from ..extensions import db


def log_api_calls(bp: Blueprint) -> Blueprint:
    """Record an `api` access event after every request the blueprint answers (errors and 429s too)."""
    @bp.after_request
    def _log(resp: Response) -> Response:
        resource_id = (request.view_args or {}).get("resource_id")
        try:
            audit.record_access("api", resp.status_code, detail=f"{request.method} {request.full_path.rstrip('?')}",
                                resource_id=resource_id if resource_id and len(resource_id) <= 36 else None)
            db.session.commit()
        except SQLAlchemyError:  # the answer is already made; a failed log line must not turn it into a 500
            db.session.rollback()
            current_app.logger.exception("could not log an API call")
        return resp
    return bp
