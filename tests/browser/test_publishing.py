"""Publishing in a real browser: staff drafts an entry, uploads a CSV with a visible progress bar and
submits it; the authority sees its due date, records both reviews and approves; anyone finds and downloads it."""
from __future__ import annotations

import hashlib
import re
import time

from playwright.sync_api import expect

from portal import workdays
from portal.catalog.models import Dataset
from portal.demo.accounts import DEMO_PASSWORD
from portal.extensions import db

CSV = "书房名称,地址,开放时间\n" + "".join(f"城市书房{i},新城区示范路{i}号,09:00-21:00\n" for i in range(1, 3001))


def log_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$|/console"))


def test_staff_publishes_through_review(live_server, browser, demo_app, tmp_path):
    staff = browser.new_context(locale="zh-CN").new_page()
    log_in(staff, live_server, "hhht-env@demo.nmg.example")
    staff.goto(live_server + "/console/")
    staff.get_by_role("link", name="新建目录").click()
    staff.locator("#f-title").fill("呼和浩特市城市书房分布")
    staff.locator("#f-summary").fill("全市城市书房的名称、地址与开放时间。")
    staff.locator("#f-code").fill("15010011602/09001")
    staff.locator("#f-slug").fill("hhht-city-reading-rooms")
    staff.locator("#f-theme").select_option(label="文化休闲")
    staff.locator("#f-tags").fill("书房、阅读")
    staff.get_by_label("信息项名称 1").fill("书房名称")
    staff.get_by_label("信息项名称 2").fill("地址")
    staff.get_by_role("button", name="添加一行").click()
    staff.get_by_label("信息项名称 4").fill("开放时间")
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_url(re.compile(r"/console/datasets/[0-9a-f-]{36}$"))
    dataset_id = staff.url.rsplit("/", 1)[1]

    # upload with the progress bar, on a link slowed to 64 KB/s so the bar has time to move
    path = tmp_path / "城市书房.csv"
    path.write_text(CSV, encoding="utf-8")
    staff.get_by_role("link", name="上传文件").click()
    cdp = staff.context.new_cdp_session(staff)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": 64 * 1024})
    staff.locator("#f-file").set_input_files(str(path))
    staff.get_by_role("button", name="上传", exact=True).click()
    expect(staff.locator("#upload-progress")).to_be_visible()
    seen, deadline = set(), time.monotonic() + 60
    while "uploaded=" not in staff.url:
        assert time.monotonic() < deadline, f"upload did not finish; progress seen: {seen}"
        try:
            seen.add(staff.locator("#progress-text").inner_text(timeout=200))
        except Exception:
            pass  # the page is navigating to the entry
        staff.wait_for_timeout(50)
    assert any(v not in ("0%", "100%") for v in seen), seen  # the bar moved while bytes were sent
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": -1})
    staff.wait_for_load_state()
    assert "3,000 行" in staff.content()
    for check in ("confidentiality", "disclosure"):  # the agency's own reviews come first (OVERSIGHT §5)
        staff.locator(f"#check-note-{check}").fill("已审查，不涉及国家秘密和个人信息。")
        staff.locator(f"#agency-check-{check} button[type=submit]").click()
        staff.wait_for_load_state()
    staff.get_by_role("button", name="提交审核").click()
    assert staff.locator("#review-due").is_visible()

    with demo_app.app_context():
        ds = db.session.get(Dataset, dataset_id)
        due = ds.reviews[0].due_date
        assert due == workdays.add_workdays(ds.reviews[0].submitted_at, 5)

    authority = browser.new_context(locale="zh-CN").new_page()
    log_in(authority, live_server, "authority@demo.nmg.example")
    authority.goto(live_server + "/review/")
    row = authority.locator("#review-queue tr", has_text="呼和浩特市城市书房分布")
    assert due.isoformat() in row.inner_text()
    row.get_by_role("link").click()
    authority.locator("#note-confidentiality").fill("不涉及国家秘密。")
    authority.locator("#check-confidentiality").get_by_role("button", name="记录").click()
    authority.locator("#note-disclosure").fill("不含个人信息，可无条件开放。")
    authority.locator("#check-disclosure").get_by_role("button", name="记录").click()
    authority.locator("#note-level").fill("确认为一般数据。")
    authority.locator("#check-level").get_by_role("button", name="记录").click()
    # the file lists door-level addresses: the privacy scan shows them masked, and approving this entry as
    # unconditionally open data needs the reviewer's reason
    expect(authority.locator("#privacy-findings")).to_be_visible()
    assert "示范路1号" not in authority.locator("#privacy-findings").inner_text()
    authority.locator("#f-privacy_confirmation").fill("书房地址为公共设施的门牌地址，不涉及个人信息。")
    authority.get_by_role("button", name="审核通过并发布").click()
    authority.wait_for_url(re.compile(r"/review/$"))

    visitor = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    visitor.goto(live_server + "/dataset?q=城市书房")
    visitor.get_by_role("link", name=re.compile("城市书房分布")).click()
    with visitor.expect_download() as info:
        visitor.locator("a.button", has_text="下载").first.click()
    saved = tmp_path / "download.csv"
    info.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == hashlib.sha256(CSV.encode()).hexdigest()
    for page in (staff, authority, visitor):
        page.context.close()
