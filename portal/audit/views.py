"""Auditors' console pages: search and export the audit log and the access log (SPEC §6, R2024 §29)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..models_base import utcnow
from . import access, chain, logs

bp = Blueprint("audit", __name__, url_prefix="/console")
public_bp = Blueprint("audit_public", __name__)  # the chain's checkpoints, for anyone to archive
CHECKPOINTS_SHOWN = 100
ACCESS_KINDS = {"download": _l("Download"), "api": _l("API call"), "search": _l("Search"), "preview": _l("Preview"),
                "page": _l("Protected page"), "share": _l("Use under a share grant")}


@bp.context_processor
def _helpers():
    return {"kind_labels": ACCESS_KINDS,
            "json_text": lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""}


def _args(q: logs.LogQuery) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(q).items() if v and k != "page"}


def _page_url(endpoint: str, q: logs.LogQuery):
    return lambda page: url_for(endpoint, **_args(q), page=page)


def _csv(log: str):
    q = logs.parse_log_query(request.args)
    filename = f"{log}-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    lines = logs.export_csv(log, q, current_user._get_current_object())
    # content_type, not mimetype: Response adds "; charset=utf-8" to a text mimetype itself, which made
    # the header "text/csv; charset=utf-8; charset=utf-8"
    return Response(stream_with_context(lines), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.get("/audit")
@roles_required(roles.OVERSEERS)
def audit_log():
    """The audit log (decisions, hash-chained): search by time, user, action and object, newest first."""
    q = logs.parse_log_query(request.args)
    return render_template("audit/log.html", log="audit", result=logs.search_audit(q), q=q,
                           page_url=_page_url("audit.audit_log", q), csv_url=url_for("audit.audit_csv", **_args(q)))


@bp.get("/audit.csv")
@roles_required(roles.OVERSEERS)
def audit_csv():
    """The filtered audit log as CSV, streamed."""
    return _csv("audit")


@bp.get("/access")
@roles_required(roles.OVERSEERS)
def access_log():
    """The access log (downloads, API calls, searches, protected pages): search by time, user, kind and object;
    and how many events could not be written."""
    q = logs.parse_log_query(request.args)
    result = logs.search_access(q)
    return render_template("audit/log.html", log="access", result=result, q=q,
                           page_url=_page_url("audit.access_log", q), csv_url=url_for("audit.access_csv", **_args(q)),
                           emails=logs.user_emails({e.user_id for e in result.rows}),
                           write_failures=access.failures())


@bp.get("/access.csv")
@roles_required(roles.OVERSEERS)
def access_csv():
    """The filtered access log as CSV, streamed."""
    return _csv("access")


@bp.get("/audit/verify")
@roles_required(roles.OVERSEERS)
def verify():
    """Check the audit log's chain now, with the key and against the checkpoints (`flask portal audit verify`)."""
    return render_template("audit/verify.html", verdict=chain.verify())


@public_bp.get("/audit/checkpoints")
def checkpoints():
    """The audit chain's signed checkpoints and the key that checks them: public, to be archived by anyone."""
    found, _unreadable = chain.checkpoints(limit=CHECKPOINTS_SHOWN)
    return render_template("audit/checkpoints.html", checkpoints=found, public_key=chain.public_key())


@public_bp.get("/audit/checkpoints.json")
def checkpoints_json():
    """The same checkpoints as JSON, each with its signature."""
    found, _unreadable = chain.checkpoints(limit=CHECKPOINTS_SHOWN)
    return jsonify({"public_key": chain.public_key(), "algorithm": "Ed25519",
                    "checkpoints": [cp.as_json() for cp in found]})
