"""Keys: a weak session key lets anyone forge an administrator's session, so production refuses to start
with one; cookies forged with any other key are rejected; citizen ID numbers are hashed with their own key."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from itsdangerous import URLSafeTimedSerializer

from portal.accounts.models import User
from portal.config import Config
from portal.deployment import MAKE_A_KEY, ConfigurationError, key_problem
from portal.extensions import db
from tests.conftest import PASSWORD, build_app, post_form

STRONG = "q3Jx9vH2kLr7TmN0pWc5sYb8dFg1zAe4uKi6oQh-VjXnRt"
OTHER_STRONG = "Zp4Lw8Ny2Bq6Hs0Df3Gk7Mt1Rv5Xc9Ja-Ue_TiOoPlWmKn"
AUDIT_STRONG = "Hc7Vb3Nm9Qw2Er5Ty8Ui1Op4As6Df0Gh-Jk_LzXcVbNmQw"
CITIZEN_ID = "11010519491231002X"
PERSON = {"kind": "person", "name": "张三", "email": "zhangsan@example.cn", "password": PASSWORD,
          "password2": PASSWORD, "citizen_id": CITIZEN_ID, "uscc": "", "consent": "y"}


def forge_session(key: str, data: dict) -> str:
    """A session cookie signed the standard way, as Flask's SecureCookieSessionInterface signs it."""
    return URLSafeTimedSerializer(key, salt="cookie-session",
                                  signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1}).dumps(data)


def _admin_app(tmp_path, key: str):
    app = build_app(tmp_path, SECRET_KEY=key)
    with app.app_context():
        from portal.accounts.services import create_staff_user

        admin = create_staff_user("admin@example.cn", "管理员", PASSWORD, "admin")
        token = admin.get_session_token()
        db.session.remove()
    return app, token


def _opens_audit_log(app, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie("session", cookie)
    r = client.get("/console/audit")
    assert r.status_code in (200, 302), r.status_code
    return r.status_code == 200


def test_with_a_weak_key_anyone_can_forge_the_administrator_session(tmp_path):
    """Why production refuses weak keys: whoever knows the key signs any session they like."""
    app, token = _admin_app(tmp_path, "x")
    assert _opens_audit_log(app, forge_session("x", {"_user_id": token}))


@pytest.fixture()
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", STRONG)
    monkeypatch.setenv("PORTAL_IDENTIFIER_KEY", OTHER_STRONG)
    monkeypatch.setenv("PORTAL_AUDIT_KEY", AUDIT_STRONG)
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    return monkeypatch


@pytest.mark.parametrize("name", ["SECRET_KEY", "IDENTIFIER_KEY", "AUDIT_KEY"])
@pytest.mark.parametrize("weak", ["x", "secret", "changeme", "dev", "test-secret", "Test-Secret",
                                  "a-short-key-of-31-bytes-xxxxxxx", "ab" * 20, ""])
def test_production_refuses_to_start_with_a_weak_or_missing_key(production_env, name, weak):
    if weak:
        production_env.setenv(f"PORTAL_{name}", weak)
    else:
        production_env.delenv(f"PORTAL_{name}")
    with pytest.raises(ConfigurationError) as refused:
        Config()
    assert f"PORTAL_{name}" in str(refused.value) and MAKE_A_KEY in str(refused.value)


def test_production_is_implied_by_a_server_database(production_env):
    production_env.delenv("PORTAL_ENV")
    production_env.setenv("PORTAL_SECRET_KEY", "x")
    production_env.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://portal@127.0.0.1:1/portal")
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY is a well-known example value"):
        Config()


def test_production_refuses_one_key_for_both_purposes(production_env):
    production_env.setenv("PORTAL_IDENTIFIER_KEY", STRONG)
    with pytest.raises(ConfigurationError, match="are the same key"):
        Config()


def test_production_refuses_the_audit_key_for_another_purpose(production_env):
    production_env.setenv("PORTAL_AUDIT_KEY", STRONG)
    with pytest.raises(ConfigurationError, match="PORTAL_AUDIT_KEY and PORTAL_SECRET_KEY are the same key"):
        Config()


def test_production_starts_with_strong_keys_and_keeps_none_on_disk(production_env, tmp_path):
    config = Config()
    assert (config.PORTAL_ENV, config.SECRET_KEY, config.IDENTIFIER_KEY) == ("production", STRONG, OTHER_STRONG)
    assert config.AUDIT_KEY == AUDIT_STRONG
    assert not (tmp_path / "secret_key").exists() and not (tmp_path / "identifier_key").exists()
    assert not (tmp_path / "audit_key").exists()


def test_development_makes_two_random_keys_and_keeps_them(monkeypatch, tmp_path):
    """`make run` (flask on the embedded SQLite database) needs no key: each is made once and kept."""
    monkeypatch.delenv("PORTAL_ENV")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    for name in ("SECRET_KEY", "IDENTIFIER_KEY", "AUDIT_KEY", "DATABASE_URL"):
        monkeypatch.delenv(f"PORTAL_{name}", raising=False)
    first, again = Config(), Config()
    assert first.PORTAL_ENV == "development"
    assert key_problem(first.SECRET_KEY) is None and key_problem(first.IDENTIFIER_KEY) is None
    assert first.SECRET_KEY != first.IDENTIFIER_KEY
    assert (again.SECRET_KEY, again.IDENTIFIER_KEY) == (first.SECRET_KEY, first.IDENTIFIER_KEY)
    assert (tmp_path / "identifier_key").stat().st_mode & 0o077 == 0  # readable by the portal's user only


def test_an_unknown_environment_name_is_refused(production_env):
    production_env.setenv("PORTAL_ENV", "prod")
    with pytest.raises(ConfigurationError, match="neither 'development' nor 'production'"):
        Config()


def test_a_cookie_forged_with_another_key_is_rejected(tmp_path):
    app, token = _admin_app(tmp_path, STRONG)
    for guess in ("x", "secret", "test-secret", OTHER_STRONG):
        assert not _opens_audit_log(app, forge_session(guess, {"_user_id": token}))
    # a bare user id, as sessions held before session versions, is not accepted even with the right key
    assert not _opens_audit_log(app, forge_session(STRONG, {"_user_id": token.split(":")[0]}))
    assert _opens_audit_log(app, forge_session(STRONG, {"_user_id": token}))  # the recipe itself is right


def _registered_hash(tmp_path, name: str, secret_key: str, identifier_key: str) -> str:
    app = build_app(tmp_path / name, SECRET_KEY=secret_key, IDENTIFIER_KEY=identifier_key)
    r = post_form(app.test_client(), "/register", PERSON)
    assert r.status_code == 302
    with app.app_context():
        return db.session.query(User).filter_by(email=PERSON["email"]).one().citizen_id_hash


def test_citizen_id_hash_follows_the_identifier_key_not_the_session_key(tmp_path):
    base = _registered_hash(tmp_path, "a", STRONG, OTHER_STRONG)
    assert _registered_hash(tmp_path, "b", "another session key, just as long as it must be", OTHER_STRONG) == base
    assert _registered_hash(tmp_path, "c", STRONG, "another identifier key, just as long as the rest") != base
    assert base == hmac.new(OTHER_STRONG.encode(), CITIZEN_ID.encode(), hashlib.sha256).hexdigest()
    assert base != hmac.new(STRONG.encode(), CITIZEN_ID.encode(), hashlib.sha256).hexdigest()


def test_migration_remasks_stored_numbers_and_empties_hashes_made_with_the_session_key(tmp_path):
    """Hashes keyed by the session key cannot be re-keyed (the numbers are not stored): they go, and the
    masks kept before (area code and sequence number visible) are narrowed to 2 + 2 characters."""
    import os
    import sqlite3
    import subprocess
    import sys

    from tests.test_migrations import ROOT

    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}

    def flask_db(*args: str) -> None:
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr

    flask_db("upgrade", "0008_pg_search_postings")
    with sqlite3.connect(tmp_path / "p.db") as conn:
        conn.execute("INSERT INTO users (email, name, password_hash, role, kind, citizen_id_masked, citizen_id_hash, "
                     "active, created_at) VALUES ('p@example.cn', '张三', 'x', 'data_user', 'person', "
                     "'110105********002X', ?, 1, '2026-01-01 00:00:00')", ("ab" * 32,))
    flask_db("upgrade")
    with sqlite3.connect(tmp_path / "p.db") as conn:
        row = conn.execute("SELECT citizen_id_masked, citizen_id_hash, session_version FROM users").fetchone()
    assert row == ("11**************2X", None, 0)
