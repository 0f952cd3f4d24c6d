"""Disputes to the data authority about the three other kinds of decision (OVERSIGHT §7), over HTTP as users
see them: a complaint's outcome, a rejected correction, a suspended grant (R2024 §50); and the refusals for a
case that is not disputable, on the pages and on /api/v1/disputes."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import OpenType
from portal.disputes.models import Dispute
from portal.extensions import db
from portal.feedback.models import Complaint, Correction
from portal.inbox.models import Message
from portal.opening.models import Grant
from tests import factories as f
from tests.clock import freeze
from tests.conftest import login, post_form
from tests.feedback.helpers import CSV, complain, complaint_id, decide, post_from
from tests.opening.test_applications import approve, form_data, post_on


def as_user(app, email):
    c = app.test_client()
    login(c, email)
    return c


def button(page: str, button_id: str) -> str | None:
    """The link of the page's "dispute" button, as a user would follow it (None: no button)."""
    m = re.search(rf'id="{button_id}" href="([^"]+)"', page)
    return m.group(1).replace("&amp;", "&") if m else None


def file_from(client, page_url: str, button_id: str, reason: str):
    """Open the case page, follow its "dispute" button to the form, send the form."""
    link = button(client.get(page_url).get_data(as_text=True), button_id)
    assert link, f"no {button_id} on {page_url}"
    form = client.get(link).get_data(as_text=True)
    kind = re.search(r'name="kind" value="([^"]*)"', form).group(1)
    case = re.search(r'name="case" value="([^"]*)"', form).group(1)
    return post_form(client, "/disputes/new", {"kind": kind, "case": case, "reason": reason})


def act(client, dispute_id, **values):
    return post_form(client, f"/disputes/{dispute_id}/act", values)


def disputes_on(kind: str, case_id: int) -> list[Dispute]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Dispute).where(Dispute.kind == kind, Dispute.case_id == case_id)
                                   .order_by(Dispute.id)))


def inbox_kinds(user_id: int) -> set[str]:
    return set(db.session.scalars(db.select(Message.kind).where(Message.user_id == user_id)))


def api(app, user, method: str, url: str, token: str | None = None, **kwargs):
    token = token or create_token(user, "api", "read_write", 30)[1]
    return getattr(app.test_client(), method)(url, headers={"Authorization": f"Bearer {token}"}, **kwargs)


@pytest.fixture()
def stranger(app, users):
    return f.data_user("stranger@example.cn", "旁人")


# ---- 1. a complaint's outcome ---------------------------------------------------------------------
@pytest.fixture()
def entry(app, users):
    ds = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air")
    f.csv_resource(ds, CSV.decode(), filename="空气质量.csv")
    return ds


def test_complaint_outcome_disputed_from_its_page_and_sent_back_to_the_agency(app, users, entry, stranger,
                                                                             monkeypatch):
    """§7: the complainant disputes the agency's rejection of a complaint from the complaint's page; the
    authority's queue and the agency party show it, a stranger gets 404; "agency to redo" records the agency's
    new due date (COMPLAINT_WORKDAYS from the decision: Mon 2026-10-12 → Mon 2026-10-26) and tells the agency.
    The complaint itself stays decided (docs/decisions.md): no second dispute on the same decision."""
    freeze(monkeypatch, "2026-09-21")
    user, staff = as_user(app, "user@example.cn"), as_user(app, "staff@example.cn")
    cid = complaint_id(complain(user, entry))
    assert 'id="dispute-case"' not in user.get(f"/complaints/{cid}").get_data(as_text=True)   # not decided yet
    freeze(monkeypatch, "2026-09-24")
    assert decide(staff, cid, "reject", "经核实，所涉数据为公开的机构信息，投诉不成立。").status_code == 302
    assert 'id="dispute-case"' in staff.get(f"/complaints/{cid}").get_data(as_text=True)    # the agency may too
    r = file_from(user, f"/complaints/{cid}", "dispute-case", "数据中确有本人手机号码，驳回理由不成立")
    assert r.status_code == 302
    [d] = disputes_on("complaint", cid)
    assert (d.state, d.due_date, d.user_id, d.filed_by_id, d.title) == (
        "filed", date(2026, 11, 12), users["data_user"].id, users["data_user"].id, "呼和浩特市空气质量监测数据")
    page = user.get(r.headers["Location"]).get_data(as_text=True)
    assert "2026-11-12" in page and "驳回理由不成立" in page and f'href="/complaints/{cid}"' in page
    assert 'id="dispute-case"' not in user.get(f"/complaints/{cid}").get_data(as_text=True)  # filed once

    authority = as_user(app, "authority@example.cn")
    assert f'data-dispute="{d.id}"' in authority.get("/disputes").get_data(as_text=True)
    assert f'data-dispute="{d.id}"' in staff.get("/disputes").get_data(as_text=True)
    assert "驳回理由不成立" in staff.get(f"/disputes/{d.id}").get_data(as_text=True)
    assert "dispute.file" in inbox_kinds(users["agency_staff"].id) and "dispute.file" in inbox_kinds(users["authority"].id)
    for email in ("stranger@example.cn", "staff2@example.cn"):
        c = as_user(app, email)
        assert c.get(f"/disputes/{d.id}").status_code == 404, email
        assert f'data-dispute="{d.id}"' not in c.get("/disputes").get_data(as_text=True), email

    freeze(monkeypatch, "2026-10-12")
    authority = as_user(app, "authority@example.cn")
    assert act(authority, d.id, action="take_up").status_code == 302
    assert act(authority, d.id, action="redo", reason="请重新核实数据中是否含有投诉人的个人信息").status_code == 302
    [d] = disputes_on("complaint", cid)
    assert (d.state, d.outcome, d.redo_due) == ("resolved", "redo", date(2026, 10, 26))
    told = db.session.scalars(db.select(Message).where(Message.user_id == users["agency_staff"].id,
                                                       Message.kind == "dispute.resolved")).all()
    assert len(told) == 1 and "2026-10-26" in told[0].body and told[0].link == f"/disputes/{d.id}"
    inbox = staff.get("/inbox").get_data(as_text=True)
    assert "2026-10-26" in inbox
    assert "2026-10-26" in user.get(f"/disputes/{d.id}").get_data(as_text=True)
    c = db.session.get(Complaint, cid)
    assert (c.state, c.outcome) == ("decided", "reject")                       # not reopened (decisions.md)
    # the same decision stands until the agency decides again: no second dispute on it
    assert 'id="dispute-case"' not in user.get(f"/complaints/{cid}").get_data(as_text=True)
    r = post_form(user, "/disputes/new", {"kind": "complaint", "case": cid, "reason": "再次申请协调"})
    assert r.status_code == 409 and "已提请" in r.get_data(as_text=True)
    assert len(disputes_on("complaint", cid)) == 1
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "dispute")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["dispute.file", "dispute.take_up", "dispute.redo"]


# ---- 2. a rejected correction --------------------------------------------------------------------
def report_error(client, ds):
    r = post_form(client, f"/dataset/{ds.slug}/corrections/new",
                  {"resource": ds.resources[0].id, "location": "第2行“AQI”", "description": "新华广场AQI应为65。"},
                  content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return int(re.search(r"/corrections/(\d+)", r.headers["Location"]).group(1))


def answer(client, cid, action, text):
    return post_from(client, f"/corrections/{cid}", f"/corrections/{cid}/decide", {"action": action, "answer": text})


def test_rejected_correction_disputed_and_reopened_for_the_agency(app, users, entry, stranger, monkeypatch):
    """§7: the reporter disputes a rejected correction from its page; "agency to redo" (Mon 2026-10-12) reopens
    it: open again, answer due 10 working days later on the official calendar (Mon 2026-10-26, over no holiday),
    the agency answers again and the reporter sees the new answer; the new rejection can be disputed again."""
    freeze(monkeypatch, "2026-09-24")
    user, staff = as_user(app, "user@example.cn"), as_user(app, "staff@example.cn")
    cid = report_error(user, entry)
    assert 'id="dispute-case"' not in user.get(f"/corrections/{cid}").get_data(as_text=True)
    assert answer(staff, cid, "reject", "经核实，数据与监测站原始记录一致。").status_code == 302
    assert 'id="dispute-case"' in user.get(f"/corrections/{cid}").get_data(as_text=True)
    r = file_from(user, f"/corrections/{cid}", "dispute-case", "监测站公告已更正该数值")
    assert r.status_code == 302
    [d] = disputes_on("correction", cid)
    assert (d.state, d.due_date, d.agency_id) == ("filed", date(2026, 11, 12), entry.agency_id)
    assert f'data-dispute="{d.id}"' in as_user(app, "authority@example.cn").get("/disputes").get_data(as_text=True)
    assert staff.get(f"/disputes/{d.id}").status_code == 200
    assert as_user(app, "stranger@example.cn").get(f"/disputes/{d.id}").status_code == 404

    freeze(monkeypatch, "2026-10-12")
    authority = as_user(app, "authority@example.cn")
    assert act(authority, d.id, action="take_up").status_code == 302
    assert act(authority, d.id, action="redo", reason="请对照监测站更正公告重新核实").status_code == 302
    [d] = disputes_on("correction", cid)
    c = db.session.get(Correction, cid)
    assert (d.outcome, d.redo_due) == ("redo", date(2026, 10, 26))
    assert (c.state, c.due_date, c.decided_at) == ("open", date(2026, 10, 26), None)
    page = user.get(f"/corrections/{cid}").get_data(as_text=True)
    assert "2026-10-26" in page and 'id="dispute-case"' not in page
    assert "correction.reopened" in inbox_kinds(users["agency_staff"].id)
    assert "correction.reopened" in inbox_kinds(users["data_user"].id)
    assert "2026-10-26" in staff.get("/inbox").get_data(as_text=True)

    # the agency answers again; the reporter sees it
    freeze(monkeypatch, "2026-10-14")
    staff = as_user(app, "staff@example.cn")
    assert answer(staff, cid, "reject", "监测站更正公告针对的是另一日期，数据无误。").status_code == 302
    page = user.get(f"/corrections/{cid}").get_data(as_text=True)
    assert "另一日期" in page and "不予采纳" in page
    # a new decision: it can be disputed again
    assert 'id="dispute-case"' in page
    assert file_from(user, f"/corrections/{cid}", "dispute-case", "仍有异议").status_code == 302
    assert [x.state for x in disputes_on("correction", cid)] == ["resolved", "filed"]
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type.in_(("dispute", "correction")))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["correction.file", "correction.reject", "dispute.file", "dispute.take_up",
                       "correction.reopen", "dispute.redo", "correction.reject", "dispute.file"]


# ---- 3. a suspended grant ------------------------------------------------------------------------
@pytest.fixture()
def granted(app, users):
    """Two conditional entries of 呼和浩特市生态环境局; the data user applied for each and was granted access."""
    out = []
    for title, slug in (("重点排污单位自动监测数据", "paiwu"), ("企业环境信用评价明细", "xinyong")):
        ds = f.dataset(title, open_type=OpenType.CONDITIONAL, items=("排污单位名称", "排放浓度"), slug=slug)
        f.csv_resource(ds, "排污单位名称,排放浓度\n某热电厂,35\n", filename=f"{slug}.csv")
        out.append(ds)
    return out


def grant_for(app, ds) -> Grant:
    user = as_user(app, "user@example.cn")
    r = post_form(user, f"/dataset/{ds.slug}/apply", form_data())
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    grant, _staff = approve(app, int(re.search(r"/applications/(\d+)", r.headers["Location"]).group(1)))
    return grant


def suspend(app, grant, reason="超范围向第三方提供数据"):
    staff = as_user(app, "staff@example.cn")
    page = f"/applications/{grant.application_id}"
    assert post_on(staff, page, f"/grants/{grant.id}/status", {"action": "suspend", "reason": reason}).status_code == 302


def test_suspended_grant_disputed_by_its_holder_and_by_the_agency_then_upheld(app, users, granted, stranger,
                                                                             monkeypatch):
    """§7 / R2024 §50: the grant holder disputes a suspension from the grant's section of the application page;
    the providing agency can file too (here through the API, on the other suspended grant); "upheld" resolves
    the dispute and leaves the grant suspended; the decision stands, so no second dispute."""
    freeze(monkeypatch, "2026-09-21")
    first, second = grant_for(app, granted[0]), grant_for(app, granted[1])
    user, staff = as_user(app, "user@example.cn"), as_user(app, "staff@example.cn")
    page = f"/applications/{first.application_id}"
    assert 'id="dispute-grant"' not in user.get(page).get_data(as_text=True)     # active: nothing to dispute
    freeze(monkeypatch, "2026-09-24")
    suspend(app, first)
    suspend(app, second, "未按期报送使用情况")
    assert 'id="dispute-grant"' in staff.get(page).get_data(as_text=True)         # the agency is a party too
    r = file_from(user, page, "dispute-grant", "未向第三方提供数据，暂停理由不成立")
    assert r.status_code == 302
    [d] = disputes_on("grant", first.id)
    assert (d.state, d.due_date, d.user_id, d.agency_id) == ("filed", date(2026, 11, 12), users["data_user"].id,
                                                             granted[0].agency_id)
    shown = user.get(r.headers["Location"]).get_data(as_text=True)
    assert "2026-11-12" in shown and f'href="{page}"' in shown
    assert 'id="dispute-grant"' not in user.get(page).get_data(as_text=True)
    assert 'id="dispute-grant"' not in staff.get(page).get_data(as_text=True)
    r = post_form(staff, "/disputes/new", {"kind": "grant", "case": first.id, "reason": "请主管部门确认"})
    assert r.status_code == 409 and "已提请" in r.get_data(as_text=True)

    # the agency files on the second grant through the API
    r = api(app, users["agency_staff"], "post", "/api/v1/disputes",
            json={"kind": "grant", "case": second.id, "reason": "请主管部门确认暂停是否妥当"})
    assert r.status_code == 201, r.get_json()
    assert (r.json["kind"], r.json["case"], r.json["due_date"], r.json["state"]) == ("grant", second.id,
                                                                                      "2026-11-12", "filed")
    theirs = disputes_on("grant", second.id)[0]
    assert (theirs.filed_by_id, theirs.user_id) == (users["agency_staff"].id, users["data_user"].id)
    assert "dispute.file" in inbox_kinds(users["data_user"].id)
    listed = [row["id"] for row in api(app, users["data_user"], "get", "/api/v1/disputes").json["results"]]
    assert sorted(listed) == sorted([d.id, theirs.id])
    assert api(app, stranger, "get", f"/api/v1/disputes/{theirs.id}").status_code == 404
    r = api(app, stranger, "post", "/api/v1/disputes", json={"kind": "grant", "case": second.id, "reason": "x"})
    assert r.status_code == 404

    freeze(monkeypatch, "2026-10-12")
    authority = as_user(app, "authority@example.cn")
    assert act(authority, d.id, action="take_up").status_code == 302
    assert act(authority, d.id, action="uphold", reason="使用情况核查记录表明确有超范围提供").status_code == 302
    [d] = disputes_on("grant", first.id)
    assert (d.state, d.outcome, d.redo_due) == ("resolved", "upheld", None)
    g = db.session.get(Grant, first.id)
    assert (g.state, g.state_reason) == ("suspended", "超范围向第三方提供数据")
    shown = user.get(f"/disputes/{d.id}").get_data(as_text=True)
    assert "确有超范围提供" in shown
    assert "dispute.resolved" in inbox_kinds(users["data_user"].id)
    assert "dispute.resolved" in inbox_kinds(users["agency_staff"].id)
    assert 'id="dispute-grant"' not in user.get(page).get_data(as_text=True)     # the decision stands
    r = post_form(user, "/disputes/new", {"kind": "grant", "case": first.id, "reason": "再次"})
    assert r.status_code == 409
    assert len(disputes_on("grant", first.id)) == 1
    assert not [e for e in db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "grant"))
                if e not in ("grant.suspend",)]


# ---- not disputable ------------------------------------------------------------------------------
def test_a_case_that_is_not_disputable_is_refused_with_a_clear_message_and_nothing_written(app, users, entry,
                                                                                         granted, monkeypatch):
    """§7: an accepted correction, an active grant and a complaint still open are no decision to dispute: 409
    with a message saying what can be disputed, on the form and on the API, and no dispute, notice or audit
    event written; an unknown kind is 422 naming the field."""
    freeze(monkeypatch, "2026-09-21")
    grant = grant_for(app, granted[0])
    user, staff = as_user(app, "user@example.cn"), as_user(app, "staff@example.cn")
    accepted = report_error(user, entry)
    assert answer(staff, accepted, "accept", "已更正新华广场AQI。").status_code == 302
    open_complaint = complaint_id(complain(user, entry))
    assert 'id="dispute-case"' not in user.get(f"/corrections/{accepted}").get_data(as_text=True)
    assert 'id="dispute-grant"' not in user.get(f"/applications/{grant.application_id}").get_data(as_text=True)
    tokens = {who: create_token(users[who], "api", "read_write", 30)[1] for who in ("data_user", "agency_staff")}
    messages = db.session.query(Message).count()
    audits = db.session.query(AuditEvent).count()

    cases = (("correction", accepted, "未被采纳的纠错"), ("grant", grant.id, "暂停获取权限"),
             ("complaint", open_complaint, "权益异议处理结果"))
    for kind, case_id, said in cases:
        r = post_form(user, "/disputes/new", {"kind": kind, "case": case_id, "reason": "不服"})
        assert r.status_code == 409, kind
        html = r.get_data(as_text=True)
        assert f"只能对以下决定提请协调：{said}。此案件不属于此类决定，或尚未作出决定。" in html, kind
        assert 'name="reason"' in html and "不服" in html, kind                  # the form again, as typed
        r = api(app, users["data_user"], "post", "/api/v1/disputes", tokens["data_user"],
                json={"kind": kind, "case": case_id, "reason": "不服"})
        assert r.status_code == 409, kind
        error = r.get_json()["error"]
        assert said in error["message"] and "此案件不属于此类决定" in error["details"]["case"], (kind, error)
    r = api(app, users["agency_staff"], "post", "/api/v1/disputes", tokens["agency_staff"],
            json={"kind": "grant", "case": grant.id, "reason": "x"})
    assert r.status_code == 409
    r = api(app, users["data_user"], "post", "/api/v1/disputes", tokens["data_user"],
            json={"kind": "dataset", "case": grant.id, "reason": "不服"})
    assert r.status_code == 422 and "kind" in r.get_json()["error"]["details"]
    db.session.expire_all()
    assert db.session.query(Dispute).count() == 0
    assert db.session.query(Message).count() == messages
    assert [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)][audits:] == []
