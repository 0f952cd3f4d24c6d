"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app` (see README, "Production").

Every value comes from a PORTAL_* environment variable with a default suited to a 2-core machine
behind nginx. Decisions (docs/decisions.md):
- threaded workers (gthread): a worker keeps answering its heartbeat while one thread receives a
  1 GB upload or sends a download, so long transfers are not killed as "silent" workers, and a few
  processes serve many connections, each holding one copy of jieba's dictionary (about 75 MB);
- the app is preloaded in the master and jieba loaded there too, so workers start in a second and
  share those pages; the database pool the master may have opened is dropped in every worker;
- the access log shows the client address ProxyFix found (PORTAL_PROXY_COUNT), and no secrets from the
  query string (portal/redact.py: a token sent as ?token=… is refused, but would be logged).
"""
import multiprocessing
import os

from gunicorn import glogging

from portal.redact import redact_query, redact_target


def _env(name, default):
    return os.environ.get(f"PORTAL_{name}", default)


bind = _env("BIND", f"{_env('HOST', '127.0.0.1')}:{_env('PORT', '8000')}")
workers = int(_env("WORKERS", str(max(2, multiprocessing.cpu_count()))))
worker_class = _env("WORKER_CLASS", "gthread")
threads = int(_env("THREADS", "4"))
preload_app = _env("PRELOAD", "1") != "0"
# Heartbeat timeout: gthread workers heartbeat while threads work, so this bounds a hung worker,
# not a long upload. A 1 GB upload from nginx's buffer arrives in seconds; direct clients on slow
# links are bounded by the (generous) request-reading timeout below instead.
timeout = int(_env("WORKER_TIMEOUT", "120"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "60"))
keepalive = int(_env("KEEPALIVE", "5"))
max_requests = int(_env("MAX_REQUESTS", "0"))  # 0: workers are not recycled
max_requests_jitter = max_requests // 10
accesslog = _env("ACCESS_LOG", "-")
errorlog = _env("ERROR_LOG", "-")
loglevel = _env("LOG_LEVEL", "info")
# %(h)s is REMOTE_ADDR after ProxyFix: the real client behind nginx. %(M)s is the time taken in ms.
access_log_format = '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'


class AccessLogger(glogging.Logger):
    """gunicorn's logger, with the atoms of the portal's access line gathered directly: the stock logger
    first copies every request header, response header and environ variable into the atoms, for a line
    that uses none of them (about 0.1 ms a request, 2% of the CPU of the load mix). Any other format
    gets the stock atoms. Either way the request line and the query string are logged with secrets redacted."""

    def atoms(self, resp, req, environ, request_time):
        if self.cfg.access_log_format != access_log_format:
            atoms = super().atoms(resp, req, environ, request_time)
            atoms["r"] = f"{environ['REQUEST_METHOD']} {redact_target(environ.get('RAW_URI', ''))} {environ['SERVER_PROTOCOL']}"
            atoms["q"] = redact_query(environ.get("QUERY_STRING") or "")
            return atoms
        status = resp.status
        return {"h": environ.get("REMOTE_ADDR", "-"), "u": self._get_user(environ) or "-", "t": self.now(),
                "r": f"{environ['REQUEST_METHOD']} {redact_target(environ['RAW_URI'])} {environ['SERVER_PROTOCOL']}",
                "s": status.split(None, 1)[0] if isinstance(status, str) else status,
                "B": getattr(resp, "sent", None), "f": environ.get("HTTP_REFERER", "-"),
                "a": environ.get("HTTP_USER_AGENT", "-"),
                "M": request_time.seconds * 1000 + request_time.microseconds // 1000}


logger_class = AccessLogger
# gunicorn itself trusts X-Forwarded-Proto only from these; ProxyFix does the rest in the app.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicornc's control socket only when asked for: a fixed default path would be shared by every
# gunicorn of the same user on the machine.
control_socket = _env("CONTROL_SOCKET", "") or "gunicorn.ctl"
control_socket_disable = not _env("CONTROL_SOCKET", "")
worker_tmp_dir = _env("WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)


def when_ready(server):
    """In the master, after the preloaded app: load jieba once so workers inherit it."""
    if preload_app:
        import gc

        from portal.search.text import _jieba

        _jieba()
        gc.freeze()  # keep the inherited objects out of the collector, so their pages stay shared


def post_fork(server, worker):
    """Each worker opens its own database connections (never the master's), and removes the
    temporary files of uploads whose worker was killed (a new worker often replaces exactly that one)."""
    if not preload_app:
        return  # the worker builds the app itself, which does both
    from portal.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
        app.extensions["storage"].sweep_temp()
