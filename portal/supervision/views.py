"""The authority's supervision page (督办)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts import roles
from ..accounts.permissions import roles_required
from . import services

bp = Blueprint("supervision", __name__)


@bp.get("/console/supervision")
@roles_required(roles.OVERSEERS)
def index():
    cases = services.open_cases()
    return render_template("supervision/index.html", cases=cases,
                           overdue=sum(c.overdue for c in cases), due_soon=sum(c.due_soon for c in cases))
