"""Sharing between agencies in a real browser (SHARING.md §3.1–3.3, §4): B's share officer (呼和浩特市交通运输局)
finds A's conditionally shared entry through the console, asks for some of its data items for a named user;
A's officer (自治区生态环境厅) agrees to fewer items than asked and delivers; B's named user downloads the file
on the site and receives the agreed columns only, beside the purpose and the ban on passing the data on."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.accounts.services import create_staff_user
from portal.demo.accounts import DEMO_PASSWORD
from portal.sharing.workflow import today
from tests.browser.test_publishing import log_in

ENTRY = "nmg-pollutant-online-monitoring"   # A's entry, 有条件共享
TITLE = "重点排污单位自动监测数据"
B_OFFICER = "hhht-transport@demo.nmg.example"
A_OFFICER = "nmg-env@demo.nmg.example"
NAMED_USER = "hhht-transport-user@demo.nmg.example"
ASKED = ["单位名称", "监测时间", "监测因子", "排放浓度(毫克/立方米)"]
AGREED = ["单位名称", "监测时间"]
ALL_COLUMNS = ["单位名称", "排放口名称", "监测时间", "监测因子", "排放浓度(毫克/立方米)", "排放限值(毫克/立方米)", "是否超标"]
PURPOSE = "重污染天气应急期间柴油货车限行核查"


def _sharing_link(page, base: str, key: str) -> None:
    """From the console home, through the 数据共享 group (no typed address)."""
    page.goto(base + "/console")
    expect(page.locator("#sharing-nav")).to_contain_text("数据共享")
    page.locator(f"#sharing-{key}").click()


def test_officer_requests_items_provider_agrees_to_fewer_named_user_downloads_only_those(
        live_server, browser, demo_app, tmp_path):
    with demo_app.app_context():
        named = create_staff_user(NAMED_USER, "交通运输局执法科用数人员", DEMO_PASSWORD, "agency_staff", "hhht-jtysj")
        named_name = named.name
    start = today()
    end = start + timedelta(days=60)

    # B's officer: console → 数据共享 → sharing catalog → A's entry → 申请共享
    b = browser.new_context(locale="zh-CN").new_page()
    log_in(b, live_server, B_OFFICER)
    _sharing_link(b, live_server, "catalog")
    b.wait_for_url(re.compile(r"/sharing/catalog"))
    b.locator("#f-share-type").select_option("conditional")
    b.locator("#f-agency").select_option("nmg-sthjt")
    b.locator("#sharing-filter button[type=submit]").click()
    b.locator(f'#sharing-catalog tr[data-entry="{ENTRY}"] th a').click()
    b.wait_for_url(re.compile(rf"/dataset/{ENTRY}$"))
    expect(b.locator("#sharing-action-link")).to_have_text("申请共享")
    b.locator("#sharing-action-link").click()
    b.wait_for_url(re.compile(r"/sharing/requests/new\?dataset="))
    expect(b.locator("h1")).to_contain_text(TITLE)
    expect(b.locator("main")).to_contain_text("仅限全区各级政务部门为履行法定职责使用")  # the share conditions
    for item in ASKED:
        b.locator(f'input[name=items][value="{item}"]').check()
    b.locator('input[name=resource_ids]').first.check()
    b.locator("#scenario").fill("重污染天气应急期间核查运输企业所在园区排放，安排柴油货车限行与错峰运输。")
    b.locator("#legal_duty").fill("《中华人民共和国大气污染防治法》第五十三条、第九十六条。")
    b.locator("#purpose").fill(PURPOSE)
    b.locator("#records").fill("呼和浩特市重点排污单位，应急期间小时数据")
    b.locator('input[name=modes][value="download"]').check()
    b.locator("#start").fill(start.isoformat())
    b.locator("#end").fill(end.isoformat())
    users = b.locator("input[name=user_ids]")
    for i in range(users.count()):  # the named user only, not the officer
        box = users.nth(i)
        label = b.locator(f'label[for="{box.get_attribute("id")}"]').inner_text()
        box.set_checked(NAMED_USER in label)
    b.locator("#security_measures").fill("专网存储，专人访问，访问留痕，用后删除。")
    b.locator("#commitment").check()
    b.locator("button[name=action][value=submit]").click()
    b.wait_for_url(re.compile(r"/sharing/requests/\d+$"))
    req_id = int(b.url.rsplit("/", 1)[1])
    expect(b.locator("#asked")).to_contain_text(PURPOSE)
    expect(b.locator("#asked")).to_contain_text("、".join(ASKED))
    expect(b.locator("#asked")).to_contain_text(named_name)
    expect(b.locator("#answer-due")).to_be_visible()

    # A's officer: console → 数据共享 → the requests to A; agrees to two of the four items (the file is on the
    # portal, so agreeing delivers it at once)
    a = browser.new_context(locale="zh-CN").new_page()
    log_in(a, live_server, A_OFFICER)
    _sharing_link(a, live_server, "requests")
    row = a.locator(f'#received tr[data-request="{req_id}"]')
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("呼和浩特市交通运输局")
    row.locator("th a").click()
    a.wait_for_url(re.compile(rf"/sharing/requests/{req_id}$"))
    agree = a.locator('section[data-action="agree"]')
    for item in ASKED:
        agree.locator(f'input[name=items][value="{item}"]').set_checked(item in AGREED)
    agree.locator("#agree-terms_note").fill("仅限应急期间限行核查使用。")
    agree.locator("button[type=submit]").click()
    a.wait_for_url(re.compile(rf"/sharing/requests/{req_id}$"))
    expect(a.locator("#agreed")).to_contain_text("、".join(AGREED))
    expect(a.locator("#case-status")).to_have_attribute("data-state", "delivered")
    expect(a.locator("#grant")).to_be_visible()
    expect(a.locator("#share-notice")).to_contain_text(PURPOSE)

    # B's named user: console → 数据共享 → B's requests → the delivery page → the file
    u = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    log_in(u, live_server, NAMED_USER)
    _sharing_link(u, live_server, "requests")
    u.locator(f'#requested tr[data-request="{req_id}"] a[data-grant]').click()
    u.wait_for_url(re.compile(r"/sharing/grants/\d+$"))
    notice = u.locator("#share-notice")
    expect(notice).to_contain_text(PURPOSE)
    expect(notice).to_contain_text("不得以任何形式提供给第三方")  # the ban on onward transfer
    expect(u.locator("main")).to_contain_text("、".join(AGREED))
    expect(u.locator("#files")).to_contain_text("仅含约定的信息项")
    with u.expect_download() as info:
        u.locator("#files a").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"))))
    assert rows[0] == AGREED  # only the agreed data items, in the file's order
    assert len(rows) > 1 and all(len(r) == len(AGREED) for r in rows)
    refused = set(ALL_COLUMNS) - set(AGREED)
    assert not refused & set(rows[0]) and not any(cell in refused for r in rows for cell in r)

    # the provider sees who took the file under the grant
    a.locator(f'a[href$="{u.url.split(live_server)[1]}"]').click()
    a.wait_for_url(u.url)
    expect(a.locator("#uses")).to_contain_text("交通运输局执法科用数人员")
    for p in (a, b, u):
        p.context.close()
