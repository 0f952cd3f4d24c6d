"""The CKAN-compatible Action API over HTTP: envelope, parameters, every action, CKAN's errors."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.agencies.models import Agency
from portal.catalog.models import Dataset, DatasetState, Resource, Tag, Theme, dataset_tags
from portal.extensions import db


def action(client, action_name, method="GET", prefix="/api/3/action/", **params):
    if method == "GET":
        r = client.get(prefix + action_name, query_string=params)
    else:
        r = client.post(prefix + action_name, json=params)
    return r, r.get_json()


def ok(client, action_name, **params):
    r, body = action(client, action_name, **params)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert body["success"] is True
    return body["result"]


def published(demo_app):
    with demo_app.app_context():
        return list(db.session.scalars(select(Dataset).where(Dataset.state == DatasetState.PUBLISHED)))


def names(result):
    return sorted(p["name"] for p in result["results"])


# ---- envelope and transport ---------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["/api/action/", "/api/3/action/"])
def test_both_paths_answer_with_ckans_envelope_and_no_redirect(demo_client, prefix):
    r = demo_client.get(prefix + "package_list")
    assert r.status_code == 200 and r.content_type.startswith("application/json")
    body = r.get_json()
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert body["help"] == "http://localhost/api/3/action/help_show?name=package_list"
    assert len(body["result"]) == 107


def test_get_post_json_form_and_json_form_key_give_the_same_answer(demo_client):
    params = {"fq": "groups:environment", "rows": "3"}
    by_get = demo_client.get("/api/3/action/package_search", query_string=params).get_json()["result"]
    by_json = demo_client.post("/api/3/action/package_search", json=params).get_json()["result"]
    by_form = demo_client.post("/api/3/action/package_search", data=params).get_json()["result"]
    by_key = demo_client.post("/api/3/action/package_search", data={json.dumps(params): ""}).get_json()["result"]
    assert by_get["count"] == by_json["count"] == by_form["count"] == by_key["count"] > 3
    assert names(by_get) == names(by_json) == names(by_form) == names(by_key)
    assert len(by_get["results"]) == 3


def test_posts_need_no_csrf_token(demo_client):
    # the demo app has CSRF protection on; the API blueprints are exempt (anonymous or token based)
    assert demo_client.application.config.get("WTF_CSRF_ENABLED", True) is True
    r = demo_client.post("/api/action/site_read", json={})
    assert r.status_code == 200 and r.get_json()["result"] is True


def test_bad_json_body_and_non_dict_body_are_ckans_bad_request(demo_client):
    r = demo_client.post("/api/3/action/package_show", data="{not json", content_type="application/json")
    assert r.status_code == 400 and r.get_json().startswith("Bad request - JSON Error")
    r = demo_client.post("/api/3/action/package_show", data="[1, 2]", content_type="application/json")
    assert r.status_code == 400 and "needs to be a dictionary" in r.get_json()


def test_unknown_action_answers_as_ckan(demo_client):
    r = demo_client.get("/api/3/action/package_explode")
    assert r.status_code == 400
    assert r.get_json() == "Bad request - Action name not known: package_explode"


def test_write_actions_are_refused_as_ckan_refuses_an_unauthorised_caller(demo_client):
    r, body = action(demo_client, "package_create", method="POST", name="x", title="x")
    assert r.status_code == 403 and body["success"] is False
    assert body["error"]["__type"] == "Authorization Error" and body["error"]["message"].startswith("Access denied")
    r = demo_client.get("/api/3/action/package_create?name=x")
    assert r.status_code == 400 and "Please use POST" in r.get_json()


def test_api_version_root(demo_client):
    assert demo_client.get("/api/3").get_json() == {"version": 3}


# ---- package_search -------------------------------------------------------------------------
def test_search_without_parameters_counts_every_public_entry_newest_first(demo_client, demo_app):
    result = ok(demo_client, "package_search")
    entries = published(demo_app)
    assert result["count"] == len(entries)
    assert len(result["results"]) == 10  # CKAN's default rows
    assert result["sort"] == "score desc, metadata_modified desc"
    stamps = [p["metadata_modified"] for p in result["results"]]
    assert stamps == sorted(stamps, reverse=True)
    assert result["facets"] == {} and result["search_facets"] == {}


def test_q_finds_words_like_the_site(demo_client):
    ckan = ok(demo_client, "package_search", q="空气质量", rows="100")
    site = demo_client.get("/api/v1/datasets", query_string={"q": "空气质量", "per_page": 100}).get_json()
    assert ckan["count"] == site["total"] > 0
    assert [p["name"] for p in ckan["results"]] == [d["slug"] for d in site["results"]]


def test_q_with_field_clauses_filters(demo_client, demo_app):
    result = ok(demo_client, "package_search", q="空气质量 organization:nmg-sthjt", rows="100")
    assert result["count"] > 0
    assert {p["organization"]["name"] for p in result["results"]} == {"nmg-sthjt"}
    assert result["count"] < ok(demo_client, "package_search", q="空气质量")["count"]
    assert ok(demo_client, "package_search", q="*:*")["count"] == len(published(demo_app))


@pytest.mark.parametrize("fq, check", [
    ("organization:hhht-sthjj", lambda d: d.agency.slug == "hhht-sthjj"),
    ("groups:environment", lambda d: d.theme.slug == "environment"),
    ('tags:"空气质量"', lambda d: "空气质量" in {t.name for t in d.tags}),
    ("res_format:CSV", lambda d: "CSV" in d.formats),
    ("res_format:csv", lambda d: "CSV" in d.formats),
    ("license_id:cc-by-4.0", lambda d: d.licence_id == "cc-by-4.0"),
    ("-res_format:CSV", lambda d: "CSV" not in d.formats),
    ("+groups:environment -organization:nmg-sthjt",
     lambda d: d.theme.slug == "environment" and d.agency.slug != "nmg-sthjt"),
    ("organization:hhht-sthjj OR organization:bt-sthjj", lambda d: d.agency.slug in ("hhht-sthjj", "bt-sthjj")),
    ("groups:(environment OR transport)", lambda d: d.theme.slug in ("environment", "transport")),
    ("organization:hhht-sthjj OR tags:公交", lambda d: d.agency.slug == "hhht-sthjj" or "公交" in {t.name for t in d.tags}),
    ("NOT (res_format:CSV OR res_format:XLSX) AND dataset_type:dataset",
     lambda d: not {"CSV", "XLSX"} & set(d.formats)),
    ("open_type:conditional", lambda d: d.open_type == "conditional"),
    ("name:hhht-air-quality-realtime", lambda d: d.slug == "hhht-air-quality-realtime"),
])
def test_fq_selects_exactly_the_matching_public_entries(demo_client, demo_app, fq, check):
    with demo_app.app_context():
        expected = sorted(d.slug for d in db.session.scalars(select(Dataset)) if d.is_public and check(d))
        assert expected, f"the demo has no entry for {fq}"
    result = ok(demo_client, "package_search", fq=fq, rows="1000")
    assert result["count"] == len(expected)
    assert names(result) == expected


def test_fq_on_id(demo_client, demo_app):
    entries = published(demo_app)[:2]
    fq = " OR ".join(f"id:{d.id}" for d in entries)
    assert names(ok(demo_client, "package_search", fq=fq)) == sorted(d.slug for d in entries)


def test_fq_range_on_metadata_modified(demo_client, demo_app):
    entries = published(demo_app)
    stamps = sorted(d.modified_at for d in entries)
    middle = stamps[len(stamps) // 2]
    low = middle.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    after = ok(demo_client, "package_search", fq=f"metadata_modified:[{low} TO NOW]", rows="1000")
    assert after["count"] == sum(1 for d in entries if d.modified_at >= middle)
    before = ok(demo_client, "package_search", fq=f"metadata_modified:{{* TO {low}}}", rows="1000")
    assert before["count"] == sum(1 for d in entries if d.modified_at < middle)
    assert after["count"] + before["count"] == len(entries)
    future = (datetime.utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ok(demo_client, "package_search", fq=f"metadata_modified:[{future} TO *]")["count"] == 0


def test_rows_and_start_page_through_the_results(demo_client, demo_app):
    total = len(published(demo_app))
    seen = []
    for start in range(0, total, 25):
        page = ok(demo_client, "package_search", rows="25", start=str(start), sort="name asc")
        seen += [p["name"] for p in page["results"]]
    assert len(seen) == total == len(set(seen))
    assert ok(demo_client, "package_search", rows="0")["results"] == []
    # more than 1000 rows is capped to 1000, as CKAN's rows_max does
    assert len(ok(demo_client, "package_search", rows="5000")["results"]) == total


@pytest.mark.parametrize("sort, key, reverse", [
    ("metadata_modified desc", "metadata_modified", True),
    ("metadata_modified asc", "metadata_modified", False),
])
def test_sort_by_modification(demo_client, sort, key, reverse):
    results = ok(demo_client, "package_search", sort=sort, rows="1000")["results"]
    values = [p[key] for p in results]
    assert values == sorted(values, reverse=reverse)


def test_title_sort_follows_pinyin(demo_client):
    from portal.search.text import title_sort_key

    titles = [p["title"] for p in ok(demo_client, "package_search", sort="title_string asc", rows="1000")["results"]]
    assert titles == sorted(titles, key=title_sort_key)


def test_facets_as_ckan_returns_them(demo_client, demo_app):
    result = ok(demo_client, "package_search", fq="groups:environment", rows="0",
                **{"facet.field": '["organization", "tags", "res_format", "license_id", "groups"]', "facet.limit": "3"})
    with demo_app.app_context():
        env = [d for d in db.session.scalars(select(Dataset)) if d.is_public and d.theme.slug == "environment"]
        by_agency: dict[str, int] = {}
        for d in env:
            by_agency[d.agency.slug] = by_agency.get(d.agency.slug, 0) + 1
        agency_names = dict(db.session.execute(select(Agency.slug, Agency.name)).all())
    assert set(result["facets"]) == {"organization", "tags", "res_format", "license_id", "groups"}
    assert result["facets"]["groups"] == {"environment": len(env)}
    top = sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert result["facets"]["organization"] == dict(top)
    items = result["search_facets"]["organization"]["items"]
    assert [(i["name"], i["count"], i["display_name"]) for i in items] == [(s, n, agency_names[s]) for s, n in top]
    assert len(result["facets"]["tags"]) == 3
    unlimited = ok(demo_client, "package_search", fq="groups:environment", rows="0",
                   **{"facet.field": '["organization"]', "facet.limit": "-1"})
    assert unlimited["facets"]["organization"] == by_agency


@pytest.mark.parametrize("params, status, etype, fragment", [
    ({"rows": "many"}, 409, "Validation Error", "Invalid integer"),
    ({"start": "-1"}, 409, "Validation Error", "Must be a natural number"),
    ({"facet.field": "organization"}, 409, "Validation Error", "Could not parse as valid JSON"),
    ({"facet.field": '{"a": 1}'}, 409, "Validation Error", "Not a list"),
    ({"fq": "organization:(a OR b"}, 409, "Search Error", "not closed"),
    ({"fq": "colour:red"}, 409, "Search Error", "undefined field colour"),
    ({"fq": "air"}, 409, "Search Error", "no field"),
    ({"sort": "popularity desc"}, 409, "Search Error", "Can't sort"),
    ({"facet.field": '["colour"]'}, 409, "Search Error", "undefined field colour"),
    ({"q": "{!lucene}name:x"}, 400, "Search Query Error", "Local parameters"),
])
def test_search_errors_have_ckans_types_and_statuses(demo_client, params, status, etype, fragment):
    r, body = action(demo_client, "package_search", **params)
    assert r.status_code == status, body
    assert body["success"] is False and body["error"]["__type"] == etype
    assert fragment in json.dumps(body["error"], ensure_ascii=False)
    assert "result" not in body


# ---- show and list actions ----------------------------------------------------------------------
def test_package_show_by_name_and_by_id(demo_client, demo_app):
    entry = published(demo_app)[0]
    by_name = ok(demo_client, "package_show", id=entry.slug)
    by_id = ok(demo_client, "package_show", id=entry.id)
    assert by_name == by_id and by_name["name"] == entry.slug and by_name["title"] == entry.title
    assert len(by_name["resources"]) == len(entry.resources)


def test_show_errors(demo_client):
    r, body = action(demo_client, "package_show", id="no-such-entry")
    assert r.status_code == 404 and body["error"] == {"__type": "Not Found Error", "message": "Not found"}
    r, body = action(demo_client, "package_show")
    assert r.status_code == 409 and body["error"] == {"__type": "Validation Error", "id": ["Missing value"]}
    for name in ("organization_show", "group_show", "resource_show"):
        r, body = action(demo_client, name, id="nothing-here")
        assert r.status_code == 404 and body["error"]["__type"] == "Not Found Error"


def test_package_list_is_every_public_name_sorted_and_ascii(demo_client, demo_app):
    result = ok(demo_client, "package_list")
    assert result == sorted(d.slug for d in published(demo_app))
    assert all(n.isascii() for n in result)
    assert ok(demo_client, "package_list", limit="5", offset="5") == result[5:10]


def test_current_package_list_with_resources_pages_newest_first(demo_client, demo_app):
    everything = ok(demo_client, "current_package_list_with_resources")
    assert len(everything) == len(published(demo_app))
    stamps = [p["metadata_modified"] for p in everything]
    assert stamps == sorted(stamps, reverse=True)
    page2 = ok(demo_client, "current_package_list_with_resources", limit="10", page="2")
    assert [p["name"] for p in page2] == [p["name"] for p in everything[10:20]]
    assert [p["name"] for p in ok(demo_client, "current_package_list_with_resources", limit="3", offset="4")] == \
        [p["name"] for p in everything[4:7]]
    assert all("resources" in p for p in page2)


def test_organizations(demo_client, demo_app):
    with demo_app.app_context():
        counts = dict(db.session.execute(select(Agency.slug, func.count(Dataset.id)).join(Dataset, isouter=True)
                                         .group_by(Agency.slug)).all())
    slugs = ok(demo_client, "organization_list")
    assert sorted(slugs) == sorted(counts)
    full = ok(demo_client, "organization_list", all_fields="true")
    assert {o["name"]: o["package_count"] for o in full} == counts
    assert all(o["is_organization"] and o["type"] == "organization" for o in full)
    by_count = ok(demo_client, "organization_list", sort="package_count desc", all_fields="True", limit="3")
    assert [o["package_count"] for o in by_count] == sorted(counts.values(), reverse=True)[:3]
    assert "package_count" not in ok(demo_client, "organization_list", all_fields="1", include_dataset_count="false")[0]
    assert ok(demo_client, "organization_list", organizations='["hhht-sthjj", "bt-sthjj"]', sort="name asc") == \
        ["bt-sthjj", "hhht-sthjj"]
    org = ok(demo_client, "organization_show", id="hhht-sthjj", include_datasets="true")
    assert org["name"] == "hhht-sthjj" and org["package_count"] == counts["hhht-sthjj"]
    assert sorted(p["name"] for p in org["packages"]) == sorted(
        d.slug for d in published(demo_app) if d.agency.slug == "hhht-sthjj")
    assert "packages" not in ok(demo_client, "organization_show", id=org["id"])
    r, body = action(demo_client, "organization_list", sort="colour")
    assert r.status_code == 409 and body["error"]["__type"] == "Validation Error"


def test_groups_are_themes(demo_client, demo_app):
    with demo_app.app_context():
        themes = {t.slug: t.name for t in db.session.scalars(select(Theme))}
    assert sorted(ok(demo_client, "group_list")) == sorted(themes)
    full = ok(demo_client, "group_list", all_fields="true")
    assert {g["name"]: g["title"] for g in full} == themes
    group = ok(demo_client, "group_show", id="environment", include_datasets="true")
    assert group["package_count"] == len(group["packages"]) > 0
    assert all(p["groups"][0]["name"] == "environment" for p in group["packages"])


def test_tags(demo_client, demo_app):
    with demo_app.app_context():
        used = sorted(set(db.session.scalars(select(Tag.name).join(dataset_tags))))
    assert ok(demo_client, "tag_list") == used
    assert ok(demo_client, "tag_list", query="空气") == [t for t in used if "空气" in t]
    assert {"id", "name", "vocabulary_id"} <= set(ok(demo_client, "tag_list", all_fields="true")[0])


def test_resource_show(demo_client, demo_app):
    with demo_app.app_context():
        res = db.session.scalars(select(Resource).where(Resource.kind == "file")).first()
        res_id, size, sha = res.id, res.size, res.sha256
    result = ok(demo_client, "resource_show", id=res_id)
    assert result["id"] == res_id and result["size"] == size and result["hash"] == f"sha256:{sha}"


def test_licences_status_site_read_and_help(demo_client):
    licences = ok(demo_client, "license_list")
    assert {lic["id"] for lic in licences} == {"nmg-open-data-1.0", "cc-by-4.0"}
    status = ok(demo_client, "status_show")
    assert status["ckan_version"].startswith("2.") and status["site_title"]
    assert ok(demo_client, "site_read") is True
    assert "fq" in ok(demo_client, "help_show", name="package_search")
    r, body = action(demo_client, "help_show", name="package_explode")
    assert r.status_code == 404 and body["error"]["__type"] == "Not Found Error"


# ---- nothing non-public --------------------------------------------------------------------------
@pytest.fixture()
def mixed_catalog(app):
    from tests import factories as f

    public = f.dataset("公开的空气质量数据", slug="public-aq", tags=("空气质量",))
    f.csv_resource(public)
    hidden = {}
    for state in (DatasetState.DRAFT, DatasetState.SUBMITTED, DatasetState.RETURNED, DatasetState.WITHDRAWN):
        ds = f.dataset(f"{state}的空气质量数据", slug=f"hidden-{state}", state=state, tags=("空气质量",))
        hidden[state] = (ds.slug, ds.id, f.csv_resource(ds).id)
    return public, hidden


def test_non_public_entries_are_invisible_to_every_action(client, mixed_catalog):
    public, hidden = mixed_catalog
    assert ok(client, "package_list") == ["public-aq"]
    assert names(ok(client, "package_search", q="空气质量")) == ["public-aq"]
    assert names(ok(client, "package_search", fq="tags:空气质量")) == ["public-aq"]
    assert [p["name"] for p in ok(client, "current_package_list_with_resources")] == ["public-aq"]
    assert ok(client, "tag_list") == ["空气质量"]
    for slug, ds_id, res_id in hidden.values():
        assert ok(client, "package_search", fq=f"name:{slug} OR id:{ds_id}")["count"] == 0
        for name, value in (("package_show", slug), ("package_show", ds_id), ("resource_show", res_id)):
            r, body = action(client, name, id=value)
            assert r.status_code == 404 and body["error"]["__type"] == "Not Found Error", (name, value)
    org = ok(client, "organization_show", id=public.agency.slug, include_datasets="true")
    assert org["package_count"] == 1 and [p["name"] for p in org["packages"]] == ["public-aq"]
