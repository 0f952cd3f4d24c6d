"""The CKAN fq translator and the CKAN dict mapping, on their own."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from portal.api.ckan.dicts import EXTRA_FIELDS, package_dict, resource_dict
from portal.api.ckan.fq import FALSE, TRUE, FqError, parse_date, parse_fq, split_q
from portal.search.base import AllOf, AnyOf, Match, Not, Range

NOW = datetime(2026, 3, 15, 10, 30, 0)


@pytest.mark.parametrize("fq, expected", [
    ("organization:hhht-sthjj", Match("agency", ("hhht-sthjj",))),
    ('tags:"空气 质量"', Match("tags", ("空气 质量",))),
    ("res_format:csv", Match("format", ("CSV",))),
    ("groups:environment", Match("theme", ("environment",))),
    ("license_id:cc-by-4.0", Match("licence", ("cc-by-4.0",))),
    ("name:hhht-air-quality-realtime", Match("name", ("hhht-air-quality-realtime",))),
    ("id:0b6c", Match("id", ("0b6c",))),
    ("name:a\\-b", Match("name", ("a-b",))),
    # default operator AND, + is required (AND), - and NOT negate
    ("organization:a tags:b", AllOf((Match("agency", ("a",)), Match("tags", ("b",))))),
    ("+organization:a -res_format:PDF", AllOf((Match("agency", ("a",)), Not(Match("format", ("PDF",)))))),
    ("organization:a AND NOT tags:x", AllOf((Match("agency", ("a",)), Not(Match("tags", ("x",)))))),
    ("organization:a && !tags:x", AllOf((Match("agency", ("a",)), Not(Match("tags", ("x",)))))),
    # OR of one field's values merges into one match; OR across fields stays an AnyOf
    ("organization:a OR organization:b", Match("agency", ("a", "b"))),
    ("groups:(env OR transport)", Match("theme", ("env", "transport"))),
    ("organization:a || tags:b", AnyOf((Match("agency", ("a",)), Match("tags", ("b",))))),
    ("(organization:a OR tags:b) res_format:CSV",
     AllOf((AnyOf((Match("agency", ("a",)), Match("tags", ("b",)))), Match("format", ("CSV",))))),
    ("-(id:1 OR id:2)", Not(Match("id", ("1", "2")))),
    ("--tags:x", Match("tags", ("x",))),
    # ranges on metadata_modified, inclusive [] and exclusive {}, date math, open ends
    ("metadata_modified:[2024-01-01T00:00:00Z TO 2024-12-31T23:59:59Z]",
     Range(datetime(2024, 1, 1), datetime(2024, 12, 31, 23, 59, 59))),
    ("metadata_modified:[NOW-7DAYS TO NOW]", Range(datetime(2026, 3, 8, 10, 30), NOW)),
    ("metadata_modified:[NOW/DAY-1DAY TO *]", None),  # math after rounding is not Solr's order; refused below
    ("metadata_modified:[* TO NOW/DAY]", Range(None, datetime(2026, 3, 15))),
    ("metadata_modified:{2024-01-01T00:00:00Z TO *}", Range(datetime(2024, 1, 1, 0, 0, 0, 1), None)),
    ("metadata_modified:[2024-06-01 TO 2024-06-30]", Range(datetime(2024, 6, 1), datetime(2024, 6, 30))),
    ("metadata_modified:[2024-01-01T08:00:00+08:00 TO *]", Range(datetime(2024, 1, 1), None)),
    # what harvesters add, and match-all
    ("*:*", TRUE),
    ("dataset_type:dataset", TRUE),
    ("+dataset_type:dataset +organization:a", Match("agency", ("a",))),
    ("state:deleted", FALSE),
    ("state:deleted organization:a", FALSE),
    ("capacity:public OR organization:a", TRUE),
    ("", None),
    ("   ", None),
])
def test_fq_translates(fq, expected):
    if fq == "metadata_modified:[NOW/DAY-1DAY TO *]":
        with pytest.raises(FqError):
            parse_fq(fq, NOW)
        return
    assert parse_fq(fq, NOW) == expected


@pytest.mark.parametrize("fq, message", [
    ("air", "no field"),
    ("colour:red", "undefined field colour"),
    ("tags:", "no field"),
    ("tags:(a OR b", "not closed"),
    ("tags:a)", "unexpected"),
    ("name:bench-*", "wildcards"),
    ("metadata_modified:2024", "takes a range"),
    ("metadata_modified:[yesterday TO NOW]", "is not a date"),
    ("metadata_modified:[2024-01-01]", "[from TO to]"),
    ("tags:[a TO b]", "not a range"),
    ("organization:(tags:x)", "inside the values"),
    ("foo:*", "undefined field"),
    ("*:x", "only *:*"),
    ("(" * 30 + "tags:a" + ")" * 30, "nested too deeply"),
    ("tags:a " * 201, "too many values"),
    ("tags:" + "a" * 2001, "longer than"),
])
def test_fq_errors_name_the_problem(fq, message):
    with pytest.raises(FqError, match=message):
        parse_fq(fq, NOW)


def test_date_math():
    assert parse_date("NOW", NOW) == NOW
    assert parse_date("NOW-1DAY", NOW) == datetime(2026, 3, 14, 10, 30)
    assert parse_date("NOW+2HOURS", NOW) == datetime(2026, 3, 15, 12, 30)
    assert parse_date("NOW-1MONTH/MONTH", NOW) == datetime(2026, 2, 1)
    assert parse_date("NOW/YEAR", NOW) == datetime(2026, 1, 1)
    assert parse_date("*", NOW) is None
    assert parse_date("2024-02-29T12:00:00Z") == datetime(2024, 2, 29, 12)


def test_q_keeps_words_and_moves_field_clauses_to_filters():
    assert split_q("空气质量 监测", NOW) == ("空气质量 监测", None)
    assert split_q('空气质量 organization:hhht-sthjj tags:"AQI"', NOW) == (
        "空气质量", AllOf((Match("agency", ("hhht-sthjj",)), Match("tags", ("AQI",)))))
    assert split_q("*:*", NOW) == ("", TRUE)
    assert split_q("-res_format:PDF 公交", NOW) == ("公交", Not(Match("format", ("PDF",))))
    # text that merely contains a colon is text
    assert split_q("时间:2024 空气", NOW) == ("时间:2024 空气", None)


def test_package_dict_has_ckans_shape_and_the_catalog_fields_in_extras(app):
    from tests import factories as f

    ds = f.dataset("呼和浩特市空气质量监测数据", tags=("空气质量", "AQI"), items=("站点", "AQI"), slug="hhht-aq",
                   timeliness="每小时")
    res = f.csv_resource(ds)
    with app.test_request_context(base_url="https://data.example.cn"):
        d = package_dict(ds)
        assert d["id"] == ds.id and d["name"] == "hhht-aq" and d["title"] == ds.title and d["notes"] == ds.summary
        assert d["organization"]["name"] == ds.agency.slug and d["organization"]["title"] == ds.agency.name
        assert d["owner_org"] == d["organization"]["id"]
        assert d["groups"] == [{**d["groups"][0], "name": ds.theme.slug, "title": ds.theme.name}]
        assert sorted(t["name"] for t in d["tags"]) == ["AQI", "空气质量"] and d["num_tags"] == 2
        assert d["license_id"] == "nmg-open-data-1.0" and d["license_url"] == "https://data.example.cn/licence"
        assert d["metadata_modified"] == ds.modified_at.strftime("%Y-%m-%dT%H:%M:%S.%f")
        assert d["state"] == "active" and d["private"] is False and d["type"] == "dataset"
        extras = {e["key"]: e["value"] for e in d["extras"]}
        assert set(EXTRA_FIELDS) <= set(extras) and all(isinstance(v, str) for v in extras.values())
        assert extras["code"] == ds.code and extras["open_type"] == "unconditional" and extras["timeliness"] == "每小时"
        assert [i["name"] for i in json.loads(extras["data_items"])] == ["站点", "AQI"]
        r = d["resources"][0]
        assert r == resource_dict(res)
        assert r["id"] == res.id and r["package_id"] == ds.id and r["format"] == "CSV"
        assert r["size"] == res.size and r["hash"] == f"sha256:{res.sha256}" and r["downloadable"] is True
        assert r["url"] == f"https://data.example.cn/dataset/hhht-aq/resource/{res.id}/download"
        assert d["num_resources"] == 1


def test_files_of_conditional_entries_point_to_their_page_not_a_download(app):
    from portal.catalog.files import add_link_resource
    from portal.extensions import db
    from tests import factories as f

    ds = f.dataset("企业信用明细", open_type="conditional", slug="credit")
    res = f.csv_resource(ds)
    link = add_link_resource(ds, name="查询接口", url="https://api.example.cn/credit")
    db.session.commit()
    with app.test_request_context(base_url="https://data.example.cn"):
        d = resource_dict(res)
        assert d["downloadable"] is False and d["url"] == f"https://data.example.cn/dataset/credit/resource/{res.id}"
        assert resource_dict(link)["url"] == "https://api.example.cn/credit"
        assert resource_dict(link)["size"] is None
