"""The authority's pages: review queue, one submission, un-publishing, the working-day calendar."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from .. import workdays
from ..accounts import roles
from ..accounts.permissions import roles_required
from ..api.routes import load_args
from ..errors import BadRequest, Invalid
from ..fields import form_values
from ..tables.privacy import KIND_LABELS
from . import editing, grading, review, stops, workday_calendar
from .console import entry_page
from .preview import can_preview
from .schemas import ApprovalIn, ReviewQueueIn

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.get("/")
@roles_required(roles.OVERSEERS)
def queue():
    """Pending submissions by due date, a page at a time; overdue and due within 2 workdays are marked."""
    queue = review.queue_page(load_args(ReviewQueueIn)["page"])
    return render_template("review/queue.html", queue=queue, rows=queue.rows,
                           page_url=lambda n: url_for("review.queue", page=n),
                           calendar_missing=workday_calendar.missing_year(current_user))


@bp.get("/<int:review_id>")
@roles_required(roles.OVERSEERS)
def show(review_id: int):
    """One submission: the entry as submitted, the two review checks, the decision."""
    return _page(review.get_review(review_id))


def _page(r, errors: dict | None = None, status: int = 200):
    """The review page: the entry as it will be published (the public page's parts), its files, the checks."""
    return render_template("review/show.html", r=r, data=r.snapshot, sub=review.submission(r), errors=errors or {},
                           checks=review.RECORDED_CHECKS,
                           at_decision=review.at_decision(r), privacy=review.privacy_findings(r),
                           kind_labels=KIND_LABELS, agency_checks={a.check: a for a in r.agency_checks},
                           can_preview=can_preview, level_labels=grading.LEVEL_LABELS,
                           actions=review.review_actions(r, current_user)), status


@bp.post("/<int:review_id>/check/<check>")
@roles_required(roles.AUTHORITY)
def check(review_id: int, check: str):
    """Record the authority's own confidentiality or disclosure review, or confirm the data level."""
    r = review.get_review(review_id)
    try:
        review.record_check(r, check, request.form.get("note", ""), current_user)
    except Invalid as exc:
        return _page(r, {f"{check}_note": exc.message}, 422)
    return redirect(url_for("review.show", review_id=r.id))


@bp.post("/<int:review_id>/decide")
@roles_required(roles.AUTHORITY)
def decide(review_id: int):
    """Approve (publish) or return with comments."""
    r = review.get_review(review_id)
    action, comment = request.form.get("action"), request.form.get("comment", "")
    try:
        if action == "approve":
            approval = _approval()
            review.approve(r, current_user, approval["comment"], approval)
            flash(_("Published."), "success")
        elif action == "return":
            review.return_(r, current_user, comment)
            flash(_("Returned to the agency."), "success")
        else:
            raise Invalid(_("Choose approve or return."), {"action": ""})
    except Invalid as exc:
        errors = {k: exc.message for k in exc.details} or {"comment": exc.message}
        errors["decision"] = exc.message
        return _page(r, errors, 422)
    return redirect(url_for("review.queue"))


def _approval() -> dict:
    """The decision form's fields through ApprovalIn (the API reads the same schema); 422 naming the field."""
    schema = ApprovalIn()
    try:
        return schema.load(form_values(schema, request.form))
    except ValidationError as exc:
        raise Invalid(_("Please correct the marked fields."), exc.messages)


@bp.post("/datasets/<dataset_id>/unpublish")
@roles_required(roles.AUTHORITY)
def unpublish(dataset_id: str):
    """Take a published entry off the portal at once, with a reason; for a legal prohibition with its basis."""
    ds = editing.console_dataset(dataset_id, current_user)
    try:
        review.unpublish(ds, current_user, request.form.get("reason", ""), ground=request.form.get("ground", ""),
                         legal_basis=request.form.get("legal_basis", ""))
    except Invalid as exc:
        return entry_page(ds, {"unpublish": exc.message, **{f"unpublish-{k}": exc.message for k in exc.details}},
                          422, {"unpublish": request.form.to_dict()})
    flash(_("The entry was withdrawn from the portal."), "success")
    return redirect(url_for("console.entry", dataset_id=ds.id))


@bp.post("/legal-stops/<int:stop_id>/close")
@roles_required(roles.AUTHORITY)
def close_stop(stop_id: int):
    """Record the follow-up of a stop for a legal prohibition; its supervision case closes."""
    stop = stops.get(stop_id)
    try:
        stops.close(stop, current_user, request.form.get("note", ""))
    except Invalid as exc:
        return entry_page(stop.dataset, {f"stop-{stop.id}": exc.message}, 422)
    flash(_("The follow-up is recorded."), "success")
    return redirect(url_for("console.entry", dataset_id=stop.dataset_id, _anchor="legal-stops"))


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(roles.AUTHORITY)
def calendar():
    """A year's working-day calendar as month grids; enter it from the State Council's notice (parse,
    check, confirm) or day by day. An entered year overrides the package and is used for all deadlines."""
    year = request.values.get("year", type=int) or workday_calendar.china_today().year + 1
    if not workday_calendar.YEAR_MIN <= year <= workday_calendar.YEAR_MAX:
        raise BadRequest(_("Choose a year between %(min)d and %(max)d.", min=workday_calendar.YEAR_MIN,
                           max=workday_calendar.YEAR_MAX), {"year": year})
    action = request.form.get("action", "manual") if request.method == "POST" else ""
    notice_text = request.form.get("notice", "")
    error: Invalid | None = None
    preview = None
    try:
        if action == "parse":
            preview = workday_calendar.read_notice(notice_text, year)
            year = preview.year
        elif action == "save":
            notice = workday_calendar.save_notice(notice_text, year, current_user)
            flash(_("The arrangement for %(year)d is saved: %(holidays)d holidays and %(workdays)d make-up "
                    "workdays, read from the State Council's notice.", year=notice.year,
                    holidays=len(notice.holidays), workdays=len(notice.workdays)), "success")
            return redirect(url_for("review.calendar", year=notice.year))
        elif action:
            workday_calendar.save_days(year, request.form.get("holidays", ""), request.form.get("workdays", ""),
                                       current_user)
            flash(_("The arrangement for %(year)d is saved.", year=year), "success")
            return redirect(url_for("review.calendar", year=year))
    except Invalid as exc:
        error = exc
    if preview is not None:
        shown = workday_calendar.year_view(year, preview.holidays, preview.workdays)
        changed = workday_calendar.differences(year, preview.holidays, preview.workdays)
    else:
        shown, changed = workday_calendar.year_view(year, *workday_calendar.arrangement(year)), []
    entered = workdays.entered_arrangement(year)
    manual = action == "manual" and error is not None
    return render_template(
        "review/calendar.html", year=year, source=workdays.year_source(year), shown=shown, preview=preview,
        changed=changed, notice_text=notice_text, error=error, error_in=action if error else "",
        holidays_text=request.form.get("holidays", "") if manual else workday_calendar.days_text(entered[0]),
        workdays_text=request.form.get("workdays", "") if manual else workday_calendar.days_text(entered[1]),
        package_last=workdays.PACKAGE_LAST_YEAR, calendar_missing=workday_calendar.missing_year(current_user),
    ), 422 if error else 200
