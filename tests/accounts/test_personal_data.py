"""Issue 25, the accounts part: consent to the privacy policy (recorded with its version, asked again after a
change), changing and resetting a password (mailed through a real SMTP server), downloading one's own data,
and deleting one's account (anonymised; the audit chain stays valid)."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from portal.accounts.models import ApiToken, Consent, User
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.extensions import db
from portal.feedback.models import Correction
from portal.inbox.models import Message
from portal.opening.models import Application
from tests import factories as f
from tests.clock import freeze, freeze_at
from tests.conftest import PASSWORD, build_app, link_in, login, post_form
from tests.mailserver import local_smtp

NEW_PASSWORD = "Neues-Passw0rt!"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture()
def portal(tmp_path):
    """A portal that delivers its mail by SMTP to a local server, with the shipped limit on sensitive forms."""
    box = Mailbox()
    with local_smtp(box) as port:
        app = build_app(tmp_path, RATELIMIT_REGISTER="5/hour", SMTP_HOST="127.0.0.1", SMTP_PORT=port,
                        SMTP_FROM="noreply@portal.example")
        app.mailbox = box
        with app.app_context():
            yield app
            db.session.remove()


def person(email: str, consent: str | None = "y") -> dict:
    data = {"kind": "person", "name": "李四", "email": email, "password": PASSWORD, "password2": PASSWORD,
            "citizen_id": f.citizen_id()}
    if consent:
        data["consent"] = consent
    return data


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# ---- consent --------------------------------------------------------------------------------------------
def test_registration_needs_consent_and_records_the_policy_version(app, client, monkeypatch):
    r = post_form(client, "/register", person("lisi@mail.example", consent=None))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="consent-error"' in html and "请同意隐私政策" in html
    assert db.session.query(User).count() == 0
    # the page names the version and links the policy
    page = client.get("/register").get_data(as_text=True)
    assert "/privacy" in page and app.config["PRIVACY_POLICY_VERSION"] in page

    freeze(monkeypatch, "2026-09-24")
    r = post_form(client, "/register", person("lisi@mail.example"))
    assert r.status_code == 302
    user = db.session.query(User).filter_by(email="lisi@mail.example").one()
    (consent,) = db.session.query(Consent).filter_by(user_id=user.id).all()
    assert consent.policy_version == app.config["PRIVACY_POLICY_VERSION"] and consent.context == "registration"
    assert consent.agreed_at == datetime(2026, 9, 24, 2)
    assert db.session.query(AuditEvent).filter_by(action="user.consent", object_id=str(user.id)).count() == 1


def test_a_new_policy_version_asks_again_at_the_next_login(app, users, monkeypatch):
    client = app.test_client()
    login(client, "user@example.cn")
    assert client.get("/account").status_code == 200  # agreed to the current version: no question
    post_form(client, "/logout", {})

    monkeypatch.setitem(app.config, "PRIVACY_POLICY_VERSION", "2027-01-01")
    r = post_form(client, "/login?next=/account", {"email": "user@example.cn", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].startswith("/account/consent")
    # every other page waits for the answer; the policy itself can be read
    r = client.get("/inbox")
    assert r.status_code == 302 and r.headers["Location"].startswith("/account/consent")
    assert client.get("/privacy").status_code == 200 and "2027-01-01" in client.get("/privacy").get_data(as_text=True)
    page = client.get("/account/consent").get_data(as_text=True)
    assert "2027-01-01" in page
    # not ticked: 422, nothing recorded
    r = post_form(client, "/account/consent?next=/account", {})
    assert r.status_code == 422 and 'id="consent-error"' in r.get_data(as_text=True)
    user = users["data_user"]
    assert [c.policy_version for c in db.session.query(Consent).filter_by(user_id=user.id)] == ["2026-12-08"]
    r = post_form(client, "/account/consent?next=/account", {"consent": "y"})
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    versions = [(c.policy_version, c.context) for c in
                db.session.query(Consent).filter_by(user_id=user.id).order_by(Consent.id)]
    assert versions == [("2026-12-08", "registration"), ("2027-01-01", "login")]
    assert client.get("/inbox").status_code == 200
    # the next login does not ask again
    post_form(client, "/logout", {})
    r = post_form(client, "/login?next=/account", {"email": "user@example.cn", "password": PASSWORD})
    assert r.headers["Location"] == "/account"


def test_an_account_registered_before_consent_was_recorded_is_asked_at_its_next_login(app):
    """Migration 0038 gives such accounts a "legacy" row with no version; accounts an administrator made have
    none and are not asked by the portal."""
    user = f.data_user("old@example.cn", "老用户")
    db.session.query(Consent).filter_by(user_id=user.id).update({"policy_version": "", "context": "legacy"})
    db.session.commit()
    client = app.test_client()
    r = post_form(client, "/login", {"email": "old@example.cn", "password": PASSWORD})
    assert r.headers["Location"].startswith("/account/consent")
    assert post_form(client, "/account/consent", {"consent": "y"}).status_code == 302
    assert consent_versions(user) == [("", "legacy"), (app.config["PRIVACY_POLICY_VERSION"], "login")]


def consent_versions(user) -> list[tuple[str, str]]:
    return [(c.policy_version, c.context) for c in
            db.session.query(Consent).filter_by(user_id=user.id).order_by(Consent.id)]


# ---- password change and reset -----------------------------------------------------------------------------
def test_changing_the_password_needs_the_current_one(app, users):
    client = app.test_client()
    login(client, "user@example.cn")
    r = post_form(client, "/account/password", {"current_password": "Wrong-Passw0rd!", "password": NEW_PASSWORD,
                                                "password2": NEW_PASSWORD})
    assert r.status_code == 422 and "当前密码错误" in r.get_data(as_text=True)
    r = post_form(client, "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                "password2": NEW_PASSWORD})
    assert r.status_code == 302
    post_form(client, "/logout", {})
    login(client, "user@example.cn", NEW_PASSWORD)
    assert db.session.query(AuditEvent).filter_by(action="user.password_change").count() == 1


def test_a_reset_link_works_once(portal, monkeypatch):
    app = portal
    f.data_user("zhang@mail.example", "张三")
    freeze(monkeypatch, "2026-09-24")
    client = client_from(app, "198.51.100.20")
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    r = post_form(client, "/password/forgot", {"email": "Zhang@mail.example "})
    assert r.status_code == 302 and r.headers["Location"] == "/password/forgot/sent"
    (mail,) = app.mailbox.to("zhang@mail.example")
    assert "重置" in mail["Subject"]
    link = link_in(mail.get_content(), "/password/reset/")
    assert client.get(link).status_code == 200
    r = post_form(client, link, {"password": "short", "password2": "short"})
    assert r.status_code == 422  # a weak password: the link still works
    r = post_form(client, link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    login(client_from(app, "198.51.100.21"), "zhang@mail.example", NEW_PASSWORD)
    # used: a second time it is refused, and the password stays the new one
    r = client.get(link)
    assert r.status_code == 400 and "已使用" in r.get_data(as_text=True)
    r = post_form(client, link, {"password": "Another-Passw0rd!", "password2": "Another-Passw0rd!"})
    assert r.status_code == 400
    login(client_from(app, "198.51.100.22"), "zhang@mail.example", NEW_PASSWORD)
    assert [e.action for e in db.session.query(AuditEvent).filter(
        AuditEvent.action.like("user.password_reset%")).order_by(AuditEvent.id)] == [
        "user.password_reset_request", "user.password_reset"]


def test_a_reset_link_expires(portal, monkeypatch):
    app = portal
    f.data_user("wang@mail.example", "王五")
    freeze(monkeypatch, "2026-09-24", hour=10)
    client = client_from(app, "198.51.100.30")
    post_form(client, "/password/forgot", {"email": "wang@mail.example"})
    link = link_in(app.mailbox.to("wang@mail.example")[0].get_content(), "/password/reset/")
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2) + timedelta(minutes=app.config["PASSWORD_RESET_MINUTES"] + 1))
    r = client.get(link)
    assert r.status_code == 400 and "已过期" in r.get_data(as_text=True)
    r = post_form(client, link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert r.status_code == 400
    login(client_from(app, "198.51.100.31"), "wang@mail.example")  # the old password still works
    # a forged link
    assert client.get("/password/reset/not-a-token").status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(portal):
    app = portal
    f.data_user("known@mail.example", "甲")
    answers = []
    for n, email in enumerate(("known@mail.example", "nobody@mail.example")):
        client = client_from(app, f"198.51.100.{40 + n}")
        r = post_form(client, "/password/forgot", {"email": email})
        page = client.get(r.headers["Location"])
        answers.append((r.status_code, r.headers["Location"], page.status_code,
                        re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page.get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert "如果该地址有账号" in answers[0][3]
    assert len(app.mailbox.to("known@mail.example")) == 1 and app.mailbox.to("nobody@mail.example") == []


def test_asking_for_reset_links_is_rate_limited(portal):
    client = client_from(portal, "198.51.100.50")
    codes = [post_form(client, "/password/forgot", {"email": f"p{n}@mail.example"}).status_code for n in range(6)]
    assert codes == [302] * 5 + [429]


# ---- own data ---------------------------------------------------------------------------------------------------
def _cases(users):
    ds = f.dataset("某条件开放数据", open_type="conditional")
    db.session.flush()
    mine = Application(dataset=ds, agency_id=ds.agency_id, applicant_id=users["data_user"].id, state="submitted",
                       scenario="我的应用场景：空气质量研究")
    other_user = f.data_user("other@example.cn", "另一个用户")
    theirs = Application(dataset=ds, agency_id=ds.agency_id, applicant_id=other_user.id, state="submitted",
                         scenario="别人的应用场景：商业分析")
    correction = Correction(dataset_id=ds.id, reporter_id=users["data_user"].id, location="第3行",
                            description="我的纠错：数值有误", due_date=date(2026, 10, 9))
    db.session.add_all([mine, theirs, correction,
                        Message(user_id=users["data_user"].id, subject="我的通知", body="正文")])
    db.session.commit()
    return mine, theirs, other_user


def test_the_download_holds_the_users_cases_and_not_anothers(app, users):
    mine, theirs, _other = _cases(users)
    client = app.test_client()
    login(client, "user@example.cn")
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/data"' in page and 'href="/account/delete"' in page
    assert client.get("/account/data").status_code == 200
    r = post_form(client, "/account/data.json", {})
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["account"]["email"] == "user@example.cn" and "password_hash" not in data["account"]
    assert "citizen_id_hash" not in data["account"] and data["account"]["citizen_id_masked"]
    assert [a["id"] for a in data["applications"]] == [mine.id]
    assert data["applications"][0]["scenario"] == "我的应用场景：空气质量研究"
    assert [c["description"] for c in data["corrections"]] == ["我的纠错：数值有误"]
    assert [m["subject"] for m in data["inbox"]] == ["我的通知"]
    assert data["consents"][0]["policy_version"] == app.config["PRIVACY_POLICY_VERSION"]
    body = r.get_data(as_text=True)
    assert "别人的应用场景" not in body and "other@example.cn" not in body
    assert db.session.query(AuditEvent).filter_by(action="user.export").count() == 1
    # only one's own: anonymous visitors are sent to log in
    assert app.test_client().get("/account/data").status_code == 302


# ---- deletion -------------------------------------------------------------------------------------------------
def test_deleting_an_account_anonymises_it_and_keeps_the_records_and_the_audit_chain(app, users):
    mine, theirs, other = _cases(users)
    user = users["data_user"]
    db.session.add(ApiToken(user_id=user.id, name="脚本", token_hash="a" * 64, prefix="odp_aaaa",
                            expires_at=datetime(2030, 1, 1)))
    db.session.commit()
    client = app.test_client()
    login(client, "user@example.cn")
    # wrong password or no confirmation: 422, nothing changes
    r = post_form(client, "/account/delete", {"password": "Wrong-Passw0rd!", "confirm": "y"})
    assert r.status_code == 422 and 'id="password-error"' in r.get_data(as_text=True)
    r = post_form(client, "/account/delete", {"password": PASSWORD})
    assert r.status_code == 422 and 'id="confirm-error"' in r.get_data(as_text=True)
    assert db.session.get(User, user.id).email == "user@example.cn"

    r = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert r.status_code == 302 and r.headers["Location"] == "/account/deleted"
    assert "已注销" in client.get("/account/deleted").get_data(as_text=True)
    assert client.get("/account").status_code == 302  # logged out
    db.session.expire_all()
    gone = db.session.get(User, user.id)
    assert gone.email == f"deleted-{user.id}@deleted.invalid" and "user@example.cn" not in gone.name
    assert gone.citizen_id_hash is None and gone.citizen_id_masked is None and not gone.active
    assert gone.deleted_at is not None and gone.password_hash == ""
    # the records the law keeps stay, under the anonymised account; the inbox and the tokens do not
    assert db.session.get(Application, mine.id).applicant_id == user.id
    assert db.session.query(Correction).filter_by(reporter_id=user.id).count() == 1
    assert db.session.query(Message).filter_by(user_id=user.id).count() == 0
    assert all(t.revoked_at is not None for t in db.session.query(ApiToken).filter_by(user_id=user.id))
    # another user's data is untouched
    assert db.session.get(User, other.id).email == "other@example.cn"
    # the audit chain is still whole, and the deletion is an event written under the anonymised label
    assert verify_chain() == []
    event = db.session.query(AuditEvent).filter_by(action="user.delete").one()
    assert event.actor_label == gone.email and event.object_id == str(user.id)
    # the address can no longer log in, and can register again
    r = post_form(app.test_client(), "/login", {"email": "user@example.cn", "password": PASSWORD})
    assert r.status_code == 422
    assert post_form(app.test_client(), "/register", person("user@example.cn")).status_code == 302
    assert db.session.query(User).filter_by(email="user@example.cn").count() == 1


def test_staff_accounts_are_not_deleted_by_themselves(app, users):
    client = app.test_client()
    login(client, "staff@example.cn")
    assert 'href="/account/delete"' not in client.get("/account").get_data(as_text=True)
    r = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert r.status_code == 403
    assert db.session.query(User).filter_by(email="staff@example.cn").one().active


def test_the_download_holds_ones_follows_and_data_requests(app, users):
    """What the later parts of the portal hold about a person is in the download too: follows (without the
    private feed's token) and the data requests filed or supported."""
    from tests.datarequests.test_datarequests import file
    from tests.follows.test_follows import follow

    rid = file(app)
    client = app.test_client()
    login(client, "user@example.cn")
    follow(client, "agency", "hhht-sthjj", email="weekly", feed="y")
    data = json.loads(post_form(client, "/account/data.json", {}).get_data(as_text=True))
    assert [(x["target"], x["email"]) for x in data["follows"]] == [("agency", "weekly")]
    assert "feed_token" not in data["follows"][0]
    assert [x["id"] for x in data["data_requests"]["filed"]] == [rid] and data["data_requests"]["me_too"] == []
