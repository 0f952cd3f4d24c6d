"""The caller's own cases on the native API: applications, rights complaints, corrections and reports.

Filing goes through each domain's own service (the same checks, transactions, audit events, notices and,
for a complaint, the immediate suspension of the entry); this module only picks the caller's own records
(another account's case is not found, whatever the caller's role) and shapes them for the schemas.
"""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from ..accounts.models import User
from ..catalog.models import Dataset
from ..catalog.queries import get_published_dataset
from ..errors import NotFound
from ..extensions import db
from ..fields import FormFile
from ..feedback import complaints, corrections, evidence, reports
from ..feedback.models import Complaint, Correction, Report
from ..opening import applications as opening
from ..opening.models import Application
from ..opening.schemas import ApplicationData
from .services import Page, page_of

Files = list[FormFile]  # the uploaded parts, each (filename, stream)


def _dataset(ds: Dataset | None) -> dict[str, Any] | None:
    if ds is None:
        return None
    return {"slug": ds.slug, "title": ds.title, "url": url_for("catalog.dataset", slug=ds.slug, _external=True)}


def _files(rows) -> list[dict[str, Any]]:
    return [{"filename": a.filename, "media_type": a.media_type, "size": a.size} for a in rows]


# ---- applications (conditional open) ----------------------------------------------------------
def application_out(a: Application) -> dict[str, Any]:
    out = {f: getattr(a, f) for f in ("id", "state", "scenario", "items", "records_scope", "provision_methods",
                                      "period_start", "period_end", "security_measures", "created_at",
                                      "submitted_at", "due_date", "due_provisional", "decided_at", "permitted_purpose",
                                      "permitted_scope", "refusal_reason", "refusal_legal_basis")}
    out["dataset"] = _dataset(a.dataset)
    out["attachments"] = _files(a.attachments)
    out["url"] = url_for("opening.show", app_id=a.id, _external=True)
    return out


def submit_application(args: dict[str, Any], files: Files, user: User) -> Application:
    ds = opening.applicable_dataset(args["dataset"])
    return opening.save(ds, ApplicationData.of(args), [opening.Upload(n, s) for n, s in files], user, submit_now=args["submit"])


def _own(model: type, case_id: int, owner_column: str, user: User, not_found: str):
    """The caller's own case by number; another account's case, like a missing one, is NotFound."""
    case = db.session.get(model, case_id)
    if case is None or getattr(case, owner_column) != user.id:
        raise NotFound(not_found)
    return case


def own_application(app_id: int, user: User) -> Application:
    return _own(Application, app_id, "applicant_id", user, _("No application of yours has this number."))


def own_applications(user: User, page: int, per_page: int) -> Page:
    return page_of([application_out(a) for a in opening.my_applications(user)], page, per_page)


# ---- rights complaints ------------------------------------------------------------------------
def complaint_out(c: Complaint) -> dict[str, Any]:
    out = {f: getattr(c, f) for f in ("id", "right", "right_other", "description", "state", "outcome",
                                      "decision_reason", "filed_at", "due_date", "due_provisional", "decided_at")}
    out["resources"] = list(c.resource_ids)
    out["dataset"] = _dataset(c.dataset)
    out["dataset_suspended"] = c.dataset.suspended_at is not None
    out["evidence"] = _files(evidence.attachments("complaint", c.id))
    out["url"] = url_for("feedback.complaint", complaint_id=c.id, _external=True)
    return out


def file_complaint(args: dict[str, Any], files: Files, user: User) -> Complaint:
    return complaints.file_complaint(get_published_dataset(args["dataset"]), args, files, user)


def own_complaint(complaint_id: int, user: User) -> Complaint:
    return _own(Complaint, complaint_id, "complainant_id", user, _("No complaint of yours has this number."))


def own_complaints(user: User, page: int, per_page: int) -> Page:
    return page_of([complaint_out(c) for c in complaints.own_complaints(user)], page, per_page)


# ---- corrections ------------------------------------------------------------------------------
def correction_out(c: Correction) -> dict[str, Any]:
    out = {f: getattr(c, f) for f in ("id", "location", "description", "state", "answer", "filed_at", "due_date",
                                      "due_provisional", "decided_at", "fixed_in_version")}
    out["resource"] = c.resource_id
    out["dataset"] = _dataset(c.dataset)
    out["attachments"] = _files(evidence.attachments("correction", c.id))
    out["url"] = url_for("feedback.correction", correction_id=c.id, _external=True)
    return out


def file_correction(args: dict[str, Any], files: Files, user: User) -> Correction:
    return corrections.file_correction(get_published_dataset(args["dataset"]), args, files, user)


def own_correction(correction_id: int, user: User) -> Correction:
    return _own(Correction, correction_id, "reporter_id", user, _("No correction of yours has this number."))


def own_corrections(user: User, page: int, per_page: int) -> Page:
    return page_of([correction_out(c) for c in corrections.own_corrections(user)], page, per_page)


# ---- reports of illegal use -------------------------------------------------------------------
def report_out(r: Report) -> dict[str, Any]:
    out = {f: getattr(r, f) for f in ("id", "accused", "description", "state", "answer", "filed_at", "due_date",
                                      "due_provisional", "answered_at")}
    out["dataset"] = _dataset(r.dataset)
    out["agency"] = {"slug": r.agency.slug, "name": r.agency.name} if r.agency else None
    out["evidence"] = _files(evidence.attachments("report", r.id))
    out["url"] = url_for("feedback.report", report_id=r.id, _external=True)
    return out


def file_report(args: dict[str, Any], files: Files, user: User) -> Report:
    return reports.file_report(args, files, user)


def own_report(report_id: int, user: User) -> Report:
    return _own(Report, report_id, "reporter_id", user, _("No report of yours has this number."))


def own_reports(user: User, page: int, per_page: int) -> Page:
    return page_of([report_out(r) for r in reports.own_reports(user)], page, per_page)

