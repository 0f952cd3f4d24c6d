"""Follow buttons' page, "my follows", the one-click unsubscribe link and the Atom feeds."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import login_required
from ..errors import PortalError
from ..extensions import csrf
from ..pagecache import cached
from ..security import safe_next
from . import feeds, mailing, services
from .events import event_labels
from .schemas import EMAIL_CHOICES

bp = Blueprint("follows", __name__)
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@bp.after_app_request
def send_after_request(response):
    """Immediate mails of the events the request made leave once it has committed."""
    if g.pop("follow_events_added", False):
        try:
            mailing.send_immediate()
        except Exception:  # the events stay pending for `flask portal follow-mail`
            current_app.logger.exception("follow mail not sent")
    return response


def _choices() -> list[tuple[str, str]]:
    labels = {"none": _("No e-mail"), "immediate": _("E-mail at once"), "weekly": _("Weekly e-mail digest")}
    return [(c, labels[c]) for c in EMAIL_CHOICES]


@bp.get("/follows/new")
@login_required
def new():
    """What a follow button leads to: choose how to be told, then follow."""
    target, key = request.args.get("target", ""), request.args.get("key", "")
    if target not in ("dataset", "agency", "theme", "search", "mine"):
        return redirect(url_for("follows.index"))
    _stored, label = services.resolve(target, key)
    return render_template("follows/new.html", target=target, key=key, label=label, choices=_choices(),
                           next=safe_next(request.args.get("next")))


@bp.post("/follows")
@login_required
def create():
    try:
        services.follow(current_user, request.form)
    except PortalError as exc:
        if exc.status != 422:
            raise
        return render_template("follows/new.html", target=request.form.get("target", ""),
                               key=request.form.get("key", ""), label="", choices=_choices(),
                               next=safe_next(request.form.get("next")), errors=exc.details,
                               message=exc.message), 422
    return redirect(url_for("follows.index"))


@bp.get("/follows")
@login_required
def index():
    """Everything the user follows, how each tells them, and its private feed."""
    return render_template("follows/index.html", follows=services.mine(current_user), choices=_choices(),
                           feed_url=lambda f: url_for("follows.follow_feed", token=f.feed_token, _external=True),
                           labels=event_labels())


@bp.post("/follows/<int:follow_id>")
@login_required
def change(follow_id: int):
    services.change(current_user, follow_id, request.form)
    return redirect(url_for("follows.index"))


@bp.post("/follows/<int:follow_id>/stop")
@login_required
def stop(follow_id: int):
    services.stop(current_user, follow_id)
    return redirect(url_for("follows.index"))


@bp.route("/follows/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here without a session (RFC 8058)
def unsubscribe(token: str):
    """One click from an e-mail, no sign-in: the follow's mail stops; the link works once."""
    stopped = services.unsubscribe(token)
    return render_template("follows/unsubscribed.html", stopped=stopped)


@bp.get("/follows/feed/<token>.atom")
def follow_feed(token: str):
    return Response(feeds.follow_feed(_base(), token), content_type=ATOM_TYPE,
                    headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"})


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


@bp.get("/feeds/catalog.atom")
def catalog_feed():
    return _public(lambda: feeds.catalog_feed(_base()))


@bp.get("/feeds/agency/<slug>.atom")
def agency_feed(slug: str):
    return _public(lambda: feeds.agency_feed(_base(), slug))


@bp.get("/feeds/theme/<slug>.atom")
def theme_feed(slug: str):
    return _public(lambda: feeds.theme_feed(_base(), slug))


def _public(make) -> Response:
    return cached(lambda: Response(make(), content_type=ATOM_TYPE))
