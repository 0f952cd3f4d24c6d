"""Annual open plan in a real browser: staff drafts next year's plan, adds an entry, publishes; the public page shows progress."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.test_publishing import log_in


def test_plan_created_published_progress_shown(live_server, browser):
    year = date.today().year + 1  # a target date in the future keeps the item "pending" whenever this runs
    staff = browser.new_context(locale="zh-CN").new_page()
    log_in(staff, live_server, "hhht-env@demo.nmg.example")
    staff.goto(live_server + "/console/plans")
    staff.locator("#year").fill(str(year))
    staff.get_by_role("button", name="创建计划草稿").click()
    staff.wait_for_url(re.compile(r"/console/plans/\d+$"))
    staff.locator("#priorities").fill("优先开放噪声、扬尘等与群众生活密切相关的环境数据。")
    staff.get_by_role("button", name="保存工作重点").click()
    staff.locator("#new_title").fill("呼和浩特市环境噪声监测数据")
    staff.locator("#target_date").fill(f"{year}-06-30")
    staff.locator("#livelihood").check()
    staff.get_by_role("button", name="加入计划").click()
    expect(staff.locator("#items")).to_contain_text("呼和浩特市环境噪声监测数据")
    staff.get_by_role("button", name="发布计划").click()
    expect(staff.locator("#item-form")).to_have_count(0)  # a published plan is no longer edited

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{live_server}/plans/{year}")
    plan = visitor.locator("section[data-agency=hhht-sthjj]")
    expect(plan).to_contain_text("呼和浩特市环境噪声监测数据")
    expect(plan).to_contain_text("优先开放噪声")
    expect(plan.locator("[data-progress]").first).to_have_attribute("data-progress", "pending")
    expect(plan.locator("[data-completion]").first).to_have_attribute("data-completion", "0")
    staff.context.close()
    visitor.context.close()
