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
    from portal.search.postgres import PostgresBackend

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
