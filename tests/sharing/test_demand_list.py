"""The 需求清单 (SHARING.md §2.2): each requesting agency's share requests (§3.2) and demands (§3.4) with state
and due date, built from the row sources those workflows register; staff see their own agency's, the
authority and auditors all (§6); the same filters and a CSV export as the 责任清单."""
from __future__ import annotations

import csv
import io

from portal.sharing import catalog, demands, requests
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request

DEMAND = {"title": "机动车尾气遥感监测数据", "items": ["车牌号", "排放值"], "scenario": "交通执法中核查高排放车辆",
          "legal_duty": "《大气污染防治法》第五十三条", "commitment": "true"}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _cases(parties, as_user, monkeypatch):
    """B: a conditional request (answer due 2026-10-09), a draft, a demand; C: an unconditional request."""
    freeze(monkeypatch, "2026-09-24")
    client = as_user(parties["b_officer"])
    assert ask(client, parties, "conditional").status_code == 302
    submitted = last_request()
    assert ask(client, parties, "open", action="save").status_code == 302
    draft = last_request()
    r = post_form(client, "/sharing/demands/new", DEMAND)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    assert ask(as_user(parties["c_officer"]), parties, "open", start="2026-09-24",
               user_ids=[str(parties["c_staff"].id)]).status_code == 302
    granted = last_request()
    assert (submitted.state, draft.state, granted.state) == ("submitted", "draft", "granted")
    return submitted, draft, granted, r.headers["Location"]


def test_the_demand_list_holds_each_requesting_agencys_requests_and_demands(parties, as_user, monkeypatch):
    """需求清单: B's staff see B's submitted request (state, answer due 2026-10-09) and its demand, not its draft
    nor C's request; another agency's list is refused; the authority sees both agencies'."""
    submitted, draft, granted, demand_url = _cases(parties, as_user, monkeypatch)
    assert requests.demand_list_rows in catalog._DEMAND_SOURCES and demands.demand_list_rows in catalog._DEMAND_SOURCES
    client = as_user(parties["b_staff"])
    page = client.get("/sharing/lists/demand").get_data(as_text=True)
    table = page.split('id="sharing-demand-list"')[1].split("</table>")[0]
    assert f'data-case="/sharing/requests/{submitted.id}"' in table and "重点排污单位监测数据" in table
    assert "2026-10-09" in table and "内蒙古自治区生态环境厅" in table and "共享申请" in table
    assert f'data-case="{demand_url}"' in table and "机动车尾气遥感监测数据" in table and "需求申请" in table
    assert f"/sharing/requests/{draft.id}\"" not in table and f"/sharing/requests/{granted.id}\"" not in table
    assert "呼和浩特市生态环境局" not in table
    assert client.get("/sharing/lists/demand?agency=hhht-sthjj").status_code == 403

    authority = as_user(parties["authority"])
    table = authority.get("/sharing/lists/demand").get_data(as_text=True).split('id="sharing-demand-list"')[1]
    assert f'data-case="/sharing/requests/{granted.id}"' in table and "呼和浩特市生态环境局" in table
    assert f'data-case="/sharing/requests/{submitted.id}"' in table
    only_c = authority.get("/sharing/lists/demand?agency=hhht-sthjj").get_data(as_text=True)
    assert only_c.count("data-case=") == 1 and f'data-case="/sharing/requests/{granted.id}"' in only_c


def test_the_demand_list_filters_and_exports_like_the_responsibility_list(parties, as_user, monkeypatch):
    """The share-type filter keeps the requests of that type (demands have none); the CSV has the filtered rows
    with requesting and providing agency, due date and state; the lists link to each other."""
    submitted, _draft, granted, _demand = _cases(parties, as_user, monkeypatch)
    client = as_user(parties["auditor"])
    rows = _csv(client.get("/sharing/lists/demand.csv"))
    assert rows[0] == ["使用方", "类型", "信息资源代码", "名称", "提供部门", "共享属性", "共享方式", "期限", "状态"]
    by_title = {r[3]: r for r in rows[1:]}
    assert set(by_title) == {"重点排污单位监测数据", "全区空气质量监测数据", "机动车尾气遥感监测数据"}
    asked = by_title["重点排污单位监测数据"]
    assert asked[0] == "呼和浩特市交通运输局" and asked[4] == "内蒙古自治区生态环境厅" and asked[7] == "2026-10-09"
    assert asked[2] == submitted.dataset.code and asked[8]
    assert by_title["全区空气质量监测数据"][0] == "呼和浩特市生态环境局" and by_title["全区空气质量监测数据"][7] == ""
    assert by_title["机动车尾气遥感监测数据"][4] == "" and by_title["机动车尾气遥感监测数据"][7]

    rows = _csv(client.get("/sharing/lists/demand.csv?share_type=conditional"))
    assert [r[3] for r in rows[1:]] == ["重点排污单位监测数据"]
    page = client.get("/sharing/lists/demand?share_type=conditional").get_data(as_text=True)
    assert page.count("data-case=") == 1
    assert client.get("/sharing/lists/demand?share_type=nonsense").status_code == 400
    assert as_user(parties["b_staff"]).get("/sharing/lists/demand.csv?agency=hhht-sthjj").status_code == 403
    for other in ("/sharing/lists/responsibility", "/sharing/catalog", "/sharing/lists/negative"):
        assert 'href="/sharing/lists/demand"' in client.get(other).get_data(as_text=True), other
