"""The accessibility mode (适老化, issue 25): a switch in the header that works without JavaScript (a link
that sets a cookie and returns to the page), says what it did in a status message, and is kept apart in the
page cache (an anonymous page in the accessibility mode is never served to a visitor in the standard mode,
nor the other way round)."""
from __future__ import annotations

import re

import pytest

from tests import factories as f


@pytest.fixture()
def entry(app):
    ds = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-aqi")
    f.csv_resource(ds)
    return ds


def _html_class(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def test_the_switch_sets_a_cookie_returns_to_the_page_and_says_so(client, entry):
    page = client.get("/dataset/hhht-aqi").get_data(as_text=True)
    assert "display-large" not in _html_class(page)
    switch = re.search(r'<a id="display-switch"[^>]*href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert switch == "/display/large?next=/dataset/hhht-aqi"
    r = client.get(switch)
    assert r.status_code == 302 and r.headers["Location"] == "/dataset/hhht-aqi"
    assert "display=large" in r.headers["Set-Cookie"] and "Max-Age=31536000" in r.headers["Set-Cookie"]
    page = client.get("/dataset/hhht-aqi").get_data(as_text=True)
    assert 'class="display-large"' in _html_class(page)
    assert re.search(r'role="status"><p class="flash flash-message">已开启关怀模式：大字号、高对比度。', page)
    assert "退出关怀模式" in page
    # off again, from the link the page now shows
    switch = re.search(r'<a id="display-switch"[^>]*href="([^"]+)"', page).group(1).replace("&amp;", "&")
    client.get(switch)
    page = client.get("/dataset/hhht-aqi").get_data(as_text=True)
    assert "display-large" not in _html_class(page) and "已退出关怀模式" in page


def test_an_unknown_mode_or_a_foreign_next_changes_nothing(client, entry):
    r = client.get("/display/huge?next=https://evil.example/")
    assert r.status_code == 302 and r.headers["Location"] == "/" and "Set-Cookie" not in r.headers


def test_each_display_mode_has_its_own_cached_page(client, entry):
    assert "display-large" not in _html_class(client.get("/").get_data(as_text=True))  # kept for standard
    client.set_cookie("display", "large")
    assert 'class="display-large"' in _html_class(client.get("/").get_data(as_text=True))
    assert 'class="display-large"' in _html_class(client.get("/").get_data(as_text=True))  # kept for large
    client.delete_cookie("display")
    assert "display-large" not in _html_class(client.get("/").get_data(as_text=True))
