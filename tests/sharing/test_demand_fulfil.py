"""Fulfilling a demand (SHARING.md §3.4「fulfil → fulfilled (entry submitted for review, grant delivered)」): the
source agency's officer names the catalog entry that holds the data, one of its own, published or submitted for
review; the demand links to it and the requesting agency's officers are told."""
from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing.demand_models import DemandRequest
from tests import factories as f
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.dispute_helpers import inbox

FORM = {"title": "机动车尾气遥感监测数据", "items": ["车牌号", "排放值"], "scenario": "交通执法中核查高排放车辆",
        "legal_duty": "《大气污染防治法》第五十三条", "commitment": "true"}


def _reload(d) -> DemandRequest:
    db.session.expire_all()
    return db.session.get(DemandRequest, d.id)


def _agreed(parties, as_user, monkeypatch) -> DemandRequest:
    freeze(monkeypatch, "2026-04-28")
    r = post_form(as_user(parties["b_officer"]), "/sharing/demands/new", FORM)
    d = db.session.get(DemandRequest, int(r.headers["Location"].rsplit("/", 1)[1]))
    freeze(monkeypatch, "2026-04-30")
    assert post_form(as_user(parties["authority"]), f"/sharing/demands/{d.id}/act",
                     {"action": "forward", "provider": "nmg-sthjt"}).status_code == 302
    freeze(monkeypatch, "2026-05-11")
    assert post_form(as_user(parties["a_officer"]), f"/sharing/demands/{d.id}/act", {"action": "agree"}).status_code == 302
    return _reload(d)


def test_fulfil_names_an_entry_of_the_source_agency_published_or_under_review(parties, as_user, monkeypatch):
    """A's officer must name an entry: none, another agency's, or A's draft is 422 naming the field (nothing
    written); A's entry submitted for review fulfils it: the demand shows that entry, B's officer is told, the
    step is audited with the entry."""
    d = _agreed(parties, as_user, monkeypatch)
    under_review = f.dataset("机动车尾气遥感监测超标记录", agency_obj=parties["A"], state="submitted", index=False)
    draft = f.dataset("尾气监测草稿", agency_obj=parties["A"], state="draft", index=False)
    others = f.dataset("交通运输局自己的条目", agency_obj=parties["B"], index=False)
    db.session.commit()
    a = as_user(parties["a_officer"])
    page = a.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    choices = page.split('id="f-dataset"')[1].split("</select>")[0]
    assert f'value="{under_review.slug}"' in choices and f'value="{parties["open"].slug}"' in choices
    assert f'value="{draft.slug}"' not in choices and f'value="{others.slug}"' not in choices

    freeze(monkeypatch, "2026-05-19")
    for bad in ("", draft.slug, others.slug, "no-such-entry"):
        r = post_form(a, f"/sharing/demands/{d.id}/act", {"action": "fulfil", "dataset": bad})
        assert r.status_code == 422 and 'id="error-dataset"' in r.get_data(as_text=True), bad
        assert _reload(d).state == "agreed" and _reload(d).fulfilled_dataset_id is None
    r = post_form(a, f"/sharing/demands/{d.id}/act", {"action": "fulfil", "dataset": under_review.slug,
                                                     "reason": "已按需求汇聚，提交审核"})
    assert r.status_code == 302
    d = _reload(d)
    assert d.state == "fulfilled" and d.fulfilled_dataset_id == under_review.id

    page = as_user(parties["b_staff"]).get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "机动车尾气遥感监测超标记录" in page.split('id="demand-fulfilled"')[1].split("</td>")[0]
    told = [m for m in inbox(parties["b_officer"]) if m.link == f"/sharing/demands/{d.id}"][-1]
    assert "机动车尾气遥感监测数据" in told.subject and "机动车尾气遥感监测超标记录" in told.body
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "share_demand.fulfil")).one()
    assert event.details["dataset"] == under_review.slug and event.details["on_time"] is True


def test_a_published_entry_is_linked_and_the_api_requires_the_entry(parties, as_user, monkeypatch, client):
    """A published entry links to its page; the API refuses a fulfilment without an entry (422 naming it)."""
    from portal.accounts.tokens import create_token

    def token(user):
        return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}

    d = _agreed(parties, as_user, monkeypatch)
    r = client.post(f"/api/v1/sharing/demands/{d.id}/actions", json={"action": "fulfil"},
                    headers=token(parties["a_officer"]))
    assert r.status_code == 422 and "dataset" in r.get_json()["error"]["details"]
    r = client.post(f"/api/v1/sharing/demands/{d.id}/actions",
                    json={"action": "fulfil", "dataset": parties["open"].slug}, headers=token(parties["a_officer"]))
    assert r.status_code == 201 and r.get_json()["state"] == "fulfilled"
    page = as_user(parties["b_officer"]).get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert f'href="/dataset/{parties["open"].slug}"' in page.split('id="demand-fulfilled"')[1].split("</td>")[0]
