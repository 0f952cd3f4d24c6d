"""A rights complaint in a real browser: a citizen files it with evidence, the entry's page says it is
suspended and its download answers 451, the agency resumes it with a reason, the citizen sees the outcome."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, build_app
from tests.feedback.helpers import CSV, PDF, sha

REASON = "经核实，所涉数据为监测站点的公开信息，不含个人信息，恢复开放。"


@pytest.fixture(scope="module")
def complaint_server(tmp_path_factory):
    """Its own portal: this journey suspends an entry, which the shared demo catalog must not see."""
    app = build_app(tmp_path_factory.mktemp("complaint"))
    with app.app_context():
        from portal.accounts.services import create_staff_user

        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        ds = f.dataset("呼和浩特市空气质量监测数据", agency_obj=agency, slug="hhht-air", tags=("空气质量",))
        res = f.csv_resource(ds, CSV.decode(), filename="空气质量.csv")
        f.data_user("citizen@example.cn", "张三")  # a verified identity: confirmed e-mail, citizen ID number
        create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff", "hhht-sthjj")
        app.journey = {"slug": ds.slug, "download": f"/dataset/{ds.slug}/resource/{res.id}/download"}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def log_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$|/console"))


def test_complaint_suspends_then_agency_decides_and_complainant_sees_outcome(complaint_server, browser, tmp_path):
    app, base = complaint_server
    slug, download = app.journey["slug"], app.journey["download"]
    evidence = tmp_path / "身份证明.pdf"
    evidence.write_bytes(PDF)

    citizen = browser.new_context(locale="zh-CN").new_page()
    log_in(citizen, base, "citizen@example.cn")
    citizen.goto(f"{base}/dataset/{slug}")
    citizen.get_by_role("link", name="权益申诉").click()
    citizen.get_by_label("个人信息", exact=True).check()
    citizen.get_by_label(re.compile("空气质量")).check()
    citizen.locator("#f-description").fill("第2行“新华广场”记录了本人住址和电话。")
    citizen.locator("#f-evidence").set_input_files(str(evidence))
    citizen.get_by_role("button", name="提交申诉").click()
    citizen.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_url = citizen.url
    expect(citizen.locator("#complaint-state")).to_contain_text("暂停开放，核实中")

    # any visitor: the page says suspended (no complainant), no download button, the file answers 451
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{base}/dataset/{slug}")
    expect(visitor.locator("#suspended-notice")).to_contain_text("暂停开放，待核实")
    assert "张三" not in visitor.content()
    expect(visitor.locator("a.button", has_text="下载")).to_have_count(0)
    assert visitor.request.get(base + download).status == 451
    visitor.goto(f"{base}/dataset?q=空气质量")
    expect(visitor.locator(f'a[href="/dataset/{slug}"]')).to_have_count(0)

    # the agency: a notice in the inbox leads to the complaint; it resumes with a reason
    staff = browser.new_context(locale="zh-CN").new_page()
    log_in(staff, base, "staff@example.cn")
    staff.goto(base + "/inbox")
    staff.get_by_role("button", name=re.compile("权益申诉")).first.click()
    staff.wait_for_url(re.compile(r"/complaints/\d+$"))
    staff.get_by_label("恢复开放（文件与此前完全一致）").check()
    staff.get_by_label("理由（将告知申诉人）").fill(REASON)
    staff.get_by_role("button", name="提交处理决定").click()
    expect(staff.locator("#complaint-outcome")).to_contain_text("恢复开放")

    # the complainant sees the outcome and the reason on the complaint's page and in the inbox
    citizen.goto(complaint_url)
    expect(citizen.locator("#complaint-outcome")).to_contain_text("恢复开放")
    expect(citizen.locator("#complaint-reason")).to_contain_text(REASON)
    citizen.goto(base + "/inbox")
    expect(citizen.locator("main")).to_contain_text("权益申诉处理结果：恢复开放")
    # and the data is back, byte for byte
    got = visitor.request.get(base + download)
    assert got.status == 200 and sha(got.body()) == sha(CSV)
    for page in (citizen, visitor, staff):
        page.context.close()
