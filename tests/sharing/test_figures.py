"""The sharing figures (SHARING.md §7, R2024 art. 39 evaluation) and who sees them (§6 row "sharing figures",
PORTAL_SHARE_FIGURES_PUBLIC = totals | by_agency | none), over HTTP with the 2026 calendar frozen.

Cases are built through the officers' pages, on time and late (S2/S3 dates: answer due 2026-10-09, delivery
due 2026-10-15); the figures the page, the CSV and the API show are compared with figures recomputed here
from the database rows. The public sees counts and rates only, never a request's content."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing.dispute_models import ShareErrorReport
from portal.sharing.models import ShareGrant, ShareRequest
from portal.workdays import china_date
from tests.clock import freeze
from tests.conftest import post_form
from tests.sharing.helpers import ask, last_request

H2 = (date(2026, 7, 1), date(2026, 12, 31))
PERIOD = "from=2026-07-01&to=2026-12-31"


def bearer(user, scope="read"):
    return {"Authorization": f"Bearer {create_token(user, 'api', scope, 180)[1]}"}


def _cases(parties, as_user, monkeypatch):
    """A's conditional entry asked by B three times and its unconditional one once:
    R1 answered on time (2026-10-09) and delivered late (2026-10-16, due 10-15); R2 refused late (Sat 2026-10-10,
    an adjusted workday, due 10-09); R3 filed 2026-10-12 and never answered (due 10-19); R4 granted at once.
    One error check of B's on A's data, reported late and answered on time. The figures are read on 2026-10-20."""
    freeze(monkeypatch, "2026-09-24")
    officer_b = as_user(parties["b_officer"])
    ask(officer_b, parties, "conditional", modes=["offline"])
    r1 = last_request()
    ask(officer_b, parties, "conditional")
    r2 = last_request()
    ask(officer_b, parties, "open")
    freeze(monkeypatch, "2026-10-09")
    officer_a = as_user(parties["a_officer"])
    assert post_form(officer_a, f"/sharing/requests/{r1.id}/agree", {"version": r1.row_version}).status_code == 302
    freeze(monkeypatch, "2026-10-10")
    r = post_form(officer_a, f"/sharing/requests/{r2.id}/refuse", {
        "version": r2.row_version, "refusal_reason": "涉及商业秘密", "legal_basis": "《中华人民共和国反不正当竞争法》第九条"})
    assert r.status_code == 302
    freeze(monkeypatch, "2026-10-12")
    ask(as_user(parties["b_officer"]), parties, "conditional")
    freeze(monkeypatch, "2026-10-16")
    db.session.expire_all()
    r1 = db.session.get(ShareRequest, r1.id)
    r = post_form(as_user(parties["a_officer"]), f"/sharing/requests/{r1.id}/deliver",
                  {"version": r1.row_version, "offline_note": "前置机推送"})
    assert r.status_code == 302
    grant = db.session.scalars(select(ShareGrant).where(ShareGrant.request_id == r1.id)).one()
    db.session.add(ShareErrorReport(
        dataset_id=parties["conditional"].id, grant_id=grant.id, requester_agency_id=parties["B"].id,
        provider_agency_id=parties["A"].id, discovered_on=date(2026, 10, 9), reported_at=datetime(2026, 10, 19, 2),
        report_due=date(2026, 10, 16), late=True, location="AQI", evidence="数值异常", due_date=date(2026, 11, 2),
        answered_at=datetime(2026, 10, 30, 2), outcome="corrected", state="answered"))
    db.session.commit()
    freeze(monkeypatch, "2026-10-20")


def _recomputed(agency_id: int, today: date) -> dict[str, tuple[int, int]]:
    """The answer and delivery rates of one providing agency, from the rows: (cases, on time)."""
    def on_time(done, due):
        return done is not None and china_date(done) <= due

    answered = delivered = (0, 0)
    for r in db.session.scalars(select(ShareRequest).where(ShareRequest.provider_agency_id == agency_id,
                                                           ShareRequest.share_type == "conditional")):
        answer = next((e.at for e in r.events if e.kind in ("agreed", "refused")), None)
        if r.answer_due and H2[0] <= r.answer_due <= H2[1] and (answer or r.answer_due < today):
            answered = (answered[0] + 1, answered[1] + on_time(answer, r.answer_due))
        if r.delivery_due and H2[0] <= r.delivery_due <= H2[1] and (r.delivered_at or r.delivery_due < today):
            delivered = (delivered[0] + 1, delivered[1] + on_time(r.delivered_at, r.delivery_due))
    return {"answered": answered, "delivered": delivered}


def _text(cases: int, on: int) -> str:
    return "—" if not cases else f"{on}/{cases} ({(200 * on + cases) // (2 * cases)}%)"


def _cell(page: str, agency: str, column: str) -> str:
    row = page.split(f'data-agency="{agency}"', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-column="{column}">', 1)[1].split("</td>", 1)[0]


def test_figures_page_csv_and_api_equal_the_rows(parties, as_user, monkeypatch):
    """§7: requests by type, answered and delivered on time, refusals, error checks, unused grants for A and B
    as the authority sees them (one row per agency and the totals) equal what the rows say; the CSV (UTF-8
    with BOM, Chinese headers) and the API give the same figures."""
    _cases(parties, as_user, monkeypatch)
    expected = _recomputed(parties["A"].id, date(2026, 10, 20))
    assert expected == {"answered": (3, 1), "delivered": (1, 0)}  # R3 counts once overdue
    client = as_user(parties["authority"])
    r = client.get(f"/sharing/figures?{PERIOD}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "<caption>" in page and '<th scope="row">' in page
    a, b = parties["A"].slug, parties["B"].slug
    assert _cell(page, a, "answered") == _text(*expected["answered"])
    assert _cell(page, a, "delivered") == _text(*expected["delivered"])
    assert _cell(page, a, "conditional") == "3" and _cell(page, a, "unconditional") == "1"
    assert _cell(page, a, "refusals").startswith("1")
    assert _cell(page, a, "error_answered") == _text(1, 1)
    assert _cell(page, b, "late_reports") == "1 (1)"
    used = db.session.scalar(select(func.count()).select_from(ShareGrant).where(
        ShareGrant.requester_agency_id == parties["B"].id))
    assert _cell(page, b, "unused_grants") == str(used) == "2"  # R1's and R4's grants, never used
    assert _cell(page, a, "demand_answered") == "—" and _cell(page, a, "verification_answered") == "—"
    assert _cell(page, "totals", "answered") == _text(*expected["answered"])

    r = client.get(f"/sharing/figures.csv?{PERIOD}")
    raw = r.get_data(as_text=True)
    assert r.status_code == 200 and raw.startswith("\ufeff") and "text/csv" in r.content_type
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert rows[0][:2] == ["统计期间", "部门"] or rows[0][1] in ("部门", "提供部门")
    header = rows[0]
    a_row = next(row for row in rows if row[1] == parties["A"].name)
    assert a_row[header.index("共享申请按期答复")] == _text(*expected["answered"])
    assert rows[-1][1] == "全部部门"

    api = client.application.test_client()
    r = api.get(f"/api/v1/sharing/figures?{PERIOD}", headers=bearer(parties["authority"]))
    assert r.status_code == 200
    body = r.get_json()
    a_api = next(row for row in body["agencies"] if row["agency"] == a)
    assert (a_api["rates"]["answered"]["cases"], a_api["rates"]["answered"]["on_time"]) == expected["answered"]
    assert a_api["rates"]["demand_answered"] == {"cases": 0, "on_time": 0, "percent": None}
    assert body["from"] == "2026-07-01" and body["to"] == "2026-12-31"


def test_draft_reports_name_late_cases_per_agency(parties, as_user, monkeypatch):
    """§7: the half-yearly draft (R2018 「每半年」) lists each agency with a short text of what was late, as a
    printable page and a Markdown file; the yearly one covers the year; agency staff may not draw them up."""
    _cases(parties, as_user, monkeypatch)
    client = as_user(parties["authority"])
    page = client.get("/sharing/reports?kind=half&year=2026&half=2").get_data(as_text=True)
    assert "2026 年第 2 半年数据共享评估报告（草稿）" in page
    assert "2 件共享申请逾期答复或逾期未答复" in page and "1 件已同意的申请逾期交付或逾期未交付" in page
    assert "§" not in page and "/legal#" in page
    r = client.get("/sharing/reports.md?kind=year&year=2026")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert text.startswith("# 2026 年度数据共享评估报告（草稿）") and "2 件共享申请逾期答复或逾期未答复" in text
    assert client.get("/sharing/reports?kind=half&year=2026&half=3").status_code == 422
    assert as_user(parties["b_staff"]).get("/sharing/reports?kind=year&year=2026").status_code == 403


def test_agency_staff_see_only_their_own_agency(parties, as_user, monkeypatch):
    """§6: agency staff see their agency's row only; C's staff never see B's (or A's) figures, on the page, in
    the CSV or by API."""
    _cases(parties, as_user, monkeypatch)
    for who, own, others in (("b_staff", "B", ("A", "C")), ("c_staff", "C", ("A", "B"))):
        client = as_user(parties[who])
        page = client.get(f"/sharing/figures?{PERIOD}").get_data(as_text=True)
        assert f'data-agency="{parties[own].slug}"' in page
        for other in others:
            assert f'data-agency="{parties[other].slug}"' not in page and parties[other].name not in page
        raw = client.get(f"/sharing/figures.csv?{PERIOD}").get_data(as_text=True)
        assert all(parties[o].name not in raw for o in others)
        body = client.application.test_client().get(f"/api/v1/sharing/figures?{PERIOD}",
                                                     headers=bearer(parties[who])).get_json()
        assert [row["agency"] for row in body["agencies"]] == [parties[own].slug]
    c_page = as_user(parties["c_staff"]).get(f"/sharing/figures?{PERIOD}").get_data(as_text=True)
    assert _cell(c_page, parties["C"].slug, "answered") == "—"
    assert as_user(parties["b_staff"]).get("/sharing/reports").status_code == 403


@pytest.mark.parametrize("setting", ["totals", "by_agency", "none"])
def test_public_statistics_follow_the_setting(app, parties, as_user, monkeypatch, setting):
    """§6 PORTAL_SHARE_FIGURES_PUBLIC: `totals` only the all-agency totals, `by_agency` every agency's row too,
    `none` 404 (page and API, and the negative list links no statistics); never a request's content."""
    _cases(parties, as_user, monkeypatch)
    monkeypatch.setitem(app.config, "SHARE_FIGURES_PUBLIC", setting)
    visitor = app.test_client()
    r = visitor.get(f"/sharing/statistics?{PERIOD}")
    api = visitor.get(f"/api/v1/sharing/statistics?{PERIOD}")
    negative = visitor.get("/sharing/lists/negative").get_data(as_text=True)
    if setting == "none":
        assert r.status_code == 404 and api.status_code == 404
        assert visitor.get("/api/v1/sharing/statistics?from=bad").status_code == 404  # nothing to ask about
        assert 'id="sharing-statistics-link"' not in negative
        return
    assert r.status_code == 200 and api.status_code == 200 and 'id="sharing-statistics-link"' in negative
    page, body = r.get_data(as_text=True), api.get_json()
    assert 'data-agency="totals"' in page and _cell(page, "totals", "answered") == _text(3, 1)
    assert body["totals"]["rates"]["answered"]["cases"] == 3
    shown = f'data-agency="{parties["A"].slug}"' in page
    assert shown == (setting == "by_agency")
    assert [row["agency"] for row in body["agencies"]] == ([parties["A"].slug, parties["B"].slug]
                                                          if setting == "by_agency" else [])
    content = json.dumps(body, ensure_ascii=False) + page
    for secret in ("机动车排放执法", "交通执法中核查排污车辆", "交通运输局用数人员", "重点排污单位监测数据", "涉及商业秘密"):
        assert secret not in content


def test_no_case_is_a_dash_never_a_percentage(parties, as_user, monkeypatch):
    """Empty state: with no case every rate is "—" (no case), not 0 % or 100 %; the API gives null."""
    freeze(monkeypatch, "2026-10-20")
    client = as_user(parties["auditor"])
    page = client.get("/sharing/figures").get_data(as_text=True)
    for column in ("answered", "delivered", "demand_answered", "demand_fulfilled", "verification_answered",
                   "error_answered", "dispute_negotiated", "dispute_coordinated"):
        assert _cell(page, "totals", column) == "—"
        assert _cell(page, parties["A"].slug, column) == "—"
    # A's entries are there even without a case: its conditional entry, never reassessed, is not on time
    assert _cell(page, parties["A"].slug, "mix") == "1 / 1 / 1"
    assert _cell(page, parties["A"].slug, "reassessed") == "0/1 (0%)"
    body = client.application.test_client().get("/api/v1/sharing/statistics").get_json()
    assert body["from"] == "2026-07-01" and body["totals"]["rates"]["answered"]["percent"] is None


@pytest.mark.parametrize("query, field, status", [
    ("from=2026-13-01&to=2026-12-31", "from", 422),
    ("from=2026-12-31&to=2026-07-01", "to", 422),
    ("from=2026-07-01", "to", 422),
    ("year=abc", "year", 422),
    ("year=2026&half=3", "half", 422),
])
def test_bad_period_is_a_clear_error_and_changes_nothing(parties, as_user, query, field, status):
    """A bad period is refused naming the field (page and API); nothing is written."""
    client = as_user(parties["authority"])
    token = bearer(parties["authority"])  # issuing it is audited; asking for figures is not
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    r = client.get(f"/sharing/figures?{query}")
    page = r.get_data(as_text=True)
    assert r.status_code == status and f'data-error="{field}"' in page and 'id="sharing-figures"' not in page
    r = client.application.test_client().get(f"/sharing/statistics?{query}")
    assert r.status_code == status and f'data-error="{field}"' in r.get_data(as_text=True)
    r = client.application.test_client().get(f"/api/v1/sharing/figures?{query}", headers=token)
    assert r.status_code == status and field in r.get_json()["error"]["details"]
    r = client.application.test_client().get(f"/api/v1/sharing/statistics?{query}")
    assert r.status_code == status
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert last_request() is None


def test_figures_are_in_the_openapi_document(app):
    """Both routes, with the query schema's parameters, are documented."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/sharing/figures", "/api/v1/sharing/statistics"):
        op = doc["paths"][path]["get"]
        assert {p["name"] for p in op["parameters"]} >= {"from", "to", "year", "half"}


def test_demands_verifications_disputes_and_notices_by_their_own_due_dates(parties, as_user, monkeypatch):
    """§7: demands answered and fulfilled on time, verifications (a decline counts as the answer, on its
    timeline's day), disputes resolved within negotiation or coordination, stop notices with shorter notice and
    a grant used once (not unused), each judged on the due date stored on the case and recomputed here."""
    from portal.audit import services as audit
    from portal.sharing.demand_models import DemandRequest, VerificationEvent, VerificationRequest
    from portal.sharing.dispute_models import ShareChangeNotice, ShareDispute
    from tests.sharing.dispute_helpers import grant_to

    a, b, c = parties["A"], parties["B"], parties["C"]
    ds = parties["none"]
    at = lambda day: datetime.fromisoformat(day + "T02:00:00")  # noqa: E731  (10:00 China time)
    db.session.add_all([
        # answered on time (due 08-14, answered 08-14); fulfilled late (due 08-25, fulfilled 08-26)
        DemandRequest(requester_agency_id=b.id, provider_agency_id=a.id, title="公交刷卡数据", state="fulfilled",
                      submitted_at=at("2026-08-03"), answer_due=date(2026, 8, 14), answered_at=at("2026-08-14"),
                      completion_due=date(2026, 8, 25), fulfilled_at=at("2026-08-26")),
        # answered late by C (due 09-01, answered 09-02)
        DemandRequest(requester_agency_id=b.id, provider_agency_id=c.id, title="噪声监测数据", state="refused",
                      submitted_at=at("2026-08-20"), answer_due=date(2026, 9, 1), answered_at=at("2026-09-02")),
    ])
    declined = VerificationRequest(requester_agency_id=b.id, provider_agency_id=a.id, dataset_id=ds.id,
                                   resource_id=parties["none_file"].id, state="declined", submitted_at=at("2026-09-01"),
                                   due_date=date(2026, 9, 8))
    declined.events.append(VerificationEvent(kind="decline", note="法律另有规定", at=at("2026-09-09")))
    db.session.add(declined)
    db.session.add_all([
        ShareDispute(dataset_id=ds.id, requester_agency_id=b.id, provider_agency_id=a.id, ground="needed",
                     opened_at=at("2026-09-01"), state="resolved", negotiation_due=date(2026, 9, 15),
                     resolved_at=at("2026-09-10"), outcome="share"),
        ShareDispute(dataset_id=ds.id, requester_agency_id=c.id, provider_agency_id=a.id, ground="needed",
                     opened_at=at("2026-09-01"), state="coordinating", negotiation_due=date(2026, 9, 15),
                     negotiation_ended_on=date(2026, 9, 15), coordination_due=date(2026, 10, 30)),
        ShareChangeNotice(dataset_id=ds.id, provider_agency_id=a.id, filed_at=at("2026-09-01"),
                          last_day=date(2026, 9, 20), reason="系统迁移", short_notice_ground="《某法》第一条"),
    ])
    used = grant_to(parties, "C", start=date(2026, 7, 1), end=date(2026, 12, 31))
    audit.record_access("share", 200, dataset_id=used.dataset_id, grant_id=used.id, detail="download")
    audit.record_access("share", 403, dataset_id=used.dataset_id, grant_id=used.id, detail="user")
    db.session.commit()
    freeze(monkeypatch, "2026-11-02")  # the coordination (due 10-30) is overdue, unresolved

    def rate(rows, done, due):
        rows = [r for r in rows if H2[0] <= due(r) <= H2[1]]
        return _text(len(rows), sum(done(r) is not None and china_date(done(r)) <= due(r) for r in rows))

    demands = list(db.session.scalars(select(DemandRequest)))
    of_a = [d for d in demands if d.provider_agency_id == a.id]
    page = as_user(parties["authority"]).get(f"/sharing/figures?{PERIOD}").get_data(as_text=True)
    assert _cell(page, a.slug, "demand_answered") == rate(of_a, lambda d: d.answered_at, lambda d: d.answer_due) \
        == "1/1 (100%)"
    assert _cell(page, a.slug, "demand_fulfilled") == rate(of_a, lambda d: d.fulfilled_at,
                                                           lambda d: d.completion_due) == "0/1 (0%)"
    assert _cell(page, c.slug, "demand_answered") == "0/1 (0%)"
    assert _cell(page, "totals", "demand_answered") == rate(demands, lambda d: d.answered_at, lambda d: d.answer_due)
    assert _cell(page, a.slug, "verifications") == "1" and _cell(page, a.slug, "verification_answered") == "0/1 (0%)"
    assert _cell(page, a.slug, "dispute_negotiated") == "1/2 (50%)"  # one resolved in time, one failed
    assert _cell(page, a.slug, "dispute_coordinated") == "0/1 (0%)"  # overdue on 11-02
    assert _cell(page, a.slug, "notices") == "1 (1)"
    assert _cell(page, c.slug, "unused_grants") == "0"  # used once; the refused call is not use
    report = as_user(parties["authority"]).get("/sharing/reports?kind=half&year=2026&half=2").get_data(as_text=True)
    assert "1 件需求申请逾期完成" in report and "1 件争议未在协调期限内解决" in report
