"""The public statistics page in a real browser (OVERSIGHT §8(a), O13): the charts are visible SVGs, each with
its table and CSV link. The screenshot in docs/statistics.png comes from this test: it is written there only when
PORTAL_UPDATE_SCREENSHOTS=1, so that a test run leaves the checkout as it was."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_statistics_page_shows_svg_charts_with_their_tables(live_server, page, tmp_path):
    # a few API calls and downloads this month, as visitors make them, so the time series has points
    for _ in range(3):
        assert page.request.get(live_server + "/api/v1/figures").ok
    for _ in range(2):
        assert page.request.get(live_server + "/catalog.ttl").ok

    page.goto(live_server + "/")
    page.locator("#footer-statistics").click()
    expect(page).to_have_url(live_server + "/statistics")
    expect(page.get_by_role("heading", level=1)).to_have_text("统计")
    for chart_id in ("entries-open-type", "entries-agency", "entries-region", "volume-open-type", "on-time",
                     "update-timeliness"):
        svg = page.locator(f"#svg-{chart_id}")
        expect(svg).to_be_visible()
        assert svg.locator("rect").count() > 0
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 10
        table = page.locator(f"#table-{chart_id}")
        expect(table).to_be_visible()
        expect(table.locator("caption")).not_to_be_empty()
        expect(page.locator(f"section#{chart_id} a.csv-link")).to_have_text("下载 CSV")
    series = page.locator("#svg-access-month")
    expect(series).to_be_visible()
    assert series.locator("polyline").count() == 2
    expect(page.locator("#table-access-month tbody tr").last.locator("td").nth(1)).not_to_have_text("0")
    expect(page.locator("#table-entries-open-type")).to_contain_text("无条件开放")
    # the map of the 12 盟市: one labelled tile each, with its table and CSV link, said to be a tile map
    tiles = page.locator("#svg-entries-map g.tile")
    expect(page.locator("#svg-entries-map")).to_be_visible()
    assert tiles.count() == 12
    expect(page.locator('#svg-entries-map g.tile[data-key="呼伦贝尔市"]')).to_contain_text("呼伦贝尔市")
    hohhot = page.locator('#svg-entries-map g.tile[data-key="呼和浩特市"]').bounding_box()
    hulunbuir = page.locator('#svg-entries-map g.tile[data-key="呼伦贝尔市"]').bounding_box()
    alxa = page.locator('#svg-entries-map g.tile[data-key="阿拉善盟"]').bounding_box()
    assert alxa["x"] < hohhot["x"] < hulunbuir["x"] and hulunbuir["y"] < hohhot["y"]  # west→east, north→south
    expect(page.locator("#table-entries-map tbody tr")).to_have_count(12)
    expect(page.locator("#map-note")).to_contain_text("瓦片")
    expect(page.locator("section#entries-map a.csv-link")).to_have_text("下载 CSV")
    # a period chosen in the form: the months of the time series follow it, and so does the CSV link
    page.locator("#period-year").fill("2025")
    page.locator("#period-form button[type=submit]").click()
    expect(page.locator("#period-shown")).to_contain_text("2025-01 – 2025-12")
    expect(page.locator("#table-access-month tbody tr")).to_have_count(12)
    expect(page.locator("#table-access-month tbody tr").first.locator("th")).to_have_text("2025-01")
    expect(page.locator("section#access-month a.csv-link")).to_have_attribute("href", "/statistics/access-month.csv?year=2025")
    page.goto(live_server + "/statistics")
    shot = tmp_path / "statistics.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("PORTAL_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / "statistics.png")
