"""A data user's own data: everything the portal holds about the account, as one JSON document.

Each part is a section: a function of the user giving JSON-ready rows. Other domains add theirs with
`section(name)` (follows, data requests, reuses...), so the download stays complete as the portal grows.
Secrets (password and token hashes, the keyed hash of the citizen ID number) never leave.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import select

from ..audit import services as audit
from ..audit.models import AccessEvent, AuditEvent
from ..extensions import db
from ..models_base import utcnow
from . import consent
from .models import ApiToken, Consent, User

FORMAT = "odp-personal-data/1"
SECRET_COLUMNS = {"password_hash", "token_hash", "citizen_id_hash", "hash", "prev_hash", "keyed", "row_version",
                  "session_version"}
SECTIONS: dict[str, Callable[[User], Any]] = {}


def section(name: str):
    """Register `fn(user)` as one section of the download."""
    def register(fn: Callable[[User], Any]) -> Callable[[User], Any]:
        SECTIONS[name] = fn
        return fn
    return register


def plain(row: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model row's columns as JSON values, without secrets."""
    out = {}
    for column in row.__table__.columns:
        if column.key in SECRET_COLUMNS or column.key in drop:
            continue
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return out


def _all(model, column, user: User, drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [plain(r, drop) for r in db.session.scalars(select(model).where(column == user.id).order_by(model.id))]


@section("account")
def _account(user: User) -> dict[str, Any]:
    return plain(user)


@section("consents")
def _consents(user: User) -> list:
    return _all(Consent, Consent.user_id, user)


@section("api_tokens")
def _tokens(user: User) -> list:
    return _all(ApiToken, ApiToken.user_id, user)


@section("applications")
def _applications(user: User) -> list:
    from ..opening.models import Application, Grant, UsageReport

    rows = []
    for application in db.session.scalars(select(Application).where(Application.applicant_id == user.id)
                                          .order_by(Application.id)):
        item = plain(application)
        item["dataset_title"] = application.dataset.title
        item["attachments"] = [plain(a, ("storage_key",)) for a in application.attachments]
        item["timeline"] = [plain(e) for e in application.events]
        grant = db.session.scalar(select(Grant).where(Grant.application_id == application.id))
        item["grant"] = plain(grant) if grant else None
        if grant:
            item["grant"]["usage_reports"] = _all(UsageReport, UsageReport.grant_id, grant)
        rows.append(item)
    return rows


@section("complaints")
def _complaints(user: User) -> list:
    from ..feedback.models import Complaint

    return _all(Complaint, Complaint.complainant_id, user, ("snapshot",))


@section("corrections")
def _corrections(user: User) -> list:
    from ..feedback.models import Correction

    return _all(Correction, Correction.reporter_id, user)


@section("reports")
def _reports(user: User) -> list:
    from ..feedback.models import Report

    return _all(Report, Report.reporter_id, user, ("reported_user_id",))


@section("follows")
def _follows(user: User) -> list:
    from ..follows.models import Follow

    return _all(Follow, Follow.user_id, user, ("feed_token",))


@section("data_requests")
def _data_requests(user: User) -> dict[str, list]:
    from ..datarequests.models import DataRequest, DataRequestSupport

    return {"filed": _all(DataRequest, DataRequest.requester_id, user),
            "me_too": _all(DataRequestSupport, DataRequestSupport.user_id, user)}


@section("inbox")
def _inbox(user: User) -> list:
    from ..inbox.models import Message

    return _all(Message, Message.user_id, user)


@section("access_log")
def _access(user: User) -> list:
    return _all(AccessEvent, AccessEvent.user_id, user)


@section("audit_log")
def _audit(user: User) -> list:
    """What the account did that the audit log records (its own actions)."""
    return _all(AuditEvent, AuditEvent.actor_id, user)


def export(user: User) -> dict[str, Any]:
    """The whole document; the download itself is an audit event."""
    document = {"format": FORMAT, "exported_at": utcnow().isoformat(timespec="seconds"),
                "privacy_policy_version": consent.current_version()}
    document.update({name: fn(user) for name, fn in SECTIONS.items()})
    audit.record(user, "user.export", "user", str(user.id), details={"sections": sorted(SECTIONS)})
    db.session.commit()
    return document
