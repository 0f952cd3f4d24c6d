"""Cases written as they stand after their steps, for the evaluation tests."""
from __future__ import annotations

from datetime import date, datetime

from portal.accounts.tokens import create_token
from portal.extensions import db
from portal.opening.models import Application, ApplicationState
from tests.factories import data_user


def auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}


def answered_application(ds, due: date, decided: date, email: str) -> Application:
    """An application for `ds`, due on `due`, answered (approved) on `decided` (10:00 Beijing time)."""
    user = data_user(email)
    a = Application(dataset_id=ds.id, agency_id=ds.agency_id, applicant_id=user.id, scenario="研究",
                    state=ApplicationState.APPROVED, submitted_at=datetime(due.year, due.month, 1, 2),
                    due_date=due, decided_at=datetime(decided.year, decided.month, decided.day, 2))
    db.session.add(a)
    db.session.commit()
    return a
