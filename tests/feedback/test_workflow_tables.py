"""The complaint, correction and report workflows as tables (portal/workflow.py): who is offered which step
in which state, and which states keep a case's clock running (what supervision counts as open cases).
Every step itself is driven through the pages and the API by the other tests of this package."""
from __future__ import annotations

from types import SimpleNamespace

from portal.feedback import complaints, corrections, reports

OWNER = SimpleNamespace(id=1, role="data_user", agency_id=None)
STAFF = SimpleNamespace(id=2, role="agency_staff", agency_id=7)
OTHER_STAFF = SimpleNamespace(id=3, role="agency_staff", agency_id=8)
AUTHORITY = SimpleNamespace(id=4, role="authority", agency_id=None)
ADMIN = SimpleNamespace(id=5, role="admin", agency_id=None)
AUDITOR = SimpleNamespace(id=6, role="auditor", agency_id=None)
EVERYONE = (OWNER, STAFF, OTHER_STAFF, AUTHORITY, ADMIN, AUDITOR)


def offers(workflow, case):
    return [workflow.allowed_actions(case, who) for who in EVERYONE]


def test_complaints():
    def complaint(state):
        return SimpleNamespace(id=9, state=state, complainant_id=1, dataset=SimpleNamespace(agency_id=7))
    decisions = ["resume", "process", "withdraw", "reject"]
    assert offers(complaints.COMPLAINT, complaint("held")) == [
        [], ["suspend", "reject"], [], ["suspend", "reject"], ["suspend", "reject"], []]
    assert offers(complaints.COMPLAINT, complaint("open")) == [[], decisions, [], ["reject"], ["reject"], []]
    assert offers(complaints.COMPLAINT, complaint("decided")) == [[]] * 6
    assert complaints.COMPLAINT.running_states() == {"held", "open"}


def test_corrections():
    def correction(state):
        return SimpleNamespace(id=9, state=state, reporter_id=1, dataset=SimpleNamespace(agency_id=7))
    assert offers(corrections.CORRECTION, correction("open")) == [[], ["accept", "reject"], [], [], [], []]
    assert offers(corrections.CORRECTION, correction("accepted")) == [[]] * 6
    assert corrections.CORRECTION.running_states() == {"open"}


def test_reports():
    def report(state):
        return SimpleNamespace(id=9, state=state, reporter_id=1, agency_id=7)
    access = ["suspend_access", "restore_access"]
    assert offers(reports.REPORT, report("open")) == [
        [], ["answer"], [], ["answer", *access], ["answer", *access], []]
    assert offers(reports.REPORT, report("answered")) == [[], [], [], access, access, []]
    assert reports.REPORT.running_states() == {"open"}
