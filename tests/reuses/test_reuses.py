"""Reuses (利用成果) over HTTP: a data user submits one with an image, the data authority publishes or rejects it
(audited, the submitter told), published reuses show on their entries' pages and on the showcase by theme and
kind, and the statistics count them as SQL does; a file that is not an image is refused with nothing stored."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.inbox.models import Message
from portal.reuses.models import Reuse
from portal.storage import storage
from tests import factories as f
from tests.conftest import login, post_form
from tests.reuses.helpers import jpeg, png


@pytest.fixture()
def entries(app, users):
    air = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air", theme_obj=f.theme("资源环境", slug="env"))
    bus = f.dataset("包头市公交线路", slug="bt-bus", theme_obj=f.theme("交通出行", slug="transport"))
    return {"air": air, "bus": bus}


def client_of(app, email):
    c = app.test_client()
    login(c, email)
    return c


def submit(client, *, image=None, filename="shot.png", **changes):
    form = {"title": "空气质量地图", "kind": "visualisation", "url": "https://example.cn/aqi-map",
            "description": "把各站点的小时数据画在地图上。", "entries": "hhht-air", "display_name": "小明工作室", **changes}
    if image is not None:
        form["image"] = (io.BytesIO(image), filename)
    return post_form(client, "/reuses/new", form, content_type="multipart/form-data")


def stored_keys(app) -> set[str]:
    return set(storage().keys())


def decide(client, reuse_id, action, reason=""):
    return post_form(client, f"/reuses/{reuse_id}/decision", {"action": action, "reason": reason})


def test_submitted_reuse_is_shown_on_entry_and_showcase_once_published(app, users, entries):
    user = client_of(app, "user@example.cn")
    r = submit(user, image=png())
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    reuse = db.session.scalar(select(Reuse))
    assert reuse.state == "pending" and reuse.image_type == "image/png"
    # the stored image has lost its text chunk (the author's name, a position)
    with open(storage().path(reuse.image_key), "rb") as fh:
        kept = fh.read()
    assert b"tEXt" not in kept and b"Zhang San" not in kept and kept.startswith(b"\x89PNG")
    anonymous = app.test_client()
    assert "空气质量地图" not in anonymous.get("/reuses").get_data(as_text=True)
    assert "空气质量地图" not in anonymous.get("/dataset/hhht-air").get_data(as_text=True)
    assert anonymous.get(f"/reuses/{reuse.id}").status_code == 404  # pending: not public
    assert anonymous.get(f"/reuses/{reuse.id}/image").status_code == 404

    authority = client_of(app, "authority@example.cn")
    queue = authority.get("/reuses/moderation").get_data(as_text=True)
    assert "空气质量地图" in queue
    assert decide(user, reuse.id, "publish").status_code == 403  # the submitter does not moderate
    assert decide(authority, reuse.id, "publish").status_code == 302

    page = anonymous.get("/dataset/hhht-air").get_data(as_text=True)
    assert "空气质量地图" in page and "小明工作室" in page and "数据用户" not in page
    show = anonymous.get("/reuses?theme=env&kind=visualisation").get_data(as_text=True)
    assert "空气质量地图" in show and show.count('class="reuse-card"') == 1
    assert "空气质量地图" not in anonymous.get("/reuses?theme=transport").get_data(as_text=True)
    assert "空气质量地图" not in anonymous.get("/reuses?kind=app").get_data(as_text=True)
    img = anonymous.get(f"/reuses/{reuse.id}/image")
    assert img.status_code == 200 and img.mimetype == "image/png" and img.data == kept
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reuse.publish"))
    assert event is not None and event.object_id == str(reuse.id)
    assert db.session.scalar(select(Message).where(Message.user_id == users["data_user"].id,
                                                   Message.kind == "reuse.published")) is not None
    assert decide(authority, reuse.id, "publish").status_code == 409  # moderated already


def test_rejected_reuse_is_not_shown_and_the_reason_is_required(app, users, entries):
    user = client_of(app, "user@example.cn")
    submit(user, title="广告页面", entries="http://localhost/dataset/bt-bus")
    reuse = db.session.scalar(select(Reuse))
    assert [d.slug for d in reuse.entries] == ["bt-bus"]
    authority = client_of(app, "authority@example.cn")
    r = decide(authority, reuse.id, "reject")
    assert r.status_code == 422 and "请说明" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reuse, reuse.id).state == "pending"
    assert decide(authority, reuse.id, "reject", "与开放数据无关的广告。").status_code == 302
    anonymous = app.test_client()
    assert "广告页面" not in anonymous.get("/reuses").get_data(as_text=True)
    assert "广告页面" not in anonymous.get("/dataset/bt-bus").get_data(as_text=True)
    assert anonymous.get(f"/reuses/{reuse.id}").status_code == 404
    mine = user.get(f"/reuses/{reuse.id}").get_data(as_text=True)  # the submitter reads the reason
    assert "与开放数据无关的广告。" in mine
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reuse.reject")).reason == "与开放数据无关的广告。"


@pytest.mark.parametrize("payload,filename", [
    (b"%PDF-1.4 not an image", "shot.png"),
    (b"GIF89a......", "shot.gif"),
    (png()[:-20], "broken.png"),                       # cut short: no IEND, bad CRC
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "fake.png"),  # a PNG signature with nothing behind it
])
def test_a_non_image_upload_is_refused_422_with_nothing_stored(app, users, entries, payload, filename):
    user = client_of(app, "user@example.cn")
    before = stored_keys(app)
    r = submit(user, image=payload, filename=filename)
    assert r.status_code == 422
    assert "PNG" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Reuse.id))) == 0
    assert stored_keys(app) == before


def test_a_too_large_image_is_refused(app, users, entries):
    from portal.reuses import images

    user = client_of(app, "user@example.cn")
    before = stored_keys(app)
    r = submit(user, image=png() + b"\x00" * images.MAX_BYTES)
    assert r.status_code == 422 and db.session.scalar(select(func.count(Reuse.id))) == 0
    assert stored_keys(app) == before


def test_a_jpeg_loses_its_exif(app, users, entries):
    user = client_of(app, "user@example.cn")
    assert submit(user, image=jpeg(), filename="photo.jpg").status_code == 302
    reuse = db.session.scalar(select(Reuse))
    with open(storage().path(reuse.image_key), "rb") as fh:
        kept = fh.read()
    assert reuse.image_type == "image/jpeg" and b"Exif" not in kept and b"a comment" not in kept
    assert kept.startswith(b"\xff\xd8") and kept.endswith(b"\xff\xd9") and b"JFIF" in kept


def test_bad_fields_are_named_and_only_public_entries_are_linked(app, users, entries):
    hidden = f.dataset("草稿目录", slug="draft-entry", state="draft")
    user = client_of(app, "user@example.cn")
    r = submit(user, title="", url="ftp://example.cn", kind="toy", entries=f"{hidden.slug}")
    text = r.get_data(as_text=True)
    assert r.status_code == 422
    for field in ("f-title", "f-url", "f-kind", "f-entries"):
        assert f'href="#{field}"' in text
    assert db.session.scalar(select(func.count(Reuse.id))) == 0


def test_staff_do_not_submit_reuses(app, users, entries):
    staff = client_of(app, "staff@example.cn")
    assert submit(staff).status_code == 403


def test_showcase_empty_states_and_pages(app, users, entries):
    anonymous = app.test_client()
    assert 'id="no-reuses"' in anonymous.get("/reuses").get_data(as_text=True)
    user = client_of(app, "user@example.cn")
    authority = client_of(app, "authority@example.cn")
    for n in range(14):
        submit(user, title=f"应用{n:02d}", kind="app")
    for reuse in db.session.scalars(select(Reuse)).all():
        decide(authority, reuse.id, "publish")
    first = anonymous.get("/reuses").get_data(as_text=True)
    second = anonymous.get("/reuses?page=2").get_data(as_text=True)
    assert first.count('class="reuse-card"') == 12 and second.count('class="reuse-card"') == 2
    assert 'id="no-reuses"' in anonymous.get("/reuses?kind=paper").get_data(as_text=True)


def test_statistics_count_published_reuses_as_sql_does(app, users, entries):
    user = client_of(app, "user@example.cn")
    authority = client_of(app, "authority@example.cn")
    for title, kind in [("A", "app"), ("B", "app"), ("C", "paper"), ("D", "news")]:
        submit(user, title=title, kind=kind)
    reuses = db.session.scalars(select(Reuse).order_by(Reuse.id)).all()
    for reuse in reuses[:3]:
        decide(authority, reuse.id, "publish")
    decide(authority, reuses[3].id, "reject", "重复提交")
    expected = dict(db.session.execute(select(Reuse.kind, func.count(Reuse.id))
                                       .where(Reuse.state == "published").group_by(Reuse.kind)).all())
    stats = app.test_client().get("/api/v1/stats").get_json()
    chart = next(c for c in stats["charts"] if c["id"] == "reuses-kind")
    got = {row["key"]: row["values"][0] for row in chart["rows"] if row["values"][0]}
    assert got == expected == {"app": 2, "paper": 1}
    page = app.test_client().get("/statistics").get_data(as_text=True)
    assert 'id="reuses-kind"' in page


def test_the_api_lists_and_takes_reuses(app, users, entries):
    from portal.accounts.tokens import create_token

    token = create_token(users["data_user"], "程序", "read_write", 30)[1]
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    r = client.post("/api/v1/reuses", headers=headers, content_type="multipart/form-data", data={
        "title": "公交到站应用", "kind": "app", "url": "https://example.cn/bus", "description": "实时公交。",
        "entries": "bt-bus", "image": (io.BytesIO(b"MZ\x90\x00 not an image"), "x.png")})
    assert r.status_code == 422 and "image" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/reuses", headers=headers, json={
        "title": "公交到站应用", "kind": "app", "url": "https://example.cn/bus", "description": "实时公交。",
        "entries": ["bt-bus"]})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["state"] == "pending" and body["display_name"].startswith("用户") and len(body["display_name"]) == 8
    assert client.get("/api/v1/reuses").get_json()["total"] == 0
    decide(client_of(app, "authority@example.cn"), body["id"], "publish")
    listed = client.get("/api/v1/reuses?theme=transport").get_json()
    assert listed["total"] == 1 and listed["results"][0]["entries"] == [{"slug": "bt-bus", "title": "包头市公交线路"}]
    assert client.post("/api/v1/reuses", json={}).status_code == 401
