"""Periodic reassessment (定期评估, OVERSIGHT.md §3, R2024 §22, §29): due dates, the agency's reasoned keep,
the queue, supervision and escalation, and the sharing figures reading the same due date."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange, OpenType, ShareType
from portal.extensions import db
from portal.reassessment import services as reassessment
from tests import factories as f
from tests.clock import freeze
from tests.conftest import post_form
from tests.sharing.dispute_helpers import run_deadlines, subjects


@pytest.fixture()
def entry_e(parties):
    """E: a published entry of 自治区生态环境厅, conditional to open, last assessed 2025-11-20 (China time)."""
    return f.dataset("全区重点排污单位自动监测数据", agency_obj=parties["A"], open_type=OpenType.CONDITIONAL,
                     open_assessed_at=datetime(2025, 11, 20, 2), index=False)


def _row(page: str, title: str) -> str:
    start = page.index(title)
    return page[start:page.index("</tr>", start)]


def test_o4_due_on_the_same_day_a_year_later_overdue_the_day_after(app, parties, entry_e, as_user, monkeypatch):
    """O4: E, conditional to open, last assessed 2025-11-20: due 2026-11-20, overdue 2026-11-21 — in the
    agency's queue, on the supervision page, and escalated by `flask portal deadlines`."""
    assert reassessment.due_date(entry_e, "open") == date(2026, 11, 20)
    assert reassessment.due_date(entry_e, "share") is None  # shared unconditionally: nothing to reassess

    freeze(monkeypatch, "2026-11-20")
    client = as_user(parties["a_staff"])
    assert 'id="reassessments-link"' in client.get("/console/").get_data(as_text=True)
    row = _row(client.get("/console/reassessments").get_data(as_text=True), entry_e.title)
    assert "2026-11-20" in row and "2025-11-20" in row and "有条件开放" in row and "已超期" not in row
    assert "已超期" not in _row(as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True),
                             entry_e.title)

    freeze(monkeypatch, "2026-11-21")
    client = as_user(parties["a_staff"])
    assert "已超期" in _row(client.get("/console/reassessments").get_data(as_text=True), entry_e.title)
    page = as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True)
    assert "已超期" in _row(page, entry_e.title) and "开放属性重新评估" in page
    run_deadlines(app)
    assert entry_e.title in subjects(parties["authority"]) and entry_e.title in subjects(parties["a_staff"])
    # who sees the queue: the agency its own, the authority and auditors all
    assert entry_e.title not in as_user(parties["b_officer"]).get("/console/reassessments").get_data(as_text=True)
    assert entry_e.title in as_user(parties["auditor"]).get("/console/reassessments").get_data(as_text=True)
    assert as_user(parties["b_officer"]).get(f"/console/reassessments/{entry_e.id}").status_code == 404


def test_keep_needs_reason_and_basis_and_only_the_agency_records_it(app, parties, entry_e, as_user, monkeypatch):
    """A keep without a reason is refused with 422 naming the field and changes nothing; only staff of the
    entry's agency record a keep; a recorded keep sets the assessed date (the next due date moves a period
    on), leaves an audit event with who, when and why, and a public history line."""
    freeze(monkeypatch, "2026-11-21")
    url = f"/console/reassessments/{entry_e.id}/keep"
    good = {"kind": "open", "reason": "仍涉及排污单位商业秘密，条件不变。",
            "legal_basis": "《中华人民共和国环境保护法》第五十五条"}

    client = as_user(parties["a_staff"])
    r = post_form(client, url, {**good, "reason": "  "})
    assert r.status_code == 422 and 'id="error-reason"' in r.get_data(as_text=True)
    assert "请说明维持该类型的理由" in r.get_data(as_text=True)
    r = post_form(client, url, {**good, "legal_basis": ""})
    assert r.status_code == 422 and 'id="error-legal_basis"' in r.get_data(as_text=True)
    assert post_form(client, url, {**good, "kind": "share"}).status_code == 409  # share type needs none
    db.session.expire_all()
    ds = db.session.get(Dataset, entry_e.id)
    assert ds.open_assessed_at == datetime(2025, 11, 20, 2)
    assert not db.session.scalars(select(DatasetChange).where(DatasetChange.kind == "reassessed")).all()
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.open_reassessed")).all()

    assert post_form(as_user(parties["b_officer"]), url, good).status_code in (403, 404)
    assert post_form(as_user(parties["authority"]), url, good).status_code == 403
    assert post_form(as_user(parties["auditor"]), url, good).status_code == 403
    db.session.expire_all()
    assert db.session.get(Dataset, entry_e.id).open_assessed_at == datetime(2025, 11, 20, 2)

    r = post_form(as_user(parties["a_staff"]), url, good)
    assert r.status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, entry_e.id)
    assert reassessment.due_date(ds, "open") == date(2027, 11, 21)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.open_reassessed")).one()
    assert event.actor_id == parties["a_staff"].id and event.reason == good["reason"]
    assert event.details["legal_basis"] == good["legal_basis"] and event.details["was_due"] == "2026-11-20"
    public = app.test_client().get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert "开放属性经重新评估，维持不变" in public and good["reason"] in public
    page = as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True)
    assert entry_e.title not in page


def test_figures_read_the_same_due_date(app, parties, as_user, monkeypatch):
    """The sharing figures' "reassessed on time" is the reassessment's due date: A's conditional share entry
    assessed 2025-11-20 is on time on 2026-11-20 and late from 2026-11-21, until the agency keeps it."""
    ds = parties["conditional"]
    assert ds.share_type == ShareType.CONDITIONAL
    ds.share_assessed_at = datetime(2025, 11, 20, 2)
    db.session.commit()
    freeze(monkeypatch, "2026-11-21")
    client = as_user(parties["auditor"])

    def rate() -> dict:
        body = client.get("/api/v1/sharing/statistics?from=2026-07-01&to=2026-12-31").get_json()
        return body["totals"]["rates"]["reassessed"]

    assert (rate()["cases"], rate()["on_time"]) == (1, 0)
    assert reassessment.due_date(ds, "share") == date(2026, 11, 20)
    r = post_form(as_user(parties["a_officer"]), f"/console/reassessments/{ds.id}/keep",
                  {"kind": "share", "reason": "仍涉及商业秘密。", "legal_basis": "《中华人民共和国环境保护法》第五十五条"})
    assert r.status_code == 302
    client = as_user(parties["auditor"])
    assert (rate()["cases"], rate()["on_time"]) == (1, 1)


def test_a_revision_changing_the_type_needs_reason_and_legal_basis(app, parties, as_user, monkeypatch):
    """The other outcome of a reassessment, a revision: on a published entry a change of the open type (even
    towards unconditional) is refused with 422 naming the field without its reason and legal basis; with
    them it waits for review like any edit."""
    from tests.catalog.test_console import ENTRY

    ds = f.dataset("全区排污许可证信息", agency_obj=parties["A"], open_type=OpenType.CONDITIONAL,
                   theme_obj=f.theme("城建住房", slug="housing"), index=False)
    client = as_user(parties["a_staff"])
    edit = {**ENTRY, "theme": "housing", "open_type": "unconditional", "open_reason": "", "open_legal_basis": ""}
    r = post_form(client, f"/console/datasets/{ds.id}/edit", edit)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'id="f-open_reason-error"' in page and 'id="f-open_legal_basis-error"' in page
    assert "类型调整须说明理由和法律依据" in page
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).pending is None
    r = post_form(client, f"/console/datasets/{ds.id}/edit",
                  {**edit, "open_reason": "经脱敏处理后可无条件开放。", "open_legal_basis": "《内蒙古自治区公共数据管理办法》"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).pending["open_type"] == "unconditional"
