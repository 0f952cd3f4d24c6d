"""Agency scorecards (public) and evaluation rounds (OVERSIGHT §8(b)) on /api/v1, documented in OpenAPI.

The scorecards are public like /api/v1/stats. Rounds: the authority creates, freezes, finalises and publishes;
agency staff comment on their own agency's snapshot; auditors and third-party evaluators read. Writing needs a
read-write token. The input schemas are portal/evaluation/schemas.py."""
from __future__ import annotations

from ..accounts import roles
from ..evaluation import services
from ..evaluation import schemas as s
from .cases import load_body, token_required
from .routes import load_args, route

TAG = "evaluation"
ROUND_ID = {"round_id": "The evaluation round's number."}
SNAPSHOT_ID = {"snapshot_id": "The snapshot's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)


def method_rows() -> list[dict]:
    return [{"key": i.key, "label": str(i.label), "measures": str(i.measures), "method": str(i.method),
             "weight": i.weight} for i in services.indicators.INDICATORS]


def _actions(results) -> list[dict]:
    return [{"text": a.text, "links": [list(link) for link in a.links]}
            for a in services.indicators.actions(results)]


def _round(r, user) -> dict:
    out = s.RoundOut().dump({**{c: getattr(r, c) for c in ("id", "title", "period_start", "period_end", "weights",
                                                           "state", "frozen_on", "due_date", "conclusion",
                                                           "row_version")},
                             "snapshots": services.visible_snapshots(r, user)})
    out["actions"] = services.round_actions(r, user)
    return out


def _snapshot(snap, user) -> dict:
    out = s.SnapshotOut().dump(snap)
    out["actions"] = services.snapshot_actions(snap, user)
    return out


@route("/scorecards", summary="Agency scorecards", tag="figures", query=s.ScorecardsQueryIn,
       response=s.ScorecardsOut, errors=(422,))
def scorecards():
    """Each agency's indicators for a calendar year, computed now from the portal's records, with each
    indicator's definition and default weight (the method) and the concrete to-dos they show. About agencies,
    never a person."""
    cards = services.scorecards(load_args(s.ScorecardsQueryIn).get("year"))
    out = s.ScorecardsOut().dump(cards)
    out["method"] = method_rows()
    for card, dumped in zip(cards.cards, out["scorecards"]):
        dumped["actions"] = _actions(card.results)
    return out


@route("/evaluations", summary="Evaluation rounds", tag=TAG, response=s.RoundListOut, errors=READ, auth=True)
@token_required(*roles.EVALUATION_VIEWERS)
def evaluation_rounds(user):
    """The authority, auditors and evaluators read every round; agency staff the rounds past their draft."""
    rows = services.rounds(user)
    return {"rounds": [_round(r, user) for r in rows]}


@route("/evaluations", method="post", summary="Set up an evaluation round", tag=TAG, body=s.RoundIn,
       response=s.RoundOut, errors=WRITE, auth=True)
@token_required(*roles.AUTHORITY, write=True)
def create_evaluation_round(user):
    """The authority sets the title, the period and the weight of each indicator (0 leaves it out)."""
    return _round(services.create(load_body(s.RoundIn), user), user), 201


@route("/evaluations/<int:round_id>", summary="One evaluation round", tag=TAG, response=s.RoundOut,
       errors=READ, auth=True, path_params=ROUND_ID)
@token_required(*roles.EVALUATION_VIEWERS)
def evaluation_round(user, round_id: int):
    """The round with the snapshots the caller reads and the actions the caller may take."""
    return _round(services.get_round(round_id, user), user)


@route("/evaluations/<int:round_id>/act", method="post", summary="Freeze, finalise or publish a round", tag=TAG,
       body=s.RoundActionIn, response=s.RoundOut, errors=WRITE, auth=True, path_params=ROUND_ID)
@token_required(*roles.AUTHORITY, write=True)
def act_on_evaluation_round(user, round_id: int):
    """snapshot (freezes each agency's figures and inputs; the comment period starts), finalise (circulates the
    results to each agency), publish (only where the deployment publishes evaluations)."""
    r = services.get_round(round_id, user)
    args = load_body(s.RoundActionIn)
    services.act(r, args.get("action", ""), args.get("reason", ""), user, args.get("version"))
    return _round(r, user), 201


@route("/evaluation-snapshots/<int:snapshot_id>", summary="One agency's frozen figures", tag=TAG,
       response=s.SnapshotOut, errors=READ, auth=True, path_params=SNAPSHOT_ID)
@token_required(*roles.EVALUATION_VIEWERS)
def evaluation_snapshot(user, snapshot_id: int):
    """The figures and the inputs they were computed from; its own agency, the authority, auditors and
    evaluators read it (404 for anyone else)."""
    return _snapshot(services.get_snapshot(snapshot_id, user), user)


@route("/evaluation-snapshots/<int:snapshot_id>/comment", method="post", summary="Comment on the agency's figures",
       tag=TAG, body=s.CommentIn, response=s.SnapshotOut, errors=WRITE, auth=True, path_params=SNAPSHOT_ID)
@token_required(*roles.AGENCY_STAFF, write=True)
def comment_on_evaluation_snapshot(user, snapshot_id: int):
    """Staff of the evaluated agency, until the comment period's last day (409 after)."""
    snap = services.get_snapshot(snapshot_id, user)
    args = load_body(s.CommentIn)
    services.comment(snap, args.get("comment", ""), user, args.get("version"))
    return _snapshot(snap, user), 201
