"""Grants end by themselves (SHARING.md §3.3「end date passed → expired」, system): the deadline run
(`flask portal deadlines`) expires every grant whose last day has passed, as the portal, audited, and the
holder's officers are told."""
from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing.models import ShareGrant
from tests.clock import freeze
from tests.sharing.dispute_helpers import audit_actions, run_deadlines, subjects
from tests.sharing.helpers import ask, last_request


def _grant(grant_id: int) -> ShareGrant:
    db.session.expire_all()
    return db.session.get(ShareGrant, grant_id)


def test_a_grant_ending_2026_12_31_is_expired_after_the_run_of_2027_01_01(app, parties, as_user, monkeypatch):
    """A grant of 2026-03-02 to 2026-12-31: the run of 2026-12-31 leaves it active (the last day still shares);
    the run of 2027-01-01 expires it (SHARE_GRANT `expire`, by the portal, audited once), B's officer is told,
    B's named user is refused, and a second run changes nothing."""
    freeze(monkeypatch, "2026-03-02")
    assert ask(as_user(parties["b_officer"]), parties, "open", start="2026-03-02", end="2026-12-31").status_code == 302
    grant = last_request().grant
    assert grant.state == "active" and str(grant.end) == "2026-12-31"
    file_id = parties["open_file"].id

    freeze(monkeypatch, "2026-12-31")
    run_deadlines(app)
    assert _grant(grant.id).state == "active"
    assert audit_actions("share_grant", grant.id) == []

    freeze(monkeypatch, "2027-01-01")
    run_deadlines(app)
    grant = _grant(grant.id)
    assert grant.state == "expired" and "2026-12-31" in grant.state_reason
    assert audit_actions("share_grant", grant.id) == ["share_grant.expire"]
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_type == "share_grant",
                                                           AuditEvent.object_id == str(grant.id))).one()
    assert event.actor_id is None
    assert "已过期" in subjects(parties["b_officer"]) and "全区空气质量监测数据" in subjects(parties["b_officer"])

    client = as_user(parties["b_staff"])
    page = client.get(f"/sharing/grants/{grant.id}").get_data(as_text=True)
    assert "2026-12-31" in page
    r = client.get(f"/sharing/grants/{grant.id}/files/{file_id}/download")
    assert r.status_code == 403 and "2026-12-31" in r.get_data(as_text=True)
    timeline = as_user(parties["b_officer"]).get(f"/sharing/requests/{grant.request_id}").get_data(as_text=True)
    assert "授权到期" in timeline

    run_deadlines(app)
    assert audit_actions("share_grant", grant.id) == ["share_grant.expire"]
