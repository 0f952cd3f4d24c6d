"""Passwords are kept as scrypt hashes by the portal's own configuration; the tests use a cheap method."""
from __future__ import annotations

from flask import Flask
from werkzeug.security import check_password_hash

from portal.accounts.services import hash_password
from portal import config as settings


def test_the_portals_configuration_hashes_passwords_with_scrypt(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "k" * 48)
    config = settings.Config()
    assert config.PASSWORD_HASH_METHOD == "scrypt"
    monkeypatch.setenv("PORTAL_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")  # not a setting: ignored
    assert settings.Config().PASSWORD_HASH_METHOD == "scrypt"
    app = Flask(__name__)
    app.config.from_object(config)
    with app.app_context():
        hashed = hash_password("Correct-Horse-9")
    assert hashed.startswith("scrypt:") and check_password_hash(hashed, "Correct-Horse-9")


def test_only_the_test_configuration_uses_a_cheap_hash(tmp_path):
    assert settings.TestConfig(tmp_path).PASSWORD_HASH_METHOD.startswith("pbkdf2:")
