"""Ending sessions: a copy of a session (or remember-me) cookie taken earlier opens nothing after logging out,
changing the password or being deactivated by an administrator."""
from __future__ import annotations

import re

from flask_login.utils import encode_cookie

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import PASSWORD, login, post_form

NEW_PASSWORD = "Another-Passw0rd?"


def _csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def _logged_in(client) -> bool:
    r = client.get("/account")
    assert r.status_code in (200, 302)
    return r.status_code == 200


def _browser_with(app, **cookies):
    """Another browser holding copies of these cookies (what a thief would replay)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def test_a_session_cookie_copied_before_logout_opens_nothing_after(app, client, users):
    login(client, "user@example.cn")
    stolen = client.get_cookie("session").value
    assert _logged_in(_browser_with(app, session=stolen))  # the copy works while the session lasts
    assert client.post("/logout", data={"csrf_token": _csrf(client)}).status_code == 302
    assert not _logged_in(client)
    assert not _logged_in(_browser_with(app, session=stolen))


def test_logging_out_ends_the_sessions_in_every_browser(app, users):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "user@example.cn")
    login(phone, "user@example.cn")
    phone.post("/logout", data={"csrf_token": _csrf(phone)})
    assert not _logged_in(laptop)
    login(laptop, "user@example.cn")  # and logging in again works
    assert _logged_in(laptop)


def test_a_remember_me_cookie_taken_before_logout_opens_nothing_after(app, client, users):
    login(client, "user@example.cn")
    user = db.session.query(User).filter_by(email="user@example.cn").one()
    remember = encode_cookie(user.get_session_token())  # as Flask-Login sets it, signed with the app's key
    assert _logged_in(_browser_with(app, remember_token=remember))
    client.post("/logout", data={"csrf_token": _csrf(client)})
    assert not _logged_in(_browser_with(app, remember_token=remember))


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "user@example.cn")
    login(elsewhere, "user@example.cn")
    stolen = here.get_cookie("session").value
    r = post_form(here, "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                               "password2": NEW_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    assert _logged_in(here)
    assert not _logged_in(elsewhere)
    assert not _logged_in(_browser_with(app, session=stolen))
    assert post_form(app.test_client(), "/login", {"email": "user@example.cn", "password": PASSWORD}).status_code == 422
    login(app.test_client(), "user@example.cn", NEW_PASSWORD)
    assert db.session.query(AuditEvent).filter_by(action="user.password_change").count() == 1


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "user@example.cn")
    login(elsewhere, "user@example.cn")
    r = post_form(here, "/account/password", {"current_password": "Wrong-Passw0rd", "password": NEW_PASSWORD,
                                               "password2": NEW_PASSWORD})
    assert r.status_code == 422 and 'id="current_password-error"' in r.get_data(as_text=True)
    r = post_form(here, "/account/password", {"current_password": PASSWORD, "password": "short",
                                               "password2": "short"})
    assert r.status_code == 422 and 'id="password-error"' in r.get_data(as_text=True)
    assert _logged_in(here) and _logged_in(elsewhere)
    login(app.test_client(), "user@example.cn", PASSWORD)


def test_deactivation_by_an_administrator_ends_the_sessions_of_the_account(app, users):
    user_browser, admin = app.test_client(), app.test_client()
    login(user_browser, "user@example.cn")
    stolen = user_browser.get_cookie("session").value
    login(admin, "admin@example.cn")
    user_id = users["data_user"].id
    page = admin.get("/console/users").get_data(as_text=True)
    assert "user@example.cn" in page and f"/console/users/{user_id}/deactivate" in page
    r = admin.post(f"/console/users/{user_id}/deactivate", data={"csrf_token": _csrf(admin)})
    assert r.status_code == 302
    assert not _logged_in(user_browser)
    assert not _logged_in(_browser_with(app, session=stolen))
    assert post_form(app.test_client(), "/login", {"email": "user@example.cn", "password": PASSWORD}).status_code == 422
    assert db.session.query(AuditEvent).filter_by(action="user.deactivate", object_id=str(user_id)).count() == 1
    # reactivated, the account logs in again; the sessions ended stay ended
    assert admin.post(f"/console/users/{user_id}/reactivate", data={"csrf_token": _csrf(admin)}).status_code == 302
    login(app.test_client(), "user@example.cn")
    assert not _logged_in(_browser_with(app, session=stolen))


def test_administrators_cannot_deactivate_themselves_and_others_may_not_deactivate_at_all(app, users):
    admin, staff = app.test_client(), app.test_client()
    login(admin, "admin@example.cn")
    login(staff, "authority@example.cn")
    r = admin.post(f"/console/users/{users['admin'].id}/deactivate", data={"csrf_token": _csrf(admin)},
                   follow_redirects=True)
    assert "不能停用自己的账号" in r.get_data(as_text=True)
    assert _logged_in(admin)
    r = staff.post(f"/console/users/{users['data_user'].id}/deactivate", data={"csrf_token": _csrf(staff)})
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, users["data_user"].id).active
