"""Share officers (共享专员, R2018 §27): the authority names them on the agency's report, with an audit event;
only officers act in sharing cases (SHARING.md §1)."""
from __future__ import annotations

from portal.accounts import roles
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import post_form


def test_the_authority_names_and_unnames_a_share_officer(parties, as_user):
    """§1: set by the authority on the agency's staff account; each change one audit event."""
    staff = parties["b_staff"]
    client = as_user(parties["authority"])
    page = client.get("/console/share-officers")
    assert page.status_code == 200 and "交通运输局用数人员" in page.get_data(as_text=True)
    r = post_form(client, f"/console/users/{staff.id}/share-officer", {"officer": "1", "note": "呼交函〔2026〕3号"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff.id).share_officer
    assert roles.share_relations(db.session.get(User, staff.id), requester_agency_id=parties["B"].id,
                                 provider_agency_id=parties["A"].id) == {roles.REQUESTER}
    post_form(client, f"/console/users/{staff.id}/share-officer", {"officer": "0"})
    db.session.expire_all()
    assert not db.session.get(User, staff.id).share_officer
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_id == str(staff.id),
                                                             AuditEvent.action.like("user.share_officer%"))).all()
    assert [e.action for e in events] == ["user.share_officer", "user.share_officer_end"]
    assert events[0].reason == "呼交函〔2026〕3号" and events[0].details == {"agency": "hhht-jtysj"}


def test_agency_staff_cannot_name_officers(parties, as_user):
    """§1: the authority alone names share officers; an agency's staff cannot name themselves."""
    client = as_user(parties["b_staff"])
    assert client.get("/console/share-officers").status_code == 403
    r = post_form(client, f"/console/users/{parties['b_staff'].id}/share-officer", {"officer": "1"})
    assert r.status_code == 403
    db.session.expire_all()
    assert not db.session.get(User, parties["b_staff"].id).share_officer


def test_staff_read_and_officers_act():
    """§1, §6: other staff of the parties read only; auditors read all; staff of a third agency nothing."""
    class Actor:
        def __init__(self, role, agency_id=None, officer=False):
            self.role, self.agency_id, self.share_officer, self.id = role, agency_id, officer, 1

    between = {"requester_agency_id": 2, "provider_agency_id": 1}
    assert roles.share_relations(Actor("agency_staff", 1, True), **between) == {roles.PROVIDER}
    assert roles.share_relations(Actor("agency_staff", 2, False), **between) == set()
    assert roles.reads_share_case(Actor("agency_staff", 2, False), **between)
    assert roles.reads_share_case(Actor("auditor"), **between)
    assert roles.share_relations(Actor("auditor"), **between) == set()
    assert not roles.reads_share_case(Actor("agency_staff", 3, True), **between)
    assert not roles.reads_share_case(Actor("expert"), **between)
    assert roles.share_relations(Actor("authority"), **between) == {roles.AUTHORITY_ACTOR}
