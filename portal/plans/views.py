"""Annual open plans: the public page per year with progress, and the console where plans are written."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import BadRequest, Conflict, Invalid
from . import services
from .forms import CreatePlanForm, ItemForm, PrioritiesForm, PublishForm, RemoveItemForm
from .models import OpenPlan
from .permissions import can_create, own_agency
from .vocab import FLAG_LABELS

bp = Blueprint("plans", __name__)


@bp.context_processor
def _labels():
    return {"flag_labels": FLAG_LABELS}


def _show_errors(form, exc: Invalid | Conflict) -> None:
    """Put a service's field messages on the form's fields; an error with none of them goes on up."""
    placed = False
    for name, message in exc.details.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]
            placed = True
    if not placed:
        raise exc


# ---- public -------------------------------------------------------------------
@bp.get("/plans")
def index():
    """The newest year with published plans, or an empty page while there is none."""
    years = services.years()
    if years:
        return redirect(url_for("plans.year", year=years[0]))
    return render_template("plans/year.html", year=None, progress=None, years=[])


@bp.get("/plans/<int:year>")
def year(year: int):
    """A year's published plans by agency, each item with its progress, and completion rates."""
    return render_template("plans/year.html", year=year, progress=services.public_plans(year),
                           years=services.years())


# ---- console: list and create ----------------------------------------------------
def _list_page(form: CreatePlanForm | None, status: int = 200):
    if form is not None and form.year.data is None and not form.year.raw_data:
        form.year.data = services.china_today().year
    return render_template("plans/console_list.html", plans=services.console_plans(current_user), form=form,
                           regional=own_agency(current_user) is None), status


@bp.get("/console/plans")
@roles_required(roles.CONSOLE_VIEWERS)
def console_list():
    """The plans the user may see, and the form to start a plan for a year."""
    return _list_page(CreatePlanForm(formdata=None) if can_create(current_user) else None)


@bp.post("/console/plans")
@roles_required(roles.STAFF)
def create():
    """Start a draft plan: the agency's own plan, or the regional plan for the authority."""
    form = CreatePlanForm()
    if form.validate_on_submit():
        try:
            plan = services.create_plan(form.year.data, current_user, own_agency(current_user))
        except (Invalid, Conflict) as exc:
            _show_errors(form, exc)
            return _list_page(form, exc.status)
        flash(_("The draft plan for %(year)d has been created.", year=plan.year), "success")
        return redirect(url_for("plans.console_plan", plan_id=plan.id))
    return _list_page(form, 422)


# ---- console: one plan -----------------------------------------------------------
def _plan_page(plan: OpenPlan, *, item_form: ItemForm | None = None, priorities_form: PrioritiesForm | None = None,
               problem: str = "", status: int = 200):
    editable = services.may_edit(plan, current_user)
    if editable:
        item_form = item_form or ItemForm(formdata=None)
        _entry_choices(item_form, plan)
        priorities_form = priorities_form or PrioritiesForm(formdata=None, data={"priorities": plan.priorities})
    return render_template("plans/console_plan.html", plan=plan, progress=services.plan_progress(plan),
                           editable=editable, item_form=item_form, priorities_form=priorities_form,
                           problem=problem), status


def _entry_choices(form: ItemForm, plan: OpenPlan) -> None:
    form.dataset_id.choices = [("", _("— none: a new entry —"))] + [
        (d.id, f"{d.title} · {d.code}") for d in services.candidate_entries(plan)]


@bp.get("/console/plans/<int:plan_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def console_plan(plan_id: int):
    """A plan with its items and progress; its owner edits it here while it is a draft."""
    return _plan_page(services.get_plan(plan_id, current_user))


@bp.post("/console/plans/<int:plan_id>")
@roles_required(roles.STAFF)
def console_plan_post(plan_id: int):
    """One change of a draft plan, named by the form's `action`: priorities, add_item, remove_item, publish."""
    plan = services.get_plan(plan_id, current_user)
    services.require_editable(plan, current_user)  # 403 / 409 before any form is read
    action = request.form.get("action", "")
    if action == "priorities":
        form = PrioritiesForm()
        if form.validate_on_submit():
            try:
                services.update_priorities(plan, form.priorities.data or "", current_user)
            except Invalid as exc:
                _show_errors(form, exc)
                return _plan_page(plan, priorities_form=form, status=exc.status)
            flash(_("The priorities have been saved."), "success")
            return redirect(url_for("plans.console_plan", plan_id=plan.id))
        return _plan_page(plan, priorities_form=form, status=422)
    if action == "add_item":
        form = ItemForm()
        _entry_choices(form, plan)
        if form.validate_on_submit():
            try:
                services.add_item(plan, form.to_data(), current_user)
            except Invalid as exc:
                _show_errors(form, exc)
                return _plan_page(plan, item_form=form, status=exc.status)
            flash(_("The entry has been added to the plan."), "success")
            return redirect(url_for("plans.console_plan", plan_id=plan.id, _anchor="items"))
        return _plan_page(plan, item_form=form, status=422)
    if action == "remove_item":
        form = RemoveItemForm()
        if not form.validate_on_submit():
            raise BadRequest(_("The request could not be understood."))
        services.remove_item(services.get_item(plan, form.item_id.data), current_user)
        flash(_("The entry has been removed from the plan."), "success")
        return redirect(url_for("plans.console_plan", plan_id=plan.id, _anchor="items"))
    if action == "publish":
        form = PublishForm()
        if not form.validate_on_submit():
            raise BadRequest(_("The request could not be understood."))
        try:
            services.publish_plan(plan, current_user)
        except Conflict as exc:
            return _plan_page(plan, problem=exc.message, status=exc.status)
        flash(_("The plan has been published."), "success")
        return redirect(url_for("plans.console_plan", plan_id=plan.id))
    raise BadRequest(_("The request could not be understood."))
