"""Issue 25, government-site furniture: help / FAQ, site map, contact, privacy policy (versioned) and terms of
use, reachable from every page's footer; the 网站标识码 / ICP备案 / 公安备案 lines from the settings, shown
only when set; the home page links the published decisions."""
from __future__ import annotations

import re

from portal.extensions import db
from tests.conftest import build_app

FOOTER_PAGES = {"footer-help": "/help", "footer-site-map": "/site-map", "footer-contact": "/contact",
                "footer-privacy": "/privacy", "footer-terms": "/terms"}


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">')[1]


def test_every_furniture_page_is_reachable_from_the_footer_in_chinese(client):
    home = footer(client.get("/").get_data(as_text=True))
    for anchor, path in FOOTER_PAGES.items():
        assert f'href="{path}" id="{anchor}"' in home, anchor
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith("text/html")
    assert "帮助与常见问题" in client.get("/help").get_data(as_text=True)
    assert "使用条款" in client.get("/terms").get_data(as_text=True)
    # the same pages in English
    client.get("/lang/en")
    assert "Help and frequently asked questions" in client.get("/help").get_data(as_text=True)


def test_the_site_map_lists_the_public_sections_as_links_that_answer(client):
    html = client.get("/site-map").get_data(as_text=True)
    assert "网站地图" in html
    links = re.findall(r'<ul class="site-map">(.*?)</ul>', html, re.S)
    paths = [p for block in links for p in re.findall(r'href="([^"]+)"', block)]
    for expected in ("/", "/dataset", "/agency", "/negative-list", "/decisions", "/statistics", "/licence", "/privacy",
                     "/terms", "/contact", "/help"):
        assert expected in paths, expected
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_the_privacy_policy_shows_its_version_and_cites_the_retention_through_the_registry(app, client):
    html = client.get("/privacy").get_data(as_text=True)
    assert f'版本 {app.config["PRIVACY_POLICY_VERSION"]}' in html
    assert "至少保存 730 天" in html and 'href="/legal#' in html  # cited through the legal registry
    assert "§" not in html


def test_footer_record_lines_are_not_shown_while_their_settings_are_empty(client):
    html = footer(client.get("/").get_data(as_text=True))
    assert "footer-records" not in html and "网站标识码" not in html and "beian" not in html


def test_footer_record_lines_come_from_the_settings(tmp_path):
    app = build_app(tmp_path, SITE_IDENTIFIER="1500000001", ICP_RECORD="蒙ICP备12345678号",
                    PSB_RECORD="蒙公网安备15010202000123号", CONTACT_EMAIL="open@data.nmg.example",
                    CONTACT_PHONE="0471-1234567")
    with app.app_context():
        client = app.test_client()
        html = footer(client.get("/help").get_data(as_text=True))
        assert '<span id="footer-site-identifier">网站标识码：1500000001</span>' in html
        assert '<a id="footer-icp" href="https://beian.miit.gov.cn/" rel="noopener">蒙ICP备12345678号</a>' in html
        assert ('<a id="footer-psb" href="https://beian.mps.gov.cn/#/query/webSearch?code=15010202000123" '
                'rel="noopener">蒙公网安备15010202000123号</a>') in html
        contact = client.get("/contact").get_data(as_text=True)
        assert "mailto:open@data.nmg.example" in contact and "0471-1234567" in contact
        db.session.remove()


def test_only_the_set_lines_are_shown(tmp_path):
    app = build_app(tmp_path, ICP_RECORD="蒙ICP备12345678号")
    with app.app_context():
        html = footer(app.test_client().get("/").get_data(as_text=True))
        assert "蒙ICP备12345678号" in html and "footer-psb" not in html and "footer-site-identifier" not in html
        db.session.remove()


def test_the_home_page_links_the_published_decisions(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/decisions" id="home-decisions">' in html
    assert client.get("/decisions").status_code == 200
