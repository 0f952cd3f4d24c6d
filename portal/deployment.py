"""What kind of deployment the portal runs in, and the start-up checks that depend on it.

`PORTAL_ENV` is `development` or `production`. Unset, it is `production` when the database is a server
(PostgreSQL) or the app is being loaded by gunicorn, and `development` otherwise: `make run`, `flask run`
and the `flask` commands on the embedded SQLite database. The tests' own configuration is `testing`.

In production the portal refuses to start with a missing, short or known-weak PORTAL_SECRET_KEY or
PORTAL_IDENTIFIER_KEY, with one key used for both, or with several gunicorn workers that would each count
rate limits (logins included) in their own memory. In development and tests a missing key is made at
random and kept in the data directory, and any key given is taken as it is (docs/security.md).
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from .machinery.gunicorn import gunicorn_workers

DEVELOPMENT, PRODUCTION, TESTING = "development", "production", "testing"
MIN_KEY_BYTES = 32
MIN_KEY_DISTINCT_CHARS = 8  # "aaaa…" or "abab…" are long but guessable
# Keys seen in examples, tutorials and this project's own tests and benchmarks; compared in lower case.
WEAK_KEYS = frozenset({
    "x", "dev", "test", "secret", "changeme", "change-me", "change_me", "test-secret", "bench-secret",
    "secret-key", "secret_key", "secretkey", "mysecret", "password", "development", "production", "portal",
    "your-secret-key", "replace-me", "changeit", "default", "flask", "please-change-me",
})
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
MEMORY_SCHEMES = ("memory", "worker-memory")


class ConfigurationError(ValueError):
    """A setting that the portal refuses to start with; the message says how to fix it."""


def environment(database_url: str, env_value: str | None) -> str:
    """`development` or `production`: PORTAL_ENV when set, else production on a server database or gunicorn."""
    value = (env_value or "").strip().lower()
    if value in (DEVELOPMENT, PRODUCTION):
        return value
    if value:
        raise ConfigurationError(f"PORTAL_ENV={env_value!r} is neither 'development' nor 'production'.")
    from sqlalchemy.engine import make_url

    if make_url(database_url).get_backend_name() != "sqlite" or gunicorn_workers() is not None:
        return PRODUCTION
    return DEVELOPMENT


def key_problem(key: str | None) -> str | None:
    """Why a key is too weak to sign sessions or key hashes in production, or None when it is acceptable."""
    if not key:
        return "is not set"
    if key.strip().lower() in WEAK_KEYS:
        return "is a well-known example value"
    if len(key.encode("utf-8")) < MIN_KEY_BYTES:
        return f"is shorter than {MIN_KEY_BYTES} bytes"
    if len(set(key)) < MIN_KEY_DISTINCT_CHARS:
        return f"has fewer than {MIN_KEY_DISTINCT_CHARS} different characters"
    return None


def key(name: str, given: str | None, kept_file: Path, env: str) -> str:
    """The key PORTAL_<name>: in production checked (ConfigurationError when weak); elsewhere the given one,
    or a random one kept in `kept_file` so that sessions and hashes survive restarts."""
    if env == PRODUCTION:
        problem = key_problem(given)
        if problem:
            raise ConfigurationError(
                f"PORTAL_{name} {problem}. In production (PORTAL_ENV=production, a PostgreSQL database or "
                f"gunicorn) the portal needs a random key of at least {MIN_KEY_BYTES} bytes. Make one with\n"
                f"    {MAKE_A_KEY}\n"
                f"and set it as PORTAL_{name}, the same on every machine (docs/security.md).")
        return given  # type: ignore[return-value]
    if given:
        return given
    if kept_file.exists():
        return _read_kept(kept_file)
    kept_file.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(48)
    try:  # several processes starting at once keep the first key written; only the portal's user reads it
        fd = os.open(kept_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_kept(kept_file)
    with os.fdopen(fd, "w") as f:
        f.write(made)
    return made


def _read_kept(kept_file: Path) -> str:
    """A kept key, waiting a moment for the process that has just created the file to write it."""
    for _ in range(100):
        value = kept_file.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise ConfigurationError(f"{kept_file} is empty: remove it, and a new key is made at the next start.")


def check_separate_keys(env: str, **keys: str) -> None:
    """In production each key (PORTAL_<name>=value) must differ from the others: each protects something else
    (the session key signs cookies, the identifier key hashes ID numbers, the audit key keys the audit chain)."""
    if env != PRODUCTION:
        return
    names = sorted(keys)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if keys[first] == keys[second]:
                raise ConfigurationError(
                    f"PORTAL_{first} and PORTAL_{second} are the same key: whoever holds one could then do what the "
                    f"other guards (sign sessions, test guesses of ID numbers, rewrite the audit chain). Make "
                    f"another key with\n    {MAKE_A_KEY}")


def check_limit_storage(config, logger) -> None:
    """Several gunicorn workers must count rate limits in one shared store: each worker's own memory would
    multiply every limit (logins too) by the number of workers. Refused in production, a warning elsewhere."""
    workers = gunicorn_workers()
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not workers or workers < 2 or not config.get("RATELIMIT_ENABLED", True) \
            or uri.split(":", 1)[0] not in MEMORY_SCHEMES:
        return
    message = (f"gunicorn runs {workers} workers and PORTAL_RATELIMIT_STORAGE_URI={uri} counts rate limits in "
               f"each worker's own memory, so every limit, logins included, would allow {workers} times as many "
               "requests. Set PORTAL_RATELIMIT_STORAGE_URI to a Redis server shared by all workers "
               "(e.g. redis://127.0.0.1:6379/0), or run a single worker (PORTAL_WORKERS=1 or gunicorn -w 1).")
    if config.get("PORTAL_ENV") == PRODUCTION:
        raise ConfigurationError(message)
    logger.warning("%s (Allowed because PORTAL_ENV is %s.)", message, config.get("PORTAL_ENV"))
