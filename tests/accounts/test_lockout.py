"""Guessing passwords over HTTP: the per-address rate limit holds until its window passes, and one account
is locked after 5 failed logins, for 1, 2, 4… minutes up to 15, without keeping its owner out."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.accounts import lockout
from portal.extensions import db
from portal.models_base import utcnow
from tests.conftest import PASSWORD, build_app, post_form

WRONG = "Wrong-Passw0rd!"


def attempt(client, email: str, password: str, **kwargs):
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def waits(response, seconds: int) -> bool:
    """A 429 saying to come back after `seconds` (Flask-Limiter rewrites Retry-After and rounds it down)."""
    return response.status_code == 429 and seconds - 1 <= int(response.headers["Retry-After"]) <= seconds


@pytest.fixture()
def clock(monkeypatch):
    """The lock-out's clock, moved on by hand."""
    class Clock:
        at = utcnow()

        def advance(self, **delta) -> None:
            self.at += timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(lockout, "now", lambda: c.at)
    return c


def test_after_a_429_the_correct_password_waits_for_the_window(tmp_path, monkeypatch):
    app = build_app(tmp_path, RATELIMIT_LOGIN="3/minute", RATELIMIT_STORAGE_URI="worker-memory://")
    with app.app_context():
        from portal.accounts.services import create_staff_user

        create_staff_user("user@example.cn", "数据用户", PASSWORD, "data_user")
        db.session.remove()
    client = app.test_client()
    codes = [attempt(client, f"guess{i}@example.cn", WRONG).status_code for i in range(3)]
    assert codes == [422, 422, 422]
    refused = attempt(client, "user@example.cn", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    assert client.get("/account").status_code == 302  # not logged in
    import portal.machinery.limit_storage as storage

    later = storage.time.time() + 61
    monkeypatch.setattr(storage.time, "time", lambda: later)
    assert attempt(client, "user@example.cn", PASSWORD).status_code == 302


def test_five_failures_lock_the_account_even_against_the_correct_password(app, users, clock):
    attacker = app.test_client()
    assert [attempt(attacker, "user@example.cn", WRONG).status_code for _ in range(5)] == [422] * 5
    refused = attempt(attacker, "user@example.cn", PASSWORD)
    assert waits(refused, 60) and "登录失败次数过多" in refused.get_data(as_text=True)
    # another browser (no earlier login here) is locked out as well: the lock is the account's
    assert attempt(app.test_client(), "user@example.cn", PASSWORD).status_code == 429
    clock.advance(seconds=61)
    assert attempt(app.test_client(), "user@example.cn", PASSWORD).status_code == 302
    # a success forgets the failures: five more are needed for the next lock
    assert [attempt(attacker, "user@example.cn", WRONG).status_code for _ in range(5)] == [422] * 5
    assert attempt(attacker, "user@example.cn", WRONG).status_code == 429


def test_the_lock_doubles_with_each_further_failure_up_to_15_minutes(app, users, clock):
    attacker = app.test_client()
    for _ in range(5):
        attempt(attacker, "user@example.cn", WRONG)
    for minutes in (1, 2, 4, 8, 15, 15):
        assert waits(attempt(attacker, "user@example.cn", WRONG), minutes * 60)
        clock.advance(minutes=minutes)
        assert attempt(attacker, "user@example.cn", WRONG).status_code == 422  # one guess after each lock


def test_an_unregistered_address_is_locked_just_the_same(app, users, clock):
    """The lock does not tell whether an account exists."""
    client = app.test_client()
    answers = [attempt(client, "nobody@example.cn", WRONG) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [422] * 5 and waits(answers[5], 60)
    other = app.test_client()
    for _ in range(5):
        attempt(other, "user@example.cn", WRONG)
    assert attempt(other, "user@example.cn", WRONG).get_data(as_text=True).count("登录失败次数过多") == \
        answers[5].get_data(as_text=True).count("登录失败次数过多")


def test_the_owners_browser_is_not_kept_out_by_an_attackers_lock(app, users, clock):
    owner, attacker = app.test_client(), app.test_client()
    assert attempt(owner, "user@example.cn", PASSWORD).status_code == 302  # sets the device cookie
    owner.post("/logout", data={"csrf_token": _csrf(owner)})
    for _ in range(8):
        attempt(attacker, "user@example.cn", WRONG)
    assert attempt(attacker, "user@example.cn", PASSWORD).status_code == 429
    assert attempt(owner, "user@example.cn", PASSWORD).status_code == 302
    # the device cookie is for this address only, and forged ones do not count
    other = app.test_client()
    for _ in range(5):
        attempt(other, "staff@example.cn", WRONG)
    assert attempt(owner, "staff@example.cn", PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie("portal_device", owner.get_cookie("portal_device", path="/login").value + "x", path="/login")
    for _ in range(5):
        attempt(attacker, "user@example.cn", WRONG)
    assert attempt(forged, "user@example.cn", PASSWORD).status_code == 429


def test_the_device_cookie_is_sent_to_the_login_page_only(app, users):
    client = app.test_client()
    r = attempt(client, "user@example.cn", PASSWORD)
    device = [c for c in r.headers.getlist("Set-Cookie") if c.startswith("portal_device=")]
    assert len(device) == 1 and "Path=/login" in device[0] and "HttpOnly" in device[0]


def _csrf(client) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
