"""A visitor's journey in a real browser: home → search 空气质量 → facet by agency → dataset → preview → download."""
from __future__ import annotations

import hashlib
import re

from portal.catalog.models import Resource
from portal.extensions import db


def test_search_facet_preview_download(live_server, page, demo_app, tmp_path):
    page.goto(live_server + "/")
    assert "公共数据开放" in page.title() or "公共数据开放" in page.content()
    page.get_by_label("检索数据目录").fill("空气质量")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/dataset\?q="))
    heading = page.locator("#results-heading").inner_text()
    total = int(re.search(r"\d+", heading).group())
    assert total >= 2
    assert page.locator("mark").first.inner_text() in ("空气质量", "空气", "质量")

    # facet by agency: pick the first agency value and check the results narrow to it
    agency_link = page.locator('a[data-facet="agency"]').first
    agency_name = agency_link.locator(".facet-label").inner_text().strip()
    agency_count = int(agency_link.locator(".facet-count").inner_text())
    agency_link.click()
    page.wait_for_url(re.compile(r"agency="))
    assert int(re.search(r"\d+", page.locator("#results-heading").inner_text()).group()) == agency_count
    cards = page.locator(".dataset-card")
    assert cards.count() == min(agency_count, 20)
    for i in range(cards.count()):
        assert agency_name in cards.nth(i).inner_text()
    assert page.locator('a[aria-pressed="true"][data-facet="agency"]').count() == 1

    # open an unconditional entry with a previewable file
    links = page.locator(".dataset-title a")
    for i in range(links.count()):
        links.nth(i).click()
        if page.locator("a.button", has_text="预览").count():
            break
        page.go_back()
    assert page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="信息项").is_visible()
    assert "引用方式" in page.content()
    page.locator("a.button", has_text="预览").first.click()
    rows = page.locator(".preview-table tbody tr")
    previewed = re.search(r"/resource/([0-9a-f-]{36})", page.url).group(1)
    with demo_app.app_context():
        assert rows.count() == min(50, db.session.get(Resource, previewed).row_count)  # the first 50 rows
    assert page.locator(".preview-table thead th").count() >= 2

    # download: the bytes are exactly the stored file
    with page.expect_download() as info:
        page.locator("a.button", has_text="下载").first.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    resource_id = re.search(r"/resource/([0-9a-f-]{36})", page.url).group(1)
    with demo_app.app_context():
        res = db.session.get(Resource, resource_id)
        assert digest == res.sha256
        assert download.suggested_filename == res.filename  # the Chinese file name survives


def test_keyboard_and_language(live_server, page):
    page.goto(live_server + "/dataset")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Data catalog", level=1).is_visible()
    page.get_by_role("link", name="中文").click()
    assert page.get_by_role("heading", name="数据目录", level=1).is_visible()


def test_small_screen_layout(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/dataset?q=公交")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no horizontal scrolling on a phone
    context.close()
