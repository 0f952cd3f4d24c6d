"""Rate limits behind several gunicorn workers: memory storage, which counts per worker, is refused in
production; Redis counts once."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from tests.production.servers import PG_URL, Gunicorn, empty_database, flask_db_upgrade, server_env

REQUESTS, LIMIT = 40, 10  # per hour: a window that no slow run outlasts
SEARCH = "/dataset?q=" + quote("空气质量")


def _passed(tmp_path, storage_uri: str) -> int:
    env = server_env(tmp_path / "data", empty_database("limits"), RATELIMIT_SEARCH=f"{LIMIT}/hour",
                     RATELIMIT_STORAGE_URI=storage_uri)
    flask_db_upgrade(env)
    with Gunicorn(env, workers=4, log_dir=tmp_path) as server:
        with ThreadPoolExecutor(8) as pool:  # concurrent, so that the requests spread over the workers
            codes = list(pool.map(lambda _i: server.get(SEARCH), range(REQUESTS)))
    assert set(codes) <= {200, 429}, codes
    return codes.count(200)


@pytest.mark.parametrize("uri", ["memory://", "worker-memory://"])
def test_memory_storage_under_several_workers_is_refused(tmp_path, uri):
    """Each worker would count alone, so 2 workers would let twice the limit through (logins too): the
    shipped command without a config file (app loaded in each worker) does not start."""
    env = server_env(tmp_path / "data", PG_URL, RATELIMIT_STORAGE_URI=uri)
    log = Gunicorn(env, workers=2, log_dir=tmp_path).refused()
    assert f"gunicorn runs 2 workers and PORTAL_RATELIMIT_STORAGE_URI={uri}" in log
    assert "redis://" in log


def test_redis_storage_lets_exactly_the_limit_through(tmp_path):
    import redis

    url = os.environ["PORTAL_TEST_REDIS_URL"].rsplit("/", 1)[0] + "/3"
    redis.Redis.from_url(url).flushdb()
    assert _passed(tmp_path, url) == LIMIT


@pytest.fixture()
def own_redis(tmp_path):
    """A Redis server of the test's own, without the database number: its command statistics count
    only this test's commands, also while other tests run beside it (pytest -n). Like a Redis the portal
    has counted limits in before, it holds the limiter's scripts (a new server answers the first call of
    a script with NOSCRIPT, and the client sends it again): one limited request was answered through it."""
    from scripts.services import Redis
    from tests.conftest import build_app

    server = Redis(tmp_path / "redis").start()
    try:
        url = server.url().rsplit("/", 1)[0]
        earlier = build_app(tmp_path / "earlier", RATELIMIT_SEARCH="5/hour", RATELIMIT_STORAGE_URI=url + "/0",
                            PAGE_CACHE_URI="none")
        assert earlier.test_client().get("/dataset").headers["X-RateLimit-Remaining"] == "4"
        yield url
    finally:
        server.stop()


def test_each_answer_carries_the_window_of_its_own_hit_in_one_round_trip(tmp_path, own_redis):
    """Two workers count together in Redis; X-RateLimit-Remaining and -Reset of every answer come with
    its hit (one script call), not from two more questions to Redis (GET and TTL)."""
    import time

    import redis

    from tests.conftest import build_app

    url = own_redis + "/4"
    server = redis.Redis.from_url(url)
    server.flushdb()
    settings = {"RATELIMIT_SEARCH": "5/hour", "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": "shared",
                "PAGE_CACHE_URI": "none"}  # the only Redis commands are then the limits'
    workers = [build_app(tmp_path / name, **settings).test_client() for name in ("a", "b")]

    def calls(command: str) -> int:
        return server.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0)

    before = {c: calls(c) for c in ("get", "ttl", "pttl", "evalsha")}
    answers = [workers[i % 2].get("/dataset") for i in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    # the one window's end, to the second (Flask-Limiter rounds it up: at most an hour and a second away)
    resets = [int(a.headers["X-RateLimit-Reset"]) for a in answers]
    assert max(resets) - min(resets) <= 1 and time.time() < min(resets) <= time.time() + 3600 + 1
    assert calls("evalsha") - before["evalsha"] == 5
    assert calls("get") == before["get"] and calls("ttl") == before["ttl"]
    # the sixth, in either worker, is refused and says when to come back
    refused = workers[1].get("/dataset")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 3600
