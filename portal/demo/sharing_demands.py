"""Demo demands for data not in the catalog (SHARING.md §3.4): deterministic, dated from the load, each step
with its audit event. (No demo verification: the demo's only `none` entry is closed and so holds no file to
compare with.)"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import workdays
from ..agencies.models import Agency
from ..audit import services as audit
from ..extensions import db
from ..models_base import utcnow
from ..sharing.demand_models import AgreeMode, DemandEvent, DemandRequest

# (requester, provider or None, state, title, items, scenario, legal duty)
DEMO_DEMANDS = (
    ("hhht-jtysj", "nmg-sthjt", "agreed", "重型柴油车遥感监测超标记录",
     ["车牌号", "监测时间", "监测点位", "不透光烟度"], "对遥感监测超标的重型柴油车开展路检路查和联合执法。",
     "《中华人民共和国大气污染防治法》第五十三条、第五十五条"),
    ("hhht-sthjj", None, "authority_review", "建筑工地扬尘在线监测数据",
     ["工地名称", "监测时间", "PM10"], "对施工扬尘超标工地开展执法检查。",
     "《中华人民共和国大气污染防治法》第六十九条"),
)


def _agency(slug: str | None) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.slug == slug)) if slug else None


def load_demo_sharing_demands() -> int:
    """Create the demo demands once; returns how many were made."""
    if db.session.scalar(select(DemandRequest.id).limit(1)):
        return 0
    now, made = utcnow(), 0
    for requester, provider, state, title, items, scenario, duty in DEMO_DEMANDS:
        req, prov = _agency(requester), _agency(provider)
        if req is None or (provider and prov is None):
            continue
        submitted = now - timedelta(days=9 if prov else 1)
        d = DemandRequest(requester_agency_id=req.id, state=state, title=title, items=items, scenario=scenario,
                          legal_duty=duty, commitment=True, created_at=submitted, submitted_at=submitted,
                          review_due=workdays.add_workdays(submitted, 5))
        d.events.append(DemandEvent(kind="submit", at=submitted))
        d.due_date = d.review_due
        if prov is not None:
            forwarded, answered = submitted + timedelta(days=2), submitted + timedelta(days=5)
            d.provider_agency_id, d.answer_due = prov.id, workdays.add_workdays(forwarded, 5)
            d.events.append(DemandEvent(kind="forward", at=forwarded, note=prov.name))
            d.agree_mode, d.answered_at = AgreeMode.DIRECT, answered
            d.completion_due = d.due_date = workdays.add_workdays(answered, 7)
            d.events.append(DemandEvent(kind="agree", at=answered, note=f"完成期限{d.completion_due.isoformat()}"))
        db.session.add(d)
        db.session.flush()
        for e in d.events:
            audit.record("demo", f"share_demand.{e.kind}", "share_demand", str(d.id), details={"demo": True})
        made += 1
    return made

