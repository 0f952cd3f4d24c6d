"""Follow and be told (issue 25): follows through pages, the events that tell them, mail through a real SMTP
server with a one-click unsubscribe link, the weekly digest, and Atom feeds parsed against the Atom rules."""
from __future__ import annotations

import re
from email import message_from_bytes, policy
from xml.etree import ElementTree as ET

import pytest

from portal.catalog.models import DatasetChange
from portal.extensions import db
from portal.follows.models import Follow, FollowEvent
from portal.inbox.services import notify
from tests import factories as f
from tests.conftest import build_app, login, post_form
from tests.mailserver import local_smtp

A = "{http://www.w3.org/2005/Atom}"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture()
def portal(tmp_path):
    box = Mailbox()
    with local_smtp(box) as port:
        app = build_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="noreply@portal.example")
        app.mailbox = box
        with app.app_context():
            yield app
            db.session.remove()


@pytest.fixture()
def people(portal):
    from portal.accounts.services import create_staff_user
    from tests.conftest import PASSWORD

    agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    db.session.commit()
    user = f.data_user("user@example.cn", "数据用户")
    staff = create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff", agency.slug)
    ds = f.dataset(agency_obj=agency, theme_obj=f.theme("资源环境", slug="env"), slug="air")
    return user, staff, ds


def follow(client, target, key, email="immediate", feed=""):
    page = client.get("/follows/new", query_string={"target": target, "key": key})
    assert page.status_code == 200
    r = post_form(client, "/follows", {"target": target, "key": key, "email": email, "feed": feed})
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return client.get("/follows").get_data(as_text=True)


def put_file(client, ds, content: bytes, resource=None):
    url = f"/console/datasets/{ds.id}/upload"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    query = {"filename": "空气.csv", "format": "CSV", **({"resource": resource} if resource else {})}
    return client.put(url, query_string=query, data=content, headers={"X-CSRFToken": token},
                      content_type="application/octet-stream")


def parse_atom(body: bytes) -> ET.Element:
    """The feed, checked against RFC 4287's required elements."""
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{A}{tag}") is not None and root.find(f"{A}{tag}").text, tag
    assert root.find(f"{A}author") is not None  # the feed's author covers every entry
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{A}{tag}").text, tag
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link[@rel='alternate']").get("href").startswith("http")
    return root


def titles(root: ET.Element) -> list[str]:
    return [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]


def test_follow_an_entry_new_file_and_version_mail_at_once_with_one_click_unsubscribe(portal, people):
    user, staff, ds = people
    reader, agency = portal.test_client(), portal.test_client()
    assert "/follows/new?target=dataset" in reader.get("/dataset/air").get_data(as_text=True)
    login(reader, "user@example.cn")
    page = follow(reader, "dataset", "air")
    assert ds.title in page
    login(agency, "staff@example.cn")
    assert put_file(agency, ds, "站点,AQI\n新华广场,56\n".encode()).status_code in (200, 201, 302)
    mails = [m for m in portal.mailbox.messages if m["To"] == "user@example.cn"]
    assert len(mails) == 1 and ("新文件" in mails[0]["Subject"] or "New file" in mails[0]["Subject"])
    header = mails[0]["List-Unsubscribe"]
    link = re.search(r"<https?://[^/]+(/follows/unsubscribe/[^>]+)>", header).group(1)
    assert link in mails[0].get_content()
    res = db.session.query(FollowEvent).one()
    assert res.kind == "new_file" and res.mailed_at is not None

    db.session.refresh(ds)
    resource_id = ds.resources[0].id
    assert put_file(agency, ds, "站点,AQI\n新华广场,57\n".encode(), resource=resource_id).status_code in (200, 201, 302)
    mails = [m for m in portal.mailbox.messages if m["To"] == "user@example.cn"]
    assert len(mails) == 2
    assert {e.kind for e in db.session.query(FollowEvent)} == {"new_file", "new_version"}

    # One click, no sign-in; the link works once; a forged link is 400.
    anonymous = portal.test_client()
    first = anonymous.get(link)
    assert first.status_code == 200 and ds.title in first.get_data(as_text=True)
    assert db.session.query(Follow).count() == 0
    assert anonymous.get(link).status_code == 409
    assert anonymous.get(link[:-3] + "xyz").status_code == 400
    assert put_file(agency, ds, "站点,AQI\n新华广场,58\n".encode(), resource=resource_id).status_code in (200, 201, 302)
    assert len([m for m in portal.mailbox.messages if m["To"] == "user@example.cn"]) == 2


def test_agency_theme_and_search_follows_hear_of_an_open_type_change_and_the_withdrawal_notice(portal, people):
    user, staff, ds = people
    c = portal.test_client()
    login(c, "user@example.cn")
    assert "/follows/new?target=agency" in c.get("/agency/hhht-sthjj").get_data(as_text=True)
    follow(c, "agency", "hhht-sthjj", email="weekly")
    follow(c, "theme", "env", email="weekly", feed="true")
    page = follow(c, "search", "q=空气&open_type=unconditional", email="weekly")
    assert "空气" in page
    other = f.dataset("包头市降水量", summary="各站点的日降水量。", slug="rain", theme_obj=f.theme("气象", slug="weather"),
                      agency_obj=f.agency("包头市气象局", slug="bt-qx", region="包头市"))
    # The catalog's change history is where follows hear it (editing/withdrawal write these lines).
    ds.changes.append(DatasetChange(kind="reclassified", field="open_type", from_value="unconditional",
                                    to_value="conditional", summary="开放属性变更"))
    ds.changes.append(DatasetChange(kind="withdrawal_announced", summary="一个月后撤下", reason="数据停止采集"))
    other.changes.append(DatasetChange(kind="withdrawal_announced", summary="一个月后撤下"))
    db.session.commit()
    events = db.session.query(FollowEvent).all()
    # Told once per change, by the most specific follow (the agency), never of an entry outside them.
    assert sorted(e.kind for e in events) == ["open_type", "withdrawal_notice"]
    assert {e.follow.target for e in events} == {"agency"}
    # Nothing immediate: the weekly digest sends them in one mail, once.
    assert portal.mailbox.messages == []
    result = portal.test_cli_runner().invoke(args=["portal", "digest"])
    assert result.exit_code == 0 and "Digests 1" in result.output
    (mail,) = portal.mailbox.messages
    body = mail.get_content()
    assert ds.title in body and "数据停止采集" in body and "包头市降水量" not in body
    assert "/follows/unsubscribe/" in mail["List-Unsubscribe"]
    assert "Digests 0" in portal.test_cli_runner().invoke(args=["portal", "digest"]).output


def test_own_cases_answers_are_told_and_private_feed(portal, people):
    user, staff, ds = people
    c = portal.test_client()
    login(c, "user@example.cn")
    page = follow(c, "mine", "", email="none", feed="true")
    feed_path = re.search(r'class="private-feed"[^>]*href="https?://[^/]+(/follows/feed/[^"]+)"', page).group(1)
    notify(user, "申请已批准：“空气质量”", "身份证号等正文", link="/applications/1", kind="application.approved")
    notify(user, "已收到您的申请", kind="application.submitted")  # a receipt, not an answer
    db.session.commit()
    root = parse_atom(portal.test_client().get(feed_path).data)
    assert titles(root) == ["申请已批准：“空气质量”"]
    assert b"\xe8\xba\xab\xe4\xbb\xbd" not in portal.test_client().get(feed_path).data  # no notice body
    assert portal.test_client().get("/follows/feed/not-a-token.atom").status_code == 404
    assert post_form(c, "/follows", {"target": "mine", "email": "none"}).status_code == 422


def test_public_feeds_parse_as_atom_and_a_suspended_entry_drops_out(portal, people):
    user, staff, ds = people
    client = portal.test_client()
    f.dataset("非开放的目录", slug="closed", open_type="closed")
    root = parse_atom(client.get("/feeds/catalog.atom").data)
    assert ds.title in titles(root)
    assert client.get("/feeds/catalog.atom").content_type.startswith("application/atom+xml")
    assert ds.title in titles(parse_atom(client.get("/feeds/agency/hhht-sthjj.atom").data))
    assert ds.title in titles(parse_atom(client.get("/feeds/theme/env.atom").data))
    assert client.get("/feeds/theme/nope.atom").status_code == 404
    assert 'type="application/atom+xml"' in client.get("/dataset?theme=env").get_data(as_text=True)
    assert "/feeds/agency/hhht-sthjj.atom" in client.get("/agency/hhht-sthjj").get_data(as_text=True)
    from portal.models_base import utcnow

    ds.suspended_at = utcnow()
    db.session.commit()
    assert ds.title not in titles(parse_atom(client.get("/feeds/catalog.atom").data))
    # and it can no longer be followed
    login(client, "user@example.cn")
    assert client.get("/follows/new", query_string={"target": "dataset", "key": "air"}).status_code == 404
    assert post_form(client, "/follows", {"target": "dataset", "key": "air", "email": "weekly"}).status_code == 404


def test_follow_needs_an_account_and_my_follows_change_and_stop(portal, people):
    client = portal.test_client()
    r = client.get("/follows/new", query_string={"target": "dataset", "key": "air"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    login(client, "user@example.cn")
    follow(client, "dataset", "air", email="weekly")
    fid = db.session.query(Follow).one().id
    assert post_form(client, f"/follows/{fid}", {"email": "bogus"}).status_code == 422
    assert post_form(client, f"/follows/{fid}", {"email": "none", "feed": "true"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Follow, fid).feed is True
    assert "private-feed" in client.get("/follows").get_data(as_text=True)
    assert post_form(client, f"/follows/{fid}/stop", {}).status_code == 302
    assert db.session.query(Follow).count() == 0
