"""The legal page: the regulations in force for this deployment and the articles the portal cites."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from . import registry
from .purposes import PURPOSES

bp = Blueprint("legal", __name__)


@bp.get("/legal")
def index():
    """Regulations in force, each article the portal cites with its text, and what cites it."""
    reg = registry()
    rows = []
    for name, purpose in PURPOSES.items():
        citation = reg.cite(name)
        value = current_app.config.get(purpose.setting) if purpose.setting else None
        rows.append({"name": name, "purpose": purpose, "citation": citation, "value": value,
                     "fixed": bool(citation and citation.sets(value))})
    return render_template("legal/index.html", registry=reg, rows=rows, purposes=PURPOSES)
