"""The portal on a phone and on a desktop, with the keyboard, with a screen reader's checker (axe-core), in
the accessibility mode and on paper (issue 25, "A portal that looks after its visitors").

Screenshots of the phone layout go to docs/mobile-*.png only when PORTAL_UPDATE_SCREENSHOTS=1, so that a
test run leaves the checkout as it was. axe-core comes from a locked package (axe-playwright-python ships
axe.min.js), never from a network address."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from portal.catalog.models import Dataset
from portal.extensions import db
from tests.browser.test_publishing import log_in

DOCS = Path(__file__).resolve().parents[2] / "docs"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
NARROW = {"width": 320, "height": 800}  # also what a 1280 px window shows at 400% zoom (WCAG 2.1 reflow)
CONDITIONAL = "hhht-bus-passenger-flow"


@pytest.fixture(scope="module")
def open_entry(demo_app):
    """An unconditionally open entry with files, as its page shows them."""
    with demo_app.app_context():
        for ds in db.session.scalars(db.select(Dataset).order_by(Dataset.id)):
            if ds.open_type == "unconditional" and ds.is_public and len(ds.resources) >= 2:
                return ds.slug
    raise AssertionError("the demo catalog has an open entry with files")


def _page(browser, viewport, **options):
    context = browser.new_context(locale="zh-CN", viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _fits(page) -> None:
    """No horizontal scrolling of the page itself."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(WIDEST) if width[0] > width[1] else []
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window: {wide}"


# the elements that stick out on the right, for the message of a failing check
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _keep(page, name: str, tmp_path) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    if os.environ.get("PORTAL_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_search_entry_apply_statistics_account_fit_the_screen(live_server, browser, open_entry, viewport,
                                                                      tmp_path):
    page = _page(browser, viewport)
    phone = viewport is PHONE
    for name, path in [("home", "/"), ("search", "/dataset?q=%E7%A9%BA%E6%B0%94"), ("entry", f"/dataset/{open_entry}"),
                       ("statistics", "/statistics")]:
        page.goto(live_server + path)
        expect(page.locator("h1").first).to_be_visible()
        _fits(page)
        if phone and name in ("home", "search", "entry"):
            _keep(page, f"mobile-{name}.png", tmp_path)
    log_in(page, live_server, "company@demo.nmg.example")
    for path in (f"/dataset/{CONDITIONAL}/apply", "/account"):
        page.goto(live_server + path)
        expect(page.locator("h1").first).to_be_visible()
        _fits(page)
    # the header's words are whole: every navigation link is one line high
    for link in page.locator(".site-header nav a").all():
        box = link.bounding_box()
        line = float(link.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
        assert box["height"] < 2 * line, link.inner_text()
    page.context.close()


def test_on_a_phone_the_results_come_before_the_filters_behind_a_button(live_server, browser):
    page = _page(browser, PHONE)
    page.goto(live_server + "/dataset")
    results = page.locator("#results-heading")
    expect(results).to_be_visible()
    expect(page.locator("#filters")).to_be_hidden()
    button = page.locator("#filters-button")
    expect(button).to_be_visible()
    expect(button).to_have_text("筛选")
    button.click()
    facets = page.locator("#filters")
    expect(facets).to_be_visible()
    assert facets.bounding_box()["y"] > page.locator(".dataset-card").last.bounding_box()["y"]
    assert results.evaluate("r => r.compareDocumentPosition(document.getElementById('filters'))") & 4  # after
    _fits(page)
    # a filter chosen: the page comes back with the results first and the count of filters on the button
    facets.locator("a[data-facet=theme]").first.click()
    expect(page.locator(".active-filters .chip")).to_have_count(1)
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("#filters-button")).to_have_text("筛选 (1)")
    page.context.close()

    desk = _page(browser, DESKTOP)
    desk.goto(live_server + "/dataset")
    expect(desk.locator("#filters")).to_be_visible()
    expect(desk.locator("#filters-button")).not_to_be_in_viewport()
    assert desk.locator("#filters").bounding_box()["x"] < desk.locator("#results-heading").bounding_box()["x"]
    desk.context.close()


def test_resource_tables_become_cards_on_a_phone(live_server, browser, open_entry):
    page = _page(browser, PHONE)
    page.goto(f"{live_server}/dataset/{open_entry}")
    rows = page.locator("table.resources tbody tr")
    assert rows.count() >= 2
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
    expect(page.locator("table.resources thead")).not_to_be_in_viewport()
    cells = rows.first.locator("th, td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert all(b["y"] > a["y"] for a, b in zip(boxes, boxes[1:]))  # one under the other, not side by side
    expect(rows.first.locator("td").first).to_have_attribute("data-label", "格式")
    page.context.close()

    desk = _page(browser, DESKTOP)
    desk.goto(f"{live_server}/dataset/{open_entry}")
    assert desk.locator("table.resources tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    desk.context.close()


def test_negative_list_and_logs_reflow_at_320_px(live_server, browser):
    page = _page(browser, NARROW)
    page.goto(live_server + "/negative-list")
    expect(page.locator("table.negative-list tbody tr").first).to_be_visible()
    _fits(page)
    assert page.locator("table.negative-list tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "block"
    log_in(page, live_server, "auditor@demo.nmg.example")
    for path, title in (("/console/audit", "审计日志"), ("/console/access", "访问日志")):
        page.goto(live_server + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        _fits(page)
        region = page.get_by_role("region", name=title)
        expect(region).to_be_visible()
        expect(region.locator("#log-table")).to_be_attached()
        # the wide table scrolls inside its own region, which the keyboard can reach
        assert region.evaluate("r => r.scrollWidth > r.clientWidth")
        assert region.get_attribute("tabindex") == "0"
    page.context.close()


PUBLIC_PAGES = ["/", "/dataset", "/dataset?q=%E7%A9%BA%E6%B0%94", "/negative-list", "/agency", "/plans", "/statistics",
                "/developers", "/licence", "/legal", "/decisions", "/calendar", "/audit/checkpoints", "/login", "/register", "/data-requests",
                "/reuses", "/statistics/scorecards", "/help", "/site-map", "/contact", "/privacy", "/terms",
                f"/dataset/{CONDITIONAL}"]


def _serious(page) -> list[str]:
    page.add_script_tag(content=AXE_SCRIPT)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_public_pages_have_no_serious_accessibility_violations(live_server, browser, open_entry, demo_app, mode):
    page = _page(browser, DESKTOP, bypass_csp=True)  # the checker is injected as a script of the test's own
    if mode == "large":
        page.goto(f"{live_server}/display/large?next=/")
    with demo_app.app_context():
        agency = db.session.scalar(db.select(Dataset).where(Dataset.slug == open_entry)).agency.slug
    problems = {}
    for path in [*PUBLIC_PAGES, f"/dataset/{open_entry}", f"/agency/{agency}"]:
        page.goto(live_server + path)
        if found := _serious(page):
            problems[path] = found
    assert problems == {}
    page.context.close()


def test_keyboard_only_search_and_open_an_entry_and_the_accessibility_switch(live_server, browser):
    page = _page(browser, DESKTOP)
    page.goto(live_server + "/")

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reaches {selector}")

    tab_to("#home-q")
    page.keyboard.type("空气")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dataset\?q="))
    expect(page.locator("#results-heading")).to_be_visible()
    tab_to(".dataset-title a")
    title = page.evaluate("document.activeElement.textContent").strip()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dataset/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    # the accessibility switch: from the keyboard, kept in a cookie, said in a status message
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    here = page.url
    tab_to("#display-switch")
    expect(page.locator("#display-switch")).to_contain_text("关怀模式")
    page.keyboard.press("Enter")
    page.wait_for_url(here)
    expect(page.locator("html")).to_have_class(re.compile("display-large"))
    expect(page.get_by_role("status").filter(has_text="大字")).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= size * 1.2
    page.goto(live_server + "/dataset")  # it persists from page to page
    expect(page.locator("html")).to_have_class(re.compile("display-large"))
    _fits(page)
    tab_to("#display-switch")
    expect(page.locator("#display-switch")).to_contain_text("退出")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dataset$"))
    expect(page.locator("html")).not_to_have_class(re.compile("display-large"))
    page.context.close()


def test_entry_page_prints_without_navigation_and_with_link_addresses(live_server, browser, open_entry):
    page = _page(browser, DESKTOP)
    page.goto(f"{live_server}/dataset/{open_entry}")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    link = page.locator("table.resources tbody th a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in after
    assert page.locator("table.resources thead").evaluate("t => getComputedStyle(t).display") == "table-header-group"
    page.context.close()
