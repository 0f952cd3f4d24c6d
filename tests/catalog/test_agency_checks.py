"""The agency's confidentiality and disclosure reviews before submission (OVERSIGHT.md §5, scenario O6)."""
from __future__ import annotations

import pytest

from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, EntryCheck
from portal.extensions import db
from tests import factories as f
from tests.catalog.test_console import ENTRY, create
from tests.catalog.test_review import check, decide
from tests.conftest import PASSWORD, login, post_form


@pytest.fixture()
def draft(app, users, client):
    """A draft of 呼和浩特市生态环境局 drafted by staff@example.cn; a second officer of the same agency."""
    from portal.accounts.services import create_staff_user

    f.theme("城建住房", slug="housing")
    db.session.commit()
    create_staff_user("staff3@example.cn", "环境局保密员", PASSWORD, "agency_staff", "hhht-sthjj")
    login(client, "staff@example.cn")
    assert create(client).status_code == 302
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    other = app.test_client()
    login(other, "staff3@example.cn")
    authority = app.test_client()
    login(authority, "authority@example.cn")
    return ds.id, client, other, authority


def submit(client, ds_id):
    return post_form(client, f"/console/datasets/{ds_id}/submit", {})


def test_o6_submit_needs_the_agency_disclosure_review(draft):
    """O6: submit without the agency's 公开审查 → 422 naming it; nothing is submitted."""
    ds_id, staff, _other, _authority = draft
    [ok] = f.post_agency_checks(staff, ds_id, names=("confidentiality",))
    assert ok.status_code == 302
    r = submit(staff, ds_id)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "公开审查" in html.split('id="submit-error"')[1].split("</div>")[0]
    db.session.expire_all()
    ds = db.session.get(Dataset, ds_id)
    assert ds.state == "draft" and ds.reviews == []
    # the console shows the confidentiality review as recorded, and a form for the disclosure review
    assert 'data-agency-check="confidentiality"' in html and 'id="check-note-disclosure"' in html


def test_o6_four_eyes_refuses_the_drafter_and_accepts_another_officer(draft, app):
    """O6: with four eyes on, both checks by the drafter → 422 (recording and submitting); by another
    officer of the agency → submit works; the authority sees both and approves end to end."""
    app.config["AGENCY_REVIEW_FOUR_EYES"] = "1"
    ds_id, staff, other, authority = draft
    for r in f.post_agency_checks(staff, ds_id):
        assert r.status_code == 422 and "未参与起草" in r.get_data(as_text=True)
    assert submit(staff, ds_id).status_code == 422
    app.config["AGENCY_REVIEW_FOUR_EYES"] = "0"  # recorded by the drafter while four eyes were off …
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds_id))
    app.config["AGENCY_REVIEW_FOUR_EYES"] = "1"  # … do not count once they are on
    r = submit(staff, ds_id)
    assert r.status_code == 422 and "未参与起草" in r.get_data(as_text=True)

    assert all(r.status_code == 302 for r in f.post_agency_checks(other, ds_id))
    assert submit(staff, ds_id).status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, ds_id)
    review = ds.reviews[0]
    assert ds.state == "submitted" and sorted(c.check for c in review.agency_checks) == ["confidentiality",
                                                                                          "disclosure"]
    assert {c.reviewer.email for c in review.agency_checks} == {"staff3@example.cn"}
    page = authority.get(f"/review/{review.id}").get_data(as_text=True)
    for name in ("confidentiality", "disclosure"):
        box = page.split(f'id="agency-check-{name}"')[1].split("</div>")[0]
        assert "环境局保密员" in box and f.AGENCY_CHECK_NOTE in box
    # the agency's two are enough: the authority confirms the level only, adds its own review if it wishes
    assert check(authority, review.id, "disclosure", note="复核：同意开放属性。").status_code == 302
    assert check(authority, review.id, "level", note="确认为一般数据。").status_code == 302
    assert decide(authority, review.id, "approve", "同意发布").status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds_id).state == "published"
    audited = db.session.query(AuditEvent).filter_by(object_id=ds_id, action="dataset.agency_check").all()
    assert len(audited) == 4 and {e.actor_label for e in audited} == {"staff@example.cn", "staff3@example.cn"}


def test_an_edit_after_the_review_asks_for_it_again(draft):
    ds_id, staff, _other, _authority = draft
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds_id))
    assert post_form(staff, f"/console/datasets/{ds_id}/edit",
                     {**ENTRY, "theme": "housing", "timeliness": "每月10日前更新"}).status_code == 302
    html = staff.get(f"/console/datasets/{ds_id}").get_data(as_text=True)
    assert 'data-stale-check="confidentiality"' in html and 'data-stale-check="disclosure"' in html
    assert submit(staff, ds_id).status_code == 422


def test_disclosure_review_optional_when_configured_then_the_authority_records_it(draft, app):
    app.config["AGENCY_DISCLOSURE_REVIEW"] = "0"
    ds_id, staff, _other, authority = draft
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds_id, names=("confidentiality",)))
    assert submit(staff, ds_id).status_code == 302
    db.session.expire_all()
    review = db.session.get(Dataset, ds_id).reviews[0]
    assert check(authority, review.id, "level", note="确认为一般数据。").status_code == 302
    assert decide(authority, review.id, "approve").status_code == 422  # the disclosure review is the authority's
    assert check(authority, review.id, "disclosure").status_code == 302
    assert decide(authority, review.id, "approve").status_code == 302


def test_check_form_errors_name_the_field(draft):
    ds_id, staff, other, _authority = draft
    r = post_form(staff, f"/console/datasets/{ds_id}/checks/disclosure", {"reviewed_on": "2026-13-01", "note": ""})
    assert r.status_code == 422
    r = post_form(staff, f"/console/datasets/{ds_id}/checks/disclosure", {"reviewed_on": "2099-01-01", "note": "x"})
    assert r.status_code == 422 and "晚于今天" in r.get_data(as_text=True)
    assert post_form(staff, f"/console/datasets/{ds_id}/checks/level", {"reviewed_on": "2026-01-01",
                                                                        "note": "x"}).status_code == 422
    outsider = staff.application.test_client()
    login(outsider, "staff2@example.cn")
    assert post_form(outsider, f"/console/datasets/{ds_id}/checks/disclosure",
                     {"reviewed_on": "2026-01-01", "note": "x"}).status_code == 403
    assert db.session.query(EntryCheck).count() == 0


def test_checks_through_the_api(draft, users, app):
    """The API records a check (CheckIn) as the token's holder and lists them; errors name the field."""
    from portal.accounts.tokens import create_token

    ds_id, _staff, _other, _authority = draft
    api = app.test_client()
    rw = {"Authorization": f"Bearer {create_token(users['agency_staff'], 'rw', 'read_write', 30)[1]}"}
    url = f"/api/v1/datasets/{ds_id}/checks"
    r = api.post(url, json={"check": "disclosure", "reviewed_on": "2026-01-05"}, headers=rw)
    assert r.status_code == 422 and "note" in r.get_json()["error"]["details"]
    r = api.post(url, json={"check": "secrecy", "reviewed_on": "2026-01-05", "note": "x"}, headers=rw)
    assert r.status_code == 422 and "check" in r.get_json()["error"]["details"]
    for name in ("confidentiality", "disclosure"):
        r = api.post(url, json={"check": name, "reviewed_on": "2026-01-05", "note": "已审查"}, headers=rw)
        assert r.status_code == 201 and r.get_json()["reviewer"] == "环境局经办人"
    listed = api.get(url, headers=rw).get_json()["checks"]
    assert [c["check"] for c in listed] == ["disclosure", "confidentiality"]
    assert all(c["review_id"] is None for c in listed)
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/datasets/{dataset_id}/checks"]


def test_a_file_uploaded_after_the_review_asks_for_it_again(draft):
    from tests.catalog.test_console import put_file

    ds_id, staff, _other, _authority = draft
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds_id))
    assert put_file(staff, db.session.get(Dataset, ds_id), "站点,AQI\n新华广场,56\n".encode()).status_code == 201
    r = submit(staff, ds_id)
    assert r.status_code == 422 and 'data-stale-check="confidentiality"' in r.get_data(as_text=True)
