"""Related catalog entries by id (Dataset.related_ids; OVERSIGHT.md §6 reads them): set from the console's form
and the API, checked (unknown ids and the entry itself refused, naming the field), linked on the public page."""
from __future__ import annotations

from portal.accounts.tokens import create_token
from portal.catalog.models import Dataset
from portal.extensions import db
from tests import factories as f
from tests.catalog.test_console import ENTRY, create
from tests.conftest import login, post_form


def test_related_entries_from_the_console_are_checked_and_linked(app, users, client):
    f.theme("城建住房", slug="housing")
    agency = users["agency_staff"].agency
    water = f.dataset("呼和浩特市供水管网分布", agency_obj=agency, slug="hhht-water")
    draft = f.dataset("呼和浩特市排水规划草稿", agency_obj=agency, state="draft", index=False)
    db.session.commit()
    water_id, draft_id = water.id, draft.id
    login(client, "staff@example.cn")
    r = create(client, related_ids="no-such-entry")
    assert r.status_code == 422 and 'id="f-related_ids-error"' in r.get_data(as_text=True)
    assert "no-such-entry" in r.get_data(as_text=True).split('id="f-related_ids-error"')[1].split("</p>")[0]
    assert create(client, related_ids=f"{water_id}, {draft_id}").status_code == 302
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    assert ds.related_ids == [water_id, draft_id]
    form = client.get(f"/console/datasets/{ds.id}/edit").get_data(as_text=True)
    assert f'value="{water_id}, {draft_id}"' in form
    r = post_form(client, f"/console/datasets/{ds.id}/edit", {**ENTRY, "theme": "housing", "related_ids": ds.id})
    assert r.status_code == 422 and 'id="f-related_ids-error"' in r.get_data(as_text=True)
    # published: the public page links the public related entries only
    ds.state = "published"
    db.session.commit()
    page = app.test_client().get(f"/dataset/{ds.slug}").get_data(as_text=True)
    related = page.split('id="related-entries"')[1].split("</section>")[0]
    assert 'href="/dataset/hhht-water"' in related and "呼和浩特市供水管网分布" in related
    assert "排水规划草稿" not in related


def test_related_entries_through_the_api(app, users):
    water = f.dataset("呼和浩特市供水管网分布", agency_obj=users["agency_staff"].agency, slug="hhht-water")
    f.theme("城建住房", slug="housing")
    db.session.commit()
    water_id = water.id
    api = app.test_client()
    rw = {"Authorization": f"Bearer {create_token(users['agency_staff'], 'rw', 'read_write', 30)[1]}"}
    body = {**ENTRY, "theme": "housing", "items": [], "related_ids": ["missing"]}
    r = api.post("/api/v1/datasets", json=body, headers=rw)
    assert r.status_code == 422 and "related_ids" in r.get_json()["error"]["details"]
    r = api.post("/api/v1/datasets", json={**body, "related_ids": [water_id]}, headers=rw)
    assert r.status_code == 201 and r.get_json()["related_ids"] == [water_id]
    r = api.post("/api/v1/datasets", json={**body, "code": "x/1", "slug": "x-1", "related_ids": 5}, headers=rw)
    assert r.status_code == 422 and "related_ids" in r.get_json()["error"]["details"]
