"""Step 5: the demo holds share requests in several states between the demo agencies, made through the
services (timelines, grants, audit events), the same on every load."""
from __future__ import annotations

from portal.demo.accounts import DEMO_PASSWORD
from portal.extensions import db
from portal.sharing.models import ShareRequest
from tests.conftest import login


def test_demo_share_requests(demo_client):
    """The demo cases: granted, awaiting an answer, delivered, refused (with basis), draft; officers named."""
    rows = db.session.scalars(db.select(ShareRequest).order_by(ShareRequest.id)).all()
    assert [(r.requester.slug, r.dataset.slug, r.state) for r in rows] == [
        ("hhht-jtysj", "nmg-water-quality", "granted"),
        ("hhht-jtysj", "nmg-pollutant-online-monitoring", "submitted"),
        ("hhht-sthjj", "nmg-pollutant-online-monitoring", "delivered"),
        ("nmg-sthjt", "hhht-bus-passenger-flow", "refused"),
        ("hhht-sthjj", "hhht-bus-passenger-flow", "draft"),
        # then the cases of data/sharing_cases.json (the other states of the request and grant tables)
        ("hhht-jtysj", "nmg-pollutant-online-monitoring", "agreed"),
        ("hhht-sthjj", "hhht-bus-passenger-flow", "withdrawn"),
        ("nmg-sthjt", "hhht-bus-passenger-flow", "disputed"),
        ("hhht-sthjj", "nmg-pollutant-online-monitoring", "disputed"),
        ("hhht-jtysj", "nmg-pollutant-online-monitoring", "disputed"),
        ("hhht-sthjj", "nmg-water-quality", "granted"),
        ("hhht-jtysj", "nmg-air-quality-monthly", "granted"),
        ("hhht-sthjj", "nmg-ecology-bulletin", "granted"),
        ("hhht-jtysj", "nmg-eia-approvals", "granted"),
    ]
    assert rows[2].grant.items == rows[2].agreed_items and len(rows[2].agreed_items) < len(rows[2].items)
    assert rows[3].refusal_legal_basis.startswith("《中华人民共和国个人信息保护法》")
    login(demo_client, "hhht-transport@demo.nmg.example", DEMO_PASSWORD)
    page = demo_client.get("/sharing/requests").get_data(as_text=True)
    assert f'data-request="{rows[0].id}"' in page and f'data-request="{rows[2].id}"' not in page


def _states(*tables) -> set[str]:
    """Every state a workflow table names, as a source or a target (None: the step that creates the case)."""
    return {s for t in tables for row in t.transitions for s in (*row.sources, row.target) if s is not None}


def test_demo_holds_every_state_of_every_sharing_table(demo_client):
    """`make run` shows the sharing plane working: each state of the share request (§3.1, §3.2), grant (§3.3),
    demand (§3.4), verification (§3.5), error check (§3.6), dispute (§3.7) and stop-notice (§3.8) tables
    occurs in the demo, read off the tables themselves."""
    from portal.sharing.demand_models import DemandRequest, VerificationRequest
    from portal.sharing.demand_workflow import DEMAND, VERIFICATION
    from portal.sharing.dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport
    from portal.sharing.dispute_workflow import CHANGE_NOTICE, DISPUTE, ERROR_CHECK
    from portal.sharing.models import ShareGrant
    from portal.sharing.workflow import DIRECT, REQUEST, SHARE_GRANT
    for model, tables in ((ShareRequest, (REQUEST, DIRECT)), (ShareGrant, (SHARE_GRANT,)), (DemandRequest, (DEMAND,)),
                          (VerificationRequest, (VERIFICATION,)), (ShareErrorReport, (ERROR_CHECK,)),
                          (ShareDispute, (DISPUTE,)), (ShareChangeNotice, (CHANGE_NOTICE,))):
        present = set(db.session.scalars(db.select(model.state).distinct()))
        assert _states(*tables) <= present, (model.__name__, _states(*tables) - present)


def test_demo_verification_answered_and_upward_demand(demo_client):
    """The demo's answered verification holds 一致/不一致/查无 results, shown to the requester's officer; its upward
    demand shows whom the authority asked, the reference and the date; the dispute in coordination shows the
    experts' question and opinion; each case's steps are audited."""
    from portal.audit.models import AuditEvent
    from portal.sharing.demand_models import DemandRequest, VerificationRequest
    from portal.sharing.dispute_models import ShareDispute
    v = db.session.scalars(db.select(VerificationRequest).where(VerificationRequest.state == "answered")).one()
    assert sorted(set(v.verdicts)) == ["match", "mismatch", "not_found"] and len(v.verdicts) == len(v.records)
    assert v.requester.slug == "hhht-jtysj"
    up = db.session.scalars(db.select(DemandRequest).where(DemandRequest.state == "upward")).one()
    referred = db.session.scalars(db.select(ShareDispute).where(ShareDispute.state == "coordinating")).one()
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "share_demand", AuditEvent.object_id == str(up.id))))
    assert actions == {"share_demand.submit", "share_demand.ask_upward"}
    login(demo_client, "hhht-transport@demo.nmg.example", DEMO_PASSWORD)
    page = demo_client.get(f"/sharing/verifications/{v.id}").get_data(as_text=True)
    assert "一致" in page and "不一致" in page and "查无" in page
    login(demo_client, "hhht-env@demo.nmg.example", DEMO_PASSWORD)
    page = demo_client.get(f"/sharing/demands/{up.id}").get_data(as_text=True)
    assert up.upward_reference in page and up.upward_to in page and "已向上级申请" in page
    page = demo_client.get(f"/sharing/disputes/{referred.id}").get_data(as_text=True)
    assert referred.referral_question in page and referred.expert_opinion in page


def test_every_demo_sharing_case_opens_for_the_authority_and_the_auditor(demo_client):
    """Each demo case's page and each list opens (200) for the authority and an auditor, who read every case
    (SHARING.md §6); drafts stay with their agency."""
    from portal.sharing.demand_models import DemandRequest, VerificationRequest
    from portal.sharing.dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport
    from portal.sharing.models import ShareGrant
    pages = [f"/sharing/{kind}/{case.id}" for kind, model in (
        ("requests", ShareRequest), ("grants", ShareGrant), ("demands", DemandRequest),
        ("verifications", VerificationRequest), ("errors", ShareErrorReport), ("disputes", ShareDispute),
        ("notices", ShareChangeNotice)) for case in db.session.scalars(db.select(model)) if case.state != "draft"]
    lists = ["/sharing/requests", "/sharing/demands", "/sharing/verifications", "/sharing/errors",
             "/sharing/disputes", "/sharing/notices"]
    for email in ("authority@demo.nmg.example", "auditor@demo.nmg.example"):
        login(demo_client, email, DEMO_PASSWORD)
        for url in lists + pages:
            assert demo_client.get(url).status_code == 200, (email, url)
