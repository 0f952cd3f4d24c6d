"""The speed machinery's tricks that need the real servers (tests/test_machinery.py has the rest): run in the
production profile, whose PostgreSQL and Redis scripts/services.py starts."""
from __future__ import annotations

import os

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "")


def test_a_connection_the_server_closed_is_seen_from_its_socket():
    import time

    import psycopg

    from portal.machinery.database import answers

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, psycopg.connect(dsn, autocommit=True) as killer:
        conn.execute("SELECT 1")
        conn.commit()
        assert answers(conn)
        killer.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        for _ in range(50):
            if not answers(conn):
                break
            time.sleep(0.02)
        assert not answers(conn)


def test_the_redis_window_storage_answers_the_headers_from_its_hit():
    from portal.machinery.limit_storage import RedisWindowStorage

    storage = RedisWindowStorage(REDIS_URL.rsplit("/", 1)[0] + "/6")
    storage.reset()
    assert [storage.incr("k", 60), storage.incr("k", 60)] == [1, 2]
    assert storage._kept()["k"]["get"] == 2  # kept by the hit, for the header questions that follow
    assert storage.get("k") == 2 and "get" not in storage._kept()["k"]
    assert storage.get("k") == 2  # asked again: from Redis
    storage.reset()
