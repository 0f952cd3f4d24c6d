"""Planned withdrawal of a published entry (停止提供预告, OVERSIGHT §2): O2, O3, approve mode, return, withdraw,
bad input; through the API and the entry's public page."""
from __future__ import annotations

import gzip
import json
from datetime import date

from sqlalchemy import select

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange, DatasetState
from portal.extensions import db
from portal.opening.models import Application, ApplicationState, Grant
from portal.supervision.deadlines import run as deadline_run
from portal.withdrawal.models import Withdrawal
from tests.clock import freeze
from tests.conftest import login
from tests.factories import data_user
from tests.feedback.helpers import complain
from tests.sharing.dispute_helpers import grant_to, inbox

REASON = "监测站点整合，本数据并入全区空气质量监测数据"


def auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}


def file(client, user, ds, last_day, reason=REASON):
    return client.post("/api/v1/withdrawals", json={"dataset": ds.id, "reason": reason, "last_day": last_day},
                       headers=auth(user))


def opening_parties(e):
    """A data user holding an active grant of E, and another with an application for E still open."""
    holder, applicant = data_user("holder@example.cn"), data_user("applicant@example.cn")
    approved = Application(dataset_id=e.id, agency_id=e.agency_id, applicant_id=holder.id,
                           state=ApplicationState.APPROVED, scenario="空气质量研究")
    pending = Application(dataset_id=e.id, agency_id=e.agency_id, applicant_id=applicant.id,
                          state=ApplicationState.SUBMITTED, scenario="环境影响评价")
    db.session.add_all([approved, pending])
    db.session.flush()
    db.session.add(Grant(application_id=approved.id, dataset_id=e.id, user_id=holder.id, purpose="研究",
                         scope="全部", start=date(2026, 1, 1), end=date(2026, 12, 31), report_every_days=90))
    db.session.commit()
    return holder, applicant


def test_o2_planned_withdrawal_notice_banner_and_deadline_run(app, client, parties, monkeypatch):
    """O2: filed 2026-01-31 with last day 2026-02-27 is 422; 2026-02-28 is accepted; E shows the banner,
    grant holders have an inbox notice of 2026-01-31; on 2026-03-01 E is withdrawn with the filed reason."""
    e = parties["open"]
    grant_to(parties, "B", "open")
    holder, applicant = opening_parties(e)
    freeze(monkeypatch, "2026-01-31")
    r = file(client, parties["a_staff"], e, "2026-02-27")
    assert r.status_code == 422 and "last_day" in r.get_json()["error"]["details"]
    assert db.session.scalar(select(Withdrawal.id)) is None
    r = file(client, parties["a_staff"], e, "2026-02-28")
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["state"] == "filed" and r.get_json()["actions"] == ["withdraw"]
    page = client.get(f"/dataset/{e.slug}").get_data(as_text=True)
    assert 'id="withdrawal-notice"' in page and "2026-02-28" in page and REASON in page
    answer = client.get(f"/api/v1/datasets/{e.slug}").get_json()
    assert answer["withdrawal"]["last_day"] == "2026-02-28" and answer["withdrawal"]["reason"] == REASON
    told = [m for m in inbox(parties["b_officer"]) if m.kind == "withdrawal.filed"]
    # told the day it is filed: the notice is written in the filing's own transaction (filed_on 2026-01-31)
    assert r.get_json()["filed_on"] == "2026-01-31" and told and "2026-02-28" in told[0].subject
    for user in (holder, applicant):
        assert any(m.kind == "withdrawal.filed" and "2026-02-28" in m.subject for m in inbox(user))
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "withdrawal.file")).one().reason == REASON
    ttl = client.get(f"/dataset/{e.slug}.ttl").get_data(as_text=True)
    assert "将于2026-02-28后停止提供" in ttl and REASON in ttl and "2026-02-28" in ttl
    feed = client.get("/api/v1/catalog.jsonl.gz?modified_since=2026-01-30")
    lines = [json.loads(x) for x in gzip.decompress(feed.data).decode().splitlines()]
    mine = next(x for x in lines if x["id"] == e.id)
    assert mine["withdrawal"] == {"last_day": "2026-02-28", "reason": REASON}
    freeze(monkeypatch, "2026-02-28")
    deadline_run()
    assert db.session.get(Dataset, e.id).state == DatasetState.PUBLISHED  # still provided on the last day
    freeze(monkeypatch, "2026-03-01")
    deadline_run()
    db.session.expire_all()
    assert db.session.get(Dataset, e.id).state == DatasetState.WITHDRAWN
    change = db.session.scalars(select(DatasetChange).where(DatasetChange.dataset_id == e.id,
                                                            DatasetChange.kind == "withdrawn")).one()
    assert change.reason == REASON
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.unpublish")).one().reason == REASON
    assert client.get(f"/dataset/{e.slug}").status_code == 404


def test_o3_a_rights_complaint_during_the_notice_suspends_at_once(app, client, parties, monkeypatch):
    """O3: a rights complaint on E during O2's notice suspends E at once (unchanged)."""
    e = parties["open"]
    freeze(monkeypatch, "2026-01-31")
    assert file(client, parties["a_staff"], e, "2026-02-28").status_code == 201
    freeze(monkeypatch, "2026-02-10")
    complainant = data_user("complainant@example.cn")
    login(client, complainant.email)
    r = complain(client, e)
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert db.session.get(Dataset, e.id).suspended_at is not None
    assert db.session.scalars(select(Withdrawal)).one().state == "filed"


def test_approve_mode_needs_approval_and_return_and_withdraw(app, client, parties, monkeypatch):
    """SZ §12「审核通过后」: in mode approve an unapproved withdrawal never takes effect; the authority may
    return it before the last day; the agency may withdraw an approved one; each step is audited."""
    app.config["WITHDRAWAL_MODE"] = "approve"
    e, other = parties["open"], parties["conditional"]
    freeze(monkeypatch, "2026-01-31")
    w1 = file(client, parties["a_staff"], e, "2026-02-28").get_json()
    w2 = file(client, parties["a_staff"], other, "2026-03-15").get_json()
    authority = parties["authority"]
    seen = client.get(f"/api/v1/withdrawals/{w1['id']}", headers=auth(authority)).get_json()
    assert seen["actions"] == ["approve", "return"]
    r = client.post(f"/api/v1/withdrawals/{w1['id']}/act", json={"action": "return"}, headers=auth(authority))
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]
    r = client.post(f"/api/v1/withdrawals/{w1['id']}/act", json={"action": "return", "reason": "理由不充分"},
                    headers=auth(authority))
    assert r.status_code == 201 and r.get_json()["state"] == "returned"
    assert 'id="withdrawal-notice"' not in client.get(f"/dataset/{e.slug}").get_data(as_text=True)
    r = client.post(f"/api/v1/withdrawals/{w2['id']}/act", json={"action": "approve"}, headers=auth(parties["a_staff"]))
    assert r.status_code == 403
    r = client.post(f"/api/v1/withdrawals/{w2['id']}/act", json={"action": "approve"}, headers=auth(authority))
    assert r.get_json()["state"] == "approved"
    r = client.post(f"/api/v1/withdrawals/{w2['id']}/act", json={"action": "withdraw", "reason": "业务调整取消"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 201 and r.get_json()["state"] == "withdrawn"
    freeze(monkeypatch, "2026-04-01")
    deadline_run()
    db.session.expire_all()
    assert db.session.get(Dataset, e.id).state == DatasetState.PUBLISHED
    assert db.session.get(Dataset, other.id).state == DatasetState.PUBLISHED
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("withdrawal.%"))))
    assert actions == {"withdrawal.file", "withdrawal.return", "withdrawal.approve", "withdrawal.withdraw"}


def test_bad_input_changes_nothing(app, client, parties, monkeypatch):
    e = parties["open"]
    freeze(monkeypatch, "2026-01-31")
    r = client.post("/api/v1/withdrawals", json={"dataset": e.id, "last_day": "2026-03-31"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/withdrawals", json={"dataset": e.id, "reason": REASON, "last_day": "soon"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 422 and "last_day" in r.get_json()["error"]["details"]
    assert file(client, parties["b_staff"], e, "2026-03-31").status_code == 403  # not E's agency
    assert db.session.scalar(select(Withdrawal.id)) is None
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("withdrawal.%"))).all()
    assert 'id="withdrawal-notice"' not in client.get(f"/dataset/{e.slug}").get_data(as_text=True)


def test_the_pages_offer_what_the_table_allows(app, client, parties, as_user, monkeypatch):
    """The agency announces from the entry's console page; the authority returns from the case page; the
    buttons are exactly the allowed actions; a bad date is 422 on the form and nothing is kept."""
    import re
    e = parties["open"]
    freeze(monkeypatch, "2026-01-31")
    staff = as_user(parties["a_staff"])
    page = staff.get(f"/console/datasets/{e.id}").get_data(as_text=True)
    assert 'id="announce-withdrawal"' in page

    def token(url):
        html = staff.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    form = f"/withdrawals/new?dataset={e.id}"
    r = staff.post("/withdrawals/new", data={"csrf_token": token(form), "dataset": e.id, "reason": REASON,
                                              "last_day": "2026-02-27"})
    assert r.status_code == 422 and "2026-02-28" in r.get_data(as_text=True)
    assert db.session.scalar(select(Withdrawal.id)) is None
    r = staff.post("/withdrawals/new", data={"csrf_token": token(form), "dataset": e.id, "reason": REASON,
                                              "last_day": "2026-02-28"})
    assert r.status_code == 302
    url = r.headers["Location"]
    page = staff.get(url).get_data(as_text=True)
    assert 'value="withdraw"' in page and 'value="return"' not in page
    assert 'id="announce-withdrawal"' not in staff.get(f"/console/datasets/{e.id}").get_data(as_text=True)
    authority = as_user(parties["authority"])
    page = authority.get(url).get_data(as_text=True)
    assert 'value="return"' in page and 'value="withdraw"' not in page and 'value="approve"' not in page
    r = authority.post(url + "/act", data={"csrf_token": token(url), "action": "return", "reason": "理由不充分"})
    assert r.status_code == 302
    assert 'id="withdrawal-state"' in authority.get(url).get_data(as_text=True)
    assert db.session.scalars(select(Withdrawal)).one().state == "returned"
