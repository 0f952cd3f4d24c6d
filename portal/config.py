"""Configuration from PORTAL_* environment variables (documented in README)."""
from __future__ import annotations

import itertools
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PORTAL_{name}", default)


def _whole(name: str, default: str) -> int:
    raw = _env(name, default) or ""
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"PORTAL_{name} must be a whole number, not {raw!r}.") from None


def _secret_key(data_dir: Path) -> str:
    """PORTAL_SECRET_KEY, or a random key kept in the data directory so sessions survive restarts."""
    key = _env("SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    return key


def _in_memory_sqlite(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


class Config:
    """Settings read once at start-up; every one has an embedded default."""

    def __init__(self) -> None:
        data_dir = Path(_env("DATA_DIR", "instance")).resolve()
        self.DATA_DIR = str(data_dir)
        self.SECRET_KEY = _secret_key(data_dir)
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{data_dir / 'portal.db'}")
        if _in_memory_sqlite(self.SQLALCHEMY_DATABASE_URI):
            raise ValueError("PORTAL_DATABASE_URL names an in-memory SQLite database, which the portal's workers "
                             "and connections cannot share: name a file (sqlite:////path/portal.db) or a server.")
        self.SEARCH_BACKEND = _env("SEARCH_BACKEND", "whoosh")
        self.SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR", str(data_dir / "index"))
        self.STORAGE_DIR = _env("STORAGE_DIR", str(data_dir / "files"))
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "worker-memory://")
        self.RATELIMIT_SEARCH = _env("RATELIMIT_SEARCH", "120/minute")
        self.RATELIMIT_DOWNLOAD = _env("RATELIMIT_DOWNLOAD", "60/minute")
        self.RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10/minute")
        self.RATELIMIT_API = _env("RATELIMIT_API", "120/minute")              # per client address
        self.RATELIMIT_API_TOKEN = _env("RATELIMIT_API_TOKEN", "600/minute")  # per API token
        self.RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") != "0"
        self.SEARCH_PAGE_SIZE = int(_env("SEARCH_PAGE_SIZE", "20"))
        # Anonymous pages kept a while; any change empties it at once, download counts may lag this long.
        self.PAGE_CACHE_SECONDS = int(_env("PAGE_CACHE_SECONDS", "60"))
        self.PAGE_CACHE_MB = int(_env("PAGE_CACHE_MB", "64"))  # per process, in memory
        # Shared by every worker: "file" (under DATA_DIR/cache/pages, the workers of one machine),
        # a redis:// URL (every machine), or "none" (each process renders its own).
        self.PAGE_CACHE_URI = _env("PAGE_CACHE_URI", "file")
        self.SITE_NAME = _env("SITE_NAME", "内蒙古自治区公共数据开放平台")
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = ["zh_CN", "en"]
        # A pooled connection to a server database is checked before it is reused, so service resumes after
        # the database restarts: by its socket (extensions._still_connected), not by pool_pre_ping's round trip.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env("SECURE_COOKIES", "0") == "1"
        # Uploads stream to disk; the file limit, plus room for the form around a multipart upload.
        self.UPLOAD_MAX_BYTES = int(_env("MAX_UPLOAD_MB", "1100")) * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.UPLOAD_MAX_BYTES + 1024 * 1024
        self.REVIEW_WORKDAYS = int(_env("REVIEW_WORKDAYS", "5"))  # R2024 §11
        # Complaints, corrections, reports (SPEC §4): deadlines in workdays, evidence limits, complaint rate.
        self.COMPLAINT_WORKDAYS = int(_env("COMPLAINT_WORKDAYS", "10"))
        self.CORRECTION_WORKDAYS = int(_env("CORRECTION_WORKDAYS", "10"))  # SZ §19, R2018 §21
        self.REPORT_WORKDAYS = int(_env("REPORT_WORKDAYS", "10"))
        self.EVIDENCE_MAX_BYTES = int(_env("EVIDENCE_MAX_MB", "10")) * 1024 * 1024
        self.RATELIMIT_COMPLAINT = _env("RATELIMIT_COMPLAINT", "5/day")  # per account
        self.BACKUP_KEY = _env("BACKUP_KEY")  # encrypts `flask portal backup` archives (R2024 §35)
        self.ACCESS_LOG_RETENTION_DAYS = int(_env("ACCESS_LOG_RETENTION_DAYS", "730"))  # at least 2 years, R2018 §24
        # Conditional-open applications (SZ §25, R2024 §28, §36)
        self.APPLICATION_WORKDAYS = int(_env("APPLICATION_WORKDAYS", "10"))
        self.APPLICATION_MAX_DAYS = int(_env("APPLICATION_MAX_DAYS", "365"))
        self.APPLICATION_CLOCK = _env("APPLICATION_CLOCK", "pause")  # pause | restart (see docs/decisions.md)
        self.APPLICATION_ATTACHMENT_MB = int(_env("APPLICATION_ATTACHMENT_MB", "10"))
        self.USAGE_REPORT_DAYS = int(_env("USAGE_REPORT_DAYS", "90"))
        # Links in e-mails, and mail delivery of notices (no SMTP host: inbox only)
        self.BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
        self.SMTP_HOST = _env("SMTP_HOST", "")
        self.SMTP_PORT = int(_env("SMTP_PORT", "25"))
        self.SMTP_USER = _env("SMTP_USER", "")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD", "")
        self.SMTP_FROM = _env("SMTP_FROM", "noreply@localhost")
        self.SMTP_STARTTLS = _env("SMTP_STARTTLS", "0") == "1"
        # Registration and complaint safeguards (docs/security.md; checked at start-up by
        # feedback.safeguards.check_settings): confirmation links, limits per address and portal-wide,
        # and the burst rule: more than BURST_COUNT complaints in BURST_MINUTES holds those of accounts
        # younger than BURST_NEW_ACCOUNT_DAYS for a decision within BURST_HOLD_WORKDAYS.
        self.EMAIL_CONFIRM_HOURS = _whole("EMAIL_CONFIRM_HOURS", "48")
        self.RATELIMIT_REGISTER = _env("RATELIMIT_REGISTER", "5/hour")                # per client address
        self.RATELIMIT_REGISTER_GLOBAL = _env("RATELIMIT_REGISTER_GLOBAL", "100/hour")
        self.RATELIMIT_COMPLAINT_ADDR = _env("RATELIMIT_COMPLAINT_ADDR", "10/day")    # per client address
        self.RATELIMIT_COMPLAINT_GLOBAL = _env("RATELIMIT_COMPLAINT_GLOBAL", "20/hour")  # established accounts exempt
        self.COMPLAINT_BURST_COUNT = _whole("COMPLAINT_BURST_COUNT", "5")
        self.COMPLAINT_BURST_MINUTES = _whole("COMPLAINT_BURST_MINUTES", "1440")
        self.COMPLAINT_BURST_NEW_ACCOUNT_DAYS = _whole("COMPLAINT_BURST_NEW_ACCOUNT_DAYS", "7")
        self.COMPLAINT_BURST_HOLD_WORKDAYS = _whole("COMPLAINT_BURST_HOLD_WORKDAYS", "1")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Reverse proxies in front of the portal (nginx: 1). Their X-Forwarded-For/-Proto are trusted
        # so that rate limits and access events see the visitor's address; 0 trusts none.
        self.PROXY_COUNT = int(_env("PROXY_COUNT", "0"))
        # Downloads handed to nginx: the internal location that maps to STORAGE_DIR, e.g. "/_files/".
        self.ACCEL_REDIRECT_PREFIX = _env("ACCEL_REDIRECT_PREFIX", "") or ""
        self.TESTING = False


class TestConfig(Config):
    """Isolated settings for the tests: a temporary data directory, no rate limits unless asked."""

    def __init__(self, data_dir: str | Path, **overrides: object) -> None:
        os.environ.setdefault("PORTAL_SECRET_KEY", "test-secret")
        old = os.environ.get("PORTAL_DATA_DIR")
        os.environ["PORTAL_DATA_DIR"] = str(data_dir)
        try:
            super().__init__()
        finally:
            if old is None:
                del os.environ["PORTAL_DATA_DIR"]
            else:
                os.environ["PORTAL_DATA_DIR"] = old
        if "PORTAL_TEST_DATABASE_URL" in os.environ:
            self.SQLALCHEMY_DATABASE_URI = os.environ["PORTAL_TEST_DATABASE_URL"]
            if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
                # A fresh schema per app, first on the search path: each test sees an empty database.
                # Another process of the same test (a worker, a writer) passes TEST_SCHEMA to share it.
                shared = overrides.pop("TEST_SCHEMA", None)
                self.TEST_SCHEMA = str(shared) if shared else _fresh_pg_schema(self.SQLALCHEMY_DATABASE_URI)
                self.SQLALCHEMY_ENGINE_OPTIONS = {
                    **self.SQLALCHEMY_ENGINE_OPTIONS,
                    "connect_args": {"options": f"-c search_path={self.TEST_SCHEMA},public"}}
        if "PORTAL_TEST_REDIS_URL" in os.environ:
            self.RATELIMIT_STORAGE_URI = self.PAGE_CACHE_URI = os.environ["PORTAL_TEST_REDIS_URL"]
        # Limits are counted apart for every test app, also in a shared Redis.
        self.RATELIMIT_KEY_PREFIX = f"t{os.getpid()}-{next(_test_apps)}"
        self.TESTING = True
        # The limiter is one object per process, so every test app keeps it enabled (the last
        # init_app wins) and gets limits no test reaches, unless a test asks for tight ones.
        self.RATELIMIT_SEARCH = self.RATELIMIT_DOWNLOAD = self.RATELIMIT_LOGIN = "100000/minute"
        self.RATELIMIT_COMPLAINT = "100000/minute"
        self.RATELIMIT_REGISTER = self.RATELIMIT_REGISTER_GLOBAL = "100000/minute"
        self.RATELIMIT_COMPLAINT_ADDR = self.RATELIMIT_COMPLAINT_GLOBAL = "100000/minute"
        self.RATELIMIT_API = self.RATELIMIT_API_TOKEN = "100000/minute"
        for key, value in overrides.items():
            setattr(self, key, value)


_test_apps = itertools.count(1)


def _fresh_pg_schema(url: str) -> str:
    """Create an empty schema for one test app in the test database (PostgreSQL production profile)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = f"test_{os.getpid()}_{next(_test_apps)}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name


def shared_database_env(config) -> dict[str, str]:
    """Environment for a server or command in another process that must use this test app's database:
    the PostgreSQL schema on the search path of PORTAL_DATABASE_URL (nothing for the embedded SQLite
    database, which the data directory already locates)."""
    name = config.get("TEST_SCHEMA")
    if not name:
        return {}
    from sqlalchemy.engine import make_url

    url = make_url(config["SQLALCHEMY_DATABASE_URI"]).update_query_dict({"options": f"-c search_path={name},public"})
    env = {"PORTAL_DATABASE_URL": url.render_as_string(hide_password=False)}
    if config.get("SEARCH_BACKEND"):
        env["PORTAL_SEARCH_BACKEND"] = config["SEARCH_BACKEND"]
    return env


def drop_test_schema(config) -> None:
    """Drop the schema a TestConfig created (app.config; after the app's engine was disposed)."""
    name = config.get("TEST_SCHEMA")
    if not name:
        return
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(config["SQLALCHEMY_DATABASE_URI"])
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
