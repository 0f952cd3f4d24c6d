"""Rights complaints cannot take the catalog offline from throwaway accounts, while a person whose rights
are infringed is still served at once (R2024 §28; docs/security.md).

Everything goes through HTTP as an outsider would: registering at /register, following the link in the
confirmation mail, logging in, filing with a 1×1 PNG, each attacker from an address of its own.
"""
from __future__ import annotations

import base64
import io
import re

import pytest

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset
from portal.extensions import db
from portal.feedback.models import Complaint
from portal.inbox.models import Message
from tests import factories as f
from tests.conftest import PASSWORD, build_app, link_in, login, mails_to, post_form
from tests.feedback.helpers import CSV, complain, complaint_id, decide, post_from

# A real 1×1 PNG: all the evidence the attack of the issue needed.
PNG_1X1 = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
# The defaults of portal/config.py: the attack is beaten by the settings a portal ships with.
DEFAULTS = {"RATELIMIT_REGISTER": "5/hour", "RATELIMIT_REGISTER_GLOBAL": "100/hour", "RATELIMIT_COMPLAINT": "5/day",
            "RATELIMIT_COMPLAINT_ADDR": "10/day", "RATELIMIT_COMPLAINT_GLOBAL": "20/hour",
            "COMPLAINT_BURST_COUNT": 5, "COMPLAINT_BURST_MINUTES": 1440, "COMPLAINT_BURST_NEW_ACCOUNT_DAYS": 7}


def client_from(app, address: str):
    """A browser at its own client address."""
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c


def register_and_confirm(app, client, email: str, *, kind: str = "person") -> None:
    """Register as anyone can, follow the link in the confirmation mail, log in."""
    data = {"kind": kind, "name": "某用户", "email": email, "password": PASSWORD, "password2": PASSWORD,
            "citizen_id": f.citizen_id() if kind == "person" else "", "uscc": "" if kind == "person" else f.uscc(),
            "consent": "y"}
    r = post_form(client, "/register", data)
    assert r.status_code == 302 and r.headers["Location"] == "/register/sent", r.get_data(as_text=True)[-1500:]
    (mail,) = mails_to(app, email)
    assert client.get(link_in(mail[2], "/register/confirm/")).status_code == 302
    login(client, email)


def file_png(client, ds):
    return complain(client, ds, files=[(io.BytesIO(PNG_1X1), "截图.png")])


def download(app, ds) -> int:
    res = db.session.get(Dataset, ds.id).resources[0]
    return app.test_client().get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code


@pytest.fixture()
def portal(tmp_path):
    """A portal with the shipped limits and burst rule, an agency with 23 opened entries (each with a file),
    its staff, the authority, and one established verified complainant."""
    app = build_app(tmp_path, **DEFAULTS)
    with app.app_context():
        from portal.accounts.services import create_staff_user

        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        entries = []
        for n in range(23):
            ds = f.dataset(f"监测数据{n:02d}", agency_obj=agency, slug=f"entry-{n:02d}", index=False)
            f.csv_resource(ds, CSV.decode(), filename=f"数据{n:02d}.csv")
            entries.append(ds)
        create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff", "hhht-sthjj")
        create_staff_user("authority@example.cn", "数据局审核员", PASSWORD, "authority")
        f.data_user("citizen@example.cn", "张三", days_old=400)  # registered long ago, verified
        app.entries = entries
        yield app
        db.session.remove()


def test_22_throwaway_accounts_cannot_take_the_catalog_offline_but_a_real_complainant_is_served_at_once(portal):
    app, entries = portal, portal.entries
    assert all(download(app, ds) == 200 for ds in entries)
    codes, held = [], []
    for n in range(22):  # 22 fresh accounts, each from an address of its own, each with a 1×1 PNG
        attacker = client_from(app, f"198.51.100.{n + 1}")
        register_and_confirm(app, attacker, f"throwaway{n}@mail.example")
        r = file_png(attacker, entries[n])
        codes.append(r.status_code)
        if r.status_code == 302:
            db.session.expire_all()
            held.append(db.session.get(Complaint, complaint_id(r)).state == "held")
    # the portal-wide budget of complaints from new accounts (20 an hour) turns the last two away ...
    assert codes == [302] * 20 + [429] * 2
    # ... below the burst threshold a complaint suspends at once (a new account may be a real victim) ...
    assert held == [False] * 5 + [True] * 15
    assert [download(app, ds) for ds in entries[:5]] == [451] * 5
    # ... above it, complaints from new accounts are held: the catalog stays up
    assert [download(app, ds) for ds in entries[5:22]] == [200] * 17
    visitor = app.test_client()
    listed = visitor.get("/dataset", query_string={"q": "监测数据"}).get_data(as_text=True)
    assert all(f'href="/dataset/{ds.slug}"' in listed for ds in entries[5:20])

    # the authority was alerted once, in the inbox and by e-mail, and sees the held ones with a due date
    authority_id = db.session.query(User.id).filter_by(email="authority@example.cn").scalar()
    alerts = db.session.query(Message).filter_by(user_id=authority_id, kind="complaint.burst").all()
    assert len(alerts) == 1 and "权益申诉数量异常" in alerts[0].subject
    assert [m[1] for m in mails_to(app, "authority@example.cn")] == [alerts[0].subject]
    authority = app.test_client()
    login(authority, "authority@example.cn")
    queue = authority.get("/console/cases").get_data(as_text=True).split('id="held-complaints"')[1].split("</table>")[0]
    held_ids = [c.id for c in db.session.query(Complaint).filter_by(state="held")]
    assert len(held_ids) == 15 and all(f"/complaints/{cid}" in queue for cid in held_ids)
    due = db.session.get(Complaint, held_ids[0]).due_date.isoformat()
    assert due in queue and "throwaway" not in queue  # the complainant's address is masked in lists
    assert "t***@mail.example" in queue

    # a real, established, verified complainant is still served at once: the entry is suspended immediately
    citizen = client_from(app, "203.0.113.9")
    login(citizen, "citizen@example.cn")
    r = file_png(citizen, entries[22])
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, complaint_id(r)).state == "open"
    assert download(app, entries[22]) == 451
    assert 'id="suspended-notice"' in visitor.get(f"/dataset/{entries[22].slug}").get_data(as_text=True)


def test_the_authority_suspends_or_rejects_a_held_complaint(portal):
    app, entries = portal, portal.entries
    settings = dict(app.config)
    app.config.update(COMPLAINT_BURST_COUNT=1)
    citizen = client_from(app, "203.0.113.9")
    login(citizen, "citizen@example.cn")
    complaint_id(file_png(citizen, entries[0]))  # the one below the threshold (established anyway)
    first, second = client_from(app, "198.51.100.1"), client_from(app, "198.51.100.2")
    register_and_confirm(app, first, "new1@mail.example")
    register_and_confirm(app, second, "new2@mail.example")
    held_a = complaint_id(file_png(first, entries[1]))
    held_b = complaint_id(file_png(second, entries[2]))
    assert download(app, entries[1]) == download(app, entries[2]) == 200
    # the complainant sees it is held, with the due date
    page = first.get(f"/complaints/{held_a}").get_data(as_text=True)
    assert "暂缓处理，待快速决定" in page
    authority, staff = app.test_client(), app.test_client()
    login(authority, "authority@example.cn")
    login(staff, "staff@example.cn")
    offered = re.findall(r'name="outcome" value="(\w+)"', authority.get(f"/complaints/{held_a}").get_data(as_text=True))
    assert offered == ["suspend", "reject"]

    # suspend: the entry goes offline now, the agency's verification clock starts and it is told
    r = post_from(authority, f"/complaints/{held_a}", f"/complaints/{held_a}/decide", {"outcome": "suspend"})
    assert r.status_code == 302
    assert download(app, entries[1]) == 451
    db.session.expire_all()
    assert db.session.get(Complaint, held_a).state == "open"
    staff_id = db.session.query(User.id).filter_by(email="staff@example.cn").scalar()
    assert db.session.query(Message).filter_by(user_id=staff_id, kind="complaint.filed").count() == 2
    # reject: a reason is required, the entry never went offline, the complainant is told why
    r = post_from(authority, f"/complaints/{held_b}", f"/complaints/{held_b}/decide", {"outcome": "reject"})
    assert r.status_code == 422 and "请写明决定的理由" in r.get_data(as_text=True)
    reason = "批量新注册账户以同一截图提交，无任何权益受侵害的证据。"
    r = post_from(authority, f"/complaints/{held_b}", f"/complaints/{held_b}/decide",
                  {"outcome": "reject", "reason": reason})
    assert r.status_code == 302 and download(app, entries[2]) == 200
    event = db.session.query(AuditEvent).filter_by(action="complaint.reject", object_id=str(held_b)).one()
    assert event.actor_label == "authority@example.cn" and event.reason == reason and event.at is not None
    assert event.details["was"] == "held" and event.details["restored"] is False
    assert reason in second.get("/inbox").get_data(as_text=True)
    # decided is decided
    assert decide(staff, held_b, "resume").status_code == 409
    app.config.update(settings)


def test_reject_restores_an_entry_only_this_complaint_suspended_and_records_why(portal):
    app, entries = portal, portal.entries
    ds = entries[0]
    citizen = client_from(app, "203.0.113.9")
    login(citizen, "citizen@example.cn")
    other = f.data_user("lisi@example.cn", "李四")
    assert other.email_confirmed_at is not None
    lisi = client_from(app, "203.0.113.10")
    login(lisi, "lisi@example.cn")
    first = complaint_id(file_png(citizen, ds))
    second = complaint_id(file_png(lisi, ds))
    assert download(app, ds) == 451
    staff = app.test_client()
    login(staff, "staff@example.cn")
    reason = "经核实，该数据为监测站点的公开信息，申诉人未说明受侵害的权益，予以驳回。"
    assert decide(staff, first, "reject", reason=reason).status_code == 302
    assert download(app, ds) == 451  # the other open complaint keeps it suspended
    first_event = db.session.query(AuditEvent).filter_by(action="complaint.reject", object_id=str(first)).one()
    assert first_event.details["restored"] is False
    assert decide(staff, second, "reject", reason=reason).status_code == 302
    assert download(app, ds) == 200  # the last one rejected: opening is restored
    event = db.session.query(AuditEvent).filter_by(action="complaint.reject", object_id=str(second)).one()
    assert (event.actor_label, event.reason, event.details["was"], event.details["restored"]) == (
        "staff@example.cn", reason, "open", True)
    assert db.session.query(AuditEvent).filter_by(action="dataset.resume", object_id=ds.id).one().reason == reason
    history = app.test_client().get(f"/dataset/{ds.slug}").get_data(as_text=True).split('id="history-heading"')[1]
    assert "权益申诉被驳回，恢复开放" in history and reason not in history
    assert "驳回" in citizen.get(f"/complaints/{first}").get_data(as_text=True)
    # an account with a rejected complaint is no longer served at once in a burst
    app.config.update(COMPLAINT_BURST_COUNT=1)
    try:
        again = complaint_id(file_png(citizen, entries[1]))
        db.session.expire_all()
        assert db.session.get(Complaint, again).state == "held" and download(app, entries[1]) == 200
    finally:
        app.config.update(COMPLAINT_BURST_COUNT=DEFAULTS["COMPLAINT_BURST_COUNT"])


def test_an_unconfirmed_email_address_cannot_complain_until_the_link_is_followed(portal):
    app, ds = portal, portal.entries[0]
    client = client_from(app, "198.51.100.7")
    data = {"kind": "person", "name": "王五", "email": "wangwu@mail.example", "password": PASSWORD,
            "password2": PASSWORD, "citizen_id": f.citizen_id(), "consent": "y"}
    assert post_form(client, "/register", data).status_code == 302
    login(client, "wangwu@mail.example")  # logging in works; complaining does not
    page = client.get(f"/dataset/{ds.slug}/complaint")
    assert page.status_code == 403 and "请先确认电子邮箱" in page.get_data(as_text=True)
    assert 'id="complaint-form"' not in page.get_data(as_text=True)
    r = file_png(client, ds)
    assert r.status_code == 403 and download(app, ds) == 200
    assert db.session.query(Complaint).count() == 0
    # by API with a read-write token: the same refusal
    from portal.accounts.tokens import create_token

    user = db.session.query(User).filter_by(email="wangwu@mail.example").one()
    token = create_token(user, "程序", "read_write", 30)[1]
    r = app.test_client().post("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"},
                               data={"dataset": ds.slug, "right": "privacy", "description": "含本人信息。",
                                     "resources": [ds.resources[0].id], "evidence": [(io.BytesIO(PNG_1X1), "a.png")]},
                               content_type="multipart/form-data")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    # a forged or altered link confirms nothing
    (mail,) = mails_to(app, "wangwu@mail.example")
    link = link_in(mail[2], "/register/confirm/")
    assert client.get(link[:-3] + "xyz").status_code == 400
    assert client.get("/register/confirm/" + base64.urlsafe_b64encode(b'{"u":1}').decode()).status_code == 400
    # a new link can be asked for from the account page; following it confirms the address
    r = post_from(client, "/account", "/account/confirm", {})
    assert r.status_code == 302 and len(mails_to(app, "wangwu@mail.example")) == 2
    assert client.get(link_in(mails_to(app, "wangwu@mail.example")[-1][2], "/register/confirm/")).status_code == 302
    assert file_png(client, ds).status_code == 302 and download(app, ds) == 451


def test_a_confirmation_link_expires(portal, monkeypatch):
    import time

    app = portal
    client = client_from(app, "198.51.100.8")
    data = {"kind": "person", "name": "赵六", "email": "zhaoliu@mail.example", "password": PASSWORD,
            "password2": PASSWORD, "citizen_id": f.citizen_id(), "consent": "y"}
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 49 * 3600)  # the link was mailed 49 hours ago
    assert post_form(client, "/register", data).status_code == 302
    monkeypatch.setattr(time, "time", real)
    (mail,) = mails_to(app, "zhaoliu@mail.example")
    r = client.get(link_in(mail[2], "/register/confirm/"))
    assert r.status_code == 400 and "确认链接已过期" in r.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="zhaoliu@mail.example").one().email_confirmed_at is None


def test_a_missing_or_invalid_identity_number_cannot_complain(portal):
    app, ds = portal, portal.entries[0]
    client = client_from(app, "198.51.100.9")
    # registration asks for it: empty or with a wrong check digit is refused, nothing stored
    base = {"kind": "person", "name": "孙七", "email": "sunqi@mail.example", "password": PASSWORD,
            "password2": PASSWORD, "consent": "y"}
    for number, message in (("", "请填写公民身份号码"), ("110105194912310021", "校验码")):
        r = post_form(client, "/register", {**base, "citizen_id": number})
        assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="sunqi@mail.example").count() == 0
    # an account from before the number was required: confirmed, but no number
    f.data_user("legacy@example.cn", "老用户", identity="")
    login(client, "legacy@example.cn")
    r = file_png(client, ds)
    assert r.status_code == 403 and "请先在“我的账户”页面填写公民身份号码" in r.get_data(as_text=True)
    assert download(app, ds) == 200
    r = post_from(client, "/account", "/account/identity", {"citizen_id": "110105194912310021"})
    assert r.status_code == 422 and "校验码" in r.get_data(as_text=True)
    assert post_from(client, "/account", "/account/identity", {"citizen_id": f.citizen_id()}).status_code == 302
    assert file_png(client, ds).status_code == 302 and download(app, ds) == 451
    # staff accounts have no identity of a data user: they do not file complaints
    staff = app.test_client()
    login(staff, "staff@example.cn")
    assert file_png(staff, portal.entries[1]).status_code == 403 and download(app, portal.entries[1]) == 200


def test_complaints_are_limited_per_address_and_portal_wide_but_not_for_established_complainants(tmp_path):
    app = build_app(tmp_path, **{**DEFAULTS, "RATELIMIT_COMPLAINT_ADDR": "2/day", "RATELIMIT_COMPLAINT_GLOBAL": "3/hour",
                                 "COMPLAINT_BURST_COUNT": 100})
    with app.app_context():
        entries = [f.dataset(f"数据{n}", slug=f"d{n}") for n in range(8)]
        office = [client_from(app, "198.51.100.1") for _ in range(3)]  # three new accounts behind one address
        for n, c in enumerate(office):
            register_and_confirm(app, c, f"office{n}@mail.example")
        assert complain(office[0], entries[0], resources=[]).status_code == 302
        assert complain(office[1], entries[1], resources=[]).status_code == 302
        r = complain(office[2], entries[2], resources=[])  # the address's budget is spent
        assert r.status_code == 429 and "请求过于频繁" in r.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Dataset, entries[2].id).suspended_at is None
        # portal-wide: the third accepted complaint of the hour from new accounts is the last
        elsewhere = client_from(app, "198.51.100.2")
        register_and_confirm(app, elsewhere, "elsewhere@mail.example")
        assert complain(elsewhere, entries[3], resources=[]).status_code == 302
        late = client_from(app, "198.51.100.3")
        register_and_confirm(app, late, "late@mail.example")
        r = complain(late, entries[4], resources=[])
        assert r.status_code == 429
        # an established verified complainant is never turned away by the portal-wide budget
        f.data_user("citizen@example.cn", "张三")
        citizen = client_from(app, "203.0.113.9")
        login(citizen, "citizen@example.cn")
        assert complain(citizen, entries[5], resources=[]).status_code == 302
        assert db.session.query(Complaint).count() == 4


def test_registration_is_limited_per_address_and_portal_wide(tmp_path):
    app = build_app(tmp_path, RATELIMIT_REGISTER="3/hour", RATELIMIT_REGISTER_GLOBAL="5/hour")
    with app.app_context():
        def attempt(address: str, n: int) -> int:
            data = {"kind": "person", "name": "甲", "email": f"r{address}-{n}@mail.example", "password": PASSWORD,
                    "password2": PASSWORD, "citizen_id": f.citizen_id(), "consent": "y"}
            return post_form(client_from(app, address), "/register", data).status_code

        assert [attempt("198.51.100.1", n) for n in range(4)] == [302, 302, 302, 429]
        assert [attempt("198.51.100.2", n) for n in range(3)] == [302, 302, 429]  # five for the whole portal
        assert db.session.query(User).count() == 5


@pytest.mark.parametrize("setting, value", [("COMPLAINT_BURST_COUNT", 0), ("COMPLAINT_BURST_MINUTES", -5),
                                            ("COMPLAINT_BURST_NEW_ACCOUNT_DAYS", "7 days"),
                                            ("RATELIMIT_COMPLAINT_GLOBAL", "lots")])
def test_burst_and_limit_settings_are_checked_at_start_up(tmp_path, setting, value):
    with pytest.raises(ValueError, match=f"PORTAL_{setting}"):
        build_app(tmp_path, **{setting: value})


def test_a_setting_that_is_not_a_number_stops_the_start(tmp_path, monkeypatch):
    from portal.config import TestConfig

    monkeypatch.setenv("PORTAL_COMPLAINT_BURST_COUNT", "ten")
    with pytest.raises(ValueError, match="PORTAL_COMPLAINT_BURST_COUNT must be a whole number"):
        TestConfig(tmp_path)


def test_the_case_names_the_complainant_and_lists_mask_them(portal):
    app, ds = portal, portal.entries[0]
    citizen = client_from(app, "203.0.113.9")
    login(citizen, "citizen@example.cn")
    cid = complaint_id(file_png(citizen, ds))
    staff, authority = app.test_client(), app.test_client()
    login(staff, "staff@example.cn")
    login(authority, "authority@example.cn")
    case = staff.get(f"/complaints/{cid}").get_data(as_text=True).split('id="complainant"')[1].split("</td>")[0]
    masked = db.session.query(User).filter_by(email="citizen@example.cn").one().citizen_id_masked
    assert "张三" in case and 'href="mailto:citizen@example.cn"' in case and masked in case and "已确认" in case
    lists = authority.get("/console/cases").get_data(as_text=True)
    assert "citizen@example.cn" not in lists and "c***@example.cn" in lists
    assert "张三" not in app.test_client().get(f"/dataset/{ds.slug}").get_data(as_text=True)


def test_a_number_added_later_is_checked_against_those_given_at_registration(app, users, client):
    """Registration and adding a number hash it with the same key, so one number belongs to one account."""
    number = f.citizen_id()
    r = post_form(app.test_client(), "/register", {"kind": "person", "name": "周八", "email": "zhouba@mail.example",
                                                   "password": PASSWORD, "password2": PASSWORD, "citizen_id": number,
                                                   "consent": "y"})
    assert r.status_code == 302
    f.data_user("legacy2@example.cn", "老用户", identity="")
    login(client, "legacy2@example.cn")
    r = post_from(client, "/account", "/account/identity", {"citizen_id": number})
    assert r.status_code == 422 and "无法将此号码添加到您的账户" in r.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="legacy2@example.cn").one().citizen_id_hash is None
