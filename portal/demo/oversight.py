"""Demo figures for the public statistics: published open plans with items in every progress state, access
events (served downloads and API calls, a few refused) over the last twelve months, and complaints, correction
requests and reports of illegal use answered on time and late, catalog update triggers (one open, one overdue),
public data requests and published reuses (data: data/oversight.json, data/access.csv).

Cases are written as they stand after their steps, each step an audit event named as its workflow table names
it (as sharing_cases.py does). Dates count from the load day; the access events are drawn with a fixed seed
from the public files of unconditional entries in slug order, by nobody or a demo data user, from documentation
addresses (RFC 5737): every load holds the same events at the same distances from today."""
from __future__ import annotations

import csv
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import insert, select

from .. import workdays
from ..accounts.models import Role, User
from .accounts import DEMO_ACCOUNT_AGE as ACCOUNT_AGE
from ..agencies.models import Agency
from ..audit import services as audit
from ..audit.models import AccessEvent
from ..catalog.models import Dataset, DatasetChange, DatasetState, OpenType, Resource, ResourceKind
from ..extensions import db
from ..feedback.models import CaseState, Complaint, Correction, Report, ReportState
from ..models_base import utcnow
from ..evaluation import indicators, services as evaluation
from ..evaluation.models import EvaluationRound, RoundState, SnapshotState
from ..plans.models import OpenPlan, PlanItem, PlanState

DATA = Path(__file__).parent / "data"
SEED = 23
CHINA = timedelta(hours=8)
KIND_WORDS = {"law": "法律法规依据", "function": "法定职能", "project": "信息化项目"}  # as the history lines say
ADDRESSES = ("192.0.2.", "198.51.100.", "203.0.113.")  # documentation ranges: no real client


class _Loader:
    def __init__(self) -> None:
        self.now = utcnow()
        self.today = workdays.china_date(self.now)

    def day(self, value: str | int, year: int | None = None) -> date:
        """"@-9" (load day minus 9 days, clamped into `year` when given), "{year}-01-22" or a fixed date."""
        if isinstance(value, int) or value.startswith("@"):
            d = self.today + timedelta(days=int(str(value).lstrip("@")))
            return min(max(d, date(year, 1, 1)), date(year, 12, 31)) if year else d
        return date.fromisoformat(value.replace("{year}", str(self.today.year)))

    @staticmethod
    def one(model, **where) -> Any:
        return db.session.scalar(select(model).filter_by(**where))

    def staff(self, agency_id: int) -> User | None:
        return db.session.scalar(select(User).where(User.agency_id == agency_id, User.role == Role.AGENCY_STAFF)
                                 .order_by(User.id).limit(1))

    # ---- open plans ------------------------------------------------------------------------------
    def plan(self, spec: dict) -> None:
        agency = self.one(Agency, slug=spec["agency"])
        year = self.today.year if spec["year"] == "{year}" else int(spec["year"])
        if agency is None:
            return
        published = min(self.day(spec["published"]), self.today)
        at = datetime(published.year, published.month, published.day, 9) - CHINA
        plan = OpenPlan(year=year, agency_id=agency.id, priorities=spec["priorities"], state=PlanState.PUBLISHED,
                        created_at=at - timedelta(days=10), updated_at=at, published_at=at)
        db.session.add(plan)
        db.session.flush()
        audit.record("demo", "plan.create", "open_plan", str(plan.id), details={"year": year, "agency": agency.slug,
                                                                                "demo": True})
        for position, it in enumerate(spec["items"], start=1):
            entry = self.one(Dataset, slug=it["entry"]) if it.get("entry") else None
            item = PlanItem(position=position, dataset_id=getattr(entry, "id", None), new_title=it.get("new_title", ""),
                            target_open_type=it["target_open_type"], target_date=self.day(it["target_date"], year),
                            livelihood=it.get("livelihood", False), urgent_demand=it.get("urgent_demand", False),
                            commercial_value=it.get("commercial_value", False), note=it.get("note", ""))
            plan.items.append(item)
            db.session.flush()
            audit.record("demo", "plan.item.add", "open_plan", str(plan.id), details={"item": item.id, "demo": True})
        audit.record("demo", "plan.publish", "open_plan", str(plan.id),
                     details={"year": year, "agency": agency.slug, "items": len(spec["items"]), "demo": True})

    # ---- complaints, corrections, reports ---------------------------------------------------------
    def _times(self, spec: dict, period: str) -> tuple[datetime, date, datetime]:
        filed = self.now + timedelta(days=spec["filed"])
        return filed, workdays.add_workdays(filed, current_app.config[period]), filed + timedelta(days=spec["decided"])

    def complaint(self, spec: dict) -> None:
        ds, user = self.one(Dataset, slug=spec["entry"]), self.one(User, email=spec["user"])
        if ds is None or user is None:
            return
        filed, due, decided = self._times(spec, "COMPLAINT_WORKDAYS")
        c = Complaint(dataset_id=ds.id, complainant_id=user.id, right=spec["right"], description=spec["description"],
                      state=CaseState.DECIDED, outcome=spec["outcome"], decision_reason=spec["reason"], filed_at=filed,
                      due_date=due, decided_at=decided, decided_by_id=getattr(self.staff(ds.agency_id), "id", None))
        self._write(c, "complaint", [("complaint.file", ""), ("complaint.decide", spec["reason"])])

    def correction(self, spec: dict) -> None:
        ds, user = self.one(Dataset, slug=spec["entry"]), self.one(User, email=spec["user"])
        if ds is None or user is None:
            return
        filed, due, decided = self._times(spec, "CORRECTION_WORKDAYS")
        c = Correction(dataset_id=ds.id, reporter_id=user.id, location=spec["location"],
                       description=spec["description"], state=spec["state"], filed_at=filed, due_date=due,
                       answer=spec["answer"], decided_at=decided,
                       decided_by_id=getattr(self.staff(ds.agency_id), "id", None))
        self._write(c, "correction", [("correction.file", ""), (f"correction.{spec['state'][:-2]}", spec["answer"])])

    def report(self, spec: dict) -> None:
        agency, user = self.one(Agency, slug=spec["agency"]), self.one(User, email=spec["user"])
        ds = self.one(Dataset, slug=spec["entry"])
        if agency is None or user is None:
            return
        filed, due, decided = self._times(spec, "REPORT_WORKDAYS")
        r = Report(reporter_id=user.id, dataset_id=getattr(ds, "id", None), agency_id=agency.id,
                   accused=spec["accused"], description=spec["description"], state=ReportState.ANSWERED,
                   filed_at=filed, due_date=due, answer=spec["answer"], answered_at=decided,
                   answered_by_id=getattr(self.staff(agency.id), "id", None))
        self._write(r, "report", [("report.file", ""), ("report.answer", spec["answer"])])

    # ---- catalog update triggers (目录更新事由): one open, one overdue ------------------------------------
    def trigger(self, spec: dict) -> None:
        from ..triggers.models import Answer, CatalogTrigger, TriggerEntry
        from ..triggers.services import due_for

        agency = self.one(Agency, slug=spec["agency"])
        entries = [ds for ds in (self.one(Dataset, slug=slug) for slug in spec["entries"]) if ds is not None]
        if agency is None or not entries:
            return
        staff = self.staff(agency.id)
        effective = self.today + timedelta(days=spec["effective"])
        filed = self.now + timedelta(days=spec["filed"])
        t = CatalogTrigger(kind=spec["kind"], change=spec["change"], reason=spec["reason"], effective_on=effective,
                           agency_id=agency.id, filed_by_id=getattr(staff, "id", None), filed_at=filed,
                           due_date=due_for(spec["kind"], effective))
        answered = filed + timedelta(days=1)
        for ds in entries:
            note = spec["no_change"].get(ds.slug, "")
            t.entries.append(TriggerEntry(dataset_id=ds.id, note=note, answer=Answer.NO_CHANGE if note else None,
                                          answered_at=answered if note else None,
                                          answered_by_id=getattr(staff, "id", None) if note else None))
            if note:
                ds.changes.append(DatasetChange(at=answered, kind="catalog_update", reason=note, summary=(
                    f"因{KIND_WORDS[spec['kind']]}变化（{spec['change']}）复核目录：无需变更。"), details={"demo": True}))
        self._write(t, "catalog_trigger", [("catalog_trigger.file", spec["reason"])] + [
            ("catalog_trigger.no_change", note) for note in spec["no_change"].values()])

    @staticmethod
    def _write(case: Any, object_type: str, steps: list[tuple[str, str]]) -> None:
        db.session.add(case)
        db.session.flush()
        for action, reason in steps:
            audit.record("demo", action, object_type, str(case.id), reason, {"demo": True})

    # ---- public data requests (数据需求) and reuses (利用成果) ------------------------------------------
    def data_request(self, spec: dict) -> None:
        from ..catalog.models import Theme
        from ..datarequests.models import DataRequest

        agency, user = self.one(Agency, slug=spec["agency"]), self.one(User, email=spec["user"])
        if agency is None or user is None:
            return
        filed = self.now + timedelta(days=spec["filed"])
        routed = filed + timedelta(hours=3)
        answered = None if spec["decided"] is None else filed + timedelta(days=spec["decided"])
        r = DataRequest(requester_id=user.id, requester_kind=user.kind or "", title=spec["title"],
                        description=spec["description"], use_case=spec["use_case"],
                        theme_id=getattr(self.one(Theme, slug=spec["theme"]), "id", None), suggested_agency_id=agency.id,
                        agency_id=agency.id, state=spec["state"], filed_at=filed, routed_at=routed,
                        due_date=workdays.add_workdays(routed, current_app.config["DATA_REQUEST_WORKDAYS"]),
                        answer=spec["answer"], refusal_legal_basis=spec["basis"], answered_at=answered,
                        answered_by_id=getattr(self.staff(agency.id), "id", None) if answered else None)
        if spec["state"] == "accepted":  # accepted: linked to an item of the agency's open plan (loaded before)
            r.plan_item_id = db.session.scalar(select(PlanItem.id).join(OpenPlan, OpenPlan.id == PlanItem.plan_id)
                                               .where(OpenPlan.agency_id == agency.id).order_by(PlanItem.id).limit(1))
        steps = [("data_request.file", ""), ("data_request.route", "")]
        if answered is not None:
            steps.append(("data_request.accept" if spec["state"] == "accepted" else "data_request.refuse", spec["answer"]))
        self._write(r, "data_request", steps)

    def reuse(self, spec: dict) -> None:
        from ..reuses.models import Reuse, ReuseState

        user = self.one(User, email=spec["user"])
        entries = [ds for ds in (self.one(Dataset, slug=slug) for slug in spec["entries"]) if ds is not None]
        if user is None or not entries:
            return
        submitted = self.now + timedelta(days=spec["submitted"])
        r = Reuse(title=spec["title"], kind=spec["kind"], url=spec["url"], description=spec["description"],
                  display_name=spec["display_name"], submitter_id=user.id, state=ReuseState.PUBLISHED,
                  submitted_at=submitted, decided_at=submitted + timedelta(days=spec["decided"]), entries=entries)
        self._write(r, "reuse", [("reuse.submit", ""), ("reuse.publish", "")])

    # ---- access events -----------------------------------------------------------------------------
    def access(self) -> int:
        rng = random.Random(SEED)
        files = list(db.session.execute(
            select(Dataset.id, Dataset.slug, Resource.id, Resource.size).join(Resource, Resource.dataset_id == Dataset.id)
            .where(Dataset.state == DatasetState.PUBLISHED, Dataset.open_type == OpenType.UNCONDITIONAL,
                   Resource.kind == ResourceKind.FILE).order_by(Dataset.slug, Resource.position, Resource.name)))
        users = [None, None, None, *db.session.scalars(select(User.id).where(User.role == Role.DATA_USER)
                                                       .order_by(User.id))]
        if not files:
            return 0
        rows: list[dict] = []
        with (DATA / "access.csv").open(encoding="utf-8") as fh:
            for month in csv.DictReader(fh):
                first = self._month_start(int(month["months_ago"]))
                last = min(self._month_start(int(month["months_ago"]) - 1) - timedelta(days=1), self.today)
                for kind, n, status in (("download", month["downloads"], 200), ("api", month["api_calls"], 200),
                                        ("refused", month["refused"], 0)):
                    for _ in range(int(n)):
                        rows.append(self._event(rng, kind, status, first, last, files, users))
        db.session.execute(insert(AccessEvent), rows)
        return len(rows)

    def _month_start(self, months_ago: int) -> date:
        n = self.today.year * 12 + self.today.month - 1 - months_ago
        return date(n // 12, n % 12 + 1, 1)

    def _event(self, rng: random.Random, kind: str, status: int, first: date, last: date, files: list,
               users: list) -> dict:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        at = datetime(day.year, day.month, day.day, rng.randint(7, 22), rng.randint(0, 59)) - CHINA
        at = min(at, self.now - timedelta(minutes=1))
        dataset_id, slug, resource_id, size = rng.choice(files)
        user = rng.choice(users)  # a demo account only since it exists, before that nobody
        if kind == "refused":  # a download refused: too many requests, or a file that moved
            kind, status = "download", rng.choice((404, 429))
        path = f"/api/v1/datasets/{slug}" if kind == "api" else f"/dataset/{slug}/resource/{resource_id}/download"
        return {"at": at, "kind": kind, "dataset_id": dataset_id, "resource_id": None if kind == "api" else resource_id,
                "user_id": user if at >= self.now - ACCOUNT_AGE else None, "client_addr": f"{rng.choice(ADDRESSES)}{rng.randint(1, 254)}",
                "status": status, "bytes_sent": (size or 0) if kind == "download" and status < 400 else 0,
                "detail": "", "grant_id": None, "method": "GET", "path": path}


def evaluation_round(loader: _Loader) -> EvaluationRound:
    """This year's evaluation round, frozen today with the default weights, the comment period running, and
    the first agency's comment (its staff's own words), so the rounds pages and scorecards are not empty."""
    year = loader.today.year
    r = EvaluationRound(title=f"{year}年度公共数据开放评估（演示）", period_start=date(year, 1, 1),
                        period_end=date(year, 12, 31), weights=indicators.default_weights(), state=RoundState.DRAFT)
    db.session.add(r)
    db.session.flush()
    audit.record("demo", "evaluation.create", "evaluation_round", str(r.id), details={"demo": True})
    evaluation.freeze(r)
    r.state = RoundState.COMMENTING
    r.due_date = workdays.add_workdays(loader.now, current_app.config["EVALUATION_COMMENT_WORKDAYS"])
    db.session.flush()
    audit.record("demo", "evaluation.snapshot", "evaluation_round", str(r.id), details={"demo": True})
    first = next((s for s in r.snapshots if s.score is not None and loader.staff(s.agency_id)), None)
    if first is not None:
        first.state, first.commented_at = SnapshotState.COMMENTED, loader.now
        first.comment = "逾期未更新的目录已安排本月内更新；开放计划中的两项将于下季度完成。"
        first.commented_by_id = loader.staff(first.agency_id).id
        db.session.flush()
        audit.record("demo", "evaluation.comment", "evaluation_snapshot", str(first.id), first.comment, {"demo": True})
    return r


def load_demo_oversight() -> tuple[int, int]:
    """Write the demo plans, feedback cases and access events once; returns (cases, access events)."""
    if db.session.scalar(select(OpenPlan.id).limit(1)) or db.session.scalar(select(Complaint.id).limit(1)):
        return 0, 0
    spec = json.loads((DATA / "oversight.json").read_text(encoding="utf-8"))
    loader = _Loader()
    made = 0
    for kind, make in (("plans", loader.plan), ("complaints", loader.complaint),
                       ("corrections", loader.correction), ("reports", loader.report),
                       ("catalog_triggers", loader.trigger), ("data_requests", loader.data_request),
                       ("reuses", loader.reuse)):
        for case in spec.get(kind, []):
            make(case)
            made += 1
    events = loader.access()
    db.session.flush()
    evaluation_round(loader)
    db.session.commit()
    return made, events
