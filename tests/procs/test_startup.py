"""The shipped server command refuses to start in production with a weak key or with several workers
counting rate limits in their own memory; gunicorn makes the environment production by itself."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

from portal.deployment import MAKE_A_KEY
from tests.procs.server import ROOT, free_port

STRONG = {"PORTAL_SECRET_KEY": "q3Jx9vH2kLr7TmN0pWc5sYb8dFg1zAe4uKi6oQh-VjXnRt",
          "PORTAL_IDENTIFIER_KEY": "Zp4Lw8Ny2Bq6Hs0Df3Gk7Mt1Rv5Xc9Ja-Ue_TiOoPlWmKn",
          "PORTAL_AUDIT_KEY": "Hc7Vb3Nm9Qw2Er5Ty8Ui1Op4As6Df0Gh-Jk_LzXcVbNmQw"}


def _env(tmp_path, **settings: str) -> dict[str, str]:
    """The embedded profile (SQLite in the data directory), PORTAL_ENV unset: only gunicorn says production."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_BIND": f"127.0.0.1:{free_port()}", **settings})
    return env


def _gunicorn(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _refused(env: dict[str, str]) -> str:
    proc = _gunicorn(env)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0, out[-3000:]
    return out


def test_a_weak_session_key_is_refused_under_gunicorn(tmp_path):
    out = _refused(_env(tmp_path, PORTAL_SECRET_KEY="x", PORTAL_WORKERS="1"))
    assert "PORTAL_SECRET_KEY is a well-known example value" in out and MAKE_A_KEY in out
    assert not (tmp_path / "secret_key").exists()  # no key was made up instead


def test_a_missing_identifier_key_is_refused_under_gunicorn(tmp_path):
    out = _refused(_env(tmp_path, PORTAL_SECRET_KEY=STRONG["PORTAL_SECRET_KEY"], PORTAL_WORKERS="1"))
    assert "PORTAL_IDENTIFIER_KEY is not set" in out


def test_two_workers_on_memory_limit_storage_are_refused(tmp_path):
    out = _refused(_env(tmp_path, PORTAL_WORKERS="2", **STRONG))
    assert "gunicorn runs 2 workers and PORTAL_RATELIMIT_STORAGE_URI=worker-memory://" in out


def test_one_worker_with_strong_keys_starts(tmp_path):
    env = _env(tmp_path, PORTAL_WORKERS="1", **STRONG)
    proc = _gunicorn(env)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not answer"
            try:
                assert requests.get(f"http://{env['PORTAL_BIND']}/licence", timeout=5).status_code == 200
                break
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a busy machine
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(30)
