"""Share grants (SHARING.md §3.3, §4, §5): S1's download, S5's covers, S6's refused upload, the agreed data items
only, the notice, the provider's view of uses, suspension."""
from __future__ import annotations

import io
import zipfile

from portal.accounts.tokens import create_token
from portal.audit.models import AccessEvent
from portal.catalog.models import DatasetState
from portal.extensions import db
from tests import factories as f
from tests.conftest import csrf_token_for, post_form
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request


def share_events(grant_id: int) -> list[AccessEvent]:
    db.session.expire_all()
    return db.session.scalars(db.select(AccessEvent).where(AccessEvent.kind == "share",
                                                           AccessEvent.grant_id == grant_id)
                              .order_by(AccessEvent.id)).all()


def granted(client, parties, monkeypatch, day="2026-03-02", **over):
    freeze(monkeypatch, day)
    r = ask(client, parties, "open", start=day, **over)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return last_request().grant


def test_s1_the_named_user_downloads_and_the_access_event_names_the_grant(parties, as_user, monkeypatch):
    """S1: B's named user downloads E's file; its `share` access event has the grant id; the CSV holds only the
    agreed data items, and the delivery page shows the purpose and the ban on onward transfer."""
    grant = granted(as_user(parties["b_officer"]), parties, monkeypatch)
    client = as_user(parties["b_staff"])
    page = client.get(f"/sharing/grants/{grant.id}").get_data(as_text=True)
    assert "机动车排放执法" in page and "不得以任何形式提供给第三方" in page
    r = client.get(f"/sharing/grants/{grant.id}/files/{parties['open_file'].id}/download")
    assert r.status_code == 200
    text = r.get_data().decode("utf-8")
    assert text.splitlines()[0] == "站点,AQI" and "13800000000" not in text and "新华广场,56" in text
    events = share_events(grant.id)
    assert [(e.status, e.user_id, e.resource_id) for e in events] == [(200, parties["b_staff"].id,
                                                                      parties["open_file"].id)]


def test_s5_only_named_users_granted_modes_and_days(parties, as_user, monkeypatch, app):
    """S5: a grant on R, mode `api`, to 2026-12-31, user U1: U1's site download 403, U1's API call 200, U2 of B
    403, U1 on 2027-01-01 403; each 403 logged."""
    grant = granted(as_user(parties["b_officer"]), parties, monkeypatch, day="2026-10-12", modes=["api"])
    assert grant.modes == ["api"] and grant.end.isoformat() == "2026-12-31"
    res = parties["open_file"].id
    u1, u2 = parties["b_staff"], parties["b_user2"]
    token1 = create_token(u1, "共享", "read", 180)[1]
    token2 = create_token(u2, "共享", "read", 180)[1]
    url = f"/api/v1/sharing/grants/{grant.id}/files/{res}/download"
    site = as_user(u1).get(f"/sharing/grants/{grant.id}/files/{res}/download")
    assert site.status_code == 403
    api = app.test_client().get(url, headers={"Authorization": f"Bearer {token1}"})
    assert api.status_code == 200 and api.get_data().decode().startswith("站点,AQI")
    assert "%E7%AC%AC%E4%B8%89%E6%96%B9" in api.headers["X-Share-Notice"]  # 第三方: the ban on onward transfer
    other = app.test_client().get(url, headers={"Authorization": f"Bearer {token2}"})
    assert other.status_code == 403 and "用数人员" in other.get_json()["error"]["message"]
    freeze(monkeypatch, "2027-01-01")
    late = app.test_client().get(url, headers={"Authorization": f"Bearer {token1}"})
    assert late.status_code == 403 and "2026-12-31" in late.get_json()["error"]["message"]
    events = share_events(grant.id)
    assert [(e.status, e.user_id) for e in events] == [(403, u1.id), (200, u1.id), (403, u2.id), (403, u1.id)]
    assert all(e.grant_id == grant.id and e.detail for e in events if e.status == 403)


def test_s6_bytes_received_under_a_grant_cannot_be_uploaded_to_the_requesters_entry(parties, as_user, monkeypatch):
    """S6: uploading to a B entry the bytes B received under a grant is 422."""
    grant = granted(as_user(parties["b_officer"]), parties, monkeypatch)
    client = as_user(parties["b_staff"])
    received = client.get(f"/sharing/grants/{grant.id}/files/{parties['open_file'].id}/download").get_data()
    own = f.dataset("交通执法车辆排放数据", agency_obj=parties["B"], state=DatasetState.DRAFT, index=False)
    url = f"/console/datasets/{own.id}/upload"
    r = client.put(url, query_string={"filename": "收到的.csv", "format": "CSV"}, data=received,
                   headers={"X-CSRFToken": csrf_token_for(client)}, content_type="application/octet-stream")
    message = r.get_json()["error"]["message"]
    assert r.status_code == 422 and f"共享授权 {grant.id} 号" in message and "不得提供给他人或公开发布" in message
    db.session.expire_all()
    assert not own.resources
    other = client.put(url, query_string={"filename": "自有.csv", "format": "CSV"}, data="车牌,排放\n蒙A1,合格\n".encode(),
                       headers={"X-CSRFToken": csrf_token_for(client)}, content_type="application/octet-stream")
    assert other.status_code == 201


def test_archive_carries_the_notice_file(parties, as_user, monkeypatch):
    """§4: delivered as an archive, the data comes with a notice file of the purpose and the ban."""
    grant = granted(as_user(parties["b_officer"]), parties, monkeypatch)
    r = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}/download")
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.get_data()))
    assert "使用须知.txt" in z.namelist() and "第三方" in z.read("使用须知.txt").decode()
    assert "open.csv" in z.namelist() and z.read("open.csv").decode().startswith("站点,AQI\n")


def test_the_provider_sees_uses_and_suspends(parties, as_user, monkeypatch):
    """§3.3, §5: the provider sees who took what and when; it suspends with a reason and the use is refused."""
    grant = granted(as_user(parties["b_officer"]), parties, monkeypatch)
    url = f"/sharing/grants/{grant.id}/files/{parties['open_file'].id}/download"
    assert as_user(parties["b_staff"]).get(url).status_code == 200
    provider = as_user(parties["a_officer"])
    page = provider.get(f"/sharing/grants/{grant.id}").get_data(as_text=True)
    assert 'id="uses"' in page and "交通运输局用数人员" in page and "open" in page
    r = post_form(provider, f"/sharing/grants/{grant.id}/suspend", {"reason": "发现超范围使用"})
    assert r.status_code == 302
    r = as_user(parties["b_staff"]).get(url)
    assert r.status_code == 403 and "发现超范围使用" in r.get_data(as_text=True)
    r = post_form(as_user(parties["b_officer"]), f"/sharing/grants/{grant.id}/resume", {"reason": "我方恢复"})
    assert r.status_code == 403
