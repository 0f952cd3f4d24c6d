"""The developers' page: how to use the native API and the CKAN-compatible Action API."""
from __future__ import annotations

from flask import Blueprint, render_template

from .schemas import DEFAULT_PER_PAGE, MAX_PER_PAGE
from .ckan.actions import ACTIONS, ROWS_MAX

bp = Blueprint("developers", __name__)


@bp.get("/developers")
def developers():
    """Examples in curl and Python, limits, errors, and the list of CKAN actions."""
    from flask import current_app

    return render_template("developers.html", max_per_page=MAX_PER_PAGE, default_per_page=DEFAULT_PER_PAGE,
                           ckan_actions=sorted(ACTIONS), rows_max=ROWS_MAX,
                           limit_anonymous=current_app.config["RATELIMIT_API"],
                           limit_token=current_app.config["RATELIMIT_API_TOKEN"])
