"""Demands for data not in the catalog (需求申请, SHARING.md §3.4, R2024 §24): the table, the deadlines on the
official calendar, the 责任清单/需求清单 rows, supervision, who sees what (§6, S14), the audit (S15)."""
from __future__ import annotations

from datetime import date

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.accounts.models import Role, User
from portal.sharing import catalog
from portal.sharing.demand_models import DemandRequest
from portal.sharing.demand_workflow import DEMAND
from portal.supervision.services import open_cases
from tests.conftest import post_form
from tests.clock import freeze

FORM = {"title": "机动车尾气遥感监测数据", "items": ["车牌号", "监测时间", "排放值"], "description": "2026年全市",
        "scenario": "交通执法中核查高排放车辆", "legal_duty": "《大气污染防治法》第五十三条", "commitment": "true"}


def _file(client, **extra) -> DemandRequest:
    r = post_form(client, "/sharing/demands/new", {**FORM, **extra})
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return db.session.get(DemandRequest, int(r.headers["Location"].rsplit("/", 1)[1]))


def _act(client, d, action: str, **data):
    return post_form(client, f"/sharing/demands/{d.id}/act", {"action": action, **data})


def _reload(d) -> DemandRequest:
    db.session.expire_all()
    return db.session.get(DemandRequest, d.id)


def _audit(d) -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "share_demand", AuditEvent.object_id == str(d.id)).order_by(AuditEvent.id))]


def _listed(which: str, agency) -> list:
    """The demand rows of one agency on the 责任清单 or the 需求清单, as the lists build them (from the sources
    the demand workflow registered), read by the authority."""
    authority = db.session.scalar(db.select(User).where(User.role == Role.AUTHORITY))
    build = catalog.responsibility_list if which == "responsibility" else catalog.demand_list
    page = build(catalog.ListQuery(agency=agency.slug), authority)
    return [r for r in page.rows if r.url.startswith("/sharing/demands/")]


def test_the_demand_table_is_section_3_4():
    """§3.4 as written: who takes each step, which period each starts."""
    rows = {(t.action, tuple(t.sources), t.target, tuple(t.actors), t.starts) for t in DEMAND.transitions}
    assert rows == {
        ("submit", ("draft",), "authority_review", (roles.REQUESTER,), "DEMAND_REVIEW_WORKDAYS"),
        ("return", ("authority_review",), "returned", (roles.AUTHORITY_ACTOR,), None),
        ("forward", ("authority_review",), "provider_review", (roles.AUTHORITY_ACTOR,), "SHARE_ANSWER_WORKDAYS"),
        ("agree", ("provider_review",), "agreed", (roles.PROVIDER,), "DEMAND_COMPLETION_WORKDAYS"),
        ("agree_later", ("provider_review",), "agreed", (roles.PROVIDER,), None),
        ("refuse", ("provider_review",), "refused", (roles.PROVIDER,), None),
        ("not_ours", ("provider_review",), "authority_review", (roles.PROVIDER,), "DEMAND_REVIEW_WORKDAYS"),
        ("fulfil", ("agreed",), "fulfilled", (roles.PROVIDER,), None),
        ("dispute", ("returned", "refused"), "disputed", (roles.REQUESTER,), None),
        # another level's or region's data: asked upward (R2024 §25), tests/sharing/test_demand_upward.py
        ("ask_upward", ("authority_review",), "upward", (roles.AUTHORITY_ACTOR,), "DEMAND_UPWARD_FOLLOWUP_WORKDAYS"),
        ("upward_agreed", ("upward",), "upward_agreed", (roles.AUTHORITY_ACTOR,), None),
        ("upward_refused", ("upward",), "upward_refused", (roles.AUTHORITY_ACTOR,), None),
        ("upward_received", ("upward_agreed",), "fulfilled", (roles.AUTHORITY_ACTOR,), None),
        ("withdraw", ("upward", "upward_agreed"), "withdrawn", (roles.REQUESTER,), None),
    }
    assert set(DEMAND.running_states()) == {"authority_review", "provider_review", "agreed", "upward",
                                            "upward_agreed"}


def test_s8_demand_forwarded_agreed_directly_listed_on_both_lists(parties, as_user, monkeypatch):
    """S8: forwarded to A on Thu 2026-04-30, answer due Mon 2026-05-11; "agree, direct" that day: completion
    due Wed 2026-05-20, listed on A's 责任清单 and B's 需求清单."""
    freeze(monkeypatch, "2026-04-28")
    d = _file(as_user(parties["b_officer"]))
    assert d.state == "authority_review" and d.review_due == date(2026, 5, 8)
    freeze(monkeypatch, "2026-04-30")
    client = as_user(parties["authority"])
    page = client.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "机动车尾气遥感监测数据" in page and 'value="forward"' in page
    assert _act(client, d, "forward", provider="nmg-sthjt").status_code == 302
    d = _reload(d)
    assert d.state == "provider_review" and d.answer_due == date(2026, 5, 11) and d.due_date == date(2026, 5, 11)
    freeze(monkeypatch, "2026-05-11")
    client = as_user(parties["a_officer"])
    assert _act(client, d, "agree").status_code == 302
    d = _reload(d)
    assert d.state == "agreed" and d.completion_due == date(2026, 5, 20)
    page = client.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "2026-05-20" in page and "已同意" in page
    [row] = _listed("responsibility", parties["A"])
    assert (row.extra["id"], row.due, row.party) == (d.id, date(2026, 5, 20), "呼和浩特市交通运输局")
    [row] = _listed("demand", parties["B"])
    assert row.extra["id"] == d.id and row.extra["state"] == "agreed" and row.party == "内蒙古自治区生态环境厅"
    assert _listed("responsibility", parties["B"]) == []
    assert _audit(d) == ["share_demand.submit", "share_demand.forward", "share_demand.agree"]
    # the requester's officer is told, with the completion date
    inbox = as_user(parties["b_officer"]).get("/inbox").get_data(as_text=True)
    assert "机动车尾气遥感监测数据" in inbox
    # fulfilled by the provider: the case is closed, still on the 责任清单
    freeze(monkeypatch, "2026-05-19")
    assert _act(as_user(parties["a_officer"]), d, "fulfil", dataset=parties["open"].slug).status_code == 302
    d = _reload(d)
    assert d.state == "fulfilled" and d.fulfilled_dataset_id == parties["open"].id
    assert [r.extra["id"] for r in _listed("responsibility", parties["A"])] == [d.id]


def test_agree_after_processing_takes_the_providers_date_and_supervision_watches_it(parties, as_user, monkeypatch):
    """§3.4: "agree after processing" sets completion due to the date the provider gives; supervision shows
    the case due soon two working days before and overdue the day after."""
    freeze(monkeypatch, "2026-04-28")
    d = _file(as_user(parties["b_officer"]))
    _act(as_user(parties["authority"]), d, "forward", provider="nmg-sthjt")
    client = as_user(parties["a_officer"])
    r = _act(client, d, "agree_later")
    assert r.status_code == 422 and "能够共享" in r.get_data(as_text=True)
    assert _act(client, d, "agree_later", ready_on="2026-06-30").status_code == 302
    d = _reload(d)
    assert d.state == "agreed" and d.completion_due == date(2026, 6, 30) and d.agree_mode == "processing"
    [case] = [c for c in open_cases(date(2026, 6, 29)) if c.url.endswith(f"/sharing/demands/{d.id}")]
    assert case.due_soon and not case.overdue
    [case] = [c for c in open_cases(date(2026, 7, 1)) if c.url.endswith(f"/sharing/demands/{d.id}")]
    assert case.overdue


def test_return_refuse_not_ours_and_dispute(parties, as_user, monkeypatch):
    """§3.4: the authority returns with a reason; the provider refuses only with reason and legal basis (422
    otherwise), or says "not ours" and the authority reassigns; the requester disputes a return or refusal."""
    freeze(monkeypatch, "2026-03-02")
    b = as_user(parties["b_officer"])
    d1 = _file(b)
    authority = as_user(parties["authority"])
    assert _act(authority, d1, "return").status_code == 422
    assert _act(authority, d1, "return", reason="需求不明确").status_code == 302
    assert _reload(d1).state == "returned" and _reload(d1).due_date is not None
    b = as_user(parties["b_officer"])
    assert _act(b, d1, "dispute", reason="需求已写明用途").status_code == 302
    assert _reload(d1).state == "disputed"

    d2 = _file(b)
    authority = as_user(parties["authority"])
    _act(authority, d2, "forward", provider="hhht-sthjj")
    c = as_user(parties["c_officer"])
    assert _act(c, d2, "not_ours", reason="该数据由自治区生态环境厅汇聚").status_code == 302
    d2 = _reload(d2)
    assert d2.state == "authority_review" and d2.provider_agency_id is None
    assert c.get(f"/sharing/demands/{d2.id}").status_code == 404  # no longer a party
    _act(as_user(parties["authority"]), d2, "forward", provider="nmg-sthjt")
    a = as_user(parties["a_officer"])
    r = _act(a, d2, "refuse", refusal_reason="涉及国家秘密")
    assert r.status_code == 422 and "法律依据" in r.get_data(as_text=True)
    assert _reload(d2).state == "provider_review"
    assert _act(a, d2, "refuse", refusal_reason="涉及国家秘密", refusal_legal_basis="《保守国家秘密法》第九条"
                ).status_code == 302
    b = as_user(parties["b_officer"])
    page = b.get(f"/sharing/demands/{d2.id}").get_data(as_text=True)
    assert "涉及国家秘密" in page and "《保守国家秘密法》第九条" in page
    assert _act(b, d2, "dispute", reason="确需使用").status_code == 302
    assert _audit(d2) == ["share_demand.submit", "share_demand.forward", "share_demand.not_ours",
                          "share_demand.forward", "share_demand.refuse", "share_demand.dispute"]
    assert all(e.actor_id for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "share_demand")))


def test_only_officers_act_and_third_agencies_see_nothing(parties, as_user, monkeypatch):
    """§1, §6, S14: other staff of B read but cannot file or act; C's staff get 404; the authority and
    auditors read every demand; nothing of a demand in the public API."""
    freeze(monkeypatch, "2026-03-02")
    r = post_form(as_user(parties["b_staff"]), "/sharing/demands/new", FORM)
    assert r.status_code == 403
    r = post_form(as_user(parties["b_officer"]), "/sharing/demands/new", {**FORM, "commitment": ""})
    assert r.status_code == 422 and db.session.scalar(db.select(db.func.count(DemandRequest.id))) == 0
    d = _file(as_user(parties["b_officer"]))
    staff = as_user(parties["b_staff"])
    page = staff.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "机动车尾气遥感监测数据" in page and 'name="action"' not in page
    assert _act(staff, d, "forward", provider="nmg-sthjt").status_code == 403
    for who in ("c_officer", "c_staff"):
        client = as_user(parties[who])
        assert client.get(f"/sharing/demands/{d.id}").status_code == 404
        assert "机动车尾气遥感监测数据" not in client.get("/sharing/demands").get_data(as_text=True)
    assert as_user(parties["auditor"]).get(f"/sharing/demands/{d.id}").status_code == 200
    assert _act(as_user(parties["auditor"]), d, "forward", provider="nmg-sthjt").status_code == 403
    client = as_user(parties["authority"])
    assert "机动车尾气遥感监测数据" in client.get("/sharing/demands").get_data(as_text=True)
    for url in ("/api/v1/datasets?q=机动车尾气", "/api/3/action/package_search?q=机动车尾气", "/catalog.jsonld"):
        assert "机动车尾气遥感监测数据" not in client.get(url).get_data(as_text=True)


def test_the_api_files_and_acts_on_demands(parties, monkeypatch, client):
    """/api/v1/sharing/demands: filed by B's officer with a read-write token, forwarded by the authority; C's
    token gets 404."""
    from portal.accounts.tokens import create_token
    freeze(monkeypatch, "2026-04-30")

    def token(user, scope="read_write"):
        return {"Authorization": f"Bearer {create_token(user, 'test', scope, 30)[1]}"}

    r = client.post("/api/v1/sharing/demands", json={k: v for k, v in FORM.items() if k != "commitment"},
                    headers=token(parties["b_officer"]))
    assert r.status_code == 422 and "commitment" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/sharing/demands", json={**FORM, "commitment": True}, headers=token(parties["b_officer"]))
    assert r.status_code == 201 and r.get_json()["state"] == "authority_review"
    demand_id = r.get_json()["id"]
    r = client.post(f"/api/v1/sharing/demands/{demand_id}/actions", json={"action": "forward", "provider": "nmg-sthjt"},
                    headers=token(parties["authority"]))
    assert r.status_code == 201 and r.get_json()["answer_due"] == "2026-05-11"
    assert client.get(f"/api/v1/sharing/demands/{demand_id}", headers=token(parties["c_officer"])).status_code == 404
    listed = client.get("/api/v1/sharing/demands", headers=token(parties["a_staff"])).get_json()["results"]
    assert [x["id"] for x in listed] == [demand_id]


def test_the_demo_holds_an_agreed_demand_and_one_under_review(demo_client):
    """The demo: the 交通运输局's demand agreed by the 生态环境厅 (on its 责任清单 and the requester's 需求清单),
    and the 生态环境局's demand under the authority's review, among one demand in each state of the table
    (data/sharing_cases.json); each step audited."""
    import json

    from portal.agencies.models import Agency
    from portal.demo.sharing_cases import DATA

    ids = {a.slug: a.id for a in db.session.scalars(db.select(Agency))}
    [row] = _listed("responsibility", db.session.get(Agency, ids["nmg-sthjt"]))
    assert row.title == "重型柴油车遥感监测超标记录" and row.due is not None
    assert sorted(r.extra["state"] for r in _listed("demand", db.session.get(Agency, ids["hhht-jtysj"]))) == [
        "agreed", "disputed", "provider_review", "upward_refused"]   # the draft is not listed
    assert sorted(d.state for d in db.session.scalars(db.select(DemandRequest))) == [
        "agreed", "authority_review", "disputed", "draft", "fulfilled", "provider_review", "refused", "returned",
        "upward", "upward_agreed", "upward_refused", "withdrawn"]
    steps = sum(len(d["steps"]) for d in json.loads(DATA.read_text(encoding="utf-8"))["demands"])
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "share_demand")) == steps


def test_a_draft_is_the_requesters_until_submitted(parties, as_user, monkeypatch):
    """A saved draft is seen by the requesting agency alone; its officer submits it later (review due then)."""
    freeze(monkeypatch, "2026-04-28")
    d = _file(as_user(parties["b_officer"]), submit="false")
    assert d.state == "draft" and d.due_date is None
    assert as_user(parties["authority"]).get(f"/sharing/demands/{d.id}").status_code == 404
    assert as_user(parties["b_staff"]).get(f"/sharing/demands/{d.id}").status_code == 200
    freeze(monkeypatch, "2026-04-30")
    assert _act(as_user(parties["b_officer"]), d, "submit").status_code == 302
    d = _reload(d)
    assert d.state == "authority_review" and d.review_due == date(2026, 5, 11)
    assert as_user(parties["authority"]).get(f"/sharing/demands/{d.id}").status_code == 200
