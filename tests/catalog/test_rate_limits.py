"""Search and download are rate-limited per client; the 429 page says when to come back."""
from __future__ import annotations

from tests import factories as f
from tests.conftest import build_app


def test_search_limit_gives_429_page_with_retry_after(tmp_path):
    app = build_app(tmp_path, RATELIMIT_SEARCH="3/minute")
    client = app.test_client()
    codes = [client.get("/dataset?q=空气").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/dataset")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert r.headers["X-RateLimit-Limit"] == "3"
    assert "请求过于频繁" in r.get_data(as_text=True)
    # another client address has its own budget; other pages are not limited
    assert client.get("/dataset", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    assert client.get("/").status_code == 200


def test_download_limit(tmp_path):
    app = build_app(tmp_path, RATELIMIT_DOWNLOAD="2/minute")
    with app.app_context():
        ds = f.dataset()
        res = f.csv_resource(ds)
        url = f"/dataset/{ds.slug}/resource/{res.id}/download"
    client = app.test_client()
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_budget_comes_back_when_the_window_ends(tmp_path):
    import time

    client = build_app(tmp_path, RATELIMIT_SEARCH="2/second").test_client()
    assert [client.get("/dataset").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.05)
    assert client.get("/dataset").status_code == 200


def test_counting_a_request_starts_no_thread(tmp_path):
    """The embedded storage expires counters inline (limits' memory:// starts a timer thread after hits)."""
    import threading

    client = build_app(tmp_path, RATELIMIT_SEARCH="1000/minute").test_client()
    client.get("/dataset")
    before = threading.active_count()
    for _ in range(20):
        assert client.get("/dataset").status_code == 200
    assert threading.active_count() == before


def test_expired_counters_are_swept_without_a_thread(monkeypatch):
    from portal.machinery import limit_storage

    now = [1000.0]
    monkeypatch.setattr(limit_storage.time, "time", lambda: now[0])
    storage = limit_storage.WorkerMemoryStorage()
    assert [storage.incr("a", 10), storage.incr("a", 10), storage.incr("b", 100)] == [1, 2, 1]
    assert storage.get("a") == 2 and storage.get_expiry("a") == 1010.0
    now[0] = 1011.0  # a's window is over: read as empty at once
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.incr("a", 10) == 1  # a new window
    now[0] = 1000.0 + limit_storage.SWEEP_SECONDS + 101  # both windows over; the next hit sweeps
    storage.incr("c", 10)
    assert set(storage._windows) == {"c"}
