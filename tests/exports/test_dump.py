"""/api/v1/catalog.jsonl.gz: the whole public catalog streamed as gzipped JSON lines, and the change feed."""
from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from portal.audit.models import AccessEvent
from portal.catalog.models import Dataset, DatasetState, OpenType
from portal.exports import records, services
from portal.extensions import db
from tests import factories as f
from tests.conftest import login, post_form

URL = "/api/v1/catalog.jsonl.gz"


def entries(resp) -> list[dict]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/gzip"
    return [json.loads(line) for line in gzip.decompress(resp.data).decode("utf-8").splitlines()]


@pytest.fixture()
def catalog(app):
    """Public entries of every open type, plus a draft and a withdrawn entry that must never show."""
    env = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    air = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air", tags=("空气", "环境"), items=("站点", "AQI"),
                    agency_obj=env, temporal_start=datetime(2020, 1, 1).date())
    res = f.csv_resource(air, "站点,AQI\n新华广场,56\n", filename="空气质量.csv")
    cond = f.dataset("重点排污单位自行监测数据", slug="hhht-pollution", open_type=OpenType.CONDITIONAL, agency_obj=env)
    f.csv_resource(cond, "单位,排放量\n某厂,1\n", filename="排污.csv")
    closed = f.dataset("环境违法举报人信息", slug="hhht-reporters", open_type=OpenType.CLOSED, agency_obj=env)
    f.csv_resource(closed, "姓名\n张三\n", filename="举报人.csv")
    draft = f.dataset("尚未发布的草稿", slug="hhht-draft", state=DatasetState.DRAFT, agency_obj=env)
    gone = f.dataset("已撤回的条目", slug="hhht-withdrawn", state=DatasetState.WITHDRAWN, agency_obj=env)
    gone.published_at = datetime(2026, 1, 5)  # it was public once
    db.session.commit()
    return {"air": air, "air_res": res, "cond": cond, "closed": closed, "draft": draft, "gone": gone}


def test_full_dump_has_every_public_entry_with_fields_items_tags_and_resources(client, catalog):
    r = client.get(URL)
    assert r.is_streamed
    assert "catalog.jsonl.gz" in r.headers["Content-Disposition"]
    rows = entries(r)
    by_name = {e["name"]: e for e in rows}
    assert set(by_name) == {"hhht-air", "hhht-pollution", "hhht-reporters"}  # no draft, no withdrawn entry
    assert r.headers["X-Catalog-Entries"] == "3"
    air = by_name["hhht-air"]
    assert air["id"] == catalog["air"].id and air["deleted"] is False
    assert air["title"] == "呼和浩特市空气质量监测数据" and air["open_type"] == "unconditional"
    assert air["code"] == catalog["air"].code and air["update_frequency"] == "monthly"
    assert air["agency"]["slug"] == "hhht-sthjj" and air["agency"]["name"] == "呼和浩特市生态环境局"
    assert air["theme"]["name"] == "资源环境"
    assert sorted(air["tags"]) == ["环境", "空气"]
    assert [i["name"] for i in air["items"]] == ["站点", "AQI"]
    assert air["temporal_start"] == "2020-01-01"
    (res,) = air["resources"]
    stored = catalog["air_res"]
    assert res["sha256"] == stored.sha256 == hashlib.sha256("站点,AQI\n新华广场,56\n".encode()).hexdigest()
    assert res["size"] == stored.size and res["filename"] == "空气质量.csv" and res["format"] == "CSV"
    assert res["download_url"] == f"http://localhost/dataset/hhht-air/resource/{stored.id}/download"
    # the download URL works and gives the bytes the dump describes
    got = client.get(res["download_url"].removeprefix("http://localhost"))
    assert hashlib.sha256(got.data).hexdigest() == res["sha256"]
    # a conditional entry's files are described but not downloadable; a closed entry lists none (as on its page)
    assert by_name["hhht-pollution"]["resources"][0]["download_url"] is None
    assert by_name["hhht-pollution"]["open_conditions"]
    assert by_name["hhht-reporters"]["resources"] == []
    assert by_name["hhht-reporters"]["open_reason"] == "涉及个人信息"


def test_dump_streams_in_pages_and_chunks_into_one_valid_gzip(client, app, catalog, monkeypatch):
    for n in range(7):
        f.dataset(f"公交线路信息{n}", slug=f"bus-{n}")
    # 10 entries over 10 pages: the compressing thread may hold up to two pages back and hand them over
    # together, so fewer pages could leave only 3 chunks when the machine is busy
    monkeypatch.setattr(records, "PAGE_SIZE", 1)
    monkeypatch.setattr(services, "CHUNK", 64)     # many small gzip chunks
    r = client.get(URL)
    chunks = list(r.iter_encoded())
    assert len(chunks) > 3
    body = b"".join(chunks)
    # one gzip member, decodable incrementally chunk by chunk as a client would
    d = zlib.decompressobj(31)
    text = b"".join(d.decompress(c) for c in chunks) + d.flush()
    assert d.eof and text == gzip.decompress(body)
    rows = [json.loads(line) for line in text.decode().splitlines()]
    ids = [e["id"] for e in rows]
    assert len(ids) == 10 == len(set(ids)) and ids == sorted(ids)


def test_dump_is_logged_as_an_access_event(client, catalog):
    r = client.get(URL)
    size = len(r.data)
    event = db.session.query(AccessEvent).filter_by(kind="bulk_dump").one()
    assert event.status == 200 and event.bytes_sent == size
    assert "since=-" in event.detail and "interrupted" not in event.detail


def test_etag_and_last_modified(client, catalog):
    r = client.get(URL)
    etag = r.headers["ETag"]
    assert r.headers["Last-Modified"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    f.dataset("新发布的条目", slug="fresh")
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "fresh" in {e["name"] for e in entries(changed)}


def _age_everything(when: datetime) -> None:
    """Make every row look last changed at `when` (what a catalog looks like some time later)."""
    db.session.execute(update(Dataset).values(modified_at=when))
    from portal.catalog.models import DatasetChange, Resource
    db.session.execute(update(DatasetChange).values(at=when))
    db.session.execute(update(Resource).values(updated_at=when))
    db.session.commit()


def test_modified_since_gives_changes_and_a_tombstone_for_an_unpublished_entry(client, app, users, catalog):
    _age_everything(datetime(2026, 1, 1))
    since = "2026-03-01T00:00:00Z"
    r = client.get(URL, query_string={"modified_since": since})
    assert entries(r) == []  # nothing changed since
    assert r.headers["X-Next-Modified-Since"].endswith("Z")
    # the authority withdraws the air-quality entry through the review service
    authority = app.test_client()
    login(authority, "authority@example.cn")
    resp = post_form(authority, f"/review/datasets/{catalog['air'].id}/unpublish", {"reason": "数据源停止采集"})
    assert resp.status_code == 302
    # and a new entry is published
    f.dataset("新公布的停车场名录", slug="parking")
    rows = entries(client.get(URL, query_string={"modified_since": since}))
    by_name = {e["name"]: e for e in rows}
    assert set(by_name) == {"hhht-air", "parking"}
    tomb = by_name["hhht-air"]
    assert tomb["deleted"] is True and tomb["id"] == catalog["air"].id
    assert set(tomb) == {"id", "name", "deleted", "modified"}
    assert tomb["modified"] > "2026-03-01"
    assert by_name["parking"]["deleted"] is False and by_name["parking"]["title"] == "新公布的停车场名录"
    # the full dump no longer has the withdrawn entry at all
    assert "hhht-air" not in {e["name"] for e in entries(client.get(URL))}
    # a date without time and an offset are understood; an earlier time includes everything changed after it
    old = entries(client.get(URL, query_string={"modified_since": "2025-12-31"}))
    assert {"hhht-air", "hhht-pollution", "hhht-reporters", "parking", "hhht-withdrawn"} == {e["name"] for e in old}
    assert {e["name"] for e in old if e["deleted"]} == {"hhht-air", "hhht-withdrawn"}
    later = entries(client.get(URL, query_string={"modified_since": "2026-03-01T08:00:00+08:00"}))
    assert {e["name"] for e in later} == {"hhht-air", "parking"}


def test_drafts_never_appear_in_the_change_feed(client, catalog):
    _age_everything(datetime(2026, 1, 1))
    draft = db.session.get(Dataset, catalog["draft"].id)
    draft.title = "草稿改了标题"
    db.session.commit()
    rows = entries(client.get(URL, query_string={"modified_since": "2026-02-01"}))
    assert rows == []  # never published: its existence is not public, not even as a tombstone


def test_a_new_file_puts_the_entry_in_the_change_feed(client, catalog):
    _age_everything(datetime(2026, 1, 1))
    f.csv_resource(db.session.get(Dataset, catalog["cond"].id), "单位,排放量\n某厂,2\n", filename="排污2.csv")
    rows = entries(client.get(URL, query_string={"modified_since": "2026-02-01"}))
    assert [e["name"] for e in rows] == ["hhht-pollution"]
    assert len(rows[0]["resources"]) == 2


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-01-01T25:00"])
def test_bad_modified_since_is_a_400_envelope(client, bad):
    r = client.get(URL, query_string={"modified_since": bad})
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"]["code"] == "bad_request" and "modified_since" in body["error"]["details"]


def test_a_full_dump_is_kept_and_served_again_until_the_catalog_changes(client, app, catalog):
    first = client.get(URL)
    body = first.data
    cache = Path(app.config["DATA_DIR"]) / "exports"
    assert [p.name for p in cache.iterdir()] == [f"catalog-{first.headers['ETag'].strip(chr(34))}.jsonl.gz"]
    again = client.get(URL)
    assert again.status_code == 200 and again.data == body and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["X-Next-Modified-Since"] and again.headers["X-Catalog-Entries"] == "3"
    # the kept file supports resuming a broken download
    part = client.get(URL, headers={"Range": "bytes=10-"})
    assert part.status_code == 206 and part.data == body[10:]
    details = [e.detail for e in db.session.query(AccessEvent).filter_by(kind="bulk_dump").order_by(AccessEvent.id)]
    assert details == ["catalog.jsonl.gz since=-", "catalog.jsonl.gz since=- (cached)",
                       "catalog.jsonl.gz since=- (cached)"]
    # renaming an agency changes every line of its entries: a new version, dumped afresh
    from portal.agencies.models import Agency
    db.session.query(Agency).filter_by(slug="hhht-sthjj").one().name = "呼和浩特市生态环境局（新）"
    db.session.commit()
    renamed = client.get(URL)
    assert renamed.headers["ETag"] != first.headers["ETag"]
    assert {e["agency"]["name"] for e in entries(renamed)} == {"呼和浩特市生态环境局（新）"}
    assert len(list(cache.iterdir())) == 1  # the old version's file is gone


def test_an_interrupted_dump_leaves_nothing_behind(client, app, catalog, monkeypatch):
    monkeypatch.setattr(records, "PAGE_SIZE", 1)
    monkeypatch.setattr(services, "CHUNK", 16)
    r = client.get(URL)
    it = iter(r.response)
    next(it)
    r.close()  # the client goes away after the first chunk
    cache = Path(app.config["DATA_DIR"]) / "exports"
    assert list(cache.iterdir()) == []
    event = db.session.query(AccessEvent).filter_by(kind="bulk_dump").one()
    assert event.detail.endswith("(interrupted)") and 0 < event.bytes_sent < len(client.get(URL).data)


def test_next_modified_since_picks_up_what_changed_after_the_dump(client, catalog):
    first = client.get(URL)
    assert len(entries(first)) == 3
    since = first.headers["X-Next-Modified-Since"]
    assert services.parse_since(since) is not None
    f.dataset("之后发布的条目", slug="later")
    rows = entries(client.get(URL, query_string={"modified_since": since}))
    # the new entry, plus what changed within the minute of overlap (the fixture's rows, just written)
    assert "later" in {e["name"] for e in rows if not e["deleted"]}
