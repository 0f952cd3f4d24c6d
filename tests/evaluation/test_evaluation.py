"""Evaluation rounds and agency scorecards (OVERSIGHT §8(b); R2024 §39, §41; SZ §32): O9 through the API and
the pages; the scorecards' figures against the same counts by SQL; the evaluator reads and changes nothing;
an agency reads only its own snapshot."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.accounts.services import create_staff_user
from portal.audit.models import AccessEvent, AuditEvent
from portal.catalog.models import Dataset, DatasetState, Resource
from portal.catalog.vocab import FREQUENCY_MAX_AGE
from portal.evaluation import indicators
from portal.extensions import db
from portal.inbox.models import Message
from portal.models_base import utcnow
from portal.opening.models import Application
from tests import factories
from tests.clock import freeze
from tests.conftest import PASSWORD, login, post_form
from tests.evaluation.helpers import answered_application, auth

PUBLIC = (Dataset.state == DatasetState.PUBLISHED) & Dataset.suspended_at.is_(None)
YEAR_2025 = {"title": "2025年度公共数据开放评估", "period_start": "2025-01-01", "period_end": "2025-12-31"}


def evaluator():
    return create_staff_user("evaluator@example.cn", "第三方评估机构", PASSWORD, "evaluator")


def new_round(client, authority, **weights):
    r = client.post("/api/v1/evaluations", json={**YEAR_2025, **{f"weight_{k}": v for k, v in weights.items()}},
                    headers=auth(authority))
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def snapshot_of(client, user, round_body, agency) -> dict:
    body = client.get(f"/api/v1/evaluations/{round_body['id']}", headers=auth(user)).get_json()
    return next(s for s in body["snapshots"] if s["agency"] == agency.name)


def test_o9_snapshot_comment_window_frozen_figures_and_recomputation(app, client, parties, monkeypatch):
    """O9: a snapshot made 2026-01-05 takes comments until 2026-01-19 (409 after); data added later leaves it
    unchanged; recomputing the figures from its stored inputs gives its figures."""
    a, authority = parties["A"], parties["authority"]
    answered_application(parties["conditional"], date(2025, 12, 10), date(2025, 12, 9), "on-time@example.cn")
    answered_application(parties["conditional"], date(2025, 12, 10), date(2025, 12, 22), "late@example.cn")
    freeze(monkeypatch, "2026-01-05")
    body = new_round(client, authority, completeness=20, timeliness=25, answers=40, plan=0, use=15)
    assert body["state"] == "draft" and [w["key"] for w in body["weights"]] == [
        "completeness", "timeliness", "answers", "use"]
    r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "snapshot"}, headers=auth(authority))
    assert r.status_code == 201, r.get_data(as_text=True)
    frozen = r.get_json()
    assert frozen["state"] == "commenting" and frozen["frozen_on"] == "2026-01-05"
    assert frozen["comment_due"] == "2026-01-19"
    mine = snapshot_of(client, authority, frozen, a)
    snap = client.get(f"/api/v1/evaluation-snapshots/{mine['id']}", headers=auth(parties["a_staff"])).get_json()
    answers = next(x for x in snap["results"] if x["key"] == "answers")
    assert answers["inputs"]["applications"] == {"cases": 2, "on_time": 1} and answers["figure"] == 50
    assert snap["made_on"] == "2026-01-05" and snap["actions"] == ["comment"]
    assert any(m.kind == "evaluation.snapshot" for m in db.session.scalars(
        select(Message).where(Message.user_id == parties["a_staff"].id)))

    # the agency comments on the last day; the day after: 409, the stored comment unchanged
    freeze(monkeypatch, "2026-01-19")
    r = client.post(f"/api/v1/evaluation-snapshots/{mine['id']}/comment", json={"comment": "第二件申请已补正答复"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 201 and r.get_json()["comment"] == "第二件申请已补正答复"
    freeze(monkeypatch, "2026-01-20")
    r = client.post(f"/api/v1/evaluation-snapshots/{mine['id']}/comment", json={"comment": "再补充"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 409 and "2026-01-19" in r.get_json()["error"]["message"]
    # the page says the same and no longer offers the form
    login(client, parties["a_staff"].email)
    page = post_form(client, f"/evaluation/snapshots/{mine['id']}/comment", {"comment": "再补充"})
    assert page.status_code == 409
    html = client.get(f"/evaluation/snapshots/{mine['id']}").get_data(as_text=True)
    assert "第二件申请已补正答复" in html and 'id="f-comment"' not in html and "2026-01-19" in html

    # data added later: a new entry, a late application, downloads; the snapshot keeps its figures
    before = client.get(f"/api/v1/evaluation-snapshots/{mine['id']}", headers=auth(authority)).get_json()
    late = factories.dataset("新增空气质量小时数据", agency_obj=a, index=False)
    answered_application(late, date(2025, 11, 3), date(2025, 11, 28), "later@example.cn")
    db.session.add(AccessEvent(kind="download", dataset_id=late.id, client_addr="192.0.2.1", status=200,
                               at=datetime(2025, 6, 1, 2)))
    db.session.commit()
    after = client.get(f"/api/v1/evaluation-snapshots/{mine['id']}", headers=auth(authority)).get_json()
    assert after["results"] == before["results"] and after["score"] == before["score"]
    live = client.get("/api/v1/scorecards?year=2025").get_json()
    live_a = next(c for c in live["scorecards"] if c["agency_id"] == a.id)
    live_answers = next(x for x in live_a["results"] if x["key"] == "answers")
    assert live_answers["inputs"]["applications"] == {"cases": 3, "on_time": 1}  # the live card sees it

    # recomputing from the stored inputs alone gives the stored figures and score
    again = indicators.recompute(after["results"])
    assert [x["figure"] for x in again] == [x["figure"] for x in after["results"]]
    assert indicators.score(again) == after["score"]

    # finalising circulates each agency's result to its staff (通报); publishing needs the setting
    r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "finalise", "reason": "总体良好"},
                    headers=auth(authority))
    assert r.status_code == 201 and r.get_json()["state"] == "finalised"
    told = db.session.scalars(select(Message).where(Message.user_id == parties["b_staff"].id,
                                                    Message.kind == "evaluation.finalise")).all()
    assert len(told) == 1 and "总体良好" in told[0].body
    r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "publish"}, headers=auth(authority))
    assert r.status_code == 409
    assert client.get(f"/statistics/evaluations/{body['id']}").status_code == 404
    app.config["EVALUATION_PUBLIC"] = True
    r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "publish"}, headers=auth(authority))
    assert r.status_code == 201 and r.get_json()["state"] == "published"
    public = client.get(f"/statistics/evaluations/{body['id']}").get_data(as_text=True)
    assert a.name in public and "2025年度公共数据开放评估" in public and "第二件申请已补正答复" not in public
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("evaluation.%")).order_by(AuditEvent.id))]
    assert actions == ["evaluation.create", "evaluation.snapshot", "evaluation.comment", "evaluation.finalise",
                       "evaluation.publish"]


def test_evaluator_reads_everything_and_changes_nothing(app, client, parties, monkeypatch):
    """SZ §32: the third-party evaluator reads rounds and every snapshot; each change is 403."""
    freeze(monkeypatch, "2026-01-05")
    ev = evaluator()
    body = new_round(client, parties["authority"], completeness=50, timeliness=50)
    assert client.post("/api/v1/evaluations", json=YEAR_2025, headers=auth(ev)).status_code == 403
    r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "snapshot"}, headers=auth(ev))
    assert r.status_code == 403
    client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "snapshot"},
                headers=auth(parties["authority"]))
    seen = client.get(f"/api/v1/evaluations/{body['id']}", headers=auth(ev)).get_json()
    assert len(seen["snapshots"]) == 3 and seen["actions"] == []
    snap_id = snapshot_of(client, ev, body, parties["A"])["id"]
    snap = client.get(f"/api/v1/evaluation-snapshots/{snap_id}", headers=auth(ev))
    assert snap.status_code == 200 and snap.get_json()["actions"] == []
    r = client.post(f"/api/v1/evaluation-snapshots/{snap_id}/comment", json={"comment": "评估意见"}, headers=auth(ev))
    assert r.status_code == 403
    for action in ("finalise", "publish"):
        r = client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": action}, headers=auth(ev))
        assert r.status_code == 403
    login(client, ev.email)
    assert client.get("/evaluation").status_code == 200
    page = client.get(f"/evaluation/{body['id']}").get_data(as_text=True)
    assert 'name="action"' not in page and parties["B"].name in page
    assert 'id="new-round"' not in client.get("/evaluation").get_data(as_text=True)
    assert post_form(client, "/evaluation", YEAR_2025).status_code == 403
    assert post_form(client, f"/evaluation/snapshots/{snap_id}/comment", {"comment": "x"}).status_code == 403
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == ev.id,
                                                           AuditEvent.action.like("evaluation.%"))).all()


def test_agency_reads_only_its_own_snapshot(app, client, parties, monkeypatch):
    """Snapshots: own agency, authority, auditor, evaluator; agency B gets 404 for A's, in the API and pages."""
    freeze(monkeypatch, "2026-01-05")
    body = new_round(client, parties["authority"], completeness=100)
    client.post(f"/api/v1/evaluations/{body['id']}/act", json={"action": "snapshot"},
                headers=auth(parties["authority"]))
    a_snap = snapshot_of(client, parties["authority"], body, parties["A"])["id"]
    assert client.get(f"/api/v1/evaluation-snapshots/{a_snap}", headers=auth(parties["b_staff"])).status_code == 404
    r = client.post(f"/api/v1/evaluation-snapshots/{a_snap}/comment", json={"comment": "不同意"},
                    headers=auth(parties["b_staff"]))
    assert r.status_code == 404
    listed = client.get("/api/v1/evaluations", headers=auth(parties["b_staff"]))
    assert listed.status_code == 200 and listed.get_json()["rounds"][0]["comment_due"] == "2026-01-19"
    assert [s["agency"] for s in listed.get_json()["rounds"][0]["snapshots"]] == [parties["B"].name]
    b_round = client.get(f"/api/v1/evaluations/{body['id']}", headers=auth(parties["b_staff"])).get_json()
    assert [s["agency"] for s in b_round["snapshots"]] == [parties["B"].name]
    for reader in (parties["a_staff"], parties["auditor"]):
        assert client.get(f"/api/v1/evaluation-snapshots/{a_snap}", headers=auth(reader)).status_code == 200
    login(client, parties["b_staff"].email)
    assert client.get(f"/evaluation/snapshots/{a_snap}").status_code == 404
    user = factories.data_user("citizen@example.cn")
    assert client.get(f"/api/v1/evaluation-snapshots/{a_snap}", headers=auth(user)).status_code == 403


def test_round_input_is_checked_field_by_field(app, client, parties, monkeypatch):
    freeze(monkeypatch, "2026-01-05")
    r = client.post("/api/v1/evaluations", json={"title": "", "period_start": "2025-12-31",
                                                 "period_end": "2025-01-01", "weight_plan": 0},
                    headers=auth(parties["authority"]))
    details = r.get_json()["error"]["details"]
    assert r.status_code == 422 and {"title", "period_end", "weights"} <= set(details)
    r = client.post("/api/v1/evaluations", json={**YEAR_2025, "weight_use": 150}, headers=auth(parties["authority"]))
    assert r.status_code == 422 and "weight_use" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/evaluations", json={**YEAR_2025, "weight_use": 10}, headers=auth(parties["a_staff"]))
    assert r.status_code == 403
    login(client, parties["authority"].email)
    page = post_form(client, "/evaluation", {"title": "", "period_start": "2025-01-01", "period_end": "2025-12-31"})
    assert page.status_code == 422 and 'id="error-title"' in page.get_data(as_text=True)


# ---- the scorecards against SQL --------------------------------------------------------------------------
def scorecard_cells(html: str, agency_id: int) -> dict[str, str]:
    row = re.search(rf'<tr data-agency="{agency_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row for agency {agency_id}"
    return dict(re.findall(r'data-key="([^"]+)" data-value="([^"]*)"', row.group(1)))


def percent(part: int, whole: int) -> str:
    return "" if not whole else str((200 * part + whole) // (2 * whole))


def test_scorecard_figures_equal_sql_counts(app, client, parties, monkeypatch):
    """Each figure of the public scorecards equals the same count by SQL; the method is beside them; the
    actions name counts and link the entries; no person is named."""
    a = parties["A"]
    freeze(monkeypatch, "2026-09-24")
    now = utcnow()
    stale = factories.dataset("全区噪声监测数据", agency_obj=a, index=False, update_frequency="monthly",
                              data_updated_at=datetime(2026, 3, 1))
    factories.dataset("全区辐射监测数据", agency_obj=a, index=False, update_frequency="monthly")
    answered_application(parties["conditional"], date(2026, 5, 12), date(2026, 5, 11), "one@example.cn")
    answered_application(parties["conditional"], date(2026, 6, 12), date(2026, 6, 19), "two@example.cn")
    answered_application(parties["conditional"], date(2026, 7, 10), date(2026, 7, 17), "three@example.cn")
    for kind, ds, days in (("download", parties["open"], 3), ("download", parties["open"], 40),
                           ("api", parties["conditional"], 5), ("download", parties["open"], 400)):
        db.session.add(AccessEvent(kind=kind, dataset_id=ds.id, client_addr="192.0.2.7", status=200,
                                   at=now - timedelta(days=days)))
    db.session.add(AccessEvent(kind="download", dataset_id=parties["open"].id, client_addr="192.0.2.7",
                               status=403, at=now))
    db.session.commit()

    html = client.get("/statistics/scorecards").get_data(as_text=True)
    assert 'id="scorecards-link"' in client.get("/statistics").get_data(as_text=True)
    cells = scorecard_cells(html, a.id)

    mine = PUBLIC & (Dataset.agency_id == a.id)
    entries = db.session.scalar(select(func.count(Dataset.id)).where(mine))
    with_data = db.session.scalar(select(func.count(func.distinct(Resource.dataset_id)))
                                  .join(Dataset, Dataset.id == Resource.dataset_id).where(mine))
    assert cells["completeness"] == percent(with_data, entries)
    regular = overdue = 0
    for ds in db.session.scalars(select(Dataset).where(mine)):
        age = FREQUENCY_MAX_AGE.get(ds.update_frequency)
        last = ds.data_updated_at or ds.published_at
        if age is None or last is None:
            continue
        regular += 1
        overdue += int(now > last + age)
    assert overdue >= 1 and cells["timeliness"] == percent(regular - overdue, regular)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    apps = db.session.scalars(select(Application).where(Application.agency_id == a.id,
                                                        Application.due_date.between(*year))).all()
    on_time = sum(1 for x in apps if (x.decided_at + timedelta(hours=8)).date() <= x.due_date)
    assert (len(apps), on_time) == (3, 1) and cells["answers"] == percent(on_time, len(apps))
    served = (AccessEvent.status < 400) & (AccessEvent.at >= datetime(2025, 12, 31, 16))
    ids = select(Dataset.id).where(mine)
    downloads = db.session.scalar(select(func.count(AccessEvent.id)).where(
        served, AccessEvent.kind == "download", AccessEvent.dataset_id.in_(ids)))
    api_calls = db.session.scalar(select(func.count(AccessEvent.id)).where(
        served, AccessEvent.kind == "api", AccessEvent.dataset_id.in_(ids)))
    used = db.session.scalar(select(func.count(func.distinct(AccessEvent.dataset_id))).where(
        served, AccessEvent.kind.in_(("download", "api")), AccessEvent.dataset_id.in_(ids)))
    assert (cells["downloads"], cells["api_calls"]) == (str(downloads), str(api_calls)) == ("2", "1")
    assert cells["use"] == percent(used, entries)
    assert cells["plan"] == ""  # no plan item due: nothing to judge, not 0 %
    api = client.get("/api/v1/scorecards").get_json()
    card = next(c for c in api["scorecards"] if c["agency_id"] == a.id)
    assert {r["key"]: ("" if r["figure"] is None else str(r["figure"])) for r in card["results"]} == {
        k: cells[k] for k in ("completeness", "timeliness", "answers", "plan", "use", "quality")}
    # metadata quality: the mean of the scores each public entry page shows
    shown = [int(re.search(r'id="quality-score" data-score="(\d+)"',
                           client.get(f"/dataset/{slug}").get_data(as_text=True)).group(1))
             for slug in db.session.scalars(select(Dataset.slug).where(mine))]
    assert shown and cells["quality"] == str((2 * sum(shown) + len(shown)) // (2 * len(shown)))
    assert str(card["score"]) == cells["score"]
    # the method beside the results: each indicator's definition and weight
    assert 'id="method"' in html and [m["key"] for m in api["method"]] == [i.key for i in indicators.INDICATORS]
    for ind in indicators.INDICATORS:
        assert f'<tr data-key="{ind.key}">' in html
    # the concrete actions, with links to the entries
    todo = re.search(rf'<ul class="todo" id="actions-{a.id}">(.*?)</ul>', html, re.S).group(1)
    assert f"{overdue} 个" in todo or f"{overdue} entr" in todo
    assert f'href="/dataset/{stale.slug}"' in todo and "2 " in todo
    # about agencies, never a person: no staff or applicant name or e-mail on the page
    for person in (parties["a_staff"], parties["authority"], parties["a_officer"]):
        assert person.name not in html and person.email not in html
