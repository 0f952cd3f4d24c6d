"""The backup status page (OVERSIGHT §11): for the authority, auditors and administrators."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts import roles
from ..accounts.permissions import roles_required
from .status import backup_status

bp = Blueprint("backup", __name__, url_prefix="/console")


@bp.get("/backups")
@roles_required(roles.BACKUP_VIEWERS)
def status_page():
    return render_template("backup/status.html", status=backup_status())
