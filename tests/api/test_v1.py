"""The native REST API (/api/v1) over HTTP: the same search as the site, entries, resources and
downloads, agencies, themes, tags, plans, the negative list, figures; paging limits; one error envelope."""
from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal import pagecache
from portal.catalog.models import Dataset, DatasetState, OpenType
from portal.extensions import db
from tests import factories as f


def get(client, url, status=200, **params):
    r = client.get(url, query_string=params)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.content_type.startswith("application/json")
    return r.get_json()


def assert_error(body, code):
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]


# ---- search: the site's search, as JSON ------------------------------------------------------
@pytest.mark.parametrize("params", [
    {"q": "空气质量"},
    {"q": "公交", "sort": "title"},
    {"agency": ["nmg-sthjt", "bt-sthjj"], "open_type": "unconditional"},
    {"theme": "environment", "format": "CSV", "sort": "downloads"},
    {"page": 2},
    {"q": "呼和浩特", "sort": "modified"},
])
def test_search_answers_what_the_search_page_shows(demo_client, params):
    import re

    api = get(demo_client, "/api/v1/datasets", **params, per_page=20)
    html = demo_client.get("/dataset", query_string=params).get_data(as_text=True)
    slugs_on_page = re.findall(r'<h3 class="dataset-title"><a href="/dataset/([^"]+)"', html)
    assert slugs_on_page and [d["slug"] for d in api["results"]] == slugs_on_page
    assert f"{api['total']}" in html
    assert api["per_page"] == 20 and api["page"] == params.get("page", 1)


def test_search_facets_and_filters(demo_client, demo_app):
    everything = get(demo_client, "/api/v1/datasets", per_page=100)
    facets = {f["name"]: f for f in everything["facets"]}
    assert list(facets) == ["theme", "agency", "open_type", "format", "frequency", "region"]
    env = next(v for v in facets["theme"]["values"] if v["value"] == "environment")
    assert env["label"] == "资源环境"
    filtered = get(demo_client, "/api/v1/datasets", theme="environment", per_page=100)
    assert filtered["total"] == env["count"] == len(filtered["results"])
    assert {d["theme"]["slug"] for d in filtered["results"]} == {"environment"}
    chosen = {f["name"]: f for f in filtered["facets"]}["theme"]["values"]
    assert [v for v in chosen if v["selected"]] == [{**env, "selected": True}]
    with demo_app.app_context():
        assert everything["total"] == db.session.query(Dataset).filter_by(state="published").count()
    assert everything["sort"] == "modified" and everything["pages"] == 2


def test_search_pages_and_page_size_limit(demo_client):
    first = get(demo_client, "/api/v1/datasets", per_page=50, sort="title")
    second = get(demo_client, "/api/v1/datasets", per_page=50, sort="title", page=2)
    third = get(demo_client, "/api/v1/datasets", per_page=50, sort="title", page=3)
    slugs = [d["slug"] for page in (first, second, third) for d in page["results"]]
    assert len(slugs) == first["total"] == len(set(slugs)) and first["pages"] == 3
    assert get(demo_client, "/api/v1/datasets", per_page=100)["per_page"] == 100
    for params in ({"per_page": 101}, {"per_page": 0}, {"page": 0}, {"page": 501}, {"page": "two"},
                   {"sort": "popularity"}, {"q": "x" * 201}):
        body = get(demo_client, "/api/v1/datasets", status=422, **params)
        assert_error(body, "invalid")
        assert set(body["error"]["details"]) == set(params)


# ---- one entry, resources, downloads ----------------------------------------------------------
def test_dataset_has_every_field_and_resources_with_download_addresses(demo_client, demo_app):
    with demo_app.app_context():
        # Download counts may lag in kept pages (pagecache), and earlier tests of the shared demo app
        # download this entry's files: both answers compared below are rendered now.
        pagecache.clear()
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == "hhht-air-quality-realtime"))
        expected = {"title": ds.title, "code": ds.code, "items": [i.name for i in ds.items],
                    "resources": [r.id for r in ds.resources], "tags": sorted(t.name for t in ds.tags), "id": ds.id}
    body = get(demo_client, "/api/v1/datasets/hhht-air-quality-realtime")
    assert body["title"] == expected["title"] and body["code"] == expected["code"]
    assert [i["name"] for i in body["items"]] == expected["items"]
    assert sorted(body["tags"]) == expected["tags"]
    assert [r["id"] for r in body["resources"]] == expected["resources"]
    assert body["agency"]["slug"] == "hhht-sthjj" and body["open_type"] == "unconditional"
    assert "呼和浩特市生态环境局" in body["citation"]
    assert get(demo_client, f"/api/v1/datasets/{expected['id']}")["slug"] == "hhht-air-quality-realtime"
    files = [r for r in body["resources"] if r["kind"] == "file"]
    assert files and all(r["downloadable"] and r["download_url"].endswith(f"/api/v1/resources/{r['id']}/download")
                         for r in files)
    listed = get(demo_client, "/api/v1/datasets/hhht-air-quality-realtime/resources")["results"]
    assert listed == body["resources"]
    one = get(demo_client, f"/api/v1/resources/{files[0]['id']}")
    assert one == files[0]
    r = demo_client.get(files[0]["download_url"].replace("http://localhost", ""))
    assert r.status_code == 200 and hashlib.sha256(r.data).hexdigest() == one["sha256"]
    assert r.headers["ETag"].strip('"') == one["sha256"]


def test_download_of_conditional_and_closed_files_is_refused_in_the_envelope(app, client):
    conditional = f.dataset("企业信用明细", open_type=OpenType.CONDITIONAL, slug="credit")
    res = f.csv_resource(conditional)
    meta = get(client, f"/api/v1/resources/{res.id}")
    assert meta["downloadable"] is False and meta["download_url"] is None and meta["sha256"] == res.sha256
    body = get(client, f"/api/v1/resources/{res.id}/download", status=403)
    assert_error(body, "forbidden")
    assert "企业信用明细" in body["error"]["message"]
    assert_error(get(client, "/api/v1/resources/nope/download", status=404), "not_found")


def test_downloads_through_the_api_are_counted(app, client):
    ds = f.dataset(slug="counted")
    res = f.csv_resource(ds)
    assert client.get(f"/api/v1/resources/{res.id}/download").status_code == 200
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).download_count == 1


def test_non_public_entries_are_not_found_anywhere(app, client):
    public = f.dataset("公开的空气质量数据", slug="public-aq", tags=("空气质量",))
    hidden = []
    for state in (DatasetState.DRAFT, DatasetState.SUBMITTED, DatasetState.RETURNED, DatasetState.WITHDRAWN):
        ds = f.dataset(f"{state}的空气质量数据", slug=f"hidden-{state}", state=state, tags=("空气质量",),
                       open_type=OpenType.CLOSED)
        hidden.append((ds.slug, ds.id, f.csv_resource(ds).id))
    assert [d["slug"] for d in get(client, "/api/v1/datasets", q="空气质量")["results"]] == ["public-aq"]
    assert get(client, "/api/v1/tags")["results"] == [{"name": "空气质量", "datasets": 1}]
    assert get(client, "/api/v1/negative-list")["total"] == 0
    assert get(client, "/api/v1/figures")["datasets"] == 1
    assert get(client, f"/api/v1/agencies/{public.agency.slug}")["datasets"] == 1
    for slug, ds_id, res_id in hidden:
        for url in (f"/api/v1/datasets/{slug}", f"/api/v1/datasets/{ds_id}", f"/api/v1/datasets/{slug}/resources",
                    f"/api/v1/resources/{res_id}", f"/api/v1/resources/{res_id}/download"):
            assert_error(get(client, url, status=404), "not_found")


# ---- agencies, themes, tags, negative list, figures, plans --------------------------------------
def test_agencies_paged(demo_client):
    first = get(demo_client, "/api/v1/agencies", per_page=10)
    rest = [get(demo_client, "/api/v1/agencies", per_page=10, page=p)["results"] for p in range(2, first["pages"] + 1)]
    slugs = [a["slug"] for a in first["results"]] + [a["slug"] for page in rest for a in page]
    assert len(slugs) == first["total"] == len(set(slugs)) == 26
    assert first["results"][0]["level"] == "region"
    one = get(demo_client, "/api/v1/agencies/hhht-sthjj")
    assert one["name"] == "呼和浩特市生态环境局" and one["datasets"] == next(
        a["datasets"] for page in [first["results"], *rest] for a in page if a["slug"] == "hhht-sthjj")
    assert_error(get(demo_client, "/api/v1/agencies/nope", status=404), "not_found")
    assert_error(get(demo_client, "/api/v1/agencies", status=422, per_page=1000), "invalid")


def test_themes_and_tags(demo_client):
    themes = get(demo_client, "/api/v1/themes")["results"]
    assert themes[0]["slug"] and sum(t["datasets"] for t in themes) == 107
    tags = get(demo_client, "/api/v1/tags", per_page=100)
    counts = [t["datasets"] for t in tags["results"]]
    assert counts == sorted(counts, reverse=True) and tags["total"] > 100


def test_negative_list(demo_client):
    everything = get(demo_client, "/api/v1/negative-list", per_page=100)
    assert everything["total"] == 19
    assert {e["open_type"] for e in everything["results"]} == {"conditional", "closed"}
    assert all(e["open_reason"] and e["open_legal_basis"] for e in everything["results"])
    one_agency = get(demo_client, "/api/v1/negative-list", agency="nmg-jtyst", per_page=100)
    assert one_agency["total"] == sum(1 for e in everything["results"] if e["agency"]["slug"] == "nmg-jtyst") > 0
    assert_error(get(demo_client, "/api/v1/negative-list", status=404, agency="nope"), "not_found")


def test_figures_match_the_home_page(demo_client):
    body = get(demo_client, "/api/v1/figures")
    html = demo_client.get("/").get_data(as_text=True)
    assert body["datasets"] == 107 and body["agencies"] == 26
    assert f"{body['files']}" in html


def test_plans(app, client, users):
    from portal.plans import services as plans
    from portal.plans.services import ItemData

    staff = users["agency_staff"]
    opened = f.dataset("呼和浩特市空气质量监测数据", agency_obj=staff.agency, slug="planned-aq", state=DatasetState.DRAFT)
    assert get(client, "/api/v1/plans") == {"year": None, "years": [], "total": 0, "opened": 0,
                                             "completion_percent": 0, "plans": []}
    plan = plans.create_plan(2026, staff, staff.agency)
    plans.add_item(plan, ItemData(target_open_type="unconditional", target_date=date(2026, 12, 31),
                                  dataset_id=opened.id, livelihood=True), staff)
    plans.add_item(plan, ItemData(target_open_type="conditional", target_date=date(2026, 12, 31),
                                  new_title="呼和浩特市噪声监测数据"), staff)
    assert get(client, "/api/v1/plans")["plans"] == []  # a draft plan is not public
    plans.publish_plan(plan, staff)
    body = get(client, "/api/v1/plans")
    assert body["opened"] == 0 and body["plans"][0]["items"][0]["dataset"] is None  # a draft entry is not named
    opened.state, opened.published_at = DatasetState.PUBLISHED, datetime(2026, 3, 1)
    db.session.commit()
    body = get(client, "/api/v1/plans")
    assert body["year"] == 2026 and body["years"] == [2026] and body["total"] == 2 and body["opened"] == 1
    items = body["plans"][0]["items"]
    assert body["plans"][0]["agency"]["slug"] == staff.agency.slug
    assert items[0]["dataset"] == "planned-aq" and items[0]["state"] == "opened_on_time" and items[0]["livelihood"]
    assert items[1]["dataset"] is None and items[1]["title"] == "呼和浩特市噪声监测数据"
    assert get(client, "/api/v1/plans", year=2025)["plans"] == []
    assert_error(get(client, "/api/v1/plans", status=422, year="soon"), "invalid")


def test_unknown_api_address_and_method_use_the_envelope(demo_client):
    assert_error(get(demo_client, "/api/v1/nothing", status=404), "not_found")
    r = demo_client.post("/api/v1/figures")
    assert r.status_code == 405
    assert_error(r.get_json(), "method_not_allowed")


def test_tokens_are_accepted_and_bad_ones_do_not_block_reading(app, client, users):
    from portal.accounts.tokens import create_token

    raw = create_token(users["data_user"], "script", "read", 30)[1]
    for header in (f"Bearer {raw}", raw, "Bearer not-a-token"):
        assert client.get("/api/v1/figures", headers={"Authorization": header}).status_code == 200


def test_every_api_call_is_logged_with_who_and_what(app, client, users):
    from portal.accounts.tokens import create_token
    from portal.audit.models import AccessEvent

    ds = f.dataset(slug="logged")
    res = f.csv_resource(ds)
    raw = create_token(users["data_user"], "script", "read", 30)[1]
    client.get("/api/v1/datasets", query_string={"q": "空气"}, headers={"Authorization": f"Bearer {raw}"},
               environ_base={"REMOTE_ADDR": "10.9.0.1"})
    client.get(f"/api/v1/resources/{res.id}")
    client.get("/api/3/action/package_show", query_string={"id": "nope"})
    events = db.session.query(AccessEvent).filter_by(kind="api").order_by(AccessEvent.id).all()
    assert [(e.status, e.detail) for e in events] == [
        (200, "GET /api/v1/datasets?q=%E7%A9%BA%E6%B0%94"), (200, f"GET /api/v1/resources/{res.id}"),
        (404, "GET /api/3/action/package_show?id=nope")]
    assert events[0].user_id == users["data_user"].id and events[0].client_addr == "10.9.0.1"
    assert events[1].user_id is None and events[1].resource_id == res.id
