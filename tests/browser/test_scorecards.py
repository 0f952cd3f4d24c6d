"""The agency scorecards in a real browser (OVERSIGHT §8(b)): reached from the statistics page, the scores as a
visible SVG chart, each agency's figures in a table, the method beside them and each agency's to-dos with links.
The screenshot in docs/scorecards.png comes from this test: it is written there only when
PORTAL_UPDATE_SCREENSHOTS=1, so that a test run leaves the checkout as it was."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

from portal.evaluation.indicators import INDICATORS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_scorecards_page_shows_scores_method_and_actions(live_server, page, tmp_path):
    page.goto(live_server + "/statistics")
    page.locator("#scorecards-link").click()
    expect(page).to_have_url(live_server + "/statistics/scorecards")
    expect(page.get_by_role("heading", level=1)).to_have_text("机构评估看板")
    svg = page.locator("#svg-scorecard-scores")
    expect(svg).to_be_visible()
    assert svg.locator("rect").count() >= 3
    box = svg.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 30
    table = page.locator("#scorecards-table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 3
    expect(table.locator("thead")).to_contain_text("更新及时率")
    method = page.locator("#method")
    expect(method).to_be_visible()
    assert method.locator("tbody tr").count() == len(INDICATORS)  # one row per indicator of the table
    expect(method).to_contain_text("权重")
    expect(method).to_contain_text("元数据质量")
    todo = page.locator("ul.todo").first
    expect(todo).to_be_visible()
    link = todo.locator("a").first
    href = link.get_attribute("href")
    assert href and href.startswith("/")
    shot = tmp_path / "scorecards.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("PORTAL_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / "scorecards.png")
    link.click()
    expect(page.locator("h1")).to_be_visible()
