"""Real server processes for the production-profile tests: gunicorn with several workers, empty databases."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from scripts.services import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
# A server database makes the portal run as production, which refuses weak keys (portal/deployment.py).
SECRET_KEY, IDENTIFIER_KEY, AUDIT_KEY = (secrets.token_urlsafe(48) for _ in range(3))


def connect(url: str = PG_URL):
    """A plain psycopg connection in autocommit mode to the test server's database (or `url`'s)."""
    import psycopg

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True)


def empty_database(prefix: str = "srv") -> str:
    """A new database on the test server (with the rum extension), for an app run in other processes."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def server_env(data_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_DATA_DIR": str(data_dir), "PORTAL_SECRET_KEY": SECRET_KEY,
                "PORTAL_IDENTIFIER_KEY": IDENTIFIER_KEY, "PORTAL_AUDIT_KEY": AUDIT_KEY,
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_SEARCH_BACKEND": "postgres"})
    env.update({f"PORTAL_{k}": v for k, v in settings.items()})
    return env


def flask_db_upgrade(env: dict[str, str]) -> None:
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


class Gunicorn:
    """`gunicorn -w N wsgi:app` on a free 127.0.0.1 port (an empty config file: only these options and `args`)."""

    def __init__(self, env: dict[str, str], workers: int, log_dir: Path, args: tuple[str, ...] = ()) -> None:
        self.env, self.workers, self.log_dir, self.args = env, workers, log_dir, args
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        conf = self.log_dir / "gunicorn-test.conf.py"
        conf.write_text("")
        self.log = open(self.log_dir / "gunicorn.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(conf), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", *self.args, "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def refused(self, timeout: float = 120) -> str:
        """Start gunicorn expecting it to refuse: its log once it has exited with an error."""
        self._start()
        try:
            code = self.proc.wait(timeout)
        finally:
            self.__exit__()
        log = (self.log_dir / "gunicorn.log").read_text()
        assert code != 0, log[-3000:]
        return log

    def __enter__(self) -> "Gunicorn":
        self._start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.log_dir / "gunicorn.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=5).close()
                return self
            except urllib.error.HTTPError:
                return self  # any HTTP answer: the server is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
