"""A real gunicorn running the portal on 127.0.0.1 and a free port, for tests of processes and faults."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_env(data_dir: str | Path) -> dict[str, str]:
    """The test app's database for another process (production profile: its PostgreSQL schema), when
    the test runs inside the app of that data directory."""
    from flask import current_app, has_app_context

    from portal.config import shared_database_env

    if has_app_context() and Path(current_app.config["DATA_DIR"]) == Path(data_dir).resolve():
        return shared_database_env(current_app.config)
    return {}


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on the test app's data directory and database; stop() ends it."""

    def __init__(self, app, *, workers: int = 1, env: dict[str, str] | None = None, preexec_fn=None) -> None:
        self.data_dir = Path(app.config["DATA_DIR"])
        self.port = free_port()
        env = {**database_env(self.data_dir), **(env or {})}
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, "PORTAL_DATA_DIR": str(self.data_dir), "PORTAL_SECRET_KEY": "test-secret",
                    "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                    "PORTAL_BIND": f"127.0.0.1:{self.port}", "PORTAL_WORKERS": str(workers),
                    "PORTAL_RATELIMIT_SEARCH": "100000/minute", "PORTAL_RATELIMIT_DOWNLOAD": "100000/minute",
                    "PORTAL_RATELIMIT_LOGIN": "100000/minute", **(env or {})}
        self.preexec_fn = preexec_fn
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=self.preexec_fn)
        log.close()
        self.wait_ready()

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-3000:]}")
            try:
                if requests.get(self.url + "/licence", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log()[-3000:]}")

    def workers(self) -> list[int]:
        """The worker processes' ids (the master's children)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Browser(requests.Session):
    """A visitor's browser on the server: cookies kept, CSRF tokens read from the pages."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url if url.startswith("http") else self.base + url, *args, **kwargs)

    def csrf(self, page: str) -> str:
        html = self.get(page).text
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def post_form(self, url: str, data: dict, page: str | None = None) -> requests.Response:
        return self.post(url, data={**data, "csrf_token": self.csrf(page or url)})

    def login(self, email: str, password: str) -> None:
        r = self.post_form("/login", {"email": email, "password": password})
        assert r.status_code == 302, r.text[-1000:]
