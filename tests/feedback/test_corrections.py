"""Corrections (数据纠错, R2024 §45): the entry is marked while any is open, the agency accepts (after
fixing with a new version) or rejects with a reason within the configured workdays; the list is public."""
from __future__ import annotations

import io
import re

import pytest

from portal import workdays
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.feedback.models import Correction
from tests import factories as f
from tests.catalog.test_console import put_file
from tests.conftest import build_app, login, post_form
from tests.feedback.helpers import PNG, post_from


@pytest.fixture()
def entry(app, users):
    ds = f.dataset("呼和浩特市公交线路", slug="hhht-bus")
    f.csv_resource(ds, "线路,首班车\n1路,06:00\n", filename="公交线路.csv")
    return ds


def logged_in(app, email):
    c = app.test_client()
    login(c, email)
    return c


def report_error(client, ds, **data):
    form = {"resource": ds.resources[0].id, "location": "第2行“首班车”",
            "description": "1路首班车实际为05:30，不是06:00。", **data}
    return post_form(client, f"/dataset/{ds.slug}/corrections/new", form, content_type="multipart/form-data")


def correction_id(r) -> int:
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return int(re.search(r"/corrections/(\d+)", r.headers["Location"]).group(1))


def test_correction_marks_the_entry_until_accepted_with_a_new_version(app, users, entry):
    user, staff = logged_in(app, "user@example.cn"), logged_in(app, "staff@example.cn")
    visitor = app.test_client()
    assert 'id="correction-mark"' not in visitor.get(f"/dataset/{entry.slug}").get_data(as_text=True)
    cid = correction_id(report_error(user, entry, attachment=(io.BytesIO(PNG), "截图.png")))
    page = visitor.get(f"/dataset/{entry.slug}").get_data(as_text=True)
    assert 'id="correction-mark"' in page and "纠错处理中" in page
    public = visitor.get(f"/dataset/{entry.slug}/corrections").get_data(as_text=True)
    assert "1路首班车实际为05:30" in public and "处理中" in public and "数据用户" not in public
    c = db.session.get(Correction, cid)
    assert c.due_date == workdays.add_workdays(c.filed_at, 10)
    assert "数据纠错" in logged_in(app, "authority@example.cn").get("/console/supervision").get_data(as_text=True)

    # accepting needs an answer; the fix is a new version through the console upload
    r = post_from(staff, f"/corrections/{cid}", f"/corrections/{cid}/decide", {"action": "accept", "answer": ""})
    assert r.status_code == 422 and "请说明已更正的内容" in r.get_data(as_text=True)
    assert put_file(staff, entry, "线路,首班车\n1路,05:30\n".encode(), filename="公交线路.csv",
                    resource=entry.resources[0].id).status_code == 201
    r = post_from(staff, f"/corrections/{cid}", f"/corrections/{cid}/decide",
                  {"action": "accept", "answer": "已核实并更正1路首班车时间。"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Correction, cid).fixed_in_version == 2
    assert 'id="correction-mark"' not in visitor.get(f"/dataset/{entry.slug}").get_data(as_text=True)
    public = visitor.get(f"/dataset/{entry.slug}/corrections").get_data(as_text=True)
    assert "已采纳" in public and "已核实并更正1路首班车时间。" in public and "已在第 2 版更正" in public
    inbox = user.get("/inbox").get_data(as_text=True)
    assert "已采纳" in inbox and "已核实并更正1路首班车时间。" in inbox
    assert {"correction.file", "correction.accept"} <= {e.action for e in db.session.query(AuditEvent)}
    # answered once only
    r = post_from(staff, f"/corrections/{cid}", f"/corrections/{cid}/decide", {"action": "reject", "answer": "x"})
    assert r.status_code == 409


def test_rejection_needs_a_reason_and_is_shown(app, users, entry):
    user, staff = logged_in(app, "user@example.cn"), logged_in(app, "staff@example.cn")
    cid = correction_id(report_error(user, entry, resource=""))
    r = post_from(staff, f"/corrections/{cid}", f"/corrections/{cid}/decide", {"action": "reject", "answer": " "})
    assert r.status_code == 422 and "请说明不予采纳的理由" in r.get_data(as_text=True)
    r = post_from(staff, f"/corrections/{cid}", f"/corrections/{cid}/decide",
                  {"action": "reject", "answer": "经核实，首班车时间以公交集团公告为准，数据无误。"})
    assert r.status_code == 302
    page = user.get(f"/corrections/{cid}").get_data(as_text=True)
    assert "不予采纳" in page and "数据无误" in page
    assert "不予采纳" in app.test_client().get(f"/dataset/{entry.slug}/corrections").get_data(as_text=True)


def test_bad_corrections_and_permissions(app, users, entry):
    user = logged_in(app, "user@example.cn")
    r = report_error(user, entry, location="", description="")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "请说明哪个字段或哪些行有误" in html and "请说明错误或遗漏的内容" in html
    r = report_error(user, entry, attachment=(io.BytesIO(b"MZ\x90\x00 not allowed"), "tool.exe"))
    assert r.status_code == 422 and "不是可接受的文件类型" in r.get_data(as_text=True)
    assert db.session.query(Correction).count() == 0
    anon = app.test_client().get(f"/dataset/{entry.slug}/corrections/new")
    assert anon.status_code == 302 and "/login" in anon.headers["Location"]

    cid = correction_id(report_error(user, entry))
    other_staff, authority = logged_in(app, "staff2@example.cn"), logged_in(app, "authority@example.cn")
    assert other_staff.get(f"/corrections/{cid}").status_code == 404
    assert post_from(other_staff, "/my/cases", f"/corrections/{cid}/decide",
                     {"action": "accept", "answer": "x"}).status_code == 404
    assert authority.get(f"/corrections/{cid}").status_code == 200
    assert post_from(authority, "/my/cases", f"/corrections/{cid}/decide",
                     {"action": "accept", "answer": "x"}).status_code == 403


def test_correction_workdays_are_configurable(tmp_path):
    app = build_app(tmp_path, CORRECTION_WORKDAYS=4)
    with app.app_context():
        from portal.accounts.services import create_staff_user
        from tests.conftest import PASSWORD

        ds = f.dataset(slug="bus")
        f.csv_resource(ds)
        create_staff_user("user@example.cn", "数据用户", PASSWORD, "data_user")
        cid = correction_id(report_error(logged_in(app, "user@example.cn"), ds))
        c = db.session.get(Correction, cid)
        assert c.due_date == workdays.add_workdays(c.filed_at, 4)
