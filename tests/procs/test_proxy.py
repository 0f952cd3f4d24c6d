"""Behind nginx (PORTAL_PROXY_COUNT=1) rate limits, access events and the access log see the visitor's
address from X-Forwarded-For; without a proxy setting that header is not trusted."""
from __future__ import annotations

from portal.audit.models import AccessEvent
from portal.extensions import db
from tests import factories as f
from tests.conftest import build_app
from tests.procs.server import Gunicorn

import requests


def test_real_client_address_behind_one_proxy(app):
    ds = f.dataset()
    res = f.csv_resource(ds, "站点,AQI\n新华广场,56\n")
    slug, res_id = ds.slug, res.id
    db.session.remove()
    env = {"PORTAL_PROXY_COUNT": "1", "PORTAL_RATELIMIT_SEARCH": "3/minute"}
    with Gunicorn(app, workers=1, env=env) as server:
        def search(addr: str) -> int:
            # nginx appends the address it saw; a client may have sent its own made-up value before it
            return requests.get(server.url + "/dataset?q=空气", timeout=30,
                                headers={"X-Forwarded-For": f"10.9.9.9, {addr}"}).status_code

        assert [search("203.0.113.7") for _ in range(4)] == [200, 200, 200, 429]
        assert search("203.0.113.8") == 200  # another visitor has their own allowance
        try:
            r = requests.get(f"{server.url}/dataset/{slug}/resource/{res_id}/download", timeout=30,
                             headers={"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"})
        except requests.ConnectionError as exc:
            raise AssertionError(server.log()) from exc
        assert r.status_code == 200
        event = db.session.query(AccessEvent).filter_by(resource_id=res_id).one()
        assert event.client_addr == "198.51.100.23"
    log = server.log()  # after the server stopped: a line is written once its response has gone out
    assert any(line.startswith("198.51.100.23 ") and "/download" in line for line in log.splitlines()), log[-2000:]
    assert any(line.startswith("203.0.113.7 ") and " 429 " in line for line in log.splitlines())


def test_forwarded_header_ignored_without_a_proxy(tmp_path):
    app = build_app(tmp_path)  # PORTAL_PROXY_COUNT defaults to 0
    with app.app_context():
        ds = f.dataset()
        res = f.csv_resource(ds, "站点,AQI\n新华广场,56\n")
        r = app.test_client().get(f"/dataset/{ds.slug}/resource/{res.id}/download",
                                  headers={"X-Forwarded-For": "198.51.100.23"})
        assert r.status_code == 200
        assert db.session.query(AccessEvent).filter_by(resource_id=res.id).one().client_addr == "127.0.0.1"
        db.session.remove()
