"""Bounded load run against gunicorn on a synthetic 10,000-entry catalog (loopback only).

    .venv/bin/python bench/load.py                         # embedded profile: SQLite, Whoosh, memory limiter
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://... --search-backend postgres \\
                                   --ratelimit-uri redis://127.0.0.1:6379/0 \\
                                   --page-cache-uri redis://127.0.0.1:6379/1   # production profile
    # or on the throw-away servers of the tests:
    .venv/bin/python scripts/services.py run -- sh -c '.venv/bin/python bench/load.py --skip-nginx \\
        --database-url "$PORTAL_TEST_DATABASE_URL" --search-backend postgres \\
        --ratelimit-uri "$PORTAL_TEST_REDIS_URL" --page-cache-uri "$PORTAL_TEST_REDIS_URL"'

1. Builds the catalog with bench/search.py's synthetic builder into a temporary data directory,
   indexes it, and stores real files for a few hundred downloadable resources.
2. Measures a trivial Flask JSON endpoint (bench/reference_app.py) under gunicorn with the same worker
   settings and the same wrk, before and after the mix: the machine's speed at the time, which the
   portal's figure is read against.
   Then starts gunicorn with gunicorn.conf.py on a free 127.0.0.1 port and runs a timed mix of home page,
   search page, dataset page, API search and downloads from 16 keep-alive connections of wrk (Debian
   package, installed when missing; --driver python uses client processes in Python instead), then
   reports requests/s, median and p99 latency, errors, and the CPU time per request of the portal and
   of the load generator.
3. Unless --skip-nginx: stores a 1 GB file and compares the download throughput of nginx serving it
   statically with nginx answering the portal's X-Accel-Redirect (and, for reference, gunicorn
   sending the bytes itself). nginx (Debian package, installed when missing) runs as a non-root user
   on a free port with its own temporary configuration.

Rate limits stay on (with limits no run reaches), so their cost is measured.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing as mp
import os
import pwd
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MIX = (("home", 10), ("search", 30), ("dataset", 30), ("api_search", 15), ("download", 15))
API_SEARCH_CANDIDATES = ("/api/3/action/package_search?q={q}&rows=20", "/api/v1/datasets?q={q}")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- catalog --------------------------------------------------------------------------------------
def build_catalog(data_dir: Path, size: int, seed: int, files: int) -> dict:
    """The synthetic catalog, its index and real files for `files` downloadable resources."""
    import io

    from sqlalchemy import select, update

    from portal.catalog.models import Dataset, Resource
    from portal.catalog.indexing import reindex_all
    from portal.extensions import db
    from portal.storage import storage
    from search import _app, stage_gen, synth_queries

    t0 = time.perf_counter()
    stage_gen(data_dir, size, seed)
    app = _app(data_dir)
    with app.app_context():
        rows = db.session.execute(
            select(Resource.id, Dataset.slug).join(Dataset, Resource.dataset_id == Dataset.id)
            .where(Dataset.open_type == "unconditional", Resource.kind == "file", Resource.format == "CSV")
            .order_by(Resource.id).limit(files)).all()
        rng = random.Random(seed)
        downloads = []
        for res_id, slug in rows:
            body = ("站点,日期,数值\n" + "".join(f"站点{rng.randint(1, 999)},2026-10-{d:02d},{rng.randint(0, 500)}\n"
                                              for d in range(1, 29)) * 40).encode()
            stored = storage().save(io.BytesIO(body))
            db.session.execute(update(Resource).where(Resource.id == res_id).values(
                storage_key=stored.key, sha256=stored.sha256, size=stored.size, media_type="text/csv",
                encoding="utf-8"))
            downloads.append(f"/dataset/{slug}/resource/{res_id}/download")
        db.session.commit()
        slugs = list(db.session.scalars(select(Dataset.slug).order_by(Dataset.slug)))
        t1 = time.perf_counter()
        n = reindex_all()
        log(f"catalog: {len(slugs)} entries, {len(downloads)} files, indexed {n} in {time.perf_counter() - t1:.1f}s")
        db.session.remove()
    return {"slugs": slugs, "downloads": downloads, "queries": synth_queries(300, seed),
            "build_s": time.perf_counter() - t0}


def ensure_program(name: str, installed_at: str) -> str:
    """The program's path; its Debian package (of the same name) is installed when it is missing."""
    path = shutil.which(name) or (installed_at if os.path.exists(installed_at) else None)
    if path:
        return path
    log(f"installing the Debian {name} package")
    subprocess.run(["apt-get", "install", "-y", "-q", name], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
    return shutil.which(name) or installed_at


# ---- gunicorn -------------------------------------------------------------------------------------
# gunicorn makes the portal production, which needs two strong keys: the same for every server of a run.
KEYS = {"PORTAL_SECRET_KEY": secrets.token_urlsafe(48), "PORTAL_IDENTIFIER_KEY": secrets.token_urlsafe(48),
        "PORTAL_AUDIT_KEY": secrets.token_urlsafe(48)}


def portal_env(data_dir: Path, args, **extra) -> dict:
    env = {**os.environ, "PORTAL_DATA_DIR": str(data_dir), **KEYS,
           "PORTAL_RATELIMIT_SEARCH": "10000000/minute", "PORTAL_RATELIMIT_DOWNLOAD": "10000000/minute",
           "PORTAL_RATELIMIT_LOGIN": "10000000/minute",
           "PORTAL_RATELIMIT_API": "10000000/minute", "PORTAL_RATELIMIT_API_TOKEN": "10000000/minute", "PORTAL_ACCESS_LOG": str(data_dir / "access.log")}
    if args.database_url:
        env["PORTAL_DATABASE_URL"] = args.database_url
    if args.search_backend:
        env["PORTAL_SEARCH_BACKEND"] = args.search_backend
    if args.ratelimit_uri:
        env["PORTAL_RATELIMIT_STORAGE_URI"] = args.ratelimit_uri
    else:  # the embedded profile's limits in each worker's memory, refused in production (set out of reach here)
        env["PORTAL_ENV"] = "development"
    if args.page_cache_uri:
        env["PORTAL_PAGE_CACHE_URI"] = args.page_cache_uri
    if args.workers:
        env["PORTAL_WORKERS"] = str(args.workers)
    if args.threads:
        env["PORTAL_THREADS"] = str(args.threads)
    if args.worker_class:
        env["PORTAL_WORKER_CLASS"] = args.worker_class
    env.update({k: str(v) for k, v in extra.items()})
    return env


FORGET_KEPT_PAGES = """
from portal import create_app
from portal.pagecache import clear
app = create_app()
with app.app_context():
    clear()
"""


def forget_kept_pages(env: dict) -> None:
    """Every run starts with no kept page: the portal's own pagecache.clear() with the workers' settings
    empties the file store, or a Redis one, whose pages would otherwise outlive a run by up to
    PAGE_CACHE_SECONDS and serve the next run's first requests."""
    subprocess.run([sys.executable, "-c", FORGET_KEPT_PAGES], cwd=ROOT, env=env, check=True)


class Gunicorn:
    """The portal under gunicorn.conf.py (or, given `options`, another app with these command-line options)."""

    def __init__(self, env: dict, log_path: Path, options: list[str] | None = None, ready: str = "/licence",
                 cwd: Path = ROOT):
        self.port = free_port()
        env = {**env, "PORTAL_BIND": f"127.0.0.1:{self.port}"}
        self.log_file = open(log_path, "ab")
        options = options if options is not None else ["-c", "gunicorn.conf.py", "wsgi:app"]
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{self.port}", *options],
                                     cwd=cwd, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if get("127.0.0.1", self.port, ready)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and its workers (from /proc)."""
        pids = [self.proc.pid]
        try:
            pids += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log_file.close()


def reference_run(args, connections: int, seconds: float, work: Path) -> dict:
    """The machine's speed at the time of the run: requests/s of a trivial Flask JSON endpoint
    (bench/reference_app.py) under gunicorn with the portal's workers, threads and worker class (those
    gunicorn.conf.py gives with this run's options), no access log, and the same wrk. The issue's targets
    were set on a machine where such an endpoint gave about 5,000 requests/s."""
    import runpy
    from unittest import mock

    env = portal_env(work, args)
    with mock.patch.dict(os.environ, env):  # gunicorn.conf.py reads its settings from the environment
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    server = Gunicorn(env, work / "reference.log", ["-w", str(conf["workers"]), "-k", conf["worker_class"],
                                                    "--threads", str(conf["threads"]), "reference_app:app"],
                      ready="/", cwd=ROOT / "bench")  # not ROOT, whose gunicorn.conf.py gunicorn would read
    try:
        # wrk opens its keep-alive connections at once: every worker must be listening by then, or the
        # first ones booted take them all and the others stay idle for the whole run
        time.sleep(2)
        w, _ = wrk(server.port, 'wrk.path = "/"\n', connections, seconds)
    finally:
        server.stop()
    return {"rps": round(w["requests"] / (w["duration_us"] / 1e6), 1), "errors": wrk_errors(w),
            "workers": conf["workers"], "threads": conf["threads"], "worker_class": conf["worker_class"]}


def reference(result: dict, key: str, args, work: Path) -> None:
    if args.reference_seconds > 0:
        result[key] = reference_run(args, args.clients * args.connections, args.reference_seconds, work)
        log(f"{key.replace('_', ' ')}, a trivial Flask JSON endpoint: {result[key]['rps']} req/s")


def get(host: str, port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


# ---- the mix --------------------------------------------------------------------------------------
def mix_urls(cat: dict, seed: int = 1, api: str = API_SEARCH_CANDIDATES[0]) -> dict[str, list[str]]:
    """The URLs of each kind of the mix, from a catalog build_catalog() described."""
    queries = cat["queries"]
    return {"home": ["/"],
            "search": [f"/dataset?q={quote(q)}" for q in queries] + ["/dataset", "/dataset?sort=downloads"],
            "dataset": [f"/dataset/{s}" for s in random.Random(seed).sample(cat["slugs"], min(2000, len(cat["slugs"])))],
            "api_search": [api.format(q=quote(q)) for q in queries],
            # the first file is the one the nginx comparison replaces with 1 GB: never in the mix
            "download": cat["downloads"][1:]}


def client_process(port: int, urls: dict, connections: int, seconds: float, seed: int, out) -> None:
    """`connections` keep-alive connections in threads, each sending the mix until the deadline."""
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    start_at = time.monotonic()
    deadline = start_at + seconds

    def run(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        kinds, weights = zip(*MIX)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            path = rng.choice(urls[kind])
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                status = r.status
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append((kind, (time.perf_counter() - t) * 1000, status))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.put((results, time.monotonic() - start_at, usage.ru_utime + usage.ru_stime))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_mix(port: int, urls: dict, clients: int, connections: int, seconds: float, server=None) -> dict:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=client_process, args=(port, urls, connections, seconds, i, out))
             for i in range(clients)]
    server_cpu = server.cpu_seconds() if server else 0.0
    for p in procs:
        p.start()
    gathered = [out.get() for _ in procs]
    server_cpu = server.cpu_seconds() - server_cpu if server else 0.0
    for p in procs:
        p.join()
    samples = [s for results, _, _ in gathered for s in results]
    elapsed = max(e for _, e, _ in gathered)
    client_cpu = sum(c for _, _, c in gathered)
    ok = [ms for _, ms, status in samples if 200 <= status < 400]
    errors = [s for s in samples if not 200 <= s[2] < 400]
    by_kind = {}
    for kind, _ in MIX:
        ms = [m for k, m, st in samples if k == kind and 200 <= st < 400]
        by_kind[kind] = {"n": len(ms), "median_ms": round(statistics.median(ms), 1) if ms else None,
                         "p99_ms": round(percentile(ms, 99), 1) if ms else None}
    return {"requests": len(samples), "seconds": round(elapsed, 1), "rps": round(len(samples) / elapsed, 1),
            "median_ms": round(statistics.median(ok), 1) if ok else None, "p99_ms": round(percentile(ok, 99), 1),
            "errors": len(errors), "error_statuses": sorted({s[2] for s in errors}), "by_kind": by_kind,
            "clients": clients, "connections": clients * connections,
            # CPU per request: the portal's (gunicorn master and workers) and the load clients' own
            "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(samples), 1), 2) if server else None,
            "client_cpu_ms_per_request": round(client_cpu * 1000 / max(len(samples), 1), 2)}


# ---- the mix from wrk ------------------------------------------------------------------------------
# The load generator shares the 2 cores with the portal, so it should cost as little as possible: wrk
# (C, epoll) spends a few microseconds per request where the Python clients above spend 0.9 ms (15% of
# the machine in the mix). wrk knows nothing of kinds, so each request's kind and status come from the
# gunicorn access log (its %(M)s is the time inside the worker); wrk gives the client-side latency.
WRK_SCRIPT = """
local kinds = {kinds}
local cumulative, total = {{}}, 0
for i, k in ipairs(kinds) do total = total + k.weight; cumulative[i] = total end
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) math.randomseed({seed} * 1000 + id) end
function request()
  local r, i = math.random() * total, 1
  while r > cumulative[i] do i = i + 1 end
  local paths = kinds[i].paths
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

WRK_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\\n', summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(port: int, script_text: str, connections: int, seconds: float) -> tuple[dict, float]:
    """wrk (2 threads, `connections` keep-alive connections) with this Lua script, which ends with WRK_DONE:
    its summary, and wrk's own CPU seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_text + WRK_DONE)
    try:
        with tempfile.TemporaryFile("w+") as stdout:
            proc = subprocess.Popen([ensure_program("wrk", "/usr/bin/wrk"), "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "60s",
                                     "-s", script.name, f"http://127.0.0.1:{port}"], stdout=stdout)
            _, status, usage = os.wait4(proc.pid, 0)  # wrk's own CPU time
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                raise RuntimeError(f"wrk exited with {proc.returncode}")
            stdout.seek(0)
            out = stdout.read()
    finally:
        os.unlink(script.name)
    summary = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("WRK ")))
    return summary, usage.ru_utime + usage.ru_stime


def wrk_errors(summary: dict) -> int:
    """Failed connections, reads, writes and timeouts, and answers outside 200-399."""
    return sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))


def run_wrk(port: int, urls: dict, connections: int, seconds: float, server, access_log: Path,
            seed: int = 1) -> dict:
    """The timed mix from wrk; kinds from the access log."""
    kinds = "{" + ", ".join("{weight = %d, paths = {%s}}" % (weight, ", ".join(_lua_string(u) for u in urls[kind]))
                            for kind, weight in MIX) + "}"
    kind_of = {u: kind for kind, _ in MIX for u in urls[kind]}
    offset = access_log.stat().st_size if access_log.exists() else 0
    server_cpu = server.cpu_seconds()
    w, client_cpu = wrk(port, WRK_SCRIPT.format(kinds=kinds, seed=seed), connections, seconds)
    server_cpu = server.cpu_seconds() - server_cpu
    time.sleep(0.5)  # the workers write their last access lines
    served: dict[str, list[tuple[int, float]]] = {kind: [] for kind, _ in MIX}
    with open(access_log, "rb") as f:
        f.seek(offset)
        for line in f.read().decode("utf-8", "replace").splitlines():
            try:
                request_line = line.split('"', 2)[1]
                path = request_line.split(" ")[1]
                status, ms = int(line.split('" ', 1)[1].split(" ", 1)[0]), float(line.rsplit(" ", 1)[1][:-2])
            except (IndexError, ValueError):
                continue
            if path in kind_of:
                served[kind_of[path]].append((status, ms))
    n, elapsed = w["requests"], w["duration_us"] / 1e6
    errors = wrk_errors(w)
    statuses = sorted({st for rows in served.values() for st, _ in rows if not 200 <= st < 400})
    by_kind = {}
    for kind, rows in served.items():
        ms = [m for st, m in rows if 200 <= st < 400]
        by_kind[kind] = {"n": len(rows), "server_median_ms": round(statistics.median(ms), 1) if ms else None,
                         "server_p99_ms": round(percentile(ms, 99), 1) if ms else None}
    return {"driver": "wrk", "requests": n, "seconds": round(elapsed, 1), "rps": round(n / elapsed, 1),
            "median_ms": round(w["p50_us"] / 1000, 1), "p99_ms": round(w["p99_us"] / 1000, 1),
            "errors": errors, "error_statuses": statuses, "socket_errors": {k: w[k] for k in ("connect", "read", "write", "timeout")},
            "by_kind": by_kind, "clients": 1, "connections": connections,
            "server_cpu_ms_per_request": round(server_cpu * 1000 / max(n, 1), 2),
            "client_cpu_ms_per_request": round(client_cpu * 1000 / max(n, 1), 3)}


# ---- nginx and the 1 GB download ------------------------------------------------------------------
def ensure_nginx() -> str:
    return ensure_program("nginx", "/usr/sbin/nginx")


NGINX_CONF = """
daemon off;
worker_processes 2;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {run}/client;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    upstream portal {{ server 127.0.0.1:{gport}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location /static-files/ {{ alias {files}/; }}
        location /_files/ {{
            internal;
            alias {files}/;
            etag off;
            add_header ETag $upstream_http_etag;
        }}
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
        }}
    }}
}}
"""


def fetch(port: int, path: str) -> tuple[int, float, dict]:
    """Download one URL completely; (bytes, seconds, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    buf = bytearray(4 * 1024 * 1024)
    n = 0
    while True:
        got = r.readinto(buf)
        if not got:
            break
        n += got
    elapsed = time.perf_counter() - t
    headers = dict(r.getheaders())
    conn.close()
    if r.status != 200:
        raise RuntimeError(f"{path}: HTTP {r.status}")
    return n, elapsed, headers


def throughput(port: int, path: str, streams: int, rounds: int, size: int) -> dict:
    """MB/s of `streams` parallel downloads of the whole file; the median of `rounds`."""
    rates = []
    for _ in range(rounds):
        results: list = []
        t = time.perf_counter()
        threads = [threading.Thread(target=lambda: results.append(fetch(port, path))) for _ in range(streams)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        assert len(results) == streams and all(n == size for n, _, _ in results), "incomplete download"
        rates.append(streams * size / elapsed / 2**20)
    return {"streams": streams, "mb_s": round(statistics.median(rates), 1), "rounds": [round(r) for r in rates]}


def big_file_bench(data_dir: Path, args, slug_res: tuple[str, str], run_dir: Path) -> dict:
    from sqlalchemy import update

    from portal.catalog.models import Resource
    from portal.extensions import db
    from portal.storage import storage
    from search import _app

    size = args.file_mb * 2**20

    class Filler:
        def __init__(self):
            self.left = size
            self.block = hashlib.sha256(b"portal").digest() * (2**20 // 32)

        def read(self, n=-1):
            n = min(self.left, len(self.block))
            self.left -= n
            return self.block[:n]

    app = _app(data_dir)
    with app.app_context():
        stored = storage().save(Filler())
        slug, res_id = slug_res
        db.session.execute(update(Resource).where(Resource.id == res_id).values(
            storage_key=stored.key, sha256=stored.sha256, size=stored.size, media_type="application/octet-stream",
            encoding="", filename="big.bin"))
        db.session.commit()
        files_dir = Path(app.config["STORAGE_DIR"])
        rel = storage().internal_path(stored.key)
        db.session.remove()
    log(f"stored the {args.file_mb} MB file")

    nginx = ensure_nginx()
    user = "nobody"
    for d in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / d).mkdir(parents=True, exist_ok=True)
    for p in [run_dir, *run_dir.iterdir()]:
        os.chmod(p, 0o777)  # nginx's own scratch space; the stored files are world-readable (0644)
    env = portal_env(data_dir, args, PORTAL_ACCEL_REDIRECT_PREFIX="/_files/", PORTAL_PROXY_COUNT="1")
    g = Gunicorn(env, data_dir / "gunicorn-nginx.log")
    port = free_port()
    conf = run_dir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(run=run_dir, gport=g.port, port=port, files=files_dir))
    cmd = [nginx, "-c", str(conf), "-p", str(run_dir), "-e", str(run_dir / "error.log")]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", user, "--"] + cmd
    ngx = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("nginx did not start: " + (run_dir / "error.log").read_text()[-2000:])
        static_path = f"/static-files/{rel}"
        accel_path = f"/dataset/{slug}/resource/{res_id}/download"
        _, _, headers = fetch(port, accel_path)
        log(f"X-Accel-Redirect answer headers: {headers}")
        out = {"file_mb": args.file_mb, "nginx_user": user if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name,
               "accel_headers": {k: v for k, v in headers.items()
                                 if k in ("ETag", "Content-Disposition", "Content-Type", "Content-Length")}}
        for streams in (1, 4):
            static = throughput(port, static_path, streams, args.rounds, size)
            accel = throughput(port, accel_path, streams, args.rounds, size)
            out[f"{streams}_stream"] = {"static": static, "accel": accel,
                                        "ratio": round(accel["mb_s"] / static["mb_s"], 2)}
            log(f"{streams} stream(s): static {static['mb_s']} MB/s, X-Accel-Redirect {accel['mb_s']} MB/s")
        # reference: gunicorn sending the bytes itself (no X-Accel-Redirect), one stream
        g2 = Gunicorn(portal_env(data_dir, args), data_dir / "gunicorn-plain.log")
        try:
            plain = throughput(g2.port, accel_path, 1, 1, size)
        finally:
            g2.stop()
        out["gunicorn_direct_1_stream_mb_s"] = plain["mb_s"]
        return out
    finally:
        ngx.send_signal(signal.SIGTERM)
        try:
            ngx.wait(10)
        except subprocess.TimeoutExpired:
            ngx.kill()
        g.stop()


# ---- main -----------------------------------------------------------------------------------------
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--files", type=int, default=300, help="downloadable resources given real files")
    p.add_argument("--seconds", type=float, default=30, help="length of the timed mix")
    p.add_argument("--driver", choices=("wrk", "python"), default="wrk",
                   help="load generator: wrk (Debian package, installed when missing) or the Python clients")
    p.add_argument("--clients", type=int, default=2, help="client processes (python driver)")
    p.add_argument("--connections", type=int, default=8, help="keep-alive connections per client process")
    p.add_argument("--workers", type=int, help="PORTAL_WORKERS (default: gunicorn.conf.py's)")
    p.add_argument("--threads", type=int, help="PORTAL_THREADS")
    p.add_argument("--worker-class", help="PORTAL_WORKER_CLASS (gthread, sync)")
    p.add_argument("--database-url", help="PORTAL_DATABASE_URL (production profile)")
    p.add_argument("--search-backend", help="PORTAL_SEARCH_BACKEND")
    p.add_argument("--ratelimit-uri", help="PORTAL_RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/0")
    p.add_argument("--page-cache-uri", help="PORTAL_PAGE_CACHE_URI (file, none, redis://...)")
    p.add_argument("--reference-seconds", type=float, default=10,
                   help="measure a trivial Flask JSON endpoint this long before and after the mix, for the "
                        "machine's speed (0: no)")
    p.add_argument("--skip-nginx", action="store_true")
    p.add_argument("--file-mb", type=int, default=1024)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workdir", help="keep the data here (default: a temporary directory, removed)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--reuse", action="store_true", help="use the catalog an earlier run left in --workdir")
    args = p.parse_args(argv)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="portal-load-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    data_dir = work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        os.environ["PORTAL_DATABASE_URL"] = args.database_url
        # the catalog goes into that database itself, not into a test schema of it
        os.environ.pop("PORTAL_TEST_DATABASE_URL", None)
    if args.search_backend:
        os.environ["PORTAL_SEARCH_BACKEND"] = args.search_backend
    result: dict = {"profile": "production" if args.database_url else "embedded", "size": args.size,
                    "page_cache": args.page_cache_uri or os.environ.get("PORTAL_PAGE_CACHE_URI", "file"),
                    "machine": {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()}}
    try:
        saved = work / "catalog.json"
        if args.reuse and saved.exists():
            cat = json.loads(saved.read_text())
        else:
            cat = build_catalog(data_dir, args.size, args.seed, args.files)
            saved.write_text(json.dumps(cat, ensure_ascii=False))
        urls = mix_urls(cat, args.seed)
        reference(result, "reference", args, data_dir)
        forget_kept_pages(portal_env(data_dir, args))
        g = Gunicorn(portal_env(data_dir, args), data_dir / "gunicorn.log")
        try:
            api = next((c for c in API_SEARCH_CANDIDATES
                        if get("127.0.0.1", g.port, c.format(q=quote("空气质量")))[0] == 200), None)
            if api is None:  # no JSON search API in this build: the search page sorted by date instead
                api = "/dataset?q={q}&sort=modified"
            result["api_search"] = api
            urls["api_search"] = [api.format(q=quote(q)) for q in cat["queries"]]
            log(f"warming up ({api})")
            run_mix(g.port, urls, 1, 4, 5)
            result["loadavg_at_start"] = os.getloadavg()
            log(f"mix for {args.seconds:.0f}s from {args.driver} with {args.clients * args.connections} connections")
            if args.driver == "wrk":
                result["mix"] = run_wrk(g.port, urls, args.clients * args.connections, args.seconds, g,
                                        data_dir / "access.log", args.seed)
            else:
                result["mix"] = run_mix(g.port, urls, args.clients, args.connections, args.seconds, server=g)
            result["loadavg_after"] = os.getloadavg()
        finally:
            g.stop()
        m = result["mix"]
        log(f"mix: {m['rps']} req/s, median {m['median_ms']} ms, p99 {m['p99_ms']} ms, errors {m['errors']}; "
            f"CPU per request: portal {m['server_cpu_ms_per_request']} ms, load clients {m['client_cpu_ms_per_request']} ms")
        reference(result, "reference_after", args, data_dir)  # did the machine change speed during the mix?
        if not args.skip_nginx:
            first = cat["downloads"][0].split("/")
            result["download"] = big_file_bench(data_dir, args, (first[2], first[4]), work / "nginx")
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
