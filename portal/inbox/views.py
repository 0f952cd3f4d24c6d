"""The inbox page: a user's notices, newest first; opening one marks it read."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import login_required
from ..errors import BadRequest
from ..extensions import db
from . import services

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def _unread():
    if getattr(current_user, "is_authenticated", False):
        return {"inbox_unread": services.unread_count(current_user.id)}
    return {"inbox_unread": 0}


@bp.get("/inbox")
@login_required
def index():
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise BadRequest(_("The page number must be a whole number."), {"page": page[:40]})
    rows, total = services.messages(current_user.id, int(page))
    return render_template("inbox/list.html", rows=rows, total=total, page=int(page),
                           pages=max(1, -(-total // services.PAGE_SIZE)))


@bp.post("/inbox/<int:message_id>/open")
@login_required
def open_message(message_id: int):
    message = services.own_message(current_user.id, message_id)
    services.mark_read(current_user.id, message_id)
    db.session.commit()
    link = message.link if message.link.startswith("/") and not message.link.startswith("//") else ""
    return redirect(link or url_for("inbox.index"))


@bp.post("/inbox/read-all")
@login_required
def read_all():
    services.mark_read(current_user.id)
    db.session.commit()
    return redirect(url_for("inbox.index"))
