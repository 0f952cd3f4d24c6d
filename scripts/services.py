#!/usr/bin/env python3
"""Throw-away PostgreSQL 15 and Redis servers on 127.0.0.1 for the production-profile test run.

    python scripts/services.py run -- <command ...>

installs the Debian packages `postgresql-15`, `postgresql-15-rum` and `redis-server` (and `openssh-server`,
whose sshd the off-site backup tests start, tests/sshd.py) when missing
(apt-get, as root or through sudo), starts both servers on free ports with their data in a temporary
directory, runs the command with the connection settings in its environment, and stops both servers
and removes the directory afterwards — also when the command fails or the run is interrupted.

PostgreSQL refuses to run as root: when run as root, the cluster belongs to the `postgres` system
user (created by the Debian package). The cluster is made with `--locale=C.UTF-8 -E UTF8`
(the search backend needs a UTF-8 ctype) and runs without fsync: it is thrown away.

The command sees:
  PORTAL_TEST_DATABASE_URL   postgresql+psycopg://portal@127.0.0.1:<port>/portal_test (superuser `portal`)
  PORTAL_TEST_REDIS_URL      redis://127.0.0.1:<port>/0
  PORTAL_TEST_PROFILE        production
  PORTAL_SEARCH_BACKEND      postgres

`PgCluster` is also used by tests that need a server of their own (stopping it on purpose).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUM_CONTROL = Path("/usr/share/postgresql/15/extension/rum.control")
PACKAGES = ("postgresql-15", "postgresql-15-rum", "redis-server", "openssh-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_packages() -> None:
    missing = []
    if not (PG_BIN / "initdb").exists():
        missing.append("postgresql-15")
    if not RUM_CONTROL.exists():
        missing.append("postgresql-15-rum")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not Path("/usr/sbin/sshd").exists() or not shutil.which("sftp"):
        missing.append("openssh-server")  # brings openssh-client (sftp)
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"Installing {' '.join(missing)} for the production-profile tests...", file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def _as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses root; run its programs as the `postgres` system user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PgCluster:
    """One PostgreSQL 15 cluster in `directory`, listening on 127.0.0.1:`port` (trust auth, user `portal`)."""

    def __init__(self, directory: str | Path, port: int | None = None) -> None:
        self.dir = Path(directory)
        self.data = self.dir / "data"
        self.socket_dir = self.dir / "sock"
        self.log = self.dir / "postgres.log"
        self.port = port or free_port()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://portal@127.0.0.1:{self.port}/{database}"

    def init(self) -> "PgCluster":
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.socket_dir, "postgres")
            # the postgres user must reach its directory: use one under a world-searchable /tmp
            # (pytest's own temporary root is made private again by any pytest run that starts)
        subprocess.run(_as_owner([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "portal", "--auth=trust",
                                  "--locale=C.UTF-8", "-E", "UTF8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        return self

    def start(self) -> "PgCluster":
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        subprocess.run(_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                                  "-w", "-t", "60", "start"]), check=True, stdout=subprocess.DEVNULL)
        return self

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=portal dbname={database}", autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, extensions: bool = True) -> str:
        self.sql(f'CREATE DATABASE "{name}"')
        if extensions and RUM_CONTROL.exists():
            self.sql("CREATE EXTENSION IF NOT EXISTS rum", name)
        return self.url(name)


class Redis:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def run(command: list[str]) -> int:
    ensure_packages()
    root = Path(tempfile.mkdtemp(prefix="portal-prod-"))
    os.chmod(root, 0o711)  # the cluster below belongs to the postgres user when run as root
    pg, redis = PgCluster(root / "pg"), Redis(root / "redis")

    def _interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    old = {s: signal.signal(s, _interrupted) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        pg.init().start()
        url = pg.create_database("portal_test")
        redis.start()
        env = {**os.environ, "PORTAL_TEST_DATABASE_URL": url, "PORTAL_TEST_REDIS_URL": redis.url(),
               "PORTAL_TEST_PROFILE": "production", "PORTAL_SEARCH_BACKEND": "postgres"}
        print(f"Production profile: PostgreSQL on 127.0.0.1:{pg.port}, Redis on 127.0.0.1:{redis.port}",
              file=sys.stderr, flush=True)
        proc = subprocess.Popen(command, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            return 130
    finally:
        redis.stop()
        pg.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
        for s, handler in old.items():
            signal.signal(s, handler)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "run" and argv[1] == "--":
        return run(argv[2:])
    if argv == ["install"]:
        ensure_packages()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
