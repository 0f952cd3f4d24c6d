"""Finding the catalog (issue 25, "Find it") through HTTP: suggestions while typing with pinyin and initials,
"did you mean", popular searches and their threshold, the update-date and administrative-division filters with
their counts. Run in both profiles (Whoosh + SQLite, PostgreSQL search + PostgreSQL)."""
from __future__ import annotations

import re
from datetime import datetime

from portal.extensions import db
from tests import factories as f
from tests.clock import freeze
from tests.test_pagecache import _time_passes


def text(r) -> str:
    return r.get_data(as_text=True)


def _catalog():
    env = f.agency("呼和浩特市生态环境局", slug="hhht-env", region="呼和浩特市", level="city")
    county = f.agency("土默特左旗交通运输局", slug="tzq-traffic", region="呼和浩特市土默特左旗", level="county")
    region = f.agency("内蒙古自治区统计局", slug="nmg-stats", region="内蒙古自治区", level="region")
    baotou = f.agency("包头市交通运输局", slug="bt-traffic", region="包头市", level="city")
    environment = f.theme("资源环境", slug="environment")
    traffic = f.theme("道路交通", slug="traffic")
    air = f.dataset("呼和浩特市空气质量监测数据", agency_obj=env, theme_obj=environment, tags=("空气",),
                    download_count=50, modified_at=datetime(2026, 9, 20))
    f.dataset("土默特左旗公交线路", summary="旗内公交线路与站点。", agency_obj=county, theme_obj=traffic,
              modified_at=datetime(2026, 9, 1))
    f.dataset("全区国民经济统计年鉴", summary="全区主要经济指标。", agency_obj=region,
              theme_obj=f.theme("经济发展", slug="economy"), modified_at=datetime(2026, 2, 1))
    f.dataset("包头市公交线路", summary="市区公交线路与站点。", agency_obj=baotou, theme_obj=traffic,
              modified_at=datetime(2025, 6, 1))
    return air


def _suggest(client, q: str) -> list[dict]:
    r = client.get("/api/v1/suggestions", query_string={"q": q})
    assert r.status_code == 200, text(r)
    return r.get_json()["results"]


def test_suggestions_by_initials_full_pinyin_and_characters(app, client):
    """"kqzl" and "kongqi" suggest 空气质量 entries; characters, agencies and themes are suggested too."""
    _catalog()
    by_initials = _suggest(client, "kqzl")
    assert [s["text"] for s in by_initials] == ["呼和浩特市空气质量监测数据"]
    assert by_initials[0]["kind"] == "entry" and by_initials[0]["url"].startswith("/dataset/ds-")
    assert client.get(by_initials[0]["url"]).status_code == 200
    assert "呼和浩特市空气质量监测数据" in [s["text"] for s in _suggest(client, "kongqi")]
    assert "呼和浩特市空气质量监测数据" in [s["text"] for s in _suggest(client, "kongqzhil")]  # mixed
    texts = {s["text"]: s for s in _suggest(client, "gjxl")}                                # 公交线路
    assert set(texts) == {"土默特左旗公交线路", "包头市公交线路"}
    agencies = {s["text"]: s["url"] for s in _suggest(client, "jtys") if s["kind"] == "agency"}
    assert agencies == {"土默特左旗交通运输局": "/dataset?agency=tzq-traffic", "包头市交通运输局": "/dataset?agency=bt-traffic"}
    themes = [s for s in _suggest(client, "dljt") if s["kind"] == "theme"]
    assert [(s["text"], s["url"]) for s in themes] == [("道路交通", "/dataset?theme=traffic")]
    assert [s["text"] for s in _suggest(client, "空气")] == ["呼和浩特市空气质量监测数据"]
    assert _suggest(client, "xyzxyz") == []


def test_suggestions_leave_out_entries_not_public(app, client):
    """A draft's title is never suggested."""
    f.dataset("空气质量草稿条目", state="draft")
    f.dataset("呼和浩特市空气质量监测数据")
    assert [s["text"] for s in _suggest(client, "kqzl")] == ["呼和浩特市空气质量监测数据"]


def test_suggestions_input_is_checked_and_documented(app, client):
    """No q, or too long: 422 naming the field; the route is in the OpenAPI document with its parameters."""
    r = client.get("/api/v1/suggestions")
    assert r.status_code == 422 and "q" in text(r)
    r = client.get("/api/v1/suggestions", query_string={"q": "k" * 41})
    assert r.status_code == 422 and "q" in text(r)
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/suggestions"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "limit"}


def test_search_box_offers_suggestions_as_a_combobox_and_works_without_script(app, client):
    """The search box names the suggestions API for its script, which implements the combobox pattern; the
    form itself is a plain GET form."""
    _catalog()
    html = text(client.get("/dataset"))
    box = re.search(r'<input id="q"[^>]*>', html).group(0)
    assert 'data-suggest="/api/v1/suggestions"' in box and 'name="q"' in box
    assert 'action="/dataset" method="get"' in html
    script = re.search(r'<script src="([^"]*suggest(?:\.[0-9a-f]+)?\.js)"', html).group(1)
    js = text(client.get(script))
    for needle in ('"combobox"', "aria-expanded", "aria-activedescendant", '"listbox"', '"option"', "ArrowDown",
                   "ArrowUp", "Escape"):
        assert needle in js
    assert 'data-suggest="/api/v1/suggestions"' in text(client.get("/"))


def test_did_you_mean_from_pinyin_homophone_and_typo(app, client):
    """A search finding nothing offers the catalog's word its pinyin spells or that reads the same."""
    _catalog()
    for typed in ("kongqizhiliang", "kqzl", "空汽质量"):
        html = text(client.get("/dataset", query_string={"q": typed}))
        hint = re.search(r'id="did-you-mean">.*?<a href="([^"]+)">([^<]+)</a>', html, re.S)
        assert hint and hint.group(2) == "空气质量", typed
        assert _titles(text(client.get(hint.group(1).replace("&amp;", "&")))) == {"呼和浩特市空气质量监测数据"}
    html = text(client.get("/dataset", query_string={"q": "空气质量"}))
    assert 'id="did-you-mean"' not in html      # it found something
    html = text(client.get("/dataset", query_string={"q": "qqqqqq"}))
    assert 'id="did-you-mean"' not in html      # nothing close


def test_popular_searches_need_several_searchers(app, client, monkeypatch):
    """A query one person runs again and again never shows; once three different searchers ran it, it
    shows on the home page and among suggestions. Nothing about the searchers is stored."""
    _catalog()
    for _ in range(5):
        client.get("/dataset", query_string={"q": "公交线路"})
    client.get("/dataset", query_string={"q": "查无此词"})
    assert "popular-searches" not in text(client.get("/"))
    for n in (2, 3):
        other = app.test_client()
        other.get("/dataset", query_string={"q": "公交线路"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    for n in (2, 3, 4):  # a query that found nothing is not counted
        app.test_client().get("/dataset", query_string={"q": "查无此词"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    _time_passes(app, monkeypatch, app.config["PAGE_CACHE_SECONDS"] + 1)  # the home page kept before is dropped
    html = text(client.get("/"))
    popular = html.split('id="popular-searches-heading"')[1].split("</nav>")[0]
    assert "公交线路" in popular and "/dataset?q=" in popular and "查无此词" not in popular
    assert [s["kind"] for s in _suggest(client, "gjxl")][0] == "search"
    rows = db.session.execute(db.text("SELECT term, mark FROM search_marks")).all()
    assert {r.term for r in rows} == {"公交线路"} and all(len(r.mark) == 3 for r in rows)
    assert not any("10.0.0" in str(v) or "127.0.0.1" in str(v) for r in rows for v in r)


def test_popular_searches_skip_what_looks_like_personal_data(app, client):
    """Numbers that could be a telephone or identity number are never counted."""
    f.dataset("电话号码13800138000登记", summary="13800138000")
    for n in range(4):
        app.test_client().get("/dataset", query_string={"q": "13800138000"}, environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
    assert db.session.execute(db.text("SELECT count(*) FROM search_marks")).scalar() == 0


def _facet(html: str, name: str) -> dict[str, int]:
    section = html.split(f'id="facet-{name}"')[1].split("</section>")[0]
    return {label.strip(): int(count) for label, count in re.findall(
        r'<span class="facet-label">(?:<span aria-hidden="true">✓ </span>)?([^<]+)</span> <span class="facet-count">(\d+)</span>',
        section)}


def _titles(html: str) -> set[str]:
    html = html.replace("<mark>", "").replace("</mark>", "")  # the words found are highlighted
    return set(re.findall(r'<h3 class="dataset-title"><a href="[^"]+">([^<]+)</a>', html))


def test_update_date_filter_with_counts(app, client, monkeypatch):
    """Last 7 days / 30 days / 12 months, and a range of dates; every period shows its count."""
    freeze(monkeypatch, "2026-09-24")
    _catalog()
    html = text(client.get("/dataset"))
    assert _facet(html, "updated") == {"最近 7 天": 1, "最近 30 天": 2, "最近 12 个月": 3} or \
        _facet(html, "updated") == {"Last 7 days": 1, "Last 30 days": 2, "Last 12 months": 3}
    assert _titles(text(client.get("/dataset?updated=week"))) == {"呼和浩特市空气质量监测数据"}
    assert _titles(text(client.get("/dataset?updated=month"))) == {"呼和浩特市空气质量监测数据", "土默特左旗公交线路"}
    html = text(client.get("/dataset?updated_from=2026-01-01&updated_to=2026-08-31"))
    assert _titles(html) == {"全区国民经济统计年鉴"}
    assert 'value="2026-01-01"' in html
    assert _titles(text(client.get("/dataset?updated=year&q=公交线路"))) == {"土默特左旗公交线路"}
    r = client.get("/dataset?updated=decade")
    assert r.status_code == 400
    assert client.get("/dataset?updated_from=yesterday").status_code == 400


def test_division_filter_with_counts_and_region_on_every_entry(app, client):
    """自治区 / 盟市 / 旗县: a 盟市 includes its 旗县区; counts per division; each result shows its region."""
    _catalog()
    html = text(client.get("/dataset"))
    counts = _facet(html, "division")
    assert counts == {"内蒙古自治区": 1, "呼和浩特市": 2, "包头市": 1, "土默特左旗（呼和浩特市）": 1}
    assert html.count('class="dataset-region"') == 4 and "呼和浩特市土默特左旗" in html
    assert _titles(text(client.get("/dataset?division=150100"))) == {"呼和浩特市空气质量监测数据", "土默特左旗公交线路"}
    assert _titles(text(client.get("/dataset?division=150121"))) == {"土默特左旗公交线路"}
    assert _titles(text(client.get("/dataset?division=150000"))) == {"全区国民经济统计年鉴"}
    html = text(client.get("/dataset?division=150100&theme=traffic"))
    assert _titles(html) == {"土默特左旗公交线路"}
    assert _facet(html, "division")["呼和浩特市"] == 1
    # the filter's link takes it off again, keeping the others
    assert 'href="/dataset?theme=traffic"' in html

