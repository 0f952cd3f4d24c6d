"""Registration, login, logout, CSRF and cookies over HTTP."""
from __future__ import annotations

import re

import pytest

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import PASSWORD, build_app, link_in, login, mails_to, post_form

PERSON = {"kind": "person", "name": "张三", "email": "zhangsan@example.cn", "password": PASSWORD,
          "password2": PASSWORD, "citizen_id": "11010519491231002X", "uscc": "",
          "consent": "y"}


def test_person_registers_with_checked_id_stored_masked(app, client):
    r = post_form(client, "/register", PERSON)
    assert r.status_code == 302 and r.headers["Location"] == "/register/sent"
    assert "请查收确认邮件" in client.get("/register/sent").get_data(as_text=True)
    user = db.session.query(User).filter_by(email="zhangsan@example.cn").one()
    assert user.kind == "person" and user.role == "data_user"
    assert user.citizen_id_masked == "11**************2X"
    assert "11010519491231002X" not in (user.citizen_id_hash or "") and len(user.citizen_id_hash) == 64
    # hashed with the configured method (scrypt in the portal's configuration: tests/accounts/test_passwords.py)
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0] + ":")
    assert user.email_confirmed_at is None
    assert db.session.query(AuditEvent).filter_by(action="user.register").count() == 1
    # not signed in by registering: the owner of the address confirms it first, then logs in
    assert client.get("/account").status_code == 302
    (mail,) = mails_to(app, "zhangsan@example.cn")
    r = client.get(link_in(mail[2], "/register/confirm/"))
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    login(client, "zhangsan@example.cn")
    html = client.get("/account").get_data(as_text=True)
    assert "11**************2X" in html and "11010519491231002X" not in html and "110105" not in html
    assert 'id="email-confirmed"' in html


@pytest.mark.parametrize("field,value,message", [
    ("citizen_id", "110105194912310021", "校验码"),
    ("citizen_id", "1101051949", "18"),
    ("citizen_id", "", "请填写公民身份号码"),
    ("password", "short1A!", "10"),
    ("password", "alllowercaseletters", "三种"),
    ("email", "not-an-email", "电子邮箱"),
])
def test_registration_errors_are_shown_on_the_field_and_nothing_is_stored(app, client, field, value, message):
    data = {**PERSON, field: value}
    if field == "password":
        data["password2"] = value
    r = post_form(client, "/register", data)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html.split(f'id="{field}-error"')[1][:300]
    assert db.session.query(User).count() == 0
    assert app.extensions["mail_outbox"] == []


def test_organisation_needs_a_valid_uscc(app, client):
    org = {**PERSON, "kind": "legal_person", "name": "呼和浩特市某某科技有限公司", "email": "org@example.cn",
           "citizen_id": ""}
    r = post_form(client, "/register", {**org, "uscc": ""})
    assert r.status_code == 422 and 'id="uscc-error"' in r.get_data(as_text=True)
    r = post_form(client, "/register", {**org, "uscc": "91350100M000100Y44"})
    assert r.status_code == 422 and "校验码" in r.get_data(as_text=True)
    r = post_form(client, "/register", {**org, "uscc": "91350100M000100Y43"})
    assert r.status_code == 302
    assert db.session.query(User).filter_by(email="org@example.cn").one().uscc == "91350100M000100Y43"
    # the same code again (lower case): the same answer, no second account, and both addresses are told
    r = post_form(client, "/register", {**org, "email": "org2@example.cn", "uscc": "91350100m000100y43"})
    assert r.status_code == 302 and r.headers["Location"] == "/register/sent"
    assert db.session.query(User).filter_by(uscc="91350100M000100Y43").count() == 1
    assert db.session.query(User).filter_by(email="org2@example.cn").count() == 0
    assert "统一社会信用代码" in mails_to(app, "org@example.cn")[-1][1]
    assert "未创建账户" in mails_to(app, "org2@example.cn")[0][1]


def test_login_logout_and_cookie_flags(app, client, users):
    r = post_form(client, "/login", {"email": "user@example.cn", "password": "wrong-Passw0rd"})
    assert r.status_code == 422 and "电子邮箱或密码错误" in r.get_data(as_text=True)
    r = login(client, "USER@example.cn")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "数据用户" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # no CSRF token: refused, still logged in
    assert client.get("/account").status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302


def test_login_redirects_only_within_the_site(app, client, users):
    r = post_form(client, "/login?next=https://evil.example/", {"email": "user@example.cn", "password": PASSWORD})
    assert r.headers["Location"] == "/"
    client.post("/logout")
    c2 = client.application.test_client()
    r = post_form(c2, "/login?next=/account", {"email": "user@example.cn", "password": PASSWORD})
    assert r.headers["Location"] == "/account"


def test_secure_cookies_when_configured(tmp_path):
    app = build_app(tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        from portal.accounts.services import create_staff_user

        create_staff_user("a@example.cn", "甲", PASSWORD, "data_user")
    r = login(app.test_client(), "a@example.cn")
    assert "Secure" in r.headers["Set-Cookie"]


def test_login_is_rate_limited(tmp_path):
    app = build_app(tmp_path, RATELIMIT_LOGIN="3/minute")
    client = app.test_client()
    codes = [post_form(client, "/login", {"email": "x@example.cn", "password": "Wrong-passw0rd"}).status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429]
