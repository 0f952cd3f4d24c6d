"""The caller's own applications, complaints, corrections and reports on /api/v1, over HTTP with API tokens:
submit (201), list, show; anonymous 401, a session is not a token, read-only token 403, another account's
case 404, invalid input 422 with nothing created, and a complaint by API suspends the entry at once."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from portal.accounts.services import create_staff_user
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, OpenType
from portal.extensions import db
from portal.feedback.models import Attachment, Complaint, Correction, Report
from portal.opening import workflow
from portal.opening.models import Application
from tests import factories as f
from tests.catalog.test_console import stored_files
from tests.conftest import PASSWORD, login
from tests.feedback.helpers import CSV, PDF, PNG, complain, sha

CASES = ("applications", "complaints", "corrections", "reports")


@pytest.fixture()
def world(app, users):
    ds = f.dataset("呼和浩特市空气质量监测数据", tags=("空气质量",), slug="hhht-air")
    res = f.csv_resource(ds, CSV.decode(), filename="空气质量.csv")
    cond = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, items=("排污单位名称", "排放浓度"),
                     slug="paiwu")
    f.csv_resource(cond, "排污单位名称,排放浓度\n某热电厂,35\n", filename="排污监测.csv")
    other = create_staff_user("user2@example.cn", "另一数据用户", PASSWORD, "data_user")
    tokens = {
        "rw": create_token(users["data_user"], "程序", "read_write", 30)[1],
        "ro": create_token(users["data_user"], "只读", "read", 30)[1],
        "other": create_token(other, "他人", "read_write", 30)[1],
        "staff": create_token(users["agency_staff"], "经办", "read_write", 30)[1],
    }
    return {"ds": db.session.get(Dataset, ds.id), "res_id": res.id, "cond": cond, "tokens": tokens}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def application_body(**changes):
    today = workflow.today()
    body = {"dataset": "paiwu", "scenario": "开发企业环保合规风险评估产品，供银行信贷审查使用。",
            "items": ["排污单位名称"], "records_scope": "2025年全年", "provision_methods": ["download", "api"],
            "period_start": today.isoformat(), "period_end": (today + timedelta(days=90)).isoformat(),
            "security_measures": "内网存放，专人管理，到期删除。", "commit_truth": True, "commit_compliance": True,
            "commit_security": True}
    body.update(changes)
    return body


def submit(client, kind: str, token: str, world, **changes):
    """One valid submission of each kind (multipart with files, or JSON for applications)."""
    if kind == "applications":
        return client.post("/api/v1/applications", json=application_body(**changes), headers=auth(token))
    if kind == "complaints":
        data = {"dataset": "hhht-air", "right": "personal_information", "description": "第3行含本人手机号码。",
                "resources": [world["res_id"]], "evidence": [(io.BytesIO(PDF), "身份证明.pdf")], **changes}
        return client.post("/api/v1/complaints", data=data, headers=auth(token), content_type="multipart/form-data")
    if kind == "corrections":
        data = {"dataset": "hhht-air", "resource": world["res_id"], "location": "第2行 AQI", "description": "应为58。",
                "attachment": [(io.BytesIO(PNG), "截图.png")], **changes}
        return client.post("/api/v1/corrections", data=data, headers=auth(token), content_type="multipart/form-data")
    data = {"accused": "某网站 example.cn", "description": "转售条件开放数据。", "dataset": "hhht-air", **changes}
    return client.post("/api/v1/reports", data=data, headers=auth(token), content_type="multipart/form-data")


def count(model) -> int:
    db.session.expire_all()
    return db.session.query(model).count()


MODELS = {"applications": Application, "complaints": Complaint, "corrections": Correction, "reports": Report}


@pytest.mark.parametrize("kind", CASES)
def test_submit_list_and_show_own_cases(app, users, world, kind):
    client = app.test_client()
    r = submit(client, kind, world["tokens"]["rw"], world)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    case_id = body["id"]
    assert body["url"].endswith(f"/{kind}/{case_id}")
    listed = client.get(f"/api/v1/{kind}", headers=auth(world["tokens"]["ro"])).get_json()  # reading: any token
    assert listed["total"] == 1 and [c["id"] for c in listed["results"]] == [case_id]
    shown = client.get(f"/api/v1/{kind}/{case_id}", headers=auth(world["tokens"]["ro"]))
    assert shown.status_code == 200 and shown.get_json() == listed["results"][0]
    # the same case on the site's own page, for the same person
    login(client, "user@example.cn")
    assert client.get(f"/{kind}/{case_id}").status_code == 200
    # the domain's audit event was written by the API submission
    action = {"applications": "application.submit", "complaints": "complaint.file", "corrections": "correction.file",
              "reports": "report.file"}[kind]
    event = db.session.query(AuditEvent).filter_by(action=action).one()
    assert event.actor_id == users["data_user"].id and event.object_id == str(case_id)


def test_shown_fields_follow_the_submission(app, world):
    client = app.test_client()
    a = submit(client, "applications", world["tokens"]["rw"], world).get_json()
    assert a["state"] == "submitted" and a["dataset"]["slug"] == "paiwu" and a["items"] == ["排污单位名称"]
    assert a["due_date"] and a["provision_methods"] == ["download", "api"]
    c = submit(client, "complaints", world["tokens"]["rw"], world).get_json()
    assert c["state"] == "open" and c["outcome"] is None and c["dataset_suspended"] is True
    assert c["resources"] == [world["res_id"]]
    assert c["evidence"] == [{"filename": "身份证明.pdf", "media_type": "application/pdf", "size": len(PDF)}]
    k = submit(client, "corrections", world["tokens"]["rw"], world).get_json()
    assert k["state"] == "open" and k["resource"] == world["res_id"] and k["attachments"][0]["media_type"] == "image/png"
    r = submit(client, "reports", world["tokens"]["rw"], world).get_json()
    assert r["state"] == "open" and r["agency"]["slug"] == world["ds"].agency.slug and r["evidence"] == []


def test_application_draft_then_conflict_while_in_progress(app, world):
    client = app.test_client()
    r = client.post("/api/v1/applications", json={"dataset": "paiwu", "scenario": "草稿", "submit": False},
                    headers=auth(world["tokens"]["rw"]))
    assert r.status_code == 201 and r.get_json()["state"] == "draft"
    r = submit(client, "applications", world["tokens"]["rw"], world)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    assert count(Application) == 1


@pytest.mark.parametrize("kind", CASES)
def test_anonymous_401_and_a_session_is_not_a_token(app, world, kind):
    client = app.test_client()
    for method in ("get", "post"):
        r = getattr(client, method)(f"/api/v1/{kind}")
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    assert client.get(f"/api/v1/{kind}/1").status_code == 401
    login(client, "user@example.cn")  # logged in on the site: still no token on the API
    assert client.get(f"/api/v1/{kind}").status_code == 401
    assert submit(client, kind, "", world).status_code == 401
    assert client.get(f"/api/v1/{kind}", headers=auth("odp_not-a-token")).status_code == 401
    assert count(MODELS[kind]) == 0


@pytest.mark.parametrize("kind", CASES)
def test_a_read_only_token_cannot_submit(app, world, kind):
    r = submit(app.test_client(), kind, world["tokens"]["ro"], world)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert "读写" in r.get_json()["error"]["message"]
    assert count(MODELS[kind]) == 0
    db.session.expire_all()
    assert db.session.get(Dataset, world["ds"].id).suspended_at is None


def test_only_data_users_apply(app, world):
    r = submit(app.test_client(), "applications", world["tokens"]["staff"], world)
    assert r.status_code == 403 and count(Application) == 0


@pytest.mark.parametrize("kind", CASES)
def test_another_accounts_case_is_not_found(app, world, kind):
    client = app.test_client()
    case_id = submit(client, kind, world["tokens"]["rw"], world).get_json()["id"]
    for token in (world["tokens"]["other"], world["tokens"]["staff"]):  # not even the agency's staff, on this API
        r = client.get(f"/api/v1/{kind}/{case_id}", headers=auth(token))
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
        assert client.get(f"/api/v1/{kind}", headers=auth(token)).get_json()["total"] == 0
    assert client.get(f"/api/v1/{kind}/999999", headers=auth(world["tokens"]["rw"])).status_code == 404


INVALID = {
    "applications": [({"commit_security": False}, "commit_security"), ({"items": ["不存在的数据项"]}, "items"),
                     ({"period_start": "明天"}, "period_start"), ({"scenario": ""}, "scenario")],
    "complaints": [({"evidence": []}, "evidence"), ({"right": "beauty"}, "right"), ({"description": " "}, "description"),
                   ({"evidence": [(io.BytesIO(b"plain text"), "x.pdf")]}, "evidence"),
                   ({"resources": ["nope"]}, "resources")],
    "corrections": [({"location": ""}, "location"), ({"resource": "nope"}, "resource"),
                    ({"attachment": [(io.BytesIO(b"MZ\x90\x00"), "a.exe")]}, "attachment")],
    "reports": [({"accused": ""}, "accused"), ({"agency": "nowhere", "dataset": ""}, "agency"),
                ({"description": "x" * 5001}, "description")],
}


@pytest.mark.parametrize("kind, changes, field", [(k, c, fld) for k, rows in INVALID.items() for c, fld in rows])
def test_invalid_input_is_422_with_the_field_and_nothing_created(app, world, kind, changes, field):
    files_before = stored_files(app)
    audit_before = count(AuditEvent)
    attachments_before = count(Attachment)
    r = submit(app.test_client(), kind, world["tokens"]["rw"], world, **changes)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "invalid" and field in error["details"]
    assert count(MODELS[kind]) == 0 and count(AuditEvent) == audit_before and count(Attachment) == attachments_before
    db.session.expire_all()
    assert db.session.get(Dataset, world["ds"].id).suspended_at is None
    assert app.test_client().get("/api/v1/datasets/hhht-air").status_code == 200
    assert stored_files(app) == files_before  # an accepted first file is removed again


def test_a_json_body_that_is_not_an_object_is_422(app, world):
    r = app.test_client().post("/api/v1/reports", data="[1, 2]", content_type="application/json",
                               headers=auth(world["tokens"]["rw"]))
    assert r.status_code == 422 and count(Report) == 0


def test_a_complaint_by_api_suspends_the_entry_in_the_next_response(app, world):
    visitor = app.test_client()
    ds, res_id = world["ds"], world["res_id"]
    assert visitor.get(f"/api/v1/resources/{res_id}/download").data == CSV
    r = submit(app.test_client(), "complaints", world["tokens"]["rw"], world)
    assert r.status_code == 201
    # the very next responses, on every kind of channel
    assert visitor.get(f"/api/v1/resources/{res_id}/download").status_code == 451
    assert visitor.get(f"/dataset/{ds.slug}/resource/{res_id}/download").status_code == 451
    assert visitor.get("/api/v1/datasets/hhht-air").status_code == 404
    assert "hhht-air" not in [d["slug"] for d in visitor.get("/api/v1/datasets?q=空气质量").get_json()["results"]]
    assert visitor.get("/api/3/action/package_show?id=hhht-air").status_code == 404
    assert 'id="suspended-notice"' in visitor.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).suspended_at is not None
    assert sha(PDF) in {a.sha256 for a in db.session.query(Attachment)}


def test_complaints_by_api_share_the_accounts_limit_with_the_site(tmp_path):
    from tests.conftest import build_app

    app = build_app(tmp_path, RATELIMIT_COMPLAINT="1/day")
    with app.app_context():
        f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        user = f.data_user("user@example.cn", "数据用户")
        first = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air")
        f.dataset("呼和浩特市地表水水质监测数据", slug="hhht-water")
        token = create_token(user, "程序", "read_write", 30)[1]
        site = app.test_client()
        login(site, "user@example.cn")
        assert complain(site, first, resources=[]).status_code == 302  # the day's one complaint, on the site
        r = submit(app.test_client(), "complaints", token, {"res_id": None}, dataset="hhht-water", resources=[])
        assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited" and "Retry-After" in r.headers
        assert count(Complaint) == 1


def test_the_case_routes_are_in_the_openapi_document(app, world):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for kind in CASES:
        post = spec["paths"][f"/api/v1/{kind}"]["post"]
        assert post["security"] == [{"token": []}] and {"201", "401", "403", "422"} <= set(post["responses"])
        assert {"multipart/form-data", "application/json"} <= set(post["requestBody"]["content"])
        assert "get" in spec["paths"][f"/api/v1/{kind}"] and "get" in spec["paths"][f"/api/v1/{kind}/{{case_id}}"]
    multipart = spec["paths"]["/api/v1/complaints"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert multipart["allOf"][1]["properties"]["evidence"]["items"]["format"] == "binary"
    assert "ComplaintIn" in spec["components"]["schemas"]


def test_the_developers_page_shows_a_submission_example(app):
    html = app.test_client().get("/developers").get_data(as_text=True)
    assert 'id="cases"' in html and "/api/v1/complaints" in html and "evidence=@" in html
    assert "files=" in html  # the Python example sends the evidence as a multipart part
