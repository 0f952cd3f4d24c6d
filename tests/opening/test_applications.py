"""Conditional-open applications over HTTP: form, drafts, submission, decisions, grants, downloads,
refusal paths, concurrency, attachments, usage reports, suspensions, public decisions, audit."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal import workdays
from portal.accounts.services import create_staff_user
from portal.accounts.tokens import create_token
from portal.audit.models import AccessEvent, AuditEvent
from portal.catalog.models import OpenType
from portal.errors import Conflict
from portal.extensions import db
from portal.inbox.models import Message
from portal.accounts.models import AccessBlock
from portal.opening import decisions, grants, public, reports, workflow
from portal.opening.models import Application, ApplicationAttachment, Grant
from tests import factories as f
from tests.conftest import PASSWORD, login, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64


def csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def post_on(client, page: str, action: str, data: dict, **kwargs):
    """POST to `action` with the CSRF token of the page that holds the form."""
    return client.post(action, data={**data, "csrf_token": csrf(client, page)}, **kwargs)


@pytest.fixture()
def entry(app, users):
    """A published conditional entry of 呼和浩特市生态环境局 with two files, and a second conditional entry."""
    agency = f.agency("呼和浩特市生态环境局")
    ds = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, agency_obj=agency,
                   items=("排污单位名称", "监测因子", "排放浓度"), slug="paiwu")
    res = f.csv_resource(ds, "排污单位名称,监测因子,排放浓度\n某热电厂,二氧化硫,35\n", filename="排污监测.csv")
    res2 = f.csv_resource(ds, "排污单位名称,年份\n某热电厂,2025\n", filename="排污单位名录.csv")
    other = f.dataset("企业环境信用评价明细", open_type=OpenType.CONDITIONAL, agency_obj=agency, items=("企业名称",),
                      slug="xinyong")
    other_res = f.csv_resource(other, "企业名称\n某公司\n", filename="信用.csv")
    create_staff_user("user2@example.cn", "另一数据用户", PASSWORD, "data_user")
    create_staff_user("staff3@example.cn", "环境局另一经办人", PASSWORD, "agency_staff", "hhht-sthjj")
    return {"ds": ds, "res": res, "res2": res2, "other": other, "other_res": other_res}


def staff_ids() -> set[int]:
    from portal.accounts.models import User

    return set(db.session.scalars(db.select(User.id).where(User.email.in_(["staff@example.cn", "staff3@example.cn"]))))


def client_for(app, email):
    c = app.test_client()
    login(c, email)
    return c


def form_data(**changes):
    today = workflow.today()
    data = {"scenario": "开发企业环保合规风险评估产品，供银行信贷审查使用。", "items": ["排污单位名称", "排放浓度"],
            "records_scope": "呼和浩特市2025年全年数据", "provision_methods": ["download", "api"],
            "period_start": today.isoformat(), "period_end": (today + timedelta(days=180)).isoformat(),
            "security_measures": "数据存放于内网服务器，专人管理，访问留痕，到期删除。",
            "commit_truth": "y", "commit_compliance": "y", "commit_security": "y", "action": "submit"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def apply(client, ds, **changes):
    return post_form(client, f"/dataset/{ds.slug}/apply", form_data(**changes))


def submitted_app(app, entry, **changes) -> tuple[Application, object]:
    user = client_for(app, "user@example.cn")
    r = apply(user, entry["ds"], **changes)
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    return db.session.scalars(db.select(Application).order_by(Application.id.desc())).first(), user


def decide(client, app_id, **data):
    return post_on(client, f"/applications/{app_id}", f"/applications/{app_id}/decide", data)


def approve(app, app_id, **data):
    staff = client_for(app, "staff@example.cn")
    if "resources" in data:
        data["resources_sent"] = "1"  # as the page's form sends it with the checked files
    r = decide(staff, app_id, action="approve", purpose=data.pop("purpose", "仅用于环保合规风险评估"),
               scope=data.pop("scope", "排污单位名称、排放浓度；2025年"), **data)
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    return db.session.scalars(db.select(Grant).order_by(Grant.id.desc())).first(), staff


def download(client, ds, res):
    return client.get(f"/dataset/{ds.slug}/resource/{res.id}/download")


# ---- the applicant ---------------------------------------------------------------------------------
def test_form_shows_conditions_and_items_then_submission_is_due_in_ten_workdays(app, entry):
    user = client_for(app, "user@example.cn")
    html = user.get("/dataset/paiwu").get_data(as_text=True)
    assert 'href="/dataset/paiwu/apply"' in html
    form = user.get("/dataset/paiwu/apply").get_data(as_text=True)
    assert "仅向具备数据安全保障能力的法人提供" in form  # the entry's conditions beside the form
    for item in ("排污单位名称", "监测因子", "排放浓度"):
        assert f'value="{item}"' in form
    for name in ("commit_truth", "commit_compliance", "commit_security", "attachments", "security_measures"):
        assert f'name="{name}"' in form
    r = apply(user, entry["ds"])
    assert r.status_code == 302
    a = db.session.scalars(db.select(Application)).one()
    assert a.state == "submitted" and a.items == ["排污单位名称", "排放浓度"]
    assert a.due_date == workdays.add_workdays(a.submitted_at, 10)
    page = user.get(r.headers["Location"]).get_data(as_text=True)
    assert a.due_date.isoformat() in page and 'data-event="submitted"' in page
    mine = user.get("/applications").get_data(as_text=True)
    assert "重点排污单位自动监测数据" in mine and "审核中" in mine
    staff_note = db.session.scalars(db.select(Message).where(Message.kind == "application.submitted")).all()
    assert {m.user_id for m in staff_note} == staff_ids()  # both staff of the agency, not the other agency's
    # a second application for the same entry while one is in progress: sent to the existing one
    assert user.get("/dataset/paiwu/apply").headers["Location"].endswith(f"/applications/{a.id}")


def test_draft_is_saved_incomplete_then_edited_and_submitted(app, entry):
    user = client_for(app, "user@example.cn")
    r = apply(user, entry["ds"], action="save", security_measures="", commit_truth=None, items=[])
    assert r.status_code == 302
    a = db.session.scalars(db.select(Application)).one()
    assert a.state == "draft" and a.due_date is None
    edit = user.get(f"/applications/{a.id}/edit").get_data(as_text=True)
    assert "开发企业环保合规风险评估产品" in edit
    r = post_form(user, f"/applications/{a.id}/edit", form_data())
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, a.id).state == "submitted"


def test_missing_commitments_are_refused_and_nothing_is_written(app, entry):
    user = client_for(app, "user@example.cn")
    r = apply(user, entry["ds"], commit_security=None, commit_truth=None)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "您必须承诺申请内容真实" in html and "您必须承诺保障数据安全" in html
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_use_period_is_capped_by_the_setting(app, entry):
    app.config["APPLICATION_MAX_DAYS"] = 30
    user = client_for(app, "user@example.cn")
    r = apply(user, entry["ds"])  # 181 days
    assert r.status_code == 422 and "使用时限最长为30天" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_attachments_are_checked_by_content_and_size(app, entry):
    user = client_for(app, "user@example.cn")
    store = app.extensions["storage"]
    files_before = sorted(p.name for p in store.root.rglob("*") if p.is_file())
    r = apply(user, entry["ds"], attachments=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "资质证明.pdf"))
    assert r.status_code == 422 and "不是PDF、PNG或JPEG文件" in r.get_data(as_text=True)
    app.config["APPLICATION_ATTACHMENT_MB"] = 1
    big = PDF + b"0" * (1024 * 1024)
    r = apply(user, entry["ds"], attachments=(io.BytesIO(big), "大文件.pdf"))
    assert r.status_code == 413 and "大于1 MB" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0
    assert sorted(p.name for p in store.root.rglob("*") if p.is_file()) == files_before  # nothing left behind
    r = apply(user, entry["ds"], attachments=[(io.BytesIO(PNG), "营业执照.png"), (io.BytesIO(PDF), "等保证明.pdf")])
    assert r.status_code == 302
    atts = db.session.scalars(db.select(ApplicationAttachment).order_by(ApplicationAttachment.id)).all()
    assert [(a.filename, a.media_type) for a in atts] == [("营业执照.png", "image/png"), ("等保证明.pdf", "application/pdf")]
    url = f"/applications/{atts[0].application_id}/attachments/{atts[0].id}"
    assert user.get(url).data == PNG
    assert client_for(app, "staff@example.cn").get(url).status_code == 200
    assert client_for(app, "user2@example.cn").get(url).status_code == 404
    assert client_for(app, "staff2@example.cn").get(url).status_code == 404


# ---- the agency's decision ----------------------------------------------------------------------------
def test_approval_grants_download_on_site_and_by_api_token_and_logs_it(app, entry, users):
    a, user = submitted_app(app, entry)
    assert download(user, entry["ds"], entry["res"]).status_code == 403  # not yet approved
    grant, staff = approve(app, a.id, resources=[entry["res"].id])
    assert grant.end == a.period_end and grant.start == workflow.today()
    assert grant.resource_ids == [entry["res"].id]
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 200 and r.data.decode().startswith("排污单位名称")
    event = db.session.scalars(db.select(AccessEvent).where(AccessEvent.kind == "download",
                                                            AccessEvent.status == 200)).one()
    assert event.grant_id == grant.id and event.user_id == users["data_user"].id
    page = user.get("/dataset/paiwu").get_data(as_text=True)
    assert "您的申请已获批准" in page and f"/resource/{entry['res'].id}/download" in page
    # by API token
    _token, raw = create_token(users["data_user"], "程序", "read", 30)
    r = user.get(f"/api/v1/resources/{entry['res'].id}/download", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200
    assert db.session.scalars(db.select(AccessEvent).where(AccessEvent.grant_id == grant.id,
                                                           AccessEvent.status == 200)).all().__len__() == 2
    # outside the approved scope: the other file of the entry
    r = download(user, entry["ds"], entry["res2"])
    assert r.status_code == 403 and "不在批准的范围内" in r.get_data(as_text=True)
    # the applicant is told, and the decision is audited
    assert db.session.scalars(db.select(Message).where(Message.kind == "application.approved")).one().user_id == \
        users["data_user"].id
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "application.approve")).one().actor_id \
        == users["agency_staff"].id


def test_api_access_needs_api_in_the_approval(app, entry, users):
    a, user = submitted_app(app, entry, provision_methods=["download"])
    approve(app, a.id)
    _token, raw = create_token(users["data_user"], "程序", "read", 30)
    r = user.get(f"/api/v1/resources/{entry['res'].id}/download", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden" and "仅限" in r.get_json()["error"]["message"]
    assert download(user, entry["ds"], entry["res"]).status_code == 200


def test_refusal_paths_for_downloads(app, entry, users):
    a, user = submitted_app(app, entry)
    grant, staff = approve(app, a.id)
    anonymous = app.test_client()
    assert download(anonymous, entry["ds"], entry["res"]).status_code == 403
    # wrong user
    r = download(client_for(app, "user2@example.cn"), entry["ds"], entry["res"])
    assert r.status_code == 403 and "没有已获批准的申请" in r.get_data(as_text=True)
    # other entry: the grant is for one entry only
    r = download(user, entry["other"], entry["other_res"])
    assert r.status_code == 403 and "没有已获批准的申请" in r.get_data(as_text=True)
    # a file addressed under the wrong entry
    assert user.get(f"/dataset/xinyong/resource/{entry['res'].id}/download").status_code == 404
    # expired grant
    grant.end = workflow.today() - timedelta(days=1)
    db.session.commit()
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 403 and f"已于{grant.end.isoformat()}结束" in r.get_data(as_text=True)
    refused = db.session.scalars(db.select(AccessEvent).where(AccessEvent.status == 403,
                                                              AccessEvent.grant_id == grant.id)).all()
    assert refused  # refused attempts are logged against the grant too
    # not yet started
    grant.start, grant.end = workflow.today() + timedelta(days=3), workflow.today() + timedelta(days=30)
    db.session.commit()
    assert "开始" in download(user, entry["ds"], entry["res"]).get_data(as_text=True)
    grant.start = workflow.today()
    db.session.commit()
    assert download(user, entry["ds"], entry["res"]).status_code == 200


def test_suspended_and_revoked_grants_and_blocked_users_are_refused_with_the_reason(app, entry, users):
    a, user = submitted_app(app, entry)
    grant, staff = approve(app, a.id)
    page = f"/applications/{a.id}"
    r = post_on(staff, page, f"/grants/{grant.id}/status", {"action": "suspend", "reason": ""})
    assert r.status_code == 422
    r = post_on(staff, page, f"/grants/{grant.id}/status", {"action": "suspend", "reason": "超范围向第三方提供数据"})
    assert r.status_code == 302
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 403 and "超范围向第三方提供数据" in r.get_data(as_text=True)
    assert "超范围向第三方提供数据" in user.get(page).get_data(as_text=True)
    authority = client_for(app, "authority@example.cn")
    assert post_on(authority, page, f"/grants/{grant.id}/status", {"action": "resume", "reason": "已整改"}).status_code == 302
    assert download(user, entry["ds"], entry["res"]).status_code == 200
    assert post_on(staff, page, f"/grants/{grant.id}/status", {"action": "revoke", "reason": "拒不整改"}).status_code == 302
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 403 and "被撤销" in r.get_data(as_text=True) and "拒不整改" in r.get_data(as_text=True)
    assert post_on(staff, page, f"/grants/{grant.id}/status", {"action": "resume", "reason": "x"}).status_code == 409
    # other agency staff may not touch the grant
    other = client_for(app, "staff2@example.cn")
    assert other.post(f"/grants/{grant.id}/status", data={"action": "suspend", "reason": "x",
                                                          "csrf_token": csrf(other, "/console/applications")}).status_code == 404
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_type == "grant"))]
    assert actions == ["grant.suspend", "grant.resume", "grant.revoke"]


def test_user_access_block_for_misuse(app, entry, users):
    a, user = submitted_app(app, entry)
    grant, staff = approve(app, a.id)
    page = f"/applications/{a.id}"
    r = post_on(staff, page, f"/users/{users['data_user'].id}/access-block",
                {"reason": "利用数据获取非法利益", "application": a.id})
    assert r.status_code == 302
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 403 and "利用数据获取非法利益" in r.get_data(as_text=True)
    assert "利用数据获取非法利益" in user.get("/applications").get_data(as_text=True)
    block = db.session.scalars(db.select(AccessBlock)).one()
    assert block.agency_id == users["agency_staff"].agency_id
    console = client_for(app, "staff@example.cn")
    assert "利用数据获取非法利益" in console.get("/console/applications").get_data(as_text=True)
    assert post_on(console, "/console/applications", f"/access-blocks/{block.id}/lift",
                   {"reason": "已整改"}).status_code == 302
    assert download(user, entry["ds"], entry["res"]).status_code == 200
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.like("access.%")))] == \
        ["access.suspend", "access.lift"]


def test_a_suspended_user_keeps_open_data_and_loses_conditional_grants(app, entry, users):
    """R2024 §50 closes the access a grant gives; unconditionally open data stays open to everyone."""
    from portal.accounts import access

    a, user = submitted_app(app, entry)
    grant, _staff = approve(app, a.id)
    agency = entry["ds"].agency
    open_ds = f.dataset("呼和浩特市空气质量日报", agency_obj=agency, slug="kongqi")
    open_res = f.csv_resource(open_ds, "站点,AQI\n新华广场,56\n", filename="空气.csv")
    _token, raw = create_token(users["data_user"], "程序", "read", 30)
    api = {"Authorization": f"Bearer {raw}"}
    assert download(user, entry["ds"], entry["res"]).status_code == 200
    access.suspend_data_access(users["data_user"], users["authority"], "经查实倒卖平台数据")
    db.session.commit()

    # open data: the page, the preview, the download and the API, while logged in
    page = user.get("/dataset/kongqi").get_data(as_text=True)
    assert f"/dataset/kongqi/resource/{open_res.id}/download" in page
    assert "新华广场" in user.get(f"/dataset/kongqi/resource/{open_res.id}").get_data(as_text=True)
    r = download(user, open_ds, open_res)
    assert r.status_code == 200 and "新华广场".encode() in r.data
    assert user.get(f"/api/v1/datasets/kongqi", headers=api).status_code == 200
    r = user.get(f"/api/v1/resources/{open_res.id}/download", headers=api)
    assert r.status_code == 200 and "新华广场".encode() in r.data

    # conditional data: the grant cannot be used, on the site or by the API, and no download is offered
    r = download(user, entry["ds"], entry["res"])
    assert r.status_code == 403 and "有条件开放数据的权限已被暂停" in r.get_data(as_text=True)
    r = user.get(f"/api/v1/resources/{entry['res'].id}/download", headers=api)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    page = user.get("/dataset/paiwu").get_data(as_text=True)
    assert f"/resource/{entry['res'].id}/download" not in page and "您的申请已获批准" not in page
    refused = db.session.scalars(db.select(AccessEvent).where(AccessEvent.status == 403,
                                                              AccessEvent.grant_id == grant.id)).all()
    assert len(refused) == 2  # logged against the grant

    access.restore_data_access(users["data_user"], users["authority"], "整改完毕")
    db.session.commit()
    assert download(user, entry["ds"], entry["res"]).status_code == 200


def test_refusal_needs_reason_and_legal_basis_and_is_published_anonymised(app, entry, users):
    a, user = submitted_app(app, entry)
    staff = client_for(app, "staff@example.cn")
    r = decide(staff, a.id, action="refuse", reason="申请用途与开放条件不符", legal_basis="")
    assert r.status_code == 422 and "请说明拒绝所依据的法律法规" in r.get_data(as_text=True)
    r = decide(staff, a.id, action="refuse", reason="", legal_basis="《内蒙古自治区公共数据管理暂行办法》第二十八条")
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(Application, a.id).state == "submitted"
    r = decide(staff, a.id, action="refuse", reason="申请用途与开放条件不符",
               legal_basis="《内蒙古自治区公共数据管理暂行办法》第二十八条")
    assert r.status_code == 302
    html = user.get(f"/applications/{a.id}").get_data(as_text=True)
    assert "申请用途与开放条件不符" in html and "第二十八条" in html
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "application.refuse")).one()
    assert event.reason == "申请用途与开放条件不符" and "第二十八条" in event.details["legal_basis"]
    # approve another and publish both
    a2, _u = submitted_app(app, {**entry})
    public = app.test_client().get("/dataset/paiwu/decisions").get_data(as_text=True)
    assert "申请用途与开放条件不符" in public and "第二十八条" in public
    assert users["data_user"].name not in public and "user@example.cn" not in public
    assert re.search(r'data-count="refused">1<', public) and re.search(r'data-count="submitted">1<', public)
    approve(app, a2.id, purpose="用于环境信用评价研究")
    public = app.test_client().get("/dataset/paiwu/decisions").get_data(as_text=True)
    assert "用于环境信用评价研究" in public and re.search(r'data-count="approved">1<', public)
    assert "重点排污单位自动监测数据" in app.test_client().get("/decisions").get_data(as_text=True)
    assert app.test_client().get("/dataset/no-such/decisions").status_code == 404


def test_applicants_see_only_their_own_and_staff_only_their_agency(app, entry, users):
    a, user = submitted_app(app, entry)
    assert client_for(app, "user2@example.cn").get(f"/applications/{a.id}").status_code == 404
    other_staff = client_for(app, "staff2@example.cn")
    assert other_staff.get(f"/applications/{a.id}").status_code == 404
    assert "重点排污单位自动监测数据" not in other_staff.get("/console/applications").get_data(as_text=True)
    staff = client_for(app, "staff@example.cn")
    assert "重点排污单位自动监测数据" in staff.get("/console/applications").get_data(as_text=True)
    authority = client_for(app, "authority@example.cn")
    assert "重点排污单位自动监测数据" in authority.get("/console/applications").get_data(as_text=True)
    assert 'id="approve-form"' not in authority.get(f"/applications/{a.id}").get_data(as_text=True)
    assert decide(authority, a.id, action="approve", purpose="x", scope="y").status_code == 403
    assert client_for(app, "auditor@example.cn").get(f"/applications/{a.id}").status_code == 200
    # staff cannot apply; an unconditional entry needs no application
    assert staff.get("/dataset/paiwu/apply").status_code == 403
    open_ds = f.dataset("公开数据", slug="open-one")
    assert user.get(f"/dataset/{open_ds.slug}/apply").status_code == 409
    # the applicant cannot decide their own application
    assert user.post(f"/applications/{a.id}/decide", data={"action": "approve",
                                                            "csrf_token": csrf(user, f"/applications/{a.id}")}).status_code == 403


def test_two_staff_deciding_at_once_exactly_one_wins(app, entry, users):
    a, user = submitted_app(app, entry)
    first, second = client_for(app, "staff@example.cn"), client_for(app, "staff3@example.cn")
    t1, t2 = csrf(first, f"/applications/{a.id}"), csrf(second, f"/applications/{a.id}")
    r1 = first.post(f"/applications/{a.id}/decide", data={"csrf_token": t1, "action": "approve", "purpose": "研究",
                                                          "scope": "全部"})
    r2 = second.post(f"/applications/{a.id}/decide", data={"csrf_token": t2, "action": "refuse", "reason": "不符",
                                                           "legal_basis": "第二十八条"})
    assert (r1.status_code, r2.status_code) == (302, 409)
    db.session.expire_all()
    assert db.session.get(Application, a.id).state == "approved"
    assert db.session.scalar(db.select(db.func.count(Grant.id))) == 1


def test_row_version_makes_a_concurrent_decision_a_conflict(app, entry, users):
    a, _user = submitted_app(app, entry)
    mine = db.session.get(Application, a.id)
    mine.dataset, mine.attachments  # loaded, as a request would have them
    other = Session(bind=db.engine)
    theirs = other.get(Application, a.id)
    theirs.state, theirs.refusal_reason, theirs.refusal_legal_basis = "refused", "另一经办人拒绝", "第二十八条"
    other.commit()
    other.close()
    with pytest.raises(Conflict):
        decisions.approve(mine, users["agency_staff"], decisions.Approval("研究", "全部"))
    db.session.expire_all()
    assert db.session.get(Application, a.id).state == "refused"
    assert db.session.scalar(db.select(db.func.count(Grant.id))) == 0  # nothing half-applied


def test_more_information_pauses_the_clock_and_the_answer_resumes_it(app, entry, users):
    app.config["APPLICATION_CLOCK"] = "pause"  # a deployment's own rule; the default lets the clock run
    a, user = submitted_app(app, entry)
    staff = client_for(app, "staff@example.cn")
    assert decide(staff, a.id, action="request_info", question="").status_code == 422
    assert decide(staff, a.id, action="request_info", question="请补充等级保护测评证明").status_code == 302
    db.session.expire_all()
    a = db.session.get(Application, a.id)
    remaining = workdays.workdays_between(workflow.today(), a.due_date)
    assert a.state == "info_requested" and a.remaining_workdays == remaining
    page = user.get(f"/applications/{a.id}").get_data(as_text=True)
    assert "请补充等级保护测评证明" in page and 'id="answer"' in page
    r = post_on(user, f"/applications/{a.id}", f"/applications/{a.id}/answer",
                {"answer": "已补充测评报告。", "attachments": (io.BytesIO(PDF), "测评报告.pdf")},
                content_type="multipart/form-data")
    assert r.status_code == 302
    db.session.expire_all()
    a = db.session.get(Application, a.id)
    assert a.state == "submitted" and a.remaining_workdays is None
    assert a.due_date == workdays.add_workdays(a.events[-1].at, remaining)
    assert [e.kind for e in a.events] == ["created", "submitted", "info_requested", "info_provided"]
    assert a.attachments[-1].filename == "测评报告.pdf"
    # the "restart" rule gives the agency the full period again
    app.config["APPLICATION_CLOCK"] = "restart"
    decide(staff, a.id, action="request_info", question="请再补充")
    post_on(user, f"/applications/{a.id}", f"/applications/{a.id}/answer", {"answer": "已补充"})
    db.session.expire_all()
    a = db.session.get(Application, a.id)
    assert a.due_date == workdays.add_workdays(a.events[-1].at, 10)


def test_withdrawal(app, entry):
    a, user = submitted_app(app, entry)
    assert post_on(user, f"/applications/{a.id}", f"/applications/{a.id}/withdraw", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, a.id).state == "withdrawn"
    assert post_on(user, f"/applications/{a.id}", f"/applications/{a.id}/withdraw", {}).status_code == 409


def test_usage_reports_on_schedule_and_missing_ones_flagged(app, entry, users):
    a, user = submitted_app(app, entry)
    grant, staff = approve(app, a.id, report_every_days="30")
    assert grant.report_every_days == 30
    grant.start = workflow.today() - timedelta(days=65)  # two reports already due
    db.session.commit()
    console = client_for(app, "staff@example.cn").get("/console/applications").get_data(as_text=True)
    assert 'id="missing-reports"' in console and console.count('class="row-overdue"><th scope="row">') >= 2
    assert len(reports.missing_reports(users["agency_staff"])) == 2
    assert reports.missing_reports(users["other_staff"]) == []
    page = f"/applications/{a.id}"
    assert post_on(user, page, f"/grants/{grant.id}/reports", {"report": ""}).status_code == 422
    assert post_on(user, page, f"/grants/{grant.id}/reports", {"report": "用于信贷风险模型，未发生安全事件。"}).status_code == 302
    db.session.expire_all()
    assert len(reports.missing_reports(users["agency_staff"])) == 1
    schedule = user.get(page).get_data(as_text=True).split('id="report-schedule"')[1].split("</thead>")[0]
    assert '<th scope="col">报告内容</th>' in schedule and "举报" not in schedule  # a usage report, not 举报
    assert post_on(staff, page, f"/grants/{grant.id}/reports", {"report": "x"}).status_code == 403
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "grant.report")).one()


def test_supervision_lists_open_applications_with_the_agency_staff_as_assignees(app, entry, users):
    a, _user = submitted_app(app, entry)
    html = client_for(app, "authority@example.cn").get("/console/supervision").get_data(as_text=True)
    assert "有条件开放申请" in html and f"/applications/{a.id}" in html and a.due_date.isoformat() in html
    with app.test_request_context():
        case = next(c for c in public.supervision_cases() if c.url == f"/applications/{a.id}")
    assert set(case.assignees) == staff_ids()


def test_every_decision_writes_an_audit_event(app, entry, users):
    a, user = submitted_app(app, entry)
    staff = client_for(app, "staff@example.cn")
    decide(staff, a.id, action="request_info", question="补充材料")
    post_on(user, f"/applications/{a.id}", f"/applications/{a.id}/answer", {"answer": "已补充"})
    approve(app, a.id)
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "application", AuditEvent.object_id == str(a.id)).order_by(AuditEvent.id))]
    assert actions == ["application.submit", "application.request_info", "application.answer", "application.approve"]
    from portal.audit.services import verify_chain

    assert verify_chain() == []


def test_demo_has_applications_in_several_states(demo_client):
    login(demo_client, "company@demo.nmg.example", "Demo-Passw0rd!")
    mine = demo_client.get("/applications").get_data(as_text=True)
    for state in ("approved", "submitted", "draft"):
        assert f'data-state="{state}"' in mine
    assert "企业公共信用综合评价结果" in demo_client.get("/decisions").get_data(as_text=True)


def test_a_concurrent_grant_change_is_a_conflict(app, entry, users):
    a, _user = submitted_app(app, entry)
    grant, _staff = approve(app, a.id)
    mine = db.session.get(Grant, grant.id)
    mine.dataset, mine.application  # loaded, as a request would have them
    other = Session(bind=db.engine)
    theirs = other.get(Grant, grant.id)
    theirs.state, theirs.state_reason = "revoked", "另一经办人撤销"
    other.commit()
    other.close()
    with pytest.raises(Conflict):
        grants.change_grant(mine, users["agency_staff"], "suspend", "暂停")
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).state == "revoked"
