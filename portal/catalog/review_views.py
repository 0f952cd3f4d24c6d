"""The authority's pages: review queue, one submission, un-publishing, the working-day calendar."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import workdays
from ..accounts.models import Role
from ..accounts.permissions import roles_required
from ..audit import services as audit
from ..errors import BadRequest, Invalid
from ..extensions import db
from . import editing, review
from .preview import can_preview

bp = Blueprint("review", __name__, url_prefix="/review")
REVIEWERS = (Role.AUTHORITY, Role.ADMIN)


@bp.get("/")
@roles_required(*REVIEWERS, Role.AUDITOR)
def queue():
    """Pending submissions by due date; overdue and due within 2 workdays are marked."""
    return render_template("review/queue.html", rows=review.queue())


@bp.get("/<int:review_id>")
@roles_required(*REVIEWERS, Role.AUDITOR)
def show(review_id: int):
    """One submission: the entry as submitted, the two review checks, the decision."""
    return _page(review.get_review(review_id))


def _page(r, errors: dict | None = None, status: int = 200):
    """The review page: the entry as it will be published (the public page's parts), its files, the checks."""
    return render_template("review/show.html", r=r, data=r.snapshot, sub=review.submission(r), errors=errors or {},
                           checks=review.CHECKS, can_preview=can_preview), status


@bp.post("/<int:review_id>/check/<check>")
@roles_required(*REVIEWERS)
def check(review_id: int, check: str):
    """Record the confidentiality or the disclosure review."""
    r = review.get_review(review_id)
    try:
        review.record_check(r, check, request.form.get("note", ""), current_user)
    except Invalid as exc:
        return _page(r, {f"{check}_note": exc.message}, 422)
    return redirect(url_for("review.show", review_id=r.id))


@bp.post("/<int:review_id>/decide")
@roles_required(*REVIEWERS)
def decide(review_id: int):
    """Approve (publish) or return with comments."""
    r = review.get_review(review_id)
    action, comment = request.form.get("action"), request.form.get("comment", "")
    try:
        if action == "approve":
            review.approve(r, current_user, comment)
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


@bp.post("/datasets/<dataset_id>/unpublish")
@roles_required(*REVIEWERS)
def unpublish(dataset_id: str):
    """Take a published entry off the portal, with a reason."""
    ds = editing.console_dataset(dataset_id, current_user)
    review.unpublish(ds, current_user, request.form.get("reason", ""))
    flash(_("The entry was withdrawn from the portal."), "success")
    return redirect(url_for("console.entry", dataset_id=ds.id))


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def calendar():
    """Enter a year's official holiday arrangement (overrides the package; used for all deadlines)."""
    year = request.values.get("year", type=int) or workdays.china_date(date.today()).year + 1
    if not 2000 <= year <= 2100:
        raise BadRequest(_("Choose a year between %(min)d and %(max)d.", min=2000, max=2100), {"year": year})
    errors: dict[str, str] = {}
    holidays_text = request.form.get("holidays", "")
    workdays_text = request.form.get("workdays", "")
    if request.method == "POST":
        try:
            holidays = _parse_days(holidays_text, "holidays")
            make_up = _parse_days(workdays_text, "workdays")
            workdays.set_year_arrangement(year, holidays, make_up, current_user.email)
            audit.record(current_user, "calendar.set_year", "calendar", str(year),
                         details={"holidays": len(holidays), "workdays": len(make_up)})
            db.session.commit()
            flash(_("The arrangement for %(year)d is saved.", year=year), "success")
            return redirect(url_for("review.calendar", year=year))
        except Invalid as exc:
            db.session.rollback()  # nothing of the year is half-saved
            errors = {"calendar": exc.message}
    else:
        holidays, make_up = workdays.entered_arrangement(year)
        holidays_text = "\n".join(f"{d.isoformat()} {n}" for d, n in sorted(holidays.items()))
        workdays_text = "\n".join(f"{d.isoformat()} {n}" for d, n in sorted(make_up.items()))
    return render_template("review/calendar.html", year=year, source=workdays.year_source(year),
                           holidays_text=holidays_text, workdays_text=workdays_text, errors=errors,
                           package_last=workdays.PACKAGE_LAST_YEAR), 422 if errors else 200


def _parse_days(text: str, field: str) -> dict[date, str]:
    """Lines of "YYYY-MM-DD name" into a dict; Invalid naming the first bad line."""
    days: dict[date, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, name = line.partition(" ")
        try:
            days[date.fromisoformat(day)] = name.strip()
        except ValueError:
            raise Invalid(_("Line %(n)d: write a date as YYYY-MM-DD followed by the holiday's name.", n=n),
                          {field: line[:40]})
    return days
