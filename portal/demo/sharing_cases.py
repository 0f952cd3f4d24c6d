"""Demo sharing cases besides the demo share requests (sharing.py): at least one case in every state of the
request, grant, demand, verification, error-check, dispute and stop-notice tables, between the demo agencies
(data: data/sharing_cases.json). The cases are written as they stand after their steps, each step a line of
the case's timeline (where it has one) and an audit event named as the table names it; dates count from the
load day, so every load holds the same cases at the same distances from today.

The verifications compare against the demo's only `none` entry, which is closed and holds no file: their
answer (one verdict per record, 一致/不一致/查无) is written as the data file gives it."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import workdays
from ..accounts.models import User
from ..agencies.models import Agency
from ..audit import services as audit
from ..catalog.models import Dataset, ShareType
from ..extensions import db
from ..models_base import utcnow
from ..sharing.demand_models import DemandEvent, DemandRequest, VerificationEvent, VerificationRequest
from ..sharing.demand_workflow import DEMAND, VERIFICATION
from ..sharing.dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport
from ..sharing.dispute_workflow import CHANGE_NOTICE, DISPUTE, ERROR_CHECK
from ..sharing.models import ShareGrant, ShareRequest, ShareRequestEvent
from ..sharing.workflow import DIRECT, REQUEST, SHARE_GRANT

DATA = Path(__file__).parent / "data" / "sharing_cases.json"
SECURITY = "数据存放于本单位政务内网，设专人管理，访问全程留痕，用后按期删除；不向第三方提供。"
_DAY = re.compile(r"^@([+-]\d+)(T?)$")
_WORKDAYS = re.compile(r"^wd@([+-]\d+)\+(\d+)$")


class _Loader:
    def __init__(self) -> None:
        self.now = utcnow()
        self.today = workdays.china_date(self.now)
        self.requests: dict[str, ShareRequest] = {}

    # ---- values ------------------------------------------------------------------------------------
    def value(self, v: Any) -> Any:
        if isinstance(v, str) and (m := _DAY.match(v)):
            return self.now + timedelta(days=int(m[1])) if m[2] else self.today + timedelta(days=int(m[1]))
        if isinstance(v, str) and (m := _WORKDAYS.match(v)):
            return workdays.add_workdays(self.now + timedelta(days=int(m[1])), int(m[2]))
        return v

    def fields(self, spec: dict) -> dict[str, Any]:
        return {k: self.value(v) for k, v in spec.get("fields", {}).items()}

    @staticmethod
    def agency(slug: str | None) -> Agency | None:
        return db.session.scalar(select(Agency).where(Agency.slug == slug)) if slug else None

    @staticmethod
    def entry(slug: str) -> Dataset | None:
        return db.session.scalar(select(Dataset).where(Dataset.slug == slug))

    @staticmethod
    def officer(agency_id: int) -> User | None:
        return db.session.scalar(select(User).where(User.agency_id == agency_id, User.share_officer.is_(True)))

    @staticmethod
    def grant_of(key: str) -> ShareGrant | None:
        requester, entry = key.split(":")
        return db.session.scalar(select(ShareGrant).join(Agency, Agency.id == ShareGrant.requester_agency_id)
                                 .join(Dataset, Dataset.id == ShareGrant.dataset_id)
                                 .where(Agency.slug == requester, Dataset.slug == entry).order_by(ShareGrant.id))

    # ---- steps -------------------------------------------------------------------------------------
    def steps(self, case: Any, spec: dict, table, object_type: str, event=None) -> None:
        """Each step: a timeline line (when the case has a timeline) and the audit event the table names."""
        db.session.add(case)
        db.session.flush()
        for kind, days, note in spec.get("steps", []):
            if event is not None:
                case.events.append(event(kind=kind, note=note, at=self.now + timedelta(days=days)))
            name = next((t.audit for t in table.transitions if t.action == kind), f"{object_type}.{kind}")
            audit.record("demo", name, object_type, str(case.id), note, {"demo": True})

    # ---- the cases ---------------------------------------------------------------------------------
    def request(self, spec: dict) -> None:
        ds, requester = self.entry(spec["entry"]), self.agency(spec["requester"])
        if ds is None or requester is None:
            return
        officer = self.officer(requester.id)
        f = self.fields(spec)
        items = [i.name for i in ds.items[:spec["items"]]]
        req = ShareRequest(requester_agency_id=requester.id, provider_agency_id=ds.agency_id, dataset_id=ds.id,
                           created_by_id=getattr(officer, "id", None), share_type=ds.share_type, state=spec["state"],
                           items=items, user_ids=[officer.id] if officer else [], security_measures=SECURITY,
                           commitment=True, created_at=f.get("submitted_at", self.now), **f)
        if spec["state"] in ("agreed", "granted"):
            req.agreed_items, req.agreed_modes = items, f["modes"]
            req.agreed_user_ids, req.agreed_start, req.agreed_end = req.user_ids, f["start"], f["end"]
        table = DIRECT if ds.share_type == ShareType.UNCONDITIONAL else REQUEST
        self.steps(req, spec, table, "share_request", ShareRequestEvent)
        self.requests[spec["ref"]] = req
        if "grant" in spec:
            g, last = spec["grant"], spec["grant"]["steps"][-1]
            grant = ShareGrant(request_id=req.id, dataset_id=ds.id, requester_agency_id=requester.id,
                               provider_agency_id=ds.agency_id, user_ids=req.user_ids, items=items,
                               modes=f["modes"], purpose=f["purpose"], scenario=f["scenario"], start=f["start"],
                               end=f["end"], state=g["state"], state_reason=last[2],
                               state_changed_at=self.now + timedelta(days=last[1]),
                               created_at=f.get("submitted_at", self.now))
            self.steps(grant, g, SHARE_GRANT, "share_grant")

    def demand(self, spec: dict) -> None:
        requester, provider = self.agency(spec["requester"]), self.agency(spec.get("provider"))
        if requester is None or (spec.get("provider") and provider is None):
            return
        d = DemandRequest(requester_agency_id=requester.id, provider_agency_id=getattr(provider, "id", None),
                          state=spec["state"], commitment=True, **self.fields(spec))
        d.created_at = d.submitted_at or self.now
        if spec.get("fulfilled_entry"):
            d.fulfilled_dataset_id = getattr(self.entry(spec["fulfilled_entry"]), "id", None)
        self.steps(d, spec, DEMAND, "share_demand", DemandEvent)

    def verification(self, spec: dict) -> None:
        ds, requester = self.entry(spec["entry"]), self.agency(spec["requester"])
        if ds is None or requester is None:
            return
        v = VerificationRequest(requester_agency_id=requester.id, provider_agency_id=ds.agency_id, dataset_id=ds.id,
                                resource_id="", state=spec["state"], **self.fields(spec))
        v.created_at = v.submitted_at or self.now
        self.steps(v, spec, VERIFICATION, "share_verification", VerificationEvent)

    def error(self, spec: dict) -> None:
        ds, requester, grant = self.entry(spec["entry"]), self.agency(spec["requester"]), self.grant_of(spec["grant"])
        if ds is None or requester is None:
            return
        report = ShareErrorReport(dataset_id=ds.id, grant_id=getattr(grant, "id", None),
                                  requester_agency_id=requester.id, provider_agency_id=ds.agency_id,
                                  state=spec["state"], **self.fields(spec))
        self.steps(report, spec, ERROR_CHECK, "share_error")

    def dispute(self, spec: dict) -> None:
        req = self.requests.get(spec["request"])
        if req is None:
            return
        d = ShareDispute(request_id=req.id, dataset_id=req.dataset_id, requester_agency_id=req.requester_agency_id,
                         provider_agency_id=req.provider_agency_id, state=spec["state"], **self.fields(spec))
        self.steps(d, spec, DISPUTE, "share_dispute")

    def notice(self, spec: dict) -> None:
        ds = self.entry(spec["entry"])
        if ds is None:
            return
        f = self.fields(spec)
        holders = [a.id for a in map(self.agency, f.pop("holders", [])) if a is not None]
        ended = [g.id for g in map(self.grant_of, f.pop("ended", [])) if g is not None]
        n = ShareChangeNotice(dataset_id=ds.id, provider_agency_id=ds.agency_id, state=spec["state"],
                              holder_agency_ids=holders, ended_grant_ids=ended, **f)
        self.steps(n, spec, CHANGE_NOTICE, "share_notice")


def load_demo_sharing_cases() -> int:
    """Write the demo cases once (after the demo share requests); returns how many were made."""
    if db.session.scalar(select(DemandRequest.id).limit(1)) or db.session.scalar(select(ShareDispute.id).limit(1)):
        return 0
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    loader = _Loader()
    made = 0
    for kind, make in (("requests", loader.request), ("demands", loader.demand),
                       ("verifications", loader.verification), ("errors", loader.error),
                       ("disputes", loader.dispute), ("notices", loader.notice)):
        for case in spec[kind]:
            make(case)
            made += 1
    db.session.commit()
    return made

