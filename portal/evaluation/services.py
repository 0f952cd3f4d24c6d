"""Agency scorecards and evaluation rounds (OVERSIGHT §8(b); R2024 §39「定期开展……评估，并通报评估结果」,
§41「年度评估」; SZ §32「委托第三方专业机构」).

Scorecards are live: each agency's indicators (indicators.py) computed now from the records, for a year, with
the method and weights published beside them and the concrete to-dos they show. They are about agencies, never
a person, and public as the statistics page is (docs/decisions.md).

A round is the authority's act: it sets the indicators, weights and period (`create`), freezes a snapshot per
agency with the figures AND the inputs they were computed from (`snapshot`, which starts the agencies' comment
period EVALUATION_COMMENT_WORKDAYS), the agencies comment on their own snapshot until the due date, the
authority finalises and circulates the results to each agency (通报: an inbox notice), and publishing is a
separate act allowed only where EVALUATION_PUBLIC is set. Snapshots are read by their own agency, the authority,
auditors and third-party evaluators (read-only).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..agencies.models import Agency
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..sharing import figures as sharing_figures
from ..workflow import Transition, Workflow
from . import indicators
from .models import EvaluationRound, EvaluationSnapshot, RoundState, SnapshotState

R, S = RoundState, SnapshotState
AGENCY, AUTHORITY = roles.AGENCY, roles.AUTHORITY_ACTOR
ROUND_DECISIONS = ("snapshot", "finalise", "publish")


def today() -> date:
    return workdays.china_date(utcnow())


# ---- live scorecards -------------------------------------------------------------------------------------
@dataclass
class Scorecard:
    agency: Agency
    results: list[dict[str, Any]]
    score: int | None
    actions: list[indicators.Action]

    def figure(self, key: str) -> int | None:
        return next((r["figure"] for r in self.results if r["key"] == key), None)


@dataclass
class Scorecards:
    period: sharing_figures.Period
    on: date
    cards: list[Scorecard]
    method: list[indicators.Indicator]


def scope(agency_id: int, period: sharing_figures.Period) -> indicators.Scope:
    now = utcnow()
    return indicators.Scope(agency_id, period, workdays.china_date(now), now)


def scorecard(agency: Agency, period: sharing_figures.Period,
              weights: list[dict[str, Any]] | None = None) -> Scorecard:
    results = indicators.compute(scope(agency.id, period), weights)
    return Scorecard(agency, results, indicators.score(results), indicators.actions(results))


def agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.id)))


def scorecards(year: int | None = None) -> Scorecards:
    """Every agency's scorecard for a calendar year (this one by default), with the default weights."""
    on = today()
    period = sharing_figures.year(year or on.year)
    cards = [scorecard(a, period) for a in agencies()]
    return Scorecards(period, on, cards, list(indicators.INDICATORS))


def score_chart(cards: Scorecards):
    """The scores as a chart of the statistics page (portal/statistics/charts.py draws it)."""
    from ..statistics.services import Chart, Row
    rows = [Row(str(c.agency.id), c.agency.name, [c.score]) for c in cards.cards if c.score is not None]
    rows.sort(key=lambda r: -(r.values[0] or 0))
    return Chart("scorecard-scores", _("Agency scores"), "bars", _("Agency"), [_("Score")], rows)


# ---- rounds: the workflow tables -------------------------------------------------------------------------
def _round_relations(r: EvaluationRound, actor: Any) -> set[str]:
    return roles.relations(actor)


def _snapshot_relations(s: EvaluationSnapshot, actor: Any) -> set[str]:
    return roles.relations(actor, agency_id=s.agency_id)


def link(r: EvaluationRound) -> str:
    return f"/evaluation/{r.id}"


def snapshot_link(s: EvaluationSnapshot) -> str:
    return f"/evaluation/snapshots/{s.id}"


def _staff(agency_id: int) -> list[int]:
    from ..opening.workflow import staff_ids
    return staff_ids(agency_id)


def _tell_frozen(r: EvaluationRound, actor, reason: str) -> None:
    for s in r.snapshots:
        notify_all(_staff(s.agency_id), _("Evaluation “%(title)s”: your agency's figures", title=r.title),
                   _("Comment by %(date)s.", date=r.due_date.isoformat()), link=snapshot_link(s),
                   kind="evaluation.snapshot")


def _circulate(r: EvaluationRound, actor, reason: str) -> None:
    """通报: each agency is told its result in its inbox."""
    for s in r.snapshots:
        score = "—" if s.score is None else str(s.score)
        notify_all(_staff(s.agency_id), _("Evaluation results circulated: “%(title)s”", title=r.title),
                   _("Your agency's score: %(score)s. %(conclusion)s", score=score, conclusion=r.conclusion),
                   link=snapshot_link(s), kind="evaluation.finalise")


ROUND = Workflow("evaluation_round", [
    Transition("create", (None,), R.DRAFT, (AUTHORITY,), "evaluation.create"),
    Transition("snapshot", (R.DRAFT,), R.COMMENTING, (AUTHORITY,), "evaluation.snapshot",
               starts="EVALUATION_COMMENT_WORKDAYS", notify=_tell_frozen),
    Transition("finalise", (R.COMMENTING,), R.FINALISED, (AUTHORITY,), "evaluation.finalise", stops=True,
               notify=_circulate),
    Transition("publish", (R.FINALISED,), R.PUBLISHED, (AUTHORITY,), "evaluation.publish"),
], relations=_round_relations, object_type="evaluation_round", reason_max=5000,
    forbidden=lambda _r: _("Only the data authority runs evaluation rounds."),
    conflict=lambda _r: _("This action is not possible in the round's current state."))

SNAPSHOT = Workflow("evaluation_snapshot", [
    Transition("comment", (S.OPEN, S.COMMENTED), S.COMMENTED, (AGENCY,), "evaluation.comment", needs_reason=True,
               reason_missing=lambda _s: _("Write the agency's comment.")),
], relations=_snapshot_relations, object_type="evaluation_snapshot", reason_max=5000, reason_field="comment",
    forbidden=lambda _s: _("Only staff of the evaluated agency comment on its figures."))


# ---- reading ---------------------------------------------------------------------------------------------
def may_see_rounds(actor: Any) -> bool:
    return roles.reads_evaluations(actor) or roles.is_agency_staff(actor)


def may_read_snapshot(actor: Any, s: EvaluationSnapshot) -> bool:
    return roles.reads_evaluations(actor) or roles.is_staff_of(actor, s.agency_id)


def rounds(actor: Any) -> list[EvaluationRound]:
    if not may_see_rounds(actor):
        raise Forbidden(_("Your account's role may not see evaluation rounds."))
    q = select(EvaluationRound).order_by(EvaluationRound.id.desc())
    if not roles.reads_evaluations(actor):
        q = q.where(EvaluationRound.state != R.DRAFT)
    return list(db.session.scalars(q))


def get_round(round_id: int, actor: Any) -> EvaluationRound:
    r = db.session.get(EvaluationRound, round_id)
    if r is None or not may_see_rounds(actor) or (r.state == R.DRAFT and not roles.reads_evaluations(actor)):
        raise NotFound(_("There is no evaluation round with this number."))
    return r


def visible_snapshots(r: EvaluationRound, actor: Any) -> list[EvaluationSnapshot]:
    return [s for s in r.snapshots if may_read_snapshot(actor, s)]


def get_snapshot(snapshot_id: int, actor: Any) -> EvaluationSnapshot:
    s = db.session.get(EvaluationSnapshot, snapshot_id)
    if s is None or not may_read_snapshot(actor, s):
        raise NotFound(_("There is no evaluation snapshot of yours with this number."))
    return s


def public_rounds() -> list[EvaluationRound]:
    return list(db.session.scalars(select(EvaluationRound).where(EvaluationRound.state == R.PUBLISHED)
                                   .order_by(EvaluationRound.id.desc())))


def public_round(round_id: int) -> EvaluationRound:
    r = db.session.get(EvaluationRound, round_id)
    if r is None or r.state != R.PUBLISHED:
        raise NotFound(_("There is no published evaluation with this number."))
    return r


def publishing_allowed() -> bool:
    return current_app.config.get("EVALUATION_PUBLIC") in (True, 1, "1")


def commenting_open(r: EvaluationRound, on: date | None = None) -> bool:
    return r.state == R.COMMENTING and r.due_date is not None and (on or today()) <= r.due_date


def round_actions(r: EvaluationRound, actor: Any) -> list[str]:
    allowed = [a for a in ROUND.allowed_actions(r, actor) if a in ROUND_DECISIONS]
    if not publishing_allowed():
        allowed = [a for a in allowed if a != "publish"]
    return allowed


def snapshot_actions(s: EvaluationSnapshot, actor: Any) -> list[str]:
    return SNAPSHOT.allowed_actions(s, actor) if commenting_open(s.round) else []


def recomputed(s: EvaluationSnapshot) -> tuple[list[dict[str, Any]], int | None]:
    """The snapshot's figures and score again, from its stored inputs alone."""
    results = indicators.recompute(s.results)
    return results, indicators.score(results)


# ---- acting ----------------------------------------------------------------------------------------------
def _weights(values: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    chosen, errors = [], {}
    for ind in indicators.INDICATORS:
        raw = values.get(f"weight_{ind.key}")
        if raw in (None, ""):
            continue
        try:
            weight = int(raw)
        except (TypeError, ValueError):
            weight = -1
        if not 0 <= weight <= 100:
            errors[f"weight_{ind.key}"] = _("A weight is a whole number from 0 to 100.")
            continue
        if weight:
            chosen.append({"key": ind.key, "weight": weight})
    if not errors and not chosen:
        errors["weights"] = _("Give at least one indicator a weight.")
    return chosen, errors


def create(values: Mapping[str, Any], actor: Any) -> EvaluationRound:
    """The authority sets a round's title, period and weights (fields of RoundIn); 422 naming the field."""
    from .schemas import RoundIn
    data, errors = RoundIn().read(values)
    weights, weight_errors = _weights(data)
    if weight_errors.keys() != {"weights"} or not any(k.startswith("weight_") for k in errors):
        errors.update(weight_errors)
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start and "period_end" not in errors:
        errors["period_end"] = _("The period ends before it starts.")
    r = EvaluationRound(title=(data.get("title") or "").strip(), period_start=start, period_end=end,
                        weights=weights, created_by_id=getattr(actor, "id", None), state=None)
    ROUND.check(r, "create", actor)  # 403 before 422
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)

    def add(_t: Transition) -> None:
        db.session.add(r)
    ROUND.perform(r, "create", actor, effect=add, details=lambda: {
        "period": [start.isoformat(), end.isoformat()], "weights": weights})
    return r


def freeze(r: EvaluationRound) -> None:
    period = sharing_figures.Period(r.period_start, r.period_end)
    now = utcnow()
    made_on = workdays.china_date(now)
    r.frozen_on = made_on
    for agency in agencies():
        results = indicators.compute(indicators.Scope(agency.id, period, made_on, now), r.weights)
        r.snapshots.append(EvaluationSnapshot(agency_id=agency.id, made_at=now, made_on=made_on, results=results,
                                              score=indicators.score(results), state=S.OPEN))


def act(r: EvaluationRound, action: str, reason: str, actor: Any, version: int | None = None) -> None:
    """snapshot, finalise (circulates) or publish (only where EVALUATION_PUBLIC is set)."""
    if action not in ROUND_DECISIONS:
        action = ""
    if action == "publish" and roles.is_authority(actor) and not publishing_allowed():
        message = _("This portal does not publish evaluation results (PORTAL_EVALUATION_PUBLIC=0).")
        raise Conflict(message, {"action": message})
    if action == "finalise" and roles.is_authority(actor) and r.state == R.COMMENTING and commenting_open(r) \
            and any(s.state == S.OPEN for s in r.snapshots):
        message = _("The agencies may comment until %(date)s; finalise after that day or once every agency has "
                    "commented.", date=r.due_date.isoformat())
        raise Conflict(message, {"action": message})

    def effect(t: Transition) -> None:
        if action == "snapshot":
            freeze(r)
        elif action == "finalise":
            r.finalised_at = utcnow()
            r.conclusion = (reason or "").strip()
        elif action == "publish":
            r.published_at = utcnow()
    ROUND.perform(r, action, actor, reason, effect=effect, version=version,
                  details=lambda: {"snapshots": [s.id for s in r.snapshots]})


def comment(s: EvaluationSnapshot, text: str, actor: Any, version: int | None = None) -> None:
    """The agency's comment on its own snapshot, until the round's due date (409 after)."""
    SNAPSHOT.check(s, "comment", actor, text or "x")  # 403 before the deadline's 409
    if not commenting_open(s.round):
        due = s.round.due_date.isoformat() if s.round.due_date else "—"
        message = _("Comments were taken until %(date)s.", date=due)
        raise Conflict(message, {"comment": message})

    def effect(_t: Transition) -> None:
        s.comment = (text or "").strip()
        s.commented_at = utcnow()
        s.commented_by_id = getattr(actor, "id", None)
    SNAPSHOT.perform(s, "comment", actor, text, effect=effect, version=version)


def may_create(actor: Any) -> bool:
    """Whether the rounds page offers `actor` to set up a round (the table's `create` row)."""
    return "create" in ROUND.allowed_actions(EvaluationRound(state=None), actor)


def method_rows(r: EvaluationRound) -> list[tuple[indicators.Indicator, int]]:
    """The round's method: each chosen indicator's definition with the weight the authority set."""
    return [(indicators.BY_KEY[w["key"]], w["weight"]) for w in r.weights if w["key"] in indicators.BY_KEY]
