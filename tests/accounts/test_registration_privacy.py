"""Registration never tells who has an account: a new identity and an existing e-mail address or identity
number get the same answer ("请查收确认邮件"), the existing account's owner is told by e-mail (delivered to
a local SMTP server, as in production), and probing is rate-limited."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from portal.accounts.models import User
from portal.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, build_app, link_in, post_form
from tests.mailserver import local_smtp

CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


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
    """A portal with the shipped registration limits that delivers its mail by SMTP."""
    box = Mailbox()
    with local_smtp(box) as port:
        app = build_app(tmp_path, RATELIMIT_REGISTER="5/hour", RATELIMIT_REGISTER_GLOBAL="100/hour",
                        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="noreply@portal.example")
        app.mailbox = box
        with app.app_context():
            yield app
            db.session.remove()


def form(email: str, citizen_id: str) -> dict:
    return {"kind": "person", "name": "张三", "email": email, "password": PASSWORD, "password2": PASSWORD,
            "citizen_id": citizen_id, "consent": "y"}


def answer(app, address: str, data: dict) -> tuple:
    """What a prober sees: the POST's status, where it leads and its body, and the page it leads to
    (with the CSRF token, which differs on every page, blanked)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    r = post_form(client, "/register", data)
    page = client.get(r.headers["Location"]) if r.status_code == 302 else r
    return (r.status_code, r.headers.get("Location"), r.get_data(as_text=True), page.status_code,
            CSRF.sub(r"\1-\2", page.get_data(as_text=True)))


def test_a_new_and_an_existing_identity_get_the_same_answer_and_the_owner_is_told(portal):
    app = portal
    owner_id_number = f.citizen_id()
    first = answer(app, "198.51.100.1", form("owner@mail.example", owner_id_number))
    assert first[0] == 302 and first[1] == "/register/sent" and "请查收确认邮件" in first[4]
    (confirm,) = app.mailbox.to("owner@mail.example")
    assert app.test_client().get(link_in(confirm.get_content(), "/register/confirm/")).status_code == 302

    new = answer(app, "198.51.100.2", form("newcomer@mail.example", f.citizen_id()))
    same_email = answer(app, "198.51.100.3", form("owner@mail.example", f.citizen_id()))
    same_id = answer(app, "198.51.100.4", form("someone@mail.example", owner_id_number))
    assert new == same_email == same_id == first

    # one account for the owner, one for the newcomer, none for the probes
    assert db.session.query(User).filter_by(email="owner@mail.example").count() == 1
    assert db.session.query(User).filter_by(email="someone@mail.example").count() == 0
    assert db.session.query(User).count() == 2
    # the owner is told of both attempts by e-mail; the newcomer gets a confirmation link
    subjects = [m["Subject"] for m in app.mailbox.to("owner@mail.example")]
    assert len(subjects) == 3 and "有人试图使用您的电子邮箱" in subjects[1] and "公民身份号码" in subjects[2]
    assert "已有账户" in app.mailbox.to("owner@mail.example")[1].get_content()
    assert "/register/confirm/" in app.mailbox.to("newcomer@mail.example")[0].get_content()
    # the address that tried someone else's number learns only that no account was made
    (refused,) = app.mailbox.to("someone@mail.example")
    assert "未创建账户" in refused["Subject"] and "/register/confirm/" not in refused.get_content()


def test_25_quick_probes_are_mostly_refused(portal):
    app = portal
    f.data_user("victim@mail.example", "受害人")
    client = app.test_client()
    codes = [post_form(client, "/register", form(f"probe{n}@mail.example", f.citizen_id())).status_code
             for n in range(25)]
    assert codes == [302] * 5 + [429] * 20
    assert "请求过于频繁" in post_form(client, "/register", form("victim@mail.example", f.citizen_id())).get_data(
        as_text=True)


def test_an_unconfirmed_owner_is_sent_a_new_link_only_with_a_warning(portal):
    app = portal
    f.data_user("pending@mail.example", "待确认", confirmed=False)
    assert answer(app, "198.51.100.5", form("pending@mail.example", f.citizen_id()))[:2] == (302, "/register/sent")
    (notice,) = app.mailbox.to("pending@mail.example")
    body = notice.get_content()
    assert "仅当该账户确为您本人注册时" in body and "/register/confirm/" in body
    assert db.session.query(User).filter_by(email="pending@mail.example").one().email_confirmed_at is None
