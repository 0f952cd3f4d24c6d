"""Public data requests (数据需求, issue 25 "Ask for data"), driven through pages and the API: file → route →
accept linked to a plan item; a refusal needs its legal basis; "me too" once per account; the public page never
names the requester; another agency's staff cannot answer; an overdue request is on the supervision list;
the statistics count what the database holds."""
from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import func, select

from portal.accounts.tokens import create_token
from portal.datarequests.models import DataRequest, DataRequestState
from portal.extensions import db
from portal.inbox.models import Message
from portal.plans.models import OpenPlan, PlanItem, PlanState
from tests import factories as f
from tests.clock import freeze
from tests.conftest import login, mails_to, post_form

BODY = {"title": "全市共享单车停放点位数据", "description": "点位坐标、容量，按月更新",
        "use_case": "开发停车导航小程序，方便市民就近还车。", "agency": "hhht-sthjj"}


def client_for(app, email):
    c = app.test_client()
    login(c, email)
    return c


def file(app, email="user@example.cn", **changes):
    c = client_for(app, email)
    r = post_form(c, "/data-requests/new", {**BODY, **changes})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def route(app, request_id, agency="hhht-sthjj"):
    r = post_form(client_for(app, "authority@example.cn"), f"/data-requests/{request_id}/route", {"agency": agency})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]


def plan_item(agency_slug="hhht-sthjj") -> PlanItem:
    from portal.agencies.models import Agency

    agency = db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
    plan = OpenPlan(year=2026, agency_id=agency.id, state=PlanState.PUBLISHED)
    item = PlanItem(plan=plan, new_title="共享单车停放点位", target_open_type="unconditional",
                    target_date=date(2026, 12, 31))
    db.session.add_all([plan, item])
    db.session.commit()
    return item


def test_file_route_accept_linked_to_a_plan_item_tells_the_requester(app, users):
    item = plan_item()
    rid = file(app)
    assert "数据局" not in "".join(m.subject for m in db.session.scalars(select(Message)))  # sanity: no name leaked
    authority_notice = db.session.scalar(select(Message).where(Message.kind == "data_request.filed"))
    assert authority_notice.user_id == users["authority"].id and authority_notice.link == f"/data-requests/{rid}"
    # the authority confirms the requester's choice; the agency's staff are told
    page = client_for(app, "authority@example.cn").get(f"/data-requests/{rid}").get_data(as_text=True)
    assert 'action="/data-requests/%d/route"' % rid in page
    route(app, rid)
    assert db.session.scalar(select(Message).where(Message.kind == "data_request.routed",
                                                    Message.user_id == users["agency_staff"].id))
    staff = client_for(app, "staff@example.cn")
    page = staff.get(f"/data-requests/{rid}").get_data(as_text=True)
    assert f'value="{item.id}"' in page and 'value="accept"' in page
    r = post_form(staff, f"/data-requests/{rid}/answer", {"action": "accept", "plan_item": str(item.id),
                                                          "answer": "已列入2026年开放计划，年底前开放。"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    html = app.test_client().get(f"/data-requests/{rid}").get_data(as_text=True)
    assert "已列入2026年开放计划" in html and "共享单车停放点位" in html and 'id="request-plan-item"' in html
    assert "已采纳" in html or "Accepted" in html
    notice = db.session.scalar(select(Message).where(Message.kind == "data_request.answered",
                                                     Message.user_id == users["data_user"].id))
    assert notice is not None and "已列入2026年开放计划" in notice.body
    (mail,) = mails_to(app, "user@example.cn")
    assert "已列入2026年开放计划" in mail[2] and f"/data-requests/{rid}" in mail[2]
    body = app.test_client().get(f"/api/v1/data-requests/{rid}").get_json()
    assert body["state"] == "accepted" and body["plan_item"]["id"] == item.id and body["agency"]["slug"] == "hhht-sthjj"


def test_a_refusal_without_legal_basis_is_refused_with_422_and_nothing_kept(app, users):
    rid = file(app)
    route(app, rid)
    staff = client_for(app, "staff@example.cn")
    r = post_form(staff, f"/data-requests/{rid}/answer", {"action": "refuse", "answer": "涉及个人信息。"})
    assert r.status_code == 422
    assert 'id="f-legal_basis"' in r.get_data(as_text=True) and "error-message" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DataRequest, rid).state == DataRequestState.ROUTED
    r = post_form(staff, f"/data-requests/{rid}/answer", {"action": "refuse", "answer": "涉及个人信息。",
                                                          "legal_basis": "《中华人民共和国个人信息保护法》第十三条"})
    assert r.status_code == 302
    body = app.test_client().get(f"/api/v1/data-requests/{rid}").get_json()
    assert body["state"] == "refused" and "个人信息保护法" in body["refusal_legal_basis"]


def test_me_too_once_per_account_and_the_count_shows(app, users):
    rid = file(app)
    other = f.data_user("firm@example.cn", "某科技有限公司", kind="legal_person")
    token = create_token(other, "程序", "read_write", 30)[1]
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    r = api.post(f"/api/v1/data-requests/{rid}/me-too", json={"use_case": "物流配送路径规划"}, headers=auth)
    assert r.status_code == 201 and r.get_json()["me_too"] == 1
    r = api.post(f"/api/v1/data-requests/{rid}/me-too", json={"use_case": "再来一次"}, headers=auth)
    assert r.status_code == 409
    # through the page as well: the requester may not, another account once
    mine = post_form(client_for(app, "user@example.cn"), f"/data-requests/{rid}/me-too", {"use_case": "我也要"})
    assert mine.status_code == 409
    html = app.test_client().get(f"/data-requests/{rid}").get_data(as_text=True)
    assert re.search(r'id="me-too-count">1<', html) and "物流配送路径规划" in html
    assert "某科技有限公司" not in html and "firm@example.cn" not in html


def test_the_public_page_list_and_api_hide_the_requester(app, users):
    rid = file(app)
    user = users["data_user"]
    visitor = app.test_client()
    for html in (visitor.get(f"/data-requests/{rid}").get_data(as_text=True),
                 visitor.get("/data-requests").get_data(as_text=True),
                 json.dumps(visitor.get("/api/v1/data-requests").get_json(), ensure_ascii=False),
                 json.dumps(visitor.get(f"/api/v1/data-requests/{rid}").get_json(), ensure_ascii=False)):
        assert BODY["title"] in html
        assert user.name not in html and user.email not in html and "user@example.cn" not in html
        assert (user.citizen_id_masked or "@@") not in html
    assert "一位个人用户" in visitor.get(f"/data-requests/{rid}").get_data(as_text=True)
    assert visitor.get(f"/api/v1/data-requests/{rid}").get_json()["requester"] == "一位个人用户"


def test_list_filters_by_state_agency_theme_and_pages(app, users):
    theme = f.theme("道路交通", slug="traffic")
    db.session.commit()
    first = file(app, title="公交实时到站数据", theme="traffic")
    file(app, title="停车场泊位数据", agency="")
    route(app, first, agency="bt-sthjj")
    visitor = app.test_client()
    body = visitor.get("/api/v1/data-requests?state=routed").get_json()
    assert [r["id"] for r in body["results"]] == [first]
    assert visitor.get("/api/v1/data-requests?agency=bt-sthjj").get_json()["total"] == 1
    assert visitor.get(f"/api/v1/data-requests?theme={theme.slug}").get_json()["total"] == 1
    assert visitor.get("/api/v1/data-requests?q=泊位").get_json()["results"][0]["title"] == "停车场泊位数据"
    assert visitor.get("/api/v1/data-requests?state=nonsense").status_code == 422
    paged = visitor.get("/api/v1/data-requests?per_page=1&page=2").get_json()
    assert paged["total"] == 2 and paged["pages"] == 2 and len(paged["results"]) == 1
    html = visitor.get("/data-requests?state=submitted").get_data(as_text=True)
    assert "停车场泊位数据" in html and "公交实时到站数据" not in html


def test_staff_of_another_agency_cannot_answer(app, users):
    rid = file(app)
    route(app, rid)
    other = client_for(app, "staff2@example.cn")
    page = other.get(f"/data-requests/{rid}").get_data(as_text=True)
    assert 'value="accept"' not in page
    r = post_form(other, f"/data-requests/{rid}/answer", {"action": "refuse", "answer": "不是我们的",
                                                          "legal_basis": "无"})
    assert r.status_code == 403
    token = create_token(users["other_staff"], "程序", "read_write", 30)[1]
    r = app.test_client().post(f"/api/v1/data-requests/{rid}/answer", json={"action": "refuse", "answer": "x",
                                                                            "legal_basis": "y"},
                               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    # a data user may not route
    r = post_form(client_for(app, "user@example.cn"), f"/data-requests/{rid}/route", {"agency": "bt-sthjj"})
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(DataRequest, rid).state == DataRequestState.ROUTED


def test_an_overdue_request_is_on_the_supervision_list(app, users, monkeypatch):
    freeze(monkeypatch, "2026-09-01")
    rid = file(app)
    route(app, rid)  # due ten working days later
    freeze(monkeypatch, "2026-09-24")
    html = client_for(app, "authority@example.cn").get("/console/supervision").get_data(as_text=True)
    rows = [r for r in re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", html, re.S) if f"/data-requests/{rid}\"" in r]
    assert len(rows) == 1 and "row-overdue" in rows[0] and BODY["title"] in rows[0]


def test_statistics_count_requests_by_state_and_on_time_as_the_database_holds(app, users, monkeypatch):
    freeze(monkeypatch, "2026-09-01")
    late, answered, waiting = file(app), file(app), file(app)
    route(app, late)
    route(app, answered)
    r = post_form(client_for(app, "staff@example.cn"), f"/data-requests/{answered}/answer",
                  {"action": "refuse", "answer": "涉密", "legal_basis": "《中华人民共和国保守国家秘密法》"})
    assert r.status_code == 302
    freeze(monkeypatch, "2026-10-20")
    body = app.test_client().get("/api/v1/stats").get_json()
    chart = next(c for c in body["charts"] if c["id"] == "data-requests-state")
    by_state = {r["key"]: r["values"][0] for r in chart["rows"]}
    in_db = dict(db.session.execute(select(DataRequest.state, func.count()).group_by(DataRequest.state)).all())
    assert {k: v for k, v in by_state.items() if v} == in_db == {"routed": 1, "refused": 1, "submitted": 1}
    rates = {r["key"]: r["values"] for r in next(c for c in body["charts"] if c["id"] == "on-time")["rows"]}
    assert rates["data_requests"] == [3, 1, 2, 33]  # answered in time; routed and unrouted both overdue
    html = app.test_client().get("/statistics").get_data(as_text=True)
    assert 'id="table-data-requests-state"' in html
    assert waiting


def test_every_page_links_the_data_requests(app, users):
    """Visitors find the requests from the main navigation of any page."""
    html = app.test_client().get("/").get_data(as_text=True)
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/data-requests"' in nav and "数据需求" in nav
