"""The search contract every backend must pass: Whoosh, and PostgreSQL in the production-profile run."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine

from portal.config import _fresh_pg_schema, drop_test_schema
from portal.search.base import SearchDoc, SearchQuery
from portal.search.whoosh.backend import WhooshBackend

FACETS = ("theme", "agency", "open_type", "format", "frequency", "region")
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
# postgres: RUM index (the production-profile run installs postgresql-15-rum); postgres-gin: the fallback
BACKENDS = ["whoosh"] + (["postgres", "postgres-gin"] if PG_URL.startswith("postgresql") else [])


@pytest.fixture(params=BACKENDS)
def make_backend(request, tmp_path):
    engines = {}

    def make(subdir: str = "index", filter_fields: tuple[str, ...] = ()):
        if request.param == "whoosh":
            return WhooshBackend(tmp_path / subdir, FACETS, filter_fields)
        from portal.search.postgres.backend import PostgresBackend

        if subdir not in engines:  # one schema per "index"; a second backend on it is another process's view
            schema = _fresh_pg_schema(PG_URL)
            engines[subdir] = (schema, create_engine(PG_URL, connect_args={"options": f"-c search_path={schema},public"}))
        engine = engines[subdir][1]
        backend = PostgresBackend(lambda: engine, FACETS, allow_rum=request.param == "postgres",
                                  filter_fields=filter_fields)
        assert backend.uses_rum() == (request.param == "postgres")
        return backend
    yield make
    for schema, engine in engines.values():
        engine.dispose()
        drop_test_schema({"TEST_SCHEMA": schema, "SQLALCHEMY_DATABASE_URI": PG_URL})


def doc(i: int, title: str, *, summary: str = "", agency: str = "hhht", theme: str = "env", formats=("CSV",),
        downloads: int = 0, days_ago: int = 0, tags=(), items=()) -> SearchDoc:
    return SearchDoc(id=f"id-{i}", title=title, summary=summary, tags=list(tags), agency=f"{agency}部门",
                     items=list(items),
                     facets={"theme": [theme], "agency": [agency], "open_type": ["unconditional"],
                             "format": list(formats), "frequency": ["monthly"], "region": ["呼和浩特市"]},
                     modified=datetime(2026, 11, 1) - timedelta(days=days_ago), downloads=downloads,
                     title_sort=title)


@pytest.fixture()
def backend(make_backend):
    b = make_backend()
    b.index([
        doc(1, "呼和浩特市空气质量实时监测数据", agency="hhht", downloads=50, days_ago=3, tags=["PM2.5"]),
        doc(2, "包头市空气质量日报", agency="bt", downloads=80, days_ago=1, formats=("CSV", "XLSX")),
        doc(3, "呼和浩特市公交线路", agency="hhht", theme="traffic", downloads=10, days_ago=2,
            items=["首班时间", "末班时间"]),
        doc(4, "鄂尔多斯市药店名录", summary="药店名称、地址与联系电话", agency="eeds", theme="health", formats=("JSON",)),
    ])
    return b


def ids(page):
    return [h.id for h in page.hits]


def test_chinese_words_match_across_fields(backend):
    assert sorted(ids(backend.search(SearchQuery(text="空气质量")))) == ["id-1", "id-2"]
    assert ids(backend.search(SearchQuery(text="首班时间"))) == ["id-3"]      # data item names
    assert ids(backend.search(SearchQuery(text="联系电话"))) == ["id-4"]      # summary
    assert ids(backend.search(SearchQuery(text="pm2.5"))) == ["id-1"]         # tags, case-folded
    assert ids(backend.search(SearchQuery(text="eeds部门"))) == ["id-4"]      # agency name
    assert backend.search(SearchQuery(text="空气质量 包头")).total == 1      # words are AND-ed


def test_facet_counts_are_exact_within_results(backend):
    page = backend.search(SearchQuery(text="空气质量"))
    assert page.total == 2
    assert page.facets["agency"] == {"hhht": 1, "bt": 1}
    assert page.facets["format"] == {"CSV": 2, "XLSX": 1}
    assert page.facets["theme"] == {"env": 2}
    everything = backend.search(SearchQuery())
    assert everything.total == 4 and everything.facets["theme"] == {"env": 2, "traffic": 1, "health": 1}


def test_filters_or_within_and_across(backend):
    assert backend.search(SearchQuery(filters={"agency": ["hhht", "bt"]})).total == 3
    assert ids(backend.search(SearchQuery(filters={"agency": ["hhht"], "theme": ["traffic"]}))) == ["id-3"]
    assert backend.search(SearchQuery(filters={"agency": ["unknown"]})).total == 0
    page = backend.search(SearchQuery(text="空气质量", filters={"format": ["XLSX"]}))
    assert ids(page) == ["id-2"] and page.total == 1


def test_sorts_and_paging(backend):
    assert ids(backend.search(SearchQuery(sort="downloads"))) == ["id-2", "id-1", "id-3", "id-4"]
    assert ids(backend.search(SearchQuery(sort="modified")))[:3] == ["id-4", "id-2", "id-3"]
    page = backend.search(SearchQuery(sort="downloads", offset=1, limit=2))
    assert ids(page) == ["id-1", "id-3"] and page.total == 4
    assert backend.search(SearchQuery(sort="downloads", offset=10)).hits == []


def test_relevance_puts_title_matches_first(make_backend):
    b = make_backend()
    b.index([doc(1, "学校名录", summary="含公交站点信息"), doc(2, "公交站点位置")])
    assert ids(b.search(SearchQuery(text="公交站点"))) == ["id-2", "id-1"]


def test_update_replaces_and_remove_deletes(backend):
    backend.index([doc(2, "包头市公交线路")])
    assert backend.search(SearchQuery(text="空气质量")).total == 1
    assert ids(backend.search(SearchQuery(text="包头市公交"))) == ["id-2"]
    backend.remove(["id-1"])
    assert backend.search(SearchQuery(text="空气质量")).total == 0
    assert backend.count() == 3
    assert backend.search(SearchQuery()).facets["agency"] == {"hhht": 2, "eeds": 1}  # id-2 moved to hhht


def test_query_syntax_is_plain_text(backend):
    for text in ["title:空气", "空气 OR 药店", "*", "空气~2", "(空气", "\"空气", "空气 AND NOT 包头", "a" * 10000]:
        backend.search(SearchQuery(text=text))  # never raises
    assert backend.search(SearchQuery(text="!!!")).total == 0


def test_a_second_process_sees_changes(backend, make_backend):
    other = make_backend()  # same directory, as another worker process would open it
    assert other.search(SearchQuery(text="空气质量")).total == 2
    backend.index([doc(5, "赤峰市空气质量月报", agency="cf")])
    assert other.search(SearchQuery(text="空气质量")).total == 3
    assert other.search(SearchQuery(text="空气质量")).facets["agency"]["cf"] == 1


def test_bulk_rebuild(backend):
    n = backend.bulk_index(doc(i, f"数据集{i}", agency=f"a{i % 3}") for i in range(100, 150))
    assert n == 50 and backend.count() == 50
    assert backend.search(SearchQuery(text="空气质量")).total == 0
    assert backend.search(SearchQuery(filters={"agency": ["a1"]})).total == 17


def test_place_names_find_longer_names(make_backend):
    b = make_backend()
    b.index([doc(1, "呼和浩特市公交线路信息"), doc(2, "鄂尔多斯市药店名录"), doc(3, "锡林郭勒盟中小学校名录"),
             doc(4, "内蒙古自治区环境空气质量月报")])
    for query, expected in [("呼和浩特", ["id-1"]), ("鄂尔多斯", ["id-2"]), ("锡林郭勒", ["id-3"]),
                            ("环境空气", ["id-4"]), ("呼和浩特 公交", ["id-1"]), ("公交线路", ["id-1"]),
                            ("学校", ["id-3"]), ("包头", [])]:
        assert ids(b.search(SearchQuery(text=query))) == expected, query


def test_one_character_queries_find_titles_tags_and_agencies_holding_the_character(make_backend):
    b = make_backend()
    b.index([doc(1, "呼和浩特市供水水质监测数据"), doc(2, "包头市污水处理厂名录"),
             doc(3, "鄂尔多斯市电力设施", tags=["用水"]), doc(4, "乌海市停车场", agency="水务局"),
             doc(5, "赤峰市药店名录", summary="药店的用水情况"), doc(6, "通辽市公交线路")])
    # 水 sits inside 供水, 水质, 污水, 用水, 水务局: only words jieba knows, until each character counts too
    assert sorted(ids(b.search(SearchQuery(text="水")))) == ["id-1", "id-2", "id-3", "id-4"]  # not in a summary alone
    assert ids(b.search(SearchQuery(text="电"))) == ["id-3"]
    assert sorted(ids(b.search(SearchQuery(text="车")))) == ["id-4"]
    assert b.search(SearchQuery(text="水 包头")).total == 1                      # still AND-ed with other words
    assert ids(b.search(SearchQuery(text="供水"))) == ["id-1"]                   # words still match as words


def test_parallel_rebuild_gives_the_same_answers(make_backend):
    docs = [doc(i, f"{'呼和浩特市' if i % 2 else '包头市'}空气质量数据{i}", agency=f"a{i % 3}") for i in range(300)]
    single, parallel = make_backend("one"), make_backend("two")
    assert single.bulk_index(docs) == parallel.bulk_index(docs, procs=2) == 300
    for query in (SearchQuery(text="呼和浩特"), SearchQuery(text="空气质量", filters={"agency": ["a1"]}),
                  SearchQuery(sort="title")):
        a, b = single.search(query), parallel.search(query)
        assert a.total == b.total and a.facets == b.facets
        if query.sort == "title":  # relevance ties may come in another order; a sort may not
            assert [h.id for h in a.hits] == [h.id for h in b.hits]
    assert parallel.search(SearchQuery(text="呼和浩特")).total == 150
    parallel.index([doc(1000, "鄂尔多斯市药店名录")])  # an ordinary update after a parallel rebuild
    assert parallel.search(SearchQuery(text="鄂尔多斯")).total == 1

