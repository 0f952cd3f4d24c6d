"""Pages of periodic reassessment: the queue (the agency's own, or all for overseers) and an entry's
reassessment with the reasoned "keep" form."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from . import services
from .schemas import KeepIn

bp = Blueprint("reassessment", __name__)


@bp.get("/console/reassessments")
@roles_required(roles.CONSOLE_VIEWERS)
def queue():
    rows = services.queue_for(current_user)
    return render_template("reassessment/queue.html", rows=rows, months=services.months(),
                           overdue=sum(r.overdue for r in rows), due_soon=sum(r.due_soon for r in rows))


@bp.get("/console/reassessments/<dataset_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def entry(dataset_id: str, form: dict | None = None, errors: dict | None = None, status: int = 200):
    ds = services.get_entry(dataset_id, current_user)
    rows = [r for r in services.all_due() if r.dataset.id == ds.id]
    history = [c for c in ds.changes if c.kind in ("reassessed", "reclassified")]
    return render_template("reassessment/entry.html", ds=ds, rows=rows, history=history, form=form or {},
                           errors=errors or {}, may_keep=services.may_keep(current_user, ds) and bool(rows),
                           months=services.months()), status


@bp.post("/console/reassessments/<dataset_id>/keep")
@roles_required(roles.AGENCY_STAFF)
def keep(dataset_id: str):
    ds = services.get_entry(dataset_id, current_user)
    form = form_values(KeepIn(), request.form)
    try:
        services.keep(ds, form, current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return entry(dataset_id, form=form, errors=exc.details or {"kind": exc.message}, status=exc.status)
    flash(_("The reassessment was recorded: the type is kept."), "success")
    return redirect(url_for("reassessment.entry", dataset_id=ds.id))
