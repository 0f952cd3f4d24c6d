"""Ratings and comments of an entry over HTTP: one rating per account, changeable; the average and count are
SQL's; comments are paginated; only the owning agency answers (403 otherwise); any account reports an
abusive comment; the authority hides it (with a reason, audited) and it is gone from the page, or keeps it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.reuses.models import Rating
from tests import factories as f
from tests.conftest import login, post_form


@pytest.fixture()
def entry(app, users):
    return f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air")


def client_of(app, email):
    c = app.test_client()
    login(c, email)
    return c


def rate(client, score, comment="", slug="hhht-air", **extra):
    return post_form(client, f"/dataset/{slug}/rating", {"score": str(score), "comment": comment, **extra})


def average_in_sql(ds_id):
    return db.session.execute(select(func.avg(Rating.score), func.count(Rating.id))
                              .where(Rating.dataset_id == ds_id)).one()


def test_rating_once_and_changing_it(app, users, entry):
    user = client_of(app, "user@example.cn")
    assert rate(user, 2, "数据更新太慢。").status_code == 302
    assert rate(user, 4, "数据更新太慢。", display_name="环保志愿者").status_code == 302
    rows = db.session.scalars(select(Rating)).all()
    assert len(rows) == 1 and rows[0].score == 4 and rows[0].display_name == "环保志愿者"
    page = app.test_client().get("/dataset/hhht-air").get_data(as_text=True)
    assert 'id="rating-average">4.0<' in page and "环保志愿者" in page and "数据用户" not in page
    mine = user.get("/dataset/hhht-air").get_data(as_text=True)
    assert 'value="4" checked' in mine
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == entry.id))]
    assert "rating.set" in actions and "rating.change" in actions


def test_bad_rating_is_refused_naming_the_field(app, users, entry):
    user = client_of(app, "user@example.cn")
    r = rate(user, 9)
    assert r.status_code == 422 and 'data-field="score"' in r.get_data(as_text=True)
    r = rate(user, 3, "长" * 501)
    assert r.status_code == 422 and 'data-field="comment"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rating.id))) == 0
    assert rate(client_of(app, "staff@example.cn"), 5).status_code == 403  # staff do not rate


def test_average_equals_sql_and_the_name_defaults_to_a_short_code(app, users, entry):
    scores = [5, 4, 4, 1, 3]
    for n, score in enumerate(scores):
        f.data_user(f"u{n}@example.cn", f"真名{n}")
        rate(client_of(app, f"u{n}@example.cn"), score, f"评论{n}")
    avg, count = average_in_sql(entry.id)
    page = app.test_client().get("/dataset/hhht-air").get_data(as_text=True)
    assert f'id="rating-average">{float(avg):.1f}<' in page and count == 5
    assert "真名" not in page and page.count(">用户") >= 5
    api = app.test_client().get("/api/v1/datasets/hhht-air/comments").get_json()
    assert api["average"] == round(float(avg), 2) and api["count"] == count == api["total"]
    assert all(c["display_name"].startswith("用户") for c in api["results"])


def test_comments_are_paginated(app, users, entry):
    for n in range(12):
        f.data_user(f"p{n}@example.cn")
        rate(client_of(app, f"p{n}@example.cn"), 3, f"第{n:02d}条评论")
    anonymous = app.test_client()
    first = anonymous.get("/dataset/hhht-air").get_data(as_text=True)
    second = anonymous.get("/dataset/hhht-air?comments=2").get_data(as_text=True)
    assert first.count('class="comment"') == 10 and second.count('class="comment"') == 2
    assert "第11条评论" in first and "第00条评论" in second
    assert anonymous.get("/api/v1/datasets/hhht-air/comments?page=2&per_page=10").get_json()["results"][1]["comment"] == "第00条评论"


def test_only_the_owning_agency_answers_a_comment(app, users, entry):
    rate(client_of(app, "user@example.cn"), 2, "缺少PM2.5字段。")
    r_id = db.session.scalar(select(Rating.id))
    other = client_of(app, "staff2@example.cn")
    assert post_form(other, f"/comments/{r_id}/answer", {"answer": "我们会补充。"}).status_code == 403
    author = client_of(app, "user@example.cn")
    assert post_form(author, f"/comments/{r_id}/answer", {"answer": "自问自答"}).status_code == 403
    authority = client_of(app, "authority@example.cn")
    assert post_form(authority, f"/comments/{r_id}/answer", {"answer": "代答"}).status_code == 403
    staff = client_of(app, "staff@example.cn")
    assert 'action="/comments/%d/answer"' % r_id in staff.get("/dataset/hhht-air").get_data(as_text=True)
    assert 'action="/comments/%d/answer"' % r_id not in other.get("/dataset/hhht-air").get_data(as_text=True)
    assert post_form(staff, f"/comments/{r_id}/answer", {"answer": ""}).status_code == 422
    assert post_form(staff, f"/comments/{r_id}/answer", {"answer": "下月起增加PM2.5字段。"}).status_code == 302
    page = app.test_client().get("/dataset/hhht-air").get_data(as_text=True)
    assert "下月起增加PM2.5字段。" in page and "呼和浩特市生态环境局" in page
    assert post_form(staff, f"/comments/{r_id}/answer", {"answer": "再答一次"}).status_code == 409
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.answer")) is not None


def test_report_then_hide_removes_the_comment_from_the_page(app, users, entry):
    rate(client_of(app, "user@example.cn"), 1, "这些人都是骗子，去死吧")
    r_id = db.session.scalar(select(Rating.id))
    anonymous = app.test_client()
    assert post_form(anonymous, f"/comments/{r_id}/report", {"reason": "x"}).status_code == 302  # to the login
    f.data_user("reader@example.cn")
    reader = client_of(app, "reader@example.cn")
    assert post_form(reader, f"/comments/{r_id}/report", {"reason": "人身攻击"}).status_code == 302
    assert post_form(reader, f"/comments/{r_id}/report", {"reason": "再报"}).status_code == 409
    staff = client_of(app, "staff2@example.cn")  # any account reports
    assert post_form(staff, f"/comments/{r_id}/report", {}).status_code == 302
    authority = client_of(app, "authority@example.cn")
    queue = authority.get("/reuses/moderation").get_data(as_text=True)
    assert "去死吧" in queue and "人身攻击" in queue
    assert "去死吧" in anonymous.get("/dataset/hhht-air").get_data(as_text=True)  # shown while looked at
    assert post_form(reader, f"/comments/{r_id}/moderate", {"action": "hide", "reason": "辱骂"}).status_code == 403
    assert post_form(authority, f"/comments/{r_id}/moderate", {"action": "hide"}).status_code == 422
    assert post_form(authority, f"/comments/{r_id}/moderate", {"action": "hide", "reason": "含辱骂内容"}).status_code == 302
    page = anonymous.get("/dataset/hhht-air").get_data(as_text=True)
    assert "去死吧" not in page and 'id="rating-average">1.0<' in page  # the rating itself still counts
    assert "去死吧" not in anonymous.get("/api/v1/datasets/hhht-air/comments").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.hide"))
    assert event.reason == "含辱骂内容"
    assert "去死吧" not in authority.get("/reuses/moderation").get_data(as_text=True)


def test_a_reported_comment_can_be_kept(app, users, entry):
    rate(client_of(app, "user@example.cn"), 3, "数据格式不统一。")
    r_id = db.session.scalar(select(Rating.id))
    f.data_user("reader@example.cn")
    post_form(client_of(app, "reader@example.cn"), f"/comments/{r_id}/report", {"reason": "不喜欢"})
    authority = client_of(app, "authority@example.cn")
    assert post_form(authority, f"/comments/{r_id}/moderate", {"action": "keep"}).status_code == 302
    assert "数据格式不统一。" in app.test_client().get("/dataset/hhht-air").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.keep")) is not None
    assert post_form(authority, f"/comments/{r_id}/moderate", {"action": "keep"}).status_code == 409


def test_rating_through_the_api(app, users, entry):
    token = create_token(users["data_user"], "程序", "read_write", 30)[1]
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    r = client.post("/api/v1/datasets/hhht-air/rating", json={"score": 5, "comment": "很好用"}, headers=headers)
    assert r.status_code == 201 and r.get_json()["average"] == 5.0 and r.get_json()["count"] == 1
    r = client.post("/api/v1/datasets/hhht-air/rating", json={"score": 3}, headers=headers)
    assert r.get_json()["count"] == 1 and r.get_json()["average"] == 3.0
    assert client.post("/api/v1/datasets/hhht-air/rating", json={"score": 0}, headers=headers).status_code == 422
    assert client.post("/api/v1/datasets/nope/rating", json={"score": 3}, headers=headers).status_code == 404
    assert client.post("/api/v1/datasets/hhht-air/rating", json={"score": 3}).status_code == 401
