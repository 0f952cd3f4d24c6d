"""Notices to related agencies after a correction is accepted (OVERSIGHT.md §6, R2024 §45「通报相关机构」)."""
from __future__ import annotations

import re

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.feedback.models import Correction
from tests import factories as f
from tests.conftest import post_form
from tests.feedback.helpers import post_from
from tests.sharing.dispute_helpers import grant_to, subjects


def _file_and_accept(client, as_user, parties, reporter, ds, answer="已核实并更正监测时间。"):
    as_user(reporter)
    r = post_form(client, f"/dataset/{ds.slug}/corrections/new",
                  {"resource": ds.resources[0].id, "location": "第2行", "description": "监测时间有误。"},
                  content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    cid = int(re.search(r"/corrections/(\d+)", r.headers["Location"]).group(1))
    as_user(parties["a_officer"])
    return cid, post_from(client, f"/corrections/{cid}", f"/corrections/{cid}/decide",
                          {"action": "accept", "answer": answer})


def test_o7_accepted_correction_tells_grant_holders_and_the_authority(app, client, parties, as_user):
    """O7: a correction on E accepted while B and C hold share grants on E: B, C and the authority get inbox
    notices; the correction lists them (to staff, not to the reporter)."""
    ds = parties["conditional"]
    grant_to(parties, "B")
    grant_to(parties, "C")
    reporter = f.data_user("reporter@example.cn")
    cid, r = _file_and_accept(client, as_user, parties, reporter, ds)
    assert r.status_code == 302
    for who in ("b_officer", "b_staff", "c_officer", "authority"):
        assert f"纠错已采纳：“{ds.title}”" in subjects(parties[who]), who
    assert "纠错已采纳" not in subjects(parties["a_officer"])  # the agency itself answered it
    c = db.session.get(Correction, cid)
    assert {row["why"] for row in c.notified} == {"share_grant", "authority"}
    assert {row["agency_id"] for row in c.notified} == {parties["B"].id, parties["C"].id, None}
    page = client.get(f"/corrections/{cid}").get_data(as_text=True)
    told = page[page.index('id="correction-told"'):]
    assert parties["B"].name in told and parties["C"].name in told and "数据主管部门" in told
    event = db.session.query(AuditEvent).filter_by(action="correction.accept", object_id=str(cid)).one()
    assert set(event.details["told"]) == {parties["B"].id, parties["C"].id, "authority"}
    as_user(parties["auditor"])
    assert 'id="correction-told"' in client.get(f"/corrections/{cid}").get_data(as_text=True)
    as_user(reporter)  # internal: the reporter sees the answer, not whom it was reported to
    assert 'id="correction-told"' not in client.get(f"/corrections/{cid}").get_data(as_text=True)


def test_correction_tells_named_and_related_agencies(app, client, parties, as_user):
    """Agencies named as collecting agency and agencies whose entries list E as related are told too; a
    rejected correction tells no one but the reporter."""
    ds = parties["open"]
    ds.collecting_agency = parties["B"].name
    f.dataset("呼和浩特市环境监测站点", agency_obj=parties["C"], related_ids=[ds.id], index=False)
    db.session.commit()
    reporter = f.data_user("reporter@example.cn")
    cid, r = _file_and_accept(client, as_user, parties, reporter, ds)
    assert r.status_code == 302
    c = db.session.get(Correction, cid)
    assert [(row["agency_id"], row["why"]) for row in c.notified] == [
        (parties["B"].id, "collecting"), (parties["C"].id, "related"), (None, "authority")]
    assert "纠错已采纳" in subjects(parties["c_staff"])

    as_user(reporter)
    r = post_form(client, f"/dataset/{ds.slug}/corrections/new",
                  {"resource": ds.resources[0].id, "location": "第3行", "description": "AQI有误。"},
                  content_type="multipart/form-data")
    cid2 = int(re.search(r"/corrections/(\d+)", r.headers["Location"]).group(1))
    as_user(parties["a_officer"])
    before = subjects(parties["b_officer"])
    assert post_from(client, f"/corrections/{cid2}", f"/corrections/{cid2}/decide",
                     {"action": "reject", "answer": "经核实数据无误。"}).status_code == 302
    assert subjects(parties["b_officer"]) == before and db.session.get(Correction, cid2).notified == []
