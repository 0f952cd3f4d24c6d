"""Guessing passwords against two gunicorn workers that share Redis and PostgreSQL: the per-address login
limit and the per-account lock-out hold across the workers, and the correct password is refused while
either holds."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.production.servers import ROOT, Gunicorn, empty_database, flask_db_upgrade, server_env

LIMIT, ATTEMPTS = 5, 12  # the login limit per hour (a window no slow run outlasts), guesses sent at once
PASSWORD, WRONG = "Test-Passw0rd!", "Wrong-Passw0rd!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import redis

    tmp = tmp_path_factory.mktemp("logins")
    redis_url = os.environ["PORTAL_TEST_REDIS_URL"].rsplit("/", 1)[0] + "/5"
    redis.Redis.from_url(redis_url).flushdb()
    env = server_env(tmp / "data", empty_database("logins"), RATELIMIT_LOGIN=f"{LIMIT}/hour",
                     RATELIMIT_STORAGE_URI=redis_url, PROXY_COUNT="1")
    flask_db_upgrade(env)
    for name in ("limited", "locked"):
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "create-user", "--email",
                              f"{name}@example.cn", "--name", name, "--role", "data_user", "--password", PASSWORD],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    # the access log names the worker (process id) that answered each request
    with Gunicorn(env, workers=2, log_dir=tmp, args=("--access-logfile", "-", "--access-logformat",
                                                     "%(p)s %(m)s %(U)s %(s)s")) as gunicorn:
        yield gunicorn


def attempt(server, email: str, password: str, address: str) -> int:
    """One login as a browser makes it (the form's page, then the form) from this client address."""
    headers = {"X-Forwarded-For": address}
    with requests.Session() as browser:
        page = browser.get(server.url + "/login", headers=headers, timeout=60).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return browser.post(server.url + "/login", headers=headers, timeout=60, allow_redirects=False,
                            data={"email": email, "password": password, "csrf_token": token}).status_code


def at_once(fn, n: int) -> list[int]:
    with ThreadPoolExecutor(8) as pool:  # concurrent, so that the requests spread over both workers
        return list(pool.map(fn, range(n)))


def login_workers(server) -> set[str]:
    log = (server.log_dir / "gunicorn.log").read_text()
    return set(re.findall(r"^<(\d+)> POST /login ", log, re.MULTILINE))


def test_the_login_limit_per_address_holds_across_workers(server):
    codes = at_once(lambda i: attempt(server, f"guess{i}@example.cn", WRONG, "203.0.113.1"), ATTEMPTS)
    assert sorted(codes) == [422] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    assert len(login_workers(server)) == 2  # both workers answered, and counted together
    assert attempt(server, "limited@example.cn", PASSWORD, "203.0.113.1") == 429
    assert attempt(server, "limited@example.cn", PASSWORD, "203.0.113.2") == 302  # another address may


def test_the_account_lock_holds_across_workers_and_addresses(server):
    codes = at_once(lambda i: attempt(server, "locked@example.cn", WRONG, f"198.51.100.{i}"), ATTEMPTS)
    assert sorted(codes) == [422] * 5 + [429] * (ATTEMPTS - 5)  # counted before the password is checked
    assert attempt(server, "locked@example.cn", PASSWORD, "198.51.100.200") == 429
