"""The search page over HTTP: Chinese search, facets, sorting, paging, hostile input."""
from __future__ import annotations

import re

import pytest

from portal.catalog.models import OpenType
from tests import factories as f


@pytest.fixture()
def catalog(app):
    env = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    bt = f.agency("包头市生态环境局", slug="bt-sthjj", region="包头市")
    traffic = f.agency("呼和浩特市交通运输局", slug="hhht-jtysj")
    t_env, t_traffic = f.theme("资源环境", slug="environment"), f.theme("道路交通", slug="traffic")
    a = f.dataset("呼和浩特市空气质量实时监测数据", agency_obj=env, theme_obj=t_env, tags=("空气", "PM2.5"),
                  items=("监测站点名称", "AQI"), slug="hhht-air")
    f.csv_resource(a)
    b = f.dataset("包头市空气质量日报", agency_obj=bt, theme_obj=t_env, slug="bt-air", summary="包头市各区县环境空气质量日报。")
    c = f.dataset("呼和浩特市公交线路信息", agency_obj=traffic, theme_obj=t_traffic, slug="hhht-bus",
                  summary="公交线路的起点站、终点站、首末班时间与票价。", items=("线路名称", "首班时间"))
    d = f.dataset("呼和浩特市机动车排放检验数据", agency_obj=env, theme_obj=t_env, open_type=OpenType.CONDITIONAL,
                  slug="hhht-emission", summary="机动车尾气排放检验结果。")
    return {"air": a, "bt_air": b, "bus": c, "emission": d}


def titles(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'class="dataset-title"><a [^>]+>(.*?)</a>', html)]


def test_chinese_search_finds_by_title_and_highlights(catalog, client):
    html = client.get("/dataset?q=空气质量").get_data(as_text=True)
    assert sorted(titles(html)) == ["包头市空气质量日报", "呼和浩特市空气质量实时监测数据"]
    assert "<mark>空气质量</mark>" in html
    assert "2 条" in html or "2 entries" in html


def test_search_over_data_item_names_and_agency(catalog, client):
    assert titles(client.get("/dataset?q=首班时间").get_data(as_text=True)) == ["呼和浩特市公交线路信息"]
    found = titles(client.get("/dataset?q=包头市生态环境局").get_data(as_text=True))
    assert found[0] == "包头市空气质量日报"


def test_one_character_search_finds_the_titles_holding_it(catalog, client):
    html = client.get("/dataset?q=车").get_data(as_text=True)  # inside 机动车, a word jieba keeps whole
    assert titles(html) == ["呼和浩特市机动车排放检验数据"]
    assert "<mark>车</mark>" in html
    assert len(titles(client.get("/dataset?q=气").get_data(as_text=True))) == 2  # 空气 in two titles
    assert titles(client.get("/dataset?q=船").get_data(as_text=True)) == []


def test_facets_have_counts_and_filter(catalog, client):
    html = client.get("/dataset?q=空气质量").get_data(as_text=True)
    assert re.search(r'data-facet="agency" data-value="hhht-sthjj">\s*<span class="facet-label">呼和浩特市生态环境局</span> '
                     r'<span class="facet-count">1</span>', html)
    assert re.search(r'data-facet="format" data-value="CSV">\s*<span class="facet-label">CSV</span> '
                     r'<span class="facet-count">1</span>', html)
    html = client.get("/dataset?q=空气质量&agency=bt-sthjj").get_data(as_text=True)
    assert titles(html) == ["包头市空气质量日报"]
    # theme facet without query: all three environment entries
    assert len(titles(client.get("/dataset?theme=environment").get_data(as_text=True))) == 3
    # two values of one facet are OR-ed; two facets are AND-ed
    assert len(titles(client.get("/dataset?agency=bt-sthjj&agency=hhht-jtysj").get_data(as_text=True))) == 2
    assert titles(client.get("/dataset?agency=hhht-sthjj&open_type=conditional").get_data(as_text=True)) == [
        "呼和浩特市机动车排放检验数据"]


def test_sorting_and_paging(catalog, client, app):
    for i in range(25):
        f.dataset(f"测试数据集{i:02d}", slug=f"t-{i}", download_count=i, summary="用于测试排序。")
    html = client.get("/dataset?sort=downloads").get_data(as_text=True)
    assert titles(html)[0] == "测试数据集24"
    page2 = client.get("/dataset?sort=downloads&page=2").get_data(as_text=True)
    assert titles(page2)[0] == "测试数据集04"
    assert 'aria-current="page" class="page-current">2<' in page2
    by_title = titles(client.get("/dataset?sort=title&q=空气质量").get_data(as_text=True))
    assert by_title == ["包头市空气质量日报", "呼和浩特市空气质量实时监测数据"]  # pinyin: bao < hu


@pytest.mark.parametrize("query", [
    "q=" + "空" * 10000,
    "q=title:(foo OR bar) AND \"x\"~2 OR *:*",
    "q=1' OR '1'='1'; DROP TABLE datasets;--",
    "q=%ff%fe",  # not UTF-8 (a NUL byte is refused with 400 everywhere: tests/ops/test_security.py)
    "q=<script>alert(1)</script>",
    "q=[]{}^~*?\\/",
    "theme=" + "x" * 5000,
    "agency=nope&sort=downloads",
])
def test_hostile_input_gives_a_results_page(catalog, client, query):
    r = client.get("/dataset?" + query)
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=-1", "page=abc", "page=0", "page=99999999999999999999", "sort=evil"])
def test_bad_paging_or_sort_is_a_clear_400(catalog, client, query):
    r = client.get("/dataset?" + query)
    assert r.status_code == 400
    assert 'class="error-code">400<' in r.get_data(as_text=True)


def test_empty_state_helps(catalog, client):
    html = client.get("/dataset?q=不存在的内容xyz&theme=traffic").get_data(as_text=True)
    assert 'class="empty-state"' in html
    assert "/dataset?q=" in html  # a link that removes the filters


def test_state_lives_in_the_url(catalog, client):
    html = client.get("/dataset?q=空气质量&agency=bt-sthjj&sort=title").get_data(as_text=True)
    # removing the filter keeps the query and the sort
    assert re.search(r'href="/dataset\?q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F&amp;sort=title"', html)


def test_non_public_entries_never_show(catalog, client, app):
    f.dataset("呼和浩特市空气质量草稿", state="draft", slug="draft-air")
    assert "呼和浩特市空气质量草稿" not in client.get("/dataset?q=空气质量").get_data(as_text=True)
