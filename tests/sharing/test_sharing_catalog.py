"""The sharing catalog and the lists of SHARING.md §2.2 (责任清单, 负面清单), with the entries breaking §2.1
listed for the authority: who sees what (SHARING.md §6), filters, pages and CSV exports, over HTTP."""
from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from tests import factories as f
from tests.conftest import login

ROLES = {"staff": "staff@example.cn", "other_staff": "staff2@example.cn", "authority": "authority@example.cn",
         "auditor": "auditor@example.cn", "admin": "admin@example.cn", "data_user": "user@example.cn"}


@pytest.fixture()
def world(app, users):
    """Entries of two agencies: 呼和浩特市生态环境局 (the staff's) and 包头市生态环境局 (the other staff's)."""
    own, other = users["agency_staff"].agency, users["other_staff"].agency
    made = {
        "air": f.dataset("呼和浩特市空气质量监测数据", agency_obj=own, share_type="unconditional",
                         share_modes=["api", "download"]),
        "sources": f.dataset("呼和浩特市重点排污单位在线监测数据", agency_obj=own, share_type="conditional",
                             share_conditions="仅限政务部门履职使用", share_reason="涉及企业商业秘密",
                             share_basis_kind="law", share_legal_basis="《中华人民共和国数据安全法》第三十八条",
                             share_modes=["api"]),
        "micro": f.dataset("包头市工业企业统计原始资料", agency_obj=other, share_type="none",
                           share_reason="统计调查对象的原始资料不得用于统计以外的目的", share_basis_kind="law",
                           share_legal_basis="《中华人民共和国统计法》第九条"),
        "formula": f.dataset("=HYPERLINK(\"http://x\")包头市噪声监测", agency_obj=other, share_type="unconditional"),
        "draft": f.dataset("呼和浩特市未发布条目", agency_obj=own, state="draft", share_type="none",
                           share_reason="x", share_basis_kind="law", share_legal_basis="y"),
    }
    db.session.commit()
    return made


def _client(app, who: str | None):
    client = app.test_client()
    if who:
        login(client, ROLES[who])
    return client


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# ---- who sees what -------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/sharing/catalog", "/sharing/catalog.csv", "/sharing/lists/responsibility",
                                 "/sharing/lists/responsibility.csv"])
def test_the_sharing_catalog_and_responsibility_list_are_for_agencies_the_authority_and_auditors(app, world, url):
    """SHARING.md §6: not for the public (sent to log in) nor data users (403); agency staff, the authority,
    auditors and administrators read them."""
    anonymous = _client(app, None).get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _client(app, "data_user").get(url).status_code == 403
    for who in ("staff", "authority", "auditor", "admin"):
        assert _client(app, who).get(url).status_code == 200, who


def test_the_sharing_negative_list_is_public_like_every_share_attribute(app, world):
    """SHARING.md §6: share attributes and the sharing negative list are public."""
    for who in (None, "data_user", "staff", "auditor"):
        page = _client(app, who).get("/sharing/lists/negative")
        assert page.status_code == 200, who
        assert "包头市工业企业统计原始资料" in page.get_data(as_text=True)
    assert _client(app, None).get("/sharing/lists/negative.csv").status_code == 200


def test_entries_breaking_the_rules_are_listed_for_the_authority_and_auditors_only(app, world):
    f.dataset("全区1:10000基础测绘成果", classification="basic", share_type="conditional", items=("图幅编号",),
              share_conditions="仅限涉密环境", share_reason="涉密测绘成果", share_basis_kind="administrative_regulation",
              share_legal_basis="《中华人民共和国测绘成果管理条例》", slug="nmg-basic-surveying")
    assert _client(app, None).get("/sharing/lists/violations").status_code == 302
    for who in ("data_user", "staff"):
        assert _client(app, who).get("/sharing/lists/violations").status_code == 403, who
    for who in ("authority", "auditor"):
        page = _client(app, who).get("/sharing/lists/violations").get_data(as_text=True)
        assert 'data-entry="nmg-basic-surveying"' in page and "核定" in page, who
        assert "包头市工业企业统计原始资料" not in page  # a departmental entry may be 不予共享
    # the entry stays published and on the public channels: listed, not taken offline
    assert _client(app, None).get("/dataset/nmg-basic-surveying").status_code == 200


def test_the_console_links_the_sharing_catalog_and_the_authority_its_list_of_breaches(app, world):
    staff = _client(app, "staff").get("/console/").get_data(as_text=True)
    assert 'href="/sharing/catalog"' in staff and 'href="/sharing/lists/violations"' not in staff
    authority = _client(app, "authority").get("/console/").get_data(as_text=True)
    assert 'href="/sharing/catalog"' in authority and 'href="/sharing/lists/violations"' in authority


# ---- the sharing catalog --------------------------------------------------------------------------------
def test_the_sharing_catalog_lists_every_published_entrys_share_attribute(app, world):
    page = _client(app, "staff").get("/sharing/catalog").get_data(as_text=True)
    for shown in ("呼和浩特市空气质量监测数据", "无条件共享", "呼和浩特市重点排污单位在线监测数据", "有条件共享", "仅限政务部门履职使用",
                  "涉及企业商业秘密", "法律", "《中华人民共和国数据安全法》第三十八条", "包头市工业企业统计原始资料", "不予共享",
                  "《中华人民共和国统计法》第九条", "接口、批量下载"):
        assert shown in page, shown
    assert "呼和浩特市未发布条目" not in page  # published entries only
    assert page.count("data-entry=") == 4


def test_the_sharing_catalog_filters_by_share_type_and_agency(app, world):
    client = _client(app, "authority")
    page = client.get("/sharing/catalog?share_type=conditional").get_data(as_text=True)
    assert "呼和浩特市重点排污单位在线监测数据" in page and "呼和浩特市空气质量监测数据" not in page
    page = client.get("/sharing/catalog?agency=bt-sthjj").get_data(as_text=True)
    assert "包头市工业企业统计原始资料" in page and "呼和浩特市空气质量监测数据" not in page
    page = client.get("/sharing/catalog?agency=bt-sthjj&share_type=none").get_data(as_text=True)
    assert "包头市工业企业统计原始资料" in page and "包头市噪声监测" not in page
    assert client.get("/sharing/catalog?share_type=secret").status_code == 400
    assert client.get("/sharing/catalog?agency=nowhere").status_code == 400
    assert client.get("/sharing/catalog?page=0").status_code == 400


def test_the_sharing_catalog_is_paginated(app, users):
    agency = users["agency_staff"].agency
    for n in range(53):
        f.dataset(f"分页条目{n:02d}", agency_obj=agency, code=f"15000000000/9{n:04d}", index=False)
    client = _client(app, "staff")
    first = client.get("/sharing/catalog").get_data(as_text=True)
    second = client.get("/sharing/catalog?page=2").get_data(as_text=True)
    assert first.count("data-entry=") == 50 and second.count("data-entry=") == 3
    assert 'href="/sharing/catalog?page=2"' in first
    assert len(_csv(client.get("/sharing/catalog.csv"))) == 1 + 53  # the export is not paged


def test_the_sharing_catalog_csv_holds_the_filtered_attributes_with_formulas_made_inert(app, world):
    rows = _csv(_client(app, "staff").get("/sharing/catalog.csv?agency=bt-sthjj"))
    assert rows[0][:4] == ["提供部门", "信息资源代码", "名称", "共享属性"] and "共享依据类别" in rows[0]
    by_title = {r[2]: r for r in rows[1:]}
    assert set(by_title) == {"包头市工业企业统计原始资料", "'=HYPERLINK(\"http://x\")包头市噪声监测"}
    micro = by_title["包头市工业企业统计原始资料"]
    assert micro[0] == "包头市生态环境局" and micro[3] == "不予共享" and "法律" in micro
    assert "《中华人民共和国统计法》第九条" in micro
    rows = _csv(_client(app, "staff").get("/sharing/catalog.csv?share_type=conditional"))
    assert [r[2] for r in rows[1:]] == ["呼和浩特市重点排污单位在线监测数据"]
    assert rows[1][3] == "有条件共享" and rows[1][4] == "仅限政务部门履职使用" and rows[1][-1] == "接口"


# ---- the 责任清单 and the 负面清单 -------------------------------------------------------------------------
def test_the_responsibility_list_shows_staff_their_own_agencys_shared_entries(app, world):
    """责任清单 (R2024 §20): per providing agency its published entries that are shared; agency staff see their
    own agency's only (SHARING.md §6), the authority and auditors every agency's."""
    staff = _client(app, "staff")
    page = staff.get("/sharing/lists/responsibility").get_data(as_text=True)
    assert "呼和浩特市空气质量监测数据" in page and "呼和浩特市重点排污单位在线监测数据" in page
    assert "包头市" not in page.split('id="sharing-responsibility-list"')[1].split("</table>")[0]
    assert staff.get("/sharing/lists/responsibility?agency=bt-sthjj").status_code == 403
    rows = _csv(staff.get("/sharing/lists/responsibility.csv"))
    assert {r[3] for r in rows[1:]} == {"呼和浩特市空气质量监测数据", "呼和浩特市重点排污单位在线监测数据"}
    assert all(r[0] == "呼和浩特市生态环境局" and r[1] == "目录条目" for r in rows[1:])
    for who in ("authority", "auditor"):
        rows = _csv(_client(app, who).get("/sharing/lists/responsibility.csv"))
        titles = {r[3] for r in rows[1:]}
        assert "包头市工业企业统计原始资料" not in titles  # 不予共享: not a responsibility to share
        assert {"呼和浩特市空气质量监测数据", "'=HYPERLINK(\"http://x\")包头市噪声监测"} <= titles, who
    rows = _csv(_client(app, "authority").get("/sharing/lists/responsibility.csv?agency=bt-sthjj"))
    assert [r[0] for r in rows[1:]] == ["包头市生态环境局"]


def test_the_sharing_negative_list_is_apart_from_the_open_negative_list(app, world):
    """负面清单 of sharing: published entries not shared, with reason and basis; the open negative list
    (/negative-list) concerns opening to the public and is unchanged."""
    client = _client(app, None)
    page = client.get("/sharing/lists/negative").get_data(as_text=True)
    table = page.split('id="sharing-negative-list"')[1].split("</table>")[0]
    assert "包头市工业企业统计原始资料" in table and "统计调查对象的原始资料不得用于统计以外的目的" in table
    assert "《中华人民共和国统计法》第九条" in table and "法律" in table
    assert "呼和浩特市重点排污单位在线监测数据" not in table and "呼和浩特市未发布条目" not in table
    rows = _csv(client.get("/sharing/lists/negative.csv"))
    assert [r[2] for r in rows[1:]] == ["包头市工业企业统计原始资料"]
    assert "包头市工业企业统计原始资料" not in client.get("/negative-list").get_data(as_text=True)
    assert client.get("/sharing/lists/negative?agency=hhht-sthjj").get_data(as_text=True).count("data-entry=") == 0


def test_demand_rows_join_the_lists_through_one_registered_source(app, world):
    """The lists are built from row sources: a workflow adds its rows with one function (the request and
    demand workflows of SHARING.md §3.2, §3.4 will)."""
    from datetime import date

    from portal.sharing import catalog

    def demands(agency_ids):
        yield catalog.ListRow(agency="呼和浩特市生态环境局", kind="需求申请", title="机动车尾气检测数据", url="/x",
                              due=date(2026, 5, 20), state="已同意")

    catalog.register_responsibility_source(demands)
    try:
        rows = _csv(_client(app, "staff").get("/sharing/lists/responsibility.csv"))
        assert ["呼和浩特市生态环境局", "需求申请", "", "机动车尾气检测数据", "", "", "", "2026-05-20", "已同意"] in rows
    finally:
        catalog._RESPONSIBILITY_SOURCES.remove(demands)


def test_the_demo_breaks_the_rules_only_where_it_means_to(demo_app):
    """The demo: every share attribute follows §2.1 except nmg-basic-surveying (a basic resource shared on
    conditions without 核定), which stays published and is listed for the authority."""
    from portal.sharing.catalog import violations

    with demo_app.app_context():
        found = violations()
        assert [v.dataset.slug for v in found] == ["nmg-basic-surveying"]
        assert found[0].dataset.state == "published"
    client = demo_app.test_client()
    login(client, "authority@demo.nmg.example", _demo_password())
    page = client.get("/sharing/lists/violations").get_data(as_text=True)
    assert page.count("data-entry=") == 1 and "全区1:10000基础测绘成果" in page


def _demo_password() -> str:
    from portal.demo.accounts import DEMO_PASSWORD

    return DEMO_PASSWORD
