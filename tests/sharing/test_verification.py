"""Verification against a `none` entry (核实比对, SHARING.md §3.5, R2024 §23): records uploaded by the
requester's officer, per-record verdicts computed by the portal, files to the officers and auditors only."""
from __future__ import annotations

import io
from datetime import date

from portal.audit.models import AccessEvent, AuditEvent
from portal.extensions import db
from portal.sharing.demand_models import VerificationRequest
from tests.conftest import post_form
from tests.clock import freeze

RECORDS = "站点,AQI,备注\n新华广场,56,甲\n如意区,99,乙\n赛罕区,40,丙\n"


def _file(client, ds, content: bytes, **extra):
    data = {"dataset": ds.id, "key_fields": "站点", "compare_fields": "AQI", "purpose": "核实举报线索",
            "legal_duty": "《环境保护法》第六十八条", "records": (io.BytesIO(content), "records.csv"), **extra}
    return post_form(client, "/sharing/verifications/new", data, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(VerificationRequest.id)))


def test_s7_verification_filed_answered_with_verdicts_only(parties, as_user, monkeypatch):
    """S7 (second half): filed Fri 2026-02-13, due Fri 2026-02-27; the result holds only 一致/不一致/查无, never
    the provider's values; the authority sees the case but no files; auditors see the files."""
    freeze(monkeypatch, "2026-02-13")
    b = as_user(parties["b_officer"])
    page = b.get(f"/sharing/verifications/new?dataset={parties['none'].id}")
    assert page.status_code == 200 and "环境违法举报人信息" in page.get_data(as_text=True)
    r = _file(b, parties["none"], RECORDS.encode())
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    v = db.session.scalar(db.select(VerificationRequest))
    assert v.state == "submitted" and v.due_date == date(2026, 2, 27)
    assert v.records == [{"站点": "新华广场", "AQI": "56"}, {"站点": "如意区", "AQI": "99"}, {"站点": "赛罕区", "AQI": "40"}]
    freeze(monkeypatch, "2026-02-24")
    a = as_user(parties["a_officer"])
    assert post_form(a, f"/sharing/verifications/{v.id}/act", {"action": "answer"}).status_code == 302
    db.session.expire_all()
    v = db.session.get(VerificationRequest, v.id)
    assert v.state == "answered" and v.verdicts == ["match", "mismatch", "not_found"]
    result = as_user(parties["b_officer"]).get(f"/sharing/verifications/{v.id}/result.csv")
    text = result.get_data().decode("utf-8-sig")
    assert result.status_code == 200 and "一致" in text and "不一致" in text and "查无" in text
    assert "61" not in text and "13900000000" not in text  # the provider's AQI and phone never leave
    page = as_user(parties["b_officer"]).get(f"/sharing/verifications/{v.id}").get_data(as_text=True)
    assert "查无" in page and "61" not in page.split('id="verification-results"')[1].split("</table>")[0]
    authority = as_user(parties["authority"])
    page = authority.get(f"/sharing/verifications/{v.id}")
    assert page.status_code == 200 and 'id="verification-files"' not in page.get_data(as_text=True)
    assert authority.get(f"/sharing/verifications/{v.id}/result.csv").status_code == 403
    assert authority.get(f"/sharing/verifications/{v.id}/records.csv").status_code == 403
    assert as_user(parties["b_staff"]).get(f"/sharing/verifications/{v.id}/result.csv").status_code == 403
    assert as_user(parties["auditor"]).get(f"/sharing/verifications/{v.id}/result.csv").status_code == 200
    assert as_user(parties["c_officer"]).get(f"/sharing/verifications/{v.id}").status_code == 404
    events = db.session.scalars(db.select(AccessEvent).where(AccessEvent.detail.like(f"verification {v.id}:%"))).all()
    assert [e.status for e in events if "compare run" in e.detail] == [200]
    assert sorted(e.status for e in events if "file" in e.detail) == [200, 200, 403, 403, 403]
    assert {e.kind for e in events} == {"share"} and all(e.dataset_id == v.dataset_id for e in events)
    exported = as_user(parties["auditor"]).get("/console/access.csv?kind=share").get_data(as_text=True)
    assert f"verification {v.id}: compare run" in exported   # auditors export them with the grants' uses
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "share_verification").order_by(AuditEvent.id))]
    assert actions == ["share_verification.file", "share_verification.answer"]


def test_bad_csv_is_422_naming_the_problem_and_nothing_is_stored(parties, as_user, monkeypatch):
    """§3.5: wrong encoding, a missing named field, an empty file: 422 naming the problem, nothing stored."""
    freeze(monkeypatch, "2026-02-13")
    b = as_user(parties["b_officer"])
    r = _file(b, parties["none"], RECORDS.encode("gbk"))
    assert r.status_code == 422 and "UTF-8" in r.get_data(as_text=True)
    r = _file(b, parties["none"], "站点,备注\n新华广场,甲\n".encode())
    assert r.status_code == 422 and "AQI" in r.get_data(as_text=True)
    r = _file(b, parties["none"], b"")
    assert r.status_code == 422 and "空" in r.get_data(as_text=True)
    r = _file(b, parties["none"], RECORDS.encode(), compare_fields="身份证号")
    assert r.status_code == 422 and "身份证号" in r.get_data(as_text=True)
    assert _count() == 0
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "share_verification")) == 0
    # only for `none` entries; only the officer files
    assert b.get(f"/sharing/verifications/new?dataset={parties['conditional'].id}").status_code == 404
    assert _file(as_user(parties["b_staff"]), parties["none"], RECORDS.encode()).status_code == 403


def test_decline_needs_a_legal_basis_and_the_requester_withdraws(parties, as_user, monkeypatch):
    """§3.5: decline → declined with the legal basis (422 without); withdraw → withdrawn by the requester."""
    freeze(monkeypatch, "2026-02-13")
    b = as_user(parties["b_officer"])
    _file(b, parties["none"], RECORDS.encode())
    _file(b, parties["none"], RECORDS.encode())
    v1, v2 = db.session.scalars(db.select(VerificationRequest).order_by(VerificationRequest.id)).all()
    a = as_user(parties["a_officer"])
    r = post_form(a, f"/sharing/verifications/{v1.id}/act", {"action": "decline"})
    assert r.status_code == 422 and "法律依据" in r.get_data(as_text=True)
    assert post_form(a, f"/sharing/verifications/{v1.id}/act",
                     {"action": "decline", "legal_basis": "《个人信息保护法》第十三条"}).status_code == 302
    assert post_form(a, f"/sharing/verifications/{v2.id}/act", {"action": "withdraw"}).status_code == 403
    b = as_user(parties["b_officer"])
    assert post_form(b, f"/sharing/verifications/{v2.id}/act", {"action": "withdraw"}).status_code == 302
    db.session.expire_all()
    assert [v.state for v in db.session.scalars(db.select(VerificationRequest).order_by(VerificationRequest.id))] == [
        "declined", "withdrawn"]
    assert "《个人信息保护法》第十三条" in b.get(f"/sharing/verifications/{v1.id}").get_data(as_text=True)



def test_the_api_files_answers_and_guards_the_result(parties, monkeypatch, client):
    """/api/v1/sharing/verifications: B's officer files (multipart), A's officer answers; the verdicts go to
    the officers, not to the authority (403) nor to C (404); a bad file is 422 with nothing stored."""
    from portal.accounts.tokens import create_token
    freeze(monkeypatch, "2026-02-13")

    def token(user):
        return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}

    form = {"dataset": parties["none"].slug, "key_fields": "站点", "compare_fields": "AQI", "purpose": "核实线索",
            "legal_duty": "《环境保护法》第六十八条"}
    r = client.post("/api/v1/sharing/verifications", data={**form, "records": (io.BytesIO(b"\xff\xfe\x00"), "r.csv")},
                    headers=token(parties["b_officer"]), content_type="multipart/form-data")
    assert r.status_code == 422 and "records" in r.get_json()["error"]["details"] and _count() == 0
    r = client.post("/api/v1/sharing/verifications", data={**form, "records": (io.BytesIO(RECORDS.encode()), "r.csv")},
                    headers=token(parties["b_officer"]), content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["due_date"] == "2026-02-27" and r.get_json()["record_count"] == 3
    vid = r.get_json()["id"]
    r = client.post(f"/api/v1/sharing/verifications/{vid}/actions", json={"action": "answer"},
                    headers=token(parties["a_officer"]))
    assert r.status_code == 201 and r.get_json()["counts"] == {"match": 1, "mismatch": 1, "not_found": 1}
    r = client.get(f"/api/v1/sharing/verifications/{vid}/result", headers=token(parties["b_officer"]))
    assert [x["verdict"] for x in r.get_json()["results"]] == ["match", "mismatch", "not_found"]
    assert "61" not in r.get_data(as_text=True)
    assert client.get(f"/api/v1/sharing/verifications/{vid}/result",
                      headers=token(parties["authority"])).status_code == 403
    assert client.get(f"/api/v1/sharing/verifications/{vid}", headers=token(parties["authority"])).status_code == 200
    assert client.get(f"/api/v1/sharing/verifications/{vid}", headers=token(parties["c_staff"])).status_code == 404


def test_overdue_verifications_are_escalated(parties, as_user, monkeypatch):
    """§3.5 with supervision: due soon two working days ahead, escalated to the authority the day after."""
    from portal.supervision import deadlines
    from portal.supervision.services import open_cases

    freeze(monkeypatch, "2026-02-13")
    _file(as_user(parties["b_officer"]), parties["none"], RECORDS.encode())
    v = db.session.scalar(db.select(VerificationRequest))
    mine = [c for c in open_cases(date(2026, 2, 25)) if c.url == f"/sharing/verifications/{v.id}"]
    assert mine and mine[0].due_soon and not mine[0].overdue
    assert not [c for c in open_cases(date(2026, 2, 24)) if c.url == f"/sharing/verifications/{v.id}"][0].due_soon
    summary = deadlines.run(date(2026, 3, 2))
    assert summary.escalations >= 1
    inbox = as_user(parties["authority"]).get("/inbox").get_data(as_text=True)
    assert "环境违法举报人信息" in inbox
