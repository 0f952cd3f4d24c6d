"""The agency console's page of a file's derived table: its state and progress, the error naming row and
column, the columns with their types (a form to set them), the checks against the data items, the profile."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..catalog import editing
from ..errors import Invalid
from . import services
from .models import STATE_LABELS, TableState
from .privacy import KIND_LABELS
from .schemas import TYPE_CHOICES, ColumnTypesIn
from .types import TYPE_LABELS

bp = Blueprint("tables", __name__, url_prefix="/console")


def _page(ds, res, table, errors: dict, status: int = 200):
    state = table.state if table else ""
    view = {
        "label": STATE_LABELS.get(state, _("Not a table")) if table else _("Not a table"),
        "working": state in (TableState.PENDING, TableState.RUNNING),
        "failed": state == TableState.FAILED,
        "done": state == TableState.DONE,
        "may_set_types": table is not None and state != TableState.RUNNING and services.may_set_types(current_user, ds),
    }
    return render_template("tables/console_table.html", ds=ds, res=res, table=table, view=view, errors=errors,
                           checks=services.item_checks(ds, table), type_labels=TYPE_LABELS, kind_labels=KIND_LABELS,
                           type_choices=TYPE_CHOICES), status


@bp.get("/datasets/<dataset_id>/resources/<resource_id>/table")
@roles_required(roles.CONSOLE_VIEWERS)
def table_page(dataset_id: str, resource_id: str):
    """A file's derived table as the agency and the reviewers see it before publishing."""
    ds = editing.console_dataset(dataset_id, current_user)
    res, table = services.console_table(ds, resource_id, current_user)
    return _page(ds, res, table, {})


@bp.post("/datasets/<dataset_id>/resources/<resource_id>/table")
@roles_required(roles.AGENCY_STAFF)
def set_types(dataset_id: str, resource_id: str):
    """The form of column types (fields `type:<column>`), read through ColumnTypesIn like the API's body."""
    ds = editing.console_dataset(dataset_id, current_user)
    raw = {"types": {k.split(":", 1)[1]: v for k, v in request.form.items() if k.startswith("type:")}}
    try:
        types = ColumnTypesIn().load(raw)["types"]
        services.set_column_types(ds, resource_id, types, current_user)
    except ValidationError as exc:
        res, table = services.console_table(ds, resource_id, current_user)
        return _page(ds, res, table, {"types": _("Choose a type from the list.")} | {"_": str(exc.messages)}, 422)
    except Invalid as exc:
        res, table = services.console_table(ds, resource_id, current_user)
        return _page(ds, res, table, {"types": exc.message}, exc.status)
    return redirect(url_for("tables.table_page", dataset_id=ds.id, resource_id=resource_id))
