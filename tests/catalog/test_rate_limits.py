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
