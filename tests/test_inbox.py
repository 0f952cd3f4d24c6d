"""The inbox (notices for a user) and the authority's supervision page."""
from __future__ import annotations

import re

from portal.extensions import db
from portal.inbox.services import notify
from portal.inbox.models import Message
from tests.catalog.test_review import submitted  # noqa: F401  (fixture)
from tests.conftest import login, post_form


def test_notices_show_unread_and_open_marks_read(app, users, client):
    notify(users["data_user"], "您的申请已受理", "数据资源提供单位将在10个工作日内答复。", link="/dataset", kind="test")
    notify(users["agency_staff"], "不该看到的通知")
    db.session.commit()
    login(client, "user@example.cn")
    html = client.get("/inbox").get_data(as_text=True)
    assert "您的申请已受理" in html and "10个工作日" in html
    assert "不该看到的通知" not in html
    assert re.search(r'id="inbox-link"[^>]*>[^<]*<span[^>]*>1</span>', client.get("/").get_data(as_text=True))

    mine = db.session.query(Message).filter_by(user_id=users["data_user"].id).one()
    page = client.get("/inbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(f"/inbox/{mine.id}/open", data={"csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/dataset"
    assert 'id="inbox-link"' in (home := client.get("/").get_data(as_text=True))
    assert not re.search(r'id="inbox-link"[^>]*>[^<]*<span', home)

    other = db.session.query(Message).filter_by(user_id=users["agency_staff"].id).one()
    assert client.post(f"/inbox/{other.id}/open", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Message, other.id).read_at is None


def test_read_all_and_empty_state(app, users, client):
    login(client, "user@example.cn")
    assert "还没有通知" in client.get("/inbox").get_data(as_text=True)
    for n in range(3):
        notify(users["data_user"], f"通知{n}")
    db.session.commit()
    assert post_form(client, "/inbox", {}).status_code == 405  # no bulk action on the list URL itself
    page = client.get("/inbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/inbox/read-all", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.query(Message).filter(Message.read_at.is_(None)).count() == 0


def test_inbox_needs_login(client):
    r = client.get("/inbox")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_supervision_lists_pending_reviews_for_the_authority(submitted):  # noqa: F811
    ds, staff, authority = submitted
    html = authority.get("/console/supervision").get_data(as_text=True)
    assert ds.title in html and ds.reviews[0].due_date.isoformat() in html
    assert "数据目录审核" in html
    assert staff.get("/console/supervision").status_code == 403


def test_a_notice_sent_on_a_frozen_day_is_dated_that_day(app, users, client, monkeypatch):
    """Stored timestamps follow the tests' clock (models_base.stamped): a notice sent while it is
    2026-09-24 says so in the inbox, not the day the tests run."""
    from tests.clock import freeze

    freeze(monkeypatch, "2026-09-24")
    notify(users["data_user"], "冻结日的通知")
    db.session.commit()
    login(client, "user@example.cn")
    html = client.get("/inbox").get_data(as_text=True)
    assert "冻结日的通知" in html and "2026-09-24" in html


def test_no_column_keeps_the_clock_it_was_given_at_import(app):
    """Every timestamp column's default asks the clock at insert time (models_base.stamped), never holds
    `utcnow` itself: the tests' frozen clock (tests/clock.py) would not reach it."""
    from portal import models_base

    held = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns
            for default in (column.default, column.onupdate)
            if default is not None and getattr(default, "is_callable", False)
            and getattr(default.arg, "__wrapped__", default.arg) is models_base.utcnow]
    assert held == []
