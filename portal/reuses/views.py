"""Pages of reuses (利用成果) and of entries' ratings: the showcase, the submission form, a reuse's page, the
authority's moderation queue, and the rating, answer, report and moderation forms of an entry's page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import login_required, roles_required
from ..errors import Invalid
from ..fields import form_files, form_values
from ..storage import storage
from . import ratings, services
from .models import ReuseKind
from .schemas import ReuseIn

bp = Blueprint("reuses", __name__)


@bp.app_template_filter("reuse_kind")
def _reuse_kind(code: str) -> str:
    return services.kind_label(code)


def _int_arg(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100000 else 1


@bp.get("/reuses")
def showcase():
    """Published reuses by theme and kind, newest first, twelve a page."""
    theme, kind = request.args.get("theme", "")[:100], request.args.get("kind", "")
    kind = kind if kind in {k.value for k in ReuseKind} else ""
    page = services.showcase(theme=theme, kind=kind, page=_int_arg("page"))
    return render_template("reuses/showcase.html", page=page, theme=theme, kind=kind, kinds=list(ReuseKind),
                           themes=services.themes_with_reuses(), may_submit=services.may_submit(current_user))


def _form(form: dict, errors: dict, status: int = 200):
    return render_template("reuses/form.html", form=form, errors=errors, kinds=list(ReuseKind),
                           limit=services.image_limit()), status


@bp.route("/reuses/new", methods=["GET", "POST"])
@roles_required(roles.RATERS)
def new():
    if request.method == "GET":
        return _form({"entries": request.args.get("dataset", "")}, {})
    form = request.form.to_dict()
    values = form_values(ReuseIn(), request.form)
    values["entries"] = [line.strip() for line in form.get("entries", "").splitlines() if line.strip()]
    image = next(iter(form_files(request.files, "image")), None)
    try:
        reuse = services.submit(values, image, current_user)
    except Invalid as exc:
        return _form(form, exc.details or {"title": exc.message}, 422)
    flash(_("Thank you: your reuse was received and will be shown once the data authority has checked it."), "success")
    return redirect(url_for("reuses.show", reuse_id=reuse.id))


@bp.get("/reuses/<int:reuse_id>")
def show(reuse_id: int, errors: dict | None = None, status: int = 200):
    reuse = services.get_reuse(reuse_id, current_user)
    return render_template("reuses/show.html", reuse=reuse, errors=errors or {},
                           actions=services.allowed_actions(reuse, current_user)), status


@bp.get("/reuses/<int:reuse_id>/image")
def image(reuse_id: int):
    reuse = services.image_of(reuse_id, current_user)
    return send_file(storage().path(reuse.image_key), mimetype=reuse.image_type, max_age=86400)


@bp.post("/reuses/<int:reuse_id>/decision")
@login_required
def decide(reuse_id: int):
    reuse = services.get_reuse(reuse_id, current_user)
    version = request.form.get("version", "")
    try:
        services.decide(reuse, request.form.get("action", ""), request.form.get("reason", ""), current_user,
                        int(version) if version.isdigit() else None)
    except Invalid as exc:
        return show(reuse_id, errors=exc.details or {"reason": exc.message}, status=422)
    flash(_("The decision was recorded and sent to the submitter."), "success")
    return redirect(url_for("reuses.show", reuse_id=reuse.id))


@bp.get("/reuses/moderation")
@roles_required(roles.AUTHORITY)
def moderation():
    """The authority's queue: reuses awaiting moderation and reported comments."""
    return render_template("reuses/moderation.html", pending=services.pending(),
                           comments=[(r, n, ratings.report_reasons(r), ratings.allowed_actions(r, current_user))
                                     for r, n in ratings.reported()])


# ---- ratings and comments -------------------------------------------------------------------------
def _back(r=None, slug: str = ""):
    return redirect(url_for("catalog.dataset", slug=r.dataset.slug if r is not None else slug,
                            _anchor=f"comment-{r.id}" if r is not None else "ratings"))


def _refused(exc: Invalid, back: str):
    """A refused rating, answer, report or decision on a comment: the message of each field, and the way back."""
    return render_template("reuses/refused.html", errors=exc.details or {"": exc.message}, back=back), 422


@bp.post("/dataset/<slug>/rating")
@login_required
def rate(slug: str):
    ds = ratings.entry(slug)
    try:
        ratings.rate(ds, request.form.to_dict(), current_user)
    except Invalid as exc:
        return _refused(exc, url_for("catalog.dataset", slug=ds.slug, _anchor="ratings"))
    flash(_("Your rating was recorded."), "success")
    return redirect(url_for("catalog.dataset", slug=ds.slug, _anchor="ratings"))


@bp.post("/comments/<int:rating_id>/answer")
@login_required
def answer(rating_id: int):
    return _comment_step(rating_id, ratings.answer, _("Your answer is shown under the comment."))


@bp.post("/comments/<int:rating_id>/report")
@login_required
def report(rating_id: int):
    return _comment_step(rating_id, ratings.report, _("Thank you: the data authority will look at this comment."))


def _comment_step(rating_id: int, step, done: str):
    """An answer to or a report of a comment: the step with the form, then back to the comment."""
    r = ratings.get_comment(rating_id)
    try:
        step(r, request.form.to_dict(), current_user)
    except Invalid as exc:
        return _refused(exc, _back(r).location)
    flash(done, "success")
    return _back(r)


@bp.post("/comments/<int:rating_id>/moderate")
@login_required
def moderate(rating_id: int):
    r = ratings.get_comment(rating_id)
    version = request.form.get("version", "")
    try:
        ratings.moderate(r, request.form.get("action", ""), request.form.get("reason", ""), current_user,
                         int(version) if version.isdigit() else None)
    except Invalid as exc:
        return _refused(exc, url_for("reuses.moderation"))
    flash(_("The decision on the comment was recorded."), "success")
    return redirect(url_for("reuses.moderation"))
