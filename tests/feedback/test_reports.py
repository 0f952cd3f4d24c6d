"""Reports of illegal use (举报, R2024 §46): seen and answered by the authority and the agency concerned;
the authority suspends the reported user's data access from the report, and downloads honour it."""
from __future__ import annotations

import io
import re

import pytest

from portal.accounts.access import data_access_suspended
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.feedback.models import Report
from tests import factories as f
from tests.conftest import PASSWORD, login, post_form
from tests.feedback.helpers import PDF, post_from


@pytest.fixture()
def entry(app, users):
    from portal.accounts.services import create_staff_user

    ds = f.dataset("呼和浩特市企业登记信息", slug="hhht-companies")
    f.csv_resource(ds, "企业名称,登记机关\n某某公司,新城区\n", filename="企业.csv")
    create_staff_user("misuser@example.cn", "倒卖数据的人", PASSWORD, "data_user")
    return ds


def logged_in(app, email):
    c = app.test_client()
    login(c, email)
    return c


def file_report(client, ds=None, **data):
    form = {"dataset": ds.slug if ds else "", "accused": "某数据公司（账号 misuser@example.cn）",
            "description": "将平台下载的企业数据打包出售，并声称可提供联系人手机号。", **data}
    url = f"/reports/new?dataset={ds.slug}" if ds else "/reports/new"
    return post_form(client, url, form, content_type="multipart/form-data")


def report_id(r) -> int:
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return int(re.search(r"/reports/(\d+)", r.headers["Location"]).group(1))


def test_report_is_seen_answered_and_access_suspended(app, users, entry):
    user = logged_in(app, "user@example.cn")
    rid = report_id(file_report(user, entry, evidence=(io.BytesIO(PDF), "截图.pdf")))
    staff, other_staff = logged_in(app, "staff@example.cn"), logged_in(app, "staff2@example.cn")
    authority, auditor = logged_in(app, "authority@example.cn"), logged_in(app, "auditor@example.cn")
    for c in (staff, authority, auditor):
        assert c.get(f"/reports/{rid}").status_code == 200
        assert "某数据公司" in c.get("/console/cases").get_data(as_text=True)
    assert f"<title>举报 #{rid}" in staff.get(f"/reports/{rid}").get_data(as_text=True)
    assert other_staff.get(f"/reports/{rid}").status_code == 404
    assert "某数据公司" not in other_staff.get("/console/cases").get_data(as_text=True)
    assert "违法利用举报" in authority.get("/console/supervision").get_data(as_text=True)
    evidence = re.search(r'href="(/reports/\d+/evidence/\d+)"', staff.get(f"/reports/{rid}").get_data(as_text=True)).group(1)
    assert staff.get(evidence).data == PDF and other_staff.get(evidence).status_code == 404

    # the authority acts on the reported user's access from the report
    misuser = logged_in(app, "misuser@example.cn")
    download = f"/dataset/{entry.slug}/resource/{entry.resources[0].id}/download"
    assert misuser.get(download).status_code == 200
    assert post_from(staff, f"/reports/{rid}", f"/reports/{rid}/access",
                     {"email": "misuser@example.cn", "reason": "倒卖数据"}).status_code == 403
    r = post_from(authority, f"/reports/{rid}", f"/reports/{rid}/access", {"email": "misuser@example.cn", "reason": ""})
    assert r.status_code == 422 and "请说明暂停该用户数据访问的理由" in r.get_data(as_text=True)
    r = post_from(authority, f"/reports/{rid}", f"/reports/{rid}/access",
                  {"email": "nobody@example.cn", "reason": "倒卖数据"})
    assert r.status_code == 422 and "没有使用该电子邮箱的账号" in r.get_data(as_text=True)
    r = post_from(authority, f"/reports/{rid}", f"/reports/{rid}/access",
                  {"email": "misuser@example.cn", "reason": "经查实倒卖平台数据，暂停其数据访问。"})
    assert r.status_code == 302
    mis = db.session.query(User).filter_by(email="misuser@example.cn").one()
    assert data_access_suspended(mis)
    assert misuser.get(download).status_code == 200  # open data stays open; grants are what is closed
    assert "经查实倒卖平台数据" in misuser.get("/inbox").get_data(as_text=True)
    assert app.test_client().get(download).status_code == 200  # others are not affected
    assert "数据访问已暂停" in authority.get(f"/reports/{rid}").get_data(as_text=True)

    # the agency answers the reporter
    r = post_from(staff, f"/reports/{rid}", f"/reports/{rid}/answer", {"answer": ""})
    assert r.status_code == 422
    r = post_from(staff, f"/reports/{rid}", f"/reports/{rid}/answer",
                  {"answer": "已会同数据主管部门查实，已暂停该账号的数据访问并移送有关部门。"})
    assert r.status_code == 302
    assert "已会同数据主管部门查实" in user.get("/inbox").get_data(as_text=True)
    assert "已答复" in user.get(f"/reports/{rid}").get_data(as_text=True)
    assert post_from(authority, f"/reports/{rid}", f"/reports/{rid}/answer", {"answer": "x"}).status_code == 409

    # restoring needs a reason too, and lifts the block
    r = post_from(authority, f"/reports/{rid}", f"/reports/{rid}/access", {"action": "restore", "reason": "整改完毕"})
    assert r.status_code == 302
    assert misuser.get(download).status_code == 200
    actions = {e.action for e in db.session.query(AuditEvent)}
    assert {"report.file", "report.answer", "report.access_suspended", "user.data_access_suspended",
            "user.data_access_restored"} <= actions


def test_report_without_entry_goes_to_the_chosen_agency_or_the_authority(app, users, entry):
    user = logged_in(app, "user@example.cn")
    r = file_report(user, accused="", description="")
    assert r.status_code == 422
    assert "请说明违法利用数据的主体" in r.get_data(as_text=True)
    rid = report_id(file_report(user, agency="bt-sthjj"))
    assert db.session.get(Report, rid).agency.slug == "bt-sthjj"
    assert logged_in(app, "staff2@example.cn").get(f"/reports/{rid}").status_code == 200
    assert logged_in(app, "staff@example.cn").get(f"/reports/{rid}").status_code == 404
    rid2 = report_id(file_report(user))
    assert db.session.get(Report, rid2).agency is None
    assert logged_in(app, "authority@example.cn").get(f"/reports/{rid2}").status_code == 200
    assert "某数据公司" in user.get("/my/cases").get_data(as_text=True)
    nobody = app.test_client().get("/reports/new")
    assert nobody.status_code == 302 and "/login" in nobody.headers["Location"]
