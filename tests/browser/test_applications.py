"""Applying for conditional data in a real browser: a company registers and applies, the agency approves,
the company downloads the file, and after the approved period ends the download is refused."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.accounts.identifiers import uscc_check_char
from portal.catalog.models import Dataset
from portal.extensions import db
from portal.opening import workflow
from portal.opening.models import Application, Grant
from tests.browser.test_publishing import log_in
from tests.conftest import link_in

SLUG = "hhht-bus-passenger-flow"  # conditional, provided by 呼和浩特市交通运输局
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def test_company_applies_agency_approves_download_until_the_period_ends(live_server, browser, demo_app, tmp_path):
    code17 = "91150100MA0BRWX42"
    uscc = code17 + uscc_check_char(code17)
    company = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    company.goto(live_server + "/register")
    company.get_by_label("法人（企业、事业单位等）").check()
    company.locator("#name").fill("草原数据科技有限公司")
    company.locator("#email").fill("apply@browser.example")
    company.locator("#password").fill("Caoyuan-Data-2026")
    company.locator("#password2").fill("Caoyuan-Data-2026")
    company.locator("#uscc").fill(uscc)
    company.locator("#consent").check()
    company.get_by_role("button", name="注册").click()
    company.wait_for_url(re.compile(r"/register/sent$"))
    expect(company.locator("#registered")).to_contain_text("请查收确认邮件")
    # the confirmation link from the mail, then logging in with the password just chosen
    (mail,) = [m for m in demo_app.extensions["mail_outbox"] if m[0] == "apply@browser.example"]
    company.goto(live_server + link_in(mail[2], "/register/confirm/"))
    company.wait_for_url(re.compile(r"/login"))
    company.get_by_label("电子邮箱").fill("apply@browser.example")
    company.get_by_label("密码").fill("Caoyuan-Data-2026")
    company.get_by_role("button", name="登录").click()
    company.wait_for_url(re.compile(r"/$"))

    # the entry page offers the application; the form shows the conditions beside it
    company.goto(f"{live_server}/dataset/{SLUG}")
    expect(company.locator("#resources-heading")).to_be_visible()
    assert company.locator("a.button", has_text="下载").count() == 0
    company.locator("#apply-link").click()
    company.wait_for_url(re.compile(rf"/dataset/{SLUG}/apply$"))
    expect(company.locator(".apply-conditions")).to_contain_text("开放条件")
    company.get_by_label("应用场景", exact=True).fill("开发公交出行规划小程序，为市民推荐换乘方案。")
    items = company.locator("#items input[type=checkbox]")
    assert items.count() >= 2
    items.nth(0).check()
    items.nth(1).check()
    company.get_by_label("所需数据记录或时段").fill("2025年全年各线路日客流")
    today = workflow.today()
    company.get_by_label("使用时限起").fill(today.isoformat())
    company.get_by_label("使用时限止").fill((today + timedelta(days=90)).isoformat())
    company.locator("#security_measures").fill("数据存放于等保三级机房，专人管理，到期删除。")
    proof = tmp_path / "等保证明.png"
    proof.write_bytes(PNG)
    company.get_by_label("附件（能力证明材料）").set_input_files(str(proof))
    company.get_by_label("本人（单位）承诺申请内容及附件材料真实。").check()
    company.get_by_label("本人（单位）承诺依法合规使用数据，仅用于批准的用途和范围，不向第三方提供。").check()
    company.get_by_label("本人（单位）承诺按上述措施保障数据安全。").check()
    company.get_by_role("button", name="提交申请").click()
    company.wait_for_url(re.compile(r"/applications/\d+$"))
    app_id = int(company.url.rsplit("/", 1)[1])
    expect(company.locator("#case-status")).to_contain_text("审核中")
    with demo_app.app_context():
        due = db.session.get(Application, app_id).due_date
    expect(company.locator("#due-date")).to_contain_text(due.isoformat())
    expect(company.locator("#application-fields")).to_contain_text("等保证明.png")

    # the agency sees it in its queue and approves
    staff = browser.new_context(locale="zh-CN").new_page()
    log_in(staff, live_server, "hhht-transport@demo.nmg.example")
    staff.goto(live_server + "/console/applications")
    staff.locator(f'#application-queue tr[data-application="{app_id}"] th a').click()
    staff.wait_for_url(re.compile(rf"/applications/{app_id}$"))
    staff.locator("#f-purpose").fill("仅用于公交出行规划小程序的换乘推荐")
    staff.locator("#approve-form button[type=submit]").click()
    staff.wait_for_url(re.compile(rf"/applications/{app_id}$"))
    expect(staff.locator("#decision")).to_contain_text("仅用于公交出行规划小程序的换乘推荐")

    # the company is told, and downloads the file from the entry page
    company.goto(live_server + "/inbox")
    expect(company.locator("#inbox")).to_contain_text("申请已通过")
    company.goto(f"{live_server}/dataset/{SLUG}")
    expect(company.locator("#grant-note")).to_be_visible()
    with company.expect_download() as info:
        company.locator("a.button", has_text="下载").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    with demo_app.app_context():
        ds = db.session.query(Dataset).filter_by(slug=SLUG).one()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == ds.resources[0].sha256
        url = f"{live_server}/dataset/{SLUG}/resource/{ds.resources[0].id}/download"
        # the approved period ends (the grant's end moved to yesterday)
        grant = db.session.query(Grant).filter_by(application_id=app_id).one()
        grant.end = today - timedelta(days=1)
        grant.start = min(grant.start, grant.end)
        db.session.commit()
        ended = grant.end.isoformat()
    response = company.goto(url)
    assert response.status == 403
    expect(company.locator("main")).to_contain_text(f"已于{ended}结束")
    company.goto(f"{live_server}/dataset/{SLUG}")
    assert company.locator("a.button", has_text="下载").count() == 0
    company.context.close()
    staff.context.close()
