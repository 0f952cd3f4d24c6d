"""PostgreSQL search backend specifics (the contract itself is tests/search/test_contract.py)."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine

from portal.search.base import SearchQuery

FACETS = ("theme", "agency", "open_type", "format", "frequency", "region")
PG_URL = os.environ["PORTAL_TEST_DATABASE_URL"]


def test_postgres_backend_refuses_a_database_without_utf8_ctype():
    import psycopg
    from sqlalchemy.engine import make_url

    from portal.search.base import SearchUnavailable
    from portal.search.postgres.backend import PostgresBackend

    u = make_url(PG_URL)
    name = f"ctype_c_{os.getpid()}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' LC_CTYPE \'C\' LC_COLLATE \'C\' TEMPLATE template0')
    engine = create_engine(u.set(database=name))
    try:
        with pytest.raises(SearchUnavailable, match="UTF-8 ctype.*ctype 'C'"):
            PostgresBackend(lambda: engine, FACETS).search(SearchQuery(text="空气质量"))
    finally:
        engine.dispose()
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_counts_from_postings_and_facet_arrays_stay_exact_through_writes():
    """Totals and facet counts of words with a postings row (here every word: postings_min_df=1) come
    from the postings and the per-process facet arrays; they must equal brute force after a rebuild and
    after every kind of write, in the writing process and in a fresh one."""
    import random
    from datetime import datetime, timedelta

    from portal.config import _fresh_pg_schema, drop_test_schema
    from portal.search.base import SearchDoc
    from portal.search.postgres.backend import PostgresBackend
    from portal.search.text import part_words, query_terms

    words = ["空气质量", "公交线路", "药店", "统计", "年度", "监测", "日报", "地址"]
    rnd = random.Random(5)

    def make(i: int) -> SearchDoc:
        title = " ".join(rnd.sample(words, rnd.randint(1, 3)))
        return SearchDoc(id=f"id-{i}", title=title, summary=rnd.choice(words), tags=[], agency="部门", items=[],
                         facets={"theme": [rnd.choice(["env", "traffic", "health"])], "agency": [rnd.choice("abc")],
                                 "open_type": ["unconditional"], "format": rnd.sample(["CSV", "XLSX", "JSON"], 2),
                                 "frequency": ["monthly"], "region": ["r"]},
                         modified=datetime(2026, 11, 1) - timedelta(days=i), downloads=i, title_sort=title)

    def brute(docs: dict, q: SearchQuery):
        terms = set(query_terms(q.text))
        hits = [d for d in docs.values()
                if terms <= {w for name, part in d.parts().items() for w in part_words(name, part)}
                and all(set(d.facets[f]) & set(v) for f, v in q.filters.items())]
        facets = {f: {} for f in FACETS}
        for d in hits:
            for f in FACETS:
                for v in d.facets[f]:
                    facets[f][v] = facets[f].get(v, 0) + 1
        return len(hits), facets

    queries = [SearchQuery(text=w) for w in words] + [
        SearchQuery(text="空气质量 统计"), SearchQuery(text="年度 监测 日报"),
        SearchQuery(text="药店 没有的词"), SearchQuery(text="统计", filters={"agency": ["a", "b"]}),
        SearchQuery(text="地址", filters={"format": ["JSON"]}),
        SearchQuery(text="年度 地址", filters={"agency": ["c"], "theme": ["env", "health"]})]

    schema = _fresh_pg_schema(PG_URL)
    engine = create_engine(PG_URL, connect_args={"options": f"-c search_path={schema},public"})
    try:
        backend = PostgresBackend(lambda: engine, FACETS, postings_min_df=1)
        used = []
        postings = backend._postings
        backend._postings = lambda *a: used.append(postings(*a)) or used[-1]
        docs = {d.id: d for d in (make(i) for i in range(60))}
        backend.bulk_index(list(docs.values()))

        def check():
            for b in (backend, PostgresBackend(lambda: engine, FACETS, postings_min_df=1)):
                for q in queries:
                    page = b.search(q)
                    assert (page.total, page.facets) == brute(docs, q), q
                    assert b.search(SearchQuery(text=q.text, filters=q.filters, with_facets=False)).total == page.total

        check()
        assert sum(u is not None for u in used) >= len(queries) - 1  # all but the unknown word
        changed = [make(i) for i in (3, 4, 61, 62)]
        backend.index(changed)
        docs.update((d.id, d) for d in changed)
        check()
        backend.remove(["id-5", "id-61", "id-40"])
        for gone in ("id-5", "id-61", "id-40"):
            del docs[gone]
        check()
        added = [make(i) for i in range(63, 70)]
        backend.bulk_index(added, clear=False)
        docs.update((d.id, d) for d in added)
        check()
    finally:
        engine.dispose()
        drop_test_schema({"TEST_SCHEMA": schema, "SQLALCHEMY_DATABASE_URI": PG_URL})


def test_a_table_of_older_words_is_refused_until_rebuilt():
    """A search table built by a version whose words differ answers as a missing Whoosh index of another
    version does: search unavailable (503 on the site) until `flask portal reindex` rebuilds it."""
    from datetime import datetime

    from sqlalchemy import text

    from portal.config import _fresh_pg_schema, drop_test_schema
    from portal.search.base import SearchDoc, SearchUnavailable
    from portal.search.postgres.backend import PostgresBackend

    schema = _fresh_pg_schema(PG_URL)
    engine = create_engine(PG_URL, connect_args={"options": f"-c search_path={schema},public"})
    doc = SearchDoc(id="id-1", title="呼和浩特市供水水质监测数据", summary="", tags=[], agency="水务局", items=[],
                    facets={f: ["x"] for f in FACETS}, modified=datetime(2026, 11, 1), downloads=0, title_sort="h")
    try:
        PostgresBackend(lambda: engine, FACETS).bulk_index([doc])
        with engine.begin() as conn:
            conn.execute(text("COMMENT ON TABLE search_documents IS NULL"))  # as before the layout was kept
        fresh = PostgresBackend(lambda: engine, FACETS)  # another process, or this one after an upgrade
        assert fresh.needs_rebuild()
        with pytest.raises(SearchUnavailable, match="another version.*flask portal reindex"):
            fresh.search(SearchQuery(text="水"))
        fresh.bulk_index([doc])
        assert not fresh.needs_rebuild()
        assert [h.id for h in PostgresBackend(lambda: engine, FACETS).search(SearchQuery(text="水")).hits] == ["id-1"]
        with engine.begin() as conn:  # empty and unmarked, as the migrations make it: it holds no older words
            conn.execute(text("TRUNCATE search_documents"))
            conn.execute(text("COMMENT ON TABLE search_documents IS NULL"))
        made = PostgresBackend(lambda: engine, FACETS)
        assert made.search(SearchQuery(text="水")).total == 0 and not made.needs_rebuild()
        made.index([doc])
        assert not PostgresBackend(lambda: engine, FACETS).needs_rebuild()
    finally:
        engine.dispose()
        drop_test_schema({"TEST_SCHEMA": schema, "SQLALCHEMY_DATABASE_URI": PG_URL})
