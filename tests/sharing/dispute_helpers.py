"""Grants and refused requests made directly (the request/grant pages are another piece of work), the
inbox and the audit trail as a test reads them, the deadline run."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.inbox.models import Message
from portal.sharing.models import RequestState, ShareGrant, ShareRequest


def request_of(parties, holder: str, entry: str = "conditional", state: str = RequestState.DELIVERED, **extra):
    ds, agency = parties[entry], parties[holder]
    req = ShareRequest(requester_agency_id=agency.id, provider_agency_id=ds.agency_id, dataset_id=ds.id,
                       share_type=ds.share_type, state=state, scenario="交通执法核查", legal_duty="《大气污染防治法》",
                       modes=["download"], user_ids=[], commitment=True, **extra)
    db.session.add(req)
    db.session.commit()
    return req


def grant_to(parties, holder: str, entry: str = "conditional", users=(), start=date(2026, 1, 1),
             end=date(2026, 12, 31)) -> ShareGrant:
    """An active grant of A's entry to agency `holder` ("B", "C")."""
    req = request_of(parties, holder, entry)
    ds = parties[entry]
    grant = ShareGrant(request_id=req.id, dataset_id=ds.id, requester_agency_id=req.requester_agency_id,
                       provider_agency_id=ds.agency_id, user_ids=[u.id for u in users], modes=["download"],
                       purpose="交通执法", start=start, end=end)
    db.session.add(grant)
    db.session.commit()
    return grant


def inbox(user) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id)))


def subjects(user) -> str:
    return "\n".join(m.subject for m in inbox(user))


def audit_actions(object_type: str, object_id) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)).order_by(AuditEvent.id)))


def run_deadlines(app) -> str:
    result = app.test_cli_runner().invoke(args=["portal", "deadlines"])
    assert result.exit_code == 0, result.output
    return result.output
