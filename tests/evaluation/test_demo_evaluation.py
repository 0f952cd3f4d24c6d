"""The demo data make the agency scorecards and one evaluation round non-empty on `make run`."""
from __future__ import annotations

from sqlalchemy import select

from portal.evaluation import services
from portal.evaluation.models import EvaluationRound, RoundState, SnapshotState
from portal.extensions import db


def test_demo_scorecards_and_round_are_not_empty(demo_app, demo_client):
    cards = services.scorecards()
    scored = [c for c in cards.cards if c.score is not None]
    assert len(scored) >= 3 and any(c.actions for c in cards.cards)
    for key in ("completeness", "timeliness", "answers", "use"):
        assert any(c.figure(key) is not None for c in cards.cards), key
    html = demo_client.get("/statistics/scorecards").get_data(as_text=True)
    assert 'id="svg-scorecard-scores"' in html and 'class="todo"' in html
    r = db.session.scalars(select(EvaluationRound)).one()
    assert r.state == RoundState.COMMENTING and r.due_date is not None and len(r.snapshots) == len(cards.cards)
    assert any(s.state == SnapshotState.COMMENTED and s.comment for s in r.snapshots)
