"""Rate limits behind several gunicorn workers: memory storage counts per worker, Redis counts once."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote


from tests.production.servers import Gunicorn, empty_database, flask_db_upgrade, server_env

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


def test_memory_storage_lets_each_worker_count_alone(tmp_path):
    assert _passed(tmp_path, "memory://") > LIMIT


def test_redis_storage_lets_exactly_the_limit_through(tmp_path):
    import redis

    url = os.environ["PORTAL_TEST_REDIS_URL"].rsplit("/", 1)[0] + "/3"
    redis.Redis.from_url(url).flushdb()
    assert _passed(tmp_path, url) == LIMIT
