"""Pages of the evaluation (OVERSIGHT §8(b)): the public agency scorecards (linked from /statistics) with the
method beside them, published rounds (where the deployment publishes them), and the console pages of rounds and
snapshots. Thin: the rules are in services.py, the indicators in indicators.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from ..statistics import charts, text
from . import indicators, services
from .schemas import CommentIn, RoundActionIn, ScorecardsQueryIn

bp = Blueprint("evaluation", __name__)
T = "evaluation/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


@bp.get("/statistics/scorecards")
def scorecards():
    data, errors = ScorecardsQueryIn().read(request.args.to_dict())
    cards = services.scorecards(None if errors else data.get("year"))
    chart = services.score_chart(cards)
    return render_template(T + "scorecards.html", cards=cards, chart=chart, bars=charts.bars, cell=text.cell,
                           percent_text=text.percent_text, published=services.public_rounds(),
                           method_rows=[(i, i.weight) for i in cards.method])


@bp.get("/statistics/evaluations/<int:round_id>")
def published(round_id: int):
    r = services.public_round(round_id)
    return render_template(T + "published.html", r=r, method=indicators.BY_KEY,
                           method_rows=services.method_rows(r))


# ---- console -------------------------------------------------------------------------------------------
def _index(form: dict | None = None, errors: dict | None = None, status: int = 200):
    defaults = {f"weight_{i.key}": i.weight for i in indicators.INDICATORS}
    return render_template(T + "rounds.html", rounds=services.rounds(current_user), errors=errors or {},
                           form={**defaults, **(form or {})}, method=indicators.INDICATORS,
                           may_create=services.may_create(current_user)), status


@bp.get("/evaluation")
@roles_required(roles.EVALUATION_VIEWERS)
def rounds():
    return _index()


@bp.post("/evaluation")
@roles_required(roles.AUTHORITY)
def create():
    form = request.form.to_dict()
    try:
        r = services.create(form, current_user)
    except Invalid as exc:
        return _index(form, _failed(exc), 422)
    flash(_("The round was set up."), "success")
    return redirect(url_for("evaluation.show", round_id=r.id))


@bp.get("/evaluation/<int:round_id>")
@roles_required(roles.EVALUATION_VIEWERS)
def show(round_id: int, errors: dict | None = None, status: int = 200):
    r = services.get_round(round_id, current_user)
    return render_template(T + "round.html", r=r, snapshots=services.visible_snapshots(r, current_user),
                           method=indicators.BY_KEY, errors=errors or {}, method_rows=services.method_rows(r),
                           actions=services.round_actions(r, current_user)), status


@bp.post("/evaluation/<int:round_id>/act")
@roles_required(roles.AUTHORITY)
def act(round_id: int):
    r = services.get_round(round_id, current_user)
    data, _errors = RoundActionIn().read(form_values(RoundActionIn(), request.form))
    try:
        services.act(r, data.get("action", ""), data.get("reason", ""), current_user, data.get("version"))
    except (Invalid, Conflict) as exc:
        return show(round_id, errors=_failed(exc), status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(url_for("evaluation.show", round_id=r.id))


@bp.get("/evaluation/snapshots/<int:snapshot_id>")
@roles_required(roles.EVALUATION_VIEWERS)
def snapshot(snapshot_id: int, errors: dict | None = None, status: int = 200):
    s = services.get_snapshot(snapshot_id, current_user)
    return render_template(T + "snapshot.html", s=s, method=indicators.BY_KEY, errors=errors or {},
                           todo=indicators.actions(s.results), actions=services.snapshot_actions(s, current_user),
                           open=services.commenting_open(s.round)), status


@bp.post("/evaluation/snapshots/<int:snapshot_id>/comment")
@roles_required(roles.AGENCY_STAFF)
def comment(snapshot_id: int):
    s = services.get_snapshot(snapshot_id, current_user)
    data, _errors = CommentIn().read(form_values(CommentIn(), request.form))
    try:
        services.comment(s, data.get("comment", ""), current_user, data.get("version"))
    except (Invalid, Conflict) as exc:
        return snapshot(snapshot_id, errors=_failed(exc), status=exc.status)
    flash(_("Your comment was recorded."), "success")
    return redirect(url_for("evaluation.snapshot", snapshot_id=s.id))
