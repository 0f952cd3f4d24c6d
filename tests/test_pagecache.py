"""The anonymous page cache: pages are reused, and any change is on the very next request."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from portal import pagecache
from portal.accounts.tokens import create_token
from portal.audit.models import AccessEvent
from portal.catalog.indexing import index_datasets
from portal.catalog.models import Dataset
from portal.extensions import db
from portal.models_base import utcnow
from tests import factories as f
from tests.conftest import login


def _retitle_behind_the_orm(ds: Dataset, title: str) -> None:
    """Change a row the way only counters are changed (Core UPDATE, no flush): the cache cannot know."""
    db.session.execute(update(Dataset).where(Dataset.id == ds.id).values(title=title))
    db.session.commit()


@pytest.fixture()
def entry(app):
    ds = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-aqi")
    f.csv_resource(ds)
    return ds


def test_anonymous_pages_are_reused_until_a_change_is_committed(client, entry):
    assert "呼和浩特市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")
    assert "呼和浩特市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)  # reused

    f.agency("包头市生态环境局", slug="bt", region="包头市")  # any change through the ORM
    db.session.commit()
    page = client.get("/dataset/hhht-aqi").get_data(as_text=True)
    assert "包头市空气质量监测数据" in page and "呼和浩特市空气质量监测数据" not in page


def test_a_suspension_shows_on_the_next_request_of_every_cached_page(client, entry):
    for url in ("/", "/dataset?q=空气质量", "/dataset/hhht-aqi", "/api/v1/datasets?q=空气质量",
                "/api/3/action/package_search?q=空气质量"):
        assert client.get(url).status_code == 200
    before = client.get("/api/3/action/package_search?q=空气质量").get_json()["result"]["count"]
    assert before == 1

    ds = db.session.get(Dataset, entry.id)
    ds.suspended_at = utcnow()
    db.session.commit()
    index_datasets([ds])  # what a complaint does to visibility: the flag, committed, and the index

    assert client.get("/api/3/action/package_search?q=空气质量").get_json()["result"]["count"] == 0
    assert client.get("/api/v1/datasets?q=空气质量").get_json()["total"] == 0
    assert "hhht-aqi" not in client.get("/dataset?q=空气质量").get_data(as_text=True)
    assert "暂停开放，待核实" in client.get("/dataset/hhht-aqi").get_data(as_text=True)


def test_logged_in_users_and_api_tokens_always_get_a_fresh_answer(client, users, entry):
    token = create_token(users["data_user"], "程序", "read", 30)[1]  # before the pages are kept
    client.get("/dataset/hhht-aqi")
    client.get("/api/3/action/package_show?id=hhht-aqi")
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")

    other = client.application.test_client()
    assert "呼和浩特市空气质量监测数据" in other.get("/dataset/hhht-aqi").get_data(as_text=True)  # kept
    assert "呼和浩特市空气质量监测数据" in other.get("/api/3/action/package_show?id=hhht-aqi").get_data(as_text=True)
    # a remember-me cookie logs in without a session cookie: no kept page either
    from flask_login.utils import encode_cookie

    remembered = client.application.test_client()
    with client.application.test_request_context():
        remembered.set_cookie("remember_token", encode_cookie(users["data_user"].get_session_token()))
    assert "包头市空气质量监测数据" in remembered.get("/dataset/hhht-aqi").get_data(as_text=True)
    login(client, "user@example.cn")
    assert "包头市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)
    fresh = other.get("/api/3/action/package_show?id=hhht-aqi", headers={"Authorization": f"Bearer {token}"})
    assert fresh.get_json()["result"]["title"] == "包头市空气质量监测数据"


def test_each_language_has_its_own_page(client, entry):
    assert "下载" in client.get("/dataset/hhht-aqi").get_data(as_text=True)
    client.set_cookie("lang", "en")
    page = client.get("/dataset/hhht-aqi").get_data(as_text=True)
    assert "Download" in page and 'lang="en"' in page


def test_every_search_is_logged_even_when_its_page_is_reused(client, entry):
    def searches() -> int:
        return db.session.scalar(select(func.count()).select_from(AccessEvent).where(AccessEvent.kind == "search"))

    first = client.get("/dataset?q=空气质量").get_data(as_text=True)
    second = client.get("/dataset?q=空气质量").get_data(as_text=True)
    assert first == second
    assert searches() == 2


def test_counters_changed_without_a_decision_lag_at_most_the_cache_time(client, entry, monkeypatch):
    client.get("/dataset/hhht-aqi/resource/" + entry.resources[0].id + "/download")
    assert client.get("/dataset/hhht-aqi").status_code == 200
    client.get("/dataset/hhht-aqi/resource/" + entry.resources[0].id + "/download")
    assert ">1</td>" in client.get("/dataset/hhht-aqi").get_data(as_text=True)  # the count may lag…

    _time_passes(client.application, monkeypatch, client.application.config["PAGE_CACHE_SECONDS"] + 1)
    assert ">2</td>" in client.get("/dataset/hhht-aqi").get_data(as_text=True)  # …for PAGE_CACHE_SECONDS


def _time_passes(app, monkeypatch, seconds: float) -> None:
    """Move this process's clocks on; Redis keeps its own, so there the kept pages must carry that expiry
    and are then dropped as Redis would drop them."""
    monotonic, wall = pagecache.time.monotonic(), pagecache.time.time()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: monotonic + seconds)
    monkeypatch.setattr(pagecache.time, "time", lambda: wall + seconds)
    shared = app.extensions["page_store"]
    if isinstance(shared, pagecache.RedisStore):
        keys = list(shared.redis.scan_iter(match=shared.prefix + "*"))
        assert keys and all(0 < shared.redis.ttl(k) <= app.config["PAGE_CACHE_SECONDS"] for k in keys)
        if seconds > app.config["PAGE_CACHE_SECONDS"]:
            shared.clear()


def _second_worker(app):
    """Another worker process of the same installation: its own app, memory cache and connections."""
    from tests.conftest import build_app

    return build_app(app.config["DATA_DIR"], TEST_SCHEMA=app.config.get("TEST_SCHEMA"))


def test_a_page_one_worker_rendered_is_served_by_the_others(app, client, entry):
    other = _second_worker(app)
    assert "呼和浩特市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")
    assert "呼和浩特市空气质量监测数据" in other.test_client().get("/dataset/hhht-aqi").get_data(as_text=True)

    f.agency("包头市生态环境局", slug="bt", region="包头市")  # a change through the ORM, in the first worker
    db.session.commit()
    page = other.test_client().get("/dataset/hhht-aqi").get_data(as_text=True)
    assert "包头市空气质量监测数据" in page and "呼和浩特市空气质量监测数据" not in page
    with other.app_context():
        db.engine.dispose()


def test_pages_kept_for_all_workers_expire(app, client, entry, monkeypatch):
    other = _second_worker(app)
    client.get("/dataset/hhht-aqi")
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")
    _time_passes(app, monkeypatch, app.config["PAGE_CACHE_SECONDS"] - 5)
    assert "呼和浩特市空气质量监测数据" in other.test_client().get("/dataset/hhht-aqi").get_data(as_text=True)
    _time_passes(app, monkeypatch, app.config["PAGE_CACHE_SECONDS"] + 1)
    assert "包头市空气质量监测数据" in other.test_client().get("/dataset/hhht-aqi").get_data(as_text=True)
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("uri", ["redis://127.0.0.1:9/0", "file"])
def test_a_failing_shared_store_only_costs_a_render(tmp_path, uri):
    """Redis down, or the cache directory impossible to create (a file stands in its way)."""
    from tests.conftest import build_app

    (tmp_path / "cache").write_text("not a directory")
    broken = build_app(tmp_path, PAGE_CACHE_URI=uri)
    with broken.app_context():
        f.dataset("呼和浩特市空气质量监测数据", slug="hhht-aqi")
        for _ in range(2):
            resp = broken.test_client().get("/dataset/hhht-aqi")
            assert resp.status_code == 200 and "呼和浩特市空气质量监测数据" in resp.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_no_cache_when_turned_off(app, client, entry):
    app.config["PAGE_CACHE_SECONDS"] = 0
    client.get("/dataset/hhht-aqi")
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")
    assert "包头市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)


def test_errors_are_not_kept(client, entry):
    assert client.get("/dataset/no-such-entry").status_code == 404
    f.dataset("另一个条目", slug="no-such-entry", index=False)
    # the 404 was not kept, and the new entry bumped the generation anyway; check the first part alone
    db.session.execute(update(Dataset).where(Dataset.slug == "no-such-entry").values(title="改过的标题"))
    db.session.commit()
    assert "改过的标题" in client.get("/dataset/no-such-entry").get_data(as_text=True)


def test_the_cache_is_bounded(app):
    store = pagecache._LRU(max_bytes=1000)
    for n in range(50):
        store.put(("k", n), 10.0, b"x" * 100, "text/html")
    assert store.size <= 1000 and len(store.items) == 10
    assert store.get(("k", 49), 0.0) == (b"x" * 100, "text/html")
    assert store.get(("k", 0), 0.0) is None
    assert store.get(("k", 49), 11.0) is None  # expired


def test_a_worker_still_in_an_older_generation_leaves_the_newer_pages(tmp_path):
    store = pagecache.FileStore(tmp_path / "pages", seconds=60)
    behind = pagecache.FileStore(tmp_path / "pages", seconds=60)  # another worker
    store.put(6, "a", b"<p>six</p>", "text/html")
    behind.put(5, "b", b"<p>five</p>", "text/html")  # rendered from a request that began before the write
    assert store.get(6, "a") == (b"<p>six</p>", "text/html")
    store.put(7, "c", b"<p>seven</p>", "text/html")  # the next generation clears the older ones
    assert store.get(6, "a") is None and behind.get(5, "b") is None
    store.clear()
    store.put(7, "c", b"<p>seven</p>", "text/html")  # and makes its directory again after a clear
    assert store.get(7, "c") == (b"<p>seven</p>", "text/html")


def test_an_inbox_notice_leaves_the_cached_pages(client, users, entry):
    """A notice to one user changes nothing an anonymous visitor sees: the cached pages stay (the inbox's
    table is among the quiet ones)."""
    from portal.inbox.services import notify

    assert "呼和浩特市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)
    _retitle_behind_the_orm(entry, "包头市空气质量监测数据")
    notify(users["data_user"], "您的申请已受理")
    db.session.commit()
    assert "呼和浩特市空气质量监测数据" in client.get("/dataset/hhht-aqi").get_data(as_text=True)  # still reused
