"""Demo share requests between the demo agencies, one in each interesting state (granted, awaiting an answer,
agreed and delivered, refused, draft): filed and answered through the sharing services, so that their
timelines, grants, audit events and notices are the ones a real case leaves (data: data/sharing.json)."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..catalog.models import Dataset
from ..extensions import db
from ..sharing import requests
from ..sharing.models import ShareRequest
from ..sharing.workflow import today

DATA = Path(__file__).parent / "data" / "sharing.json"
SECURITY = "数据存放于本单位政务内网，设专人管理，访问全程留痕，用后按期删除；不向第三方提供。"


def load_demo_sharing() -> int:
    """Name the demo agencies' share officers and file the demo requests, once; returns how many."""
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(spec["officers"])))}
    if len(users) < len(spec["officers"]) or db.session.scalar(select(ShareRequest.id).limit(1)):
        return 0
    for email in spec["officers"]:  # named by the authority on the agencies' reports (R2018 §27)
        if not users[email].share_officer:
            users[email].share_officer = True
            audit.record("demo", "user.share_officer", "user", str(users[email].id), "演示数据",
                         {"agency": users[email].agency.slug})
    db.session.commit()
    made = 0
    for case in spec["requests"]:
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == case["entry"]))
        if ds is None:
            continue
        by = users[case["by"]]
        start = today() + timedelta(days=1)
        values = {"items": [i.name for i in ds.items[:case["items"]]], "resource_ids": [],
                  "scenario": case["scenario"], "legal_duty": case["legal_duty"], "purpose": case["purpose"],
                  "records": case["records"], "modes": case["modes"], "start": start,
                  "end": start + timedelta(days=case["days"] - 1), "user_ids": [by.id],
                  "security_measures": SECURITY, "commitment": True}
        req = requests.save(ds, values, by, submit_now="submit" in case["steps"])
        provider = next((u for u in users.values() if u.agency_id == ds.agency_id), None)
        if "agree" in case["steps"]:
            requests.agree(req, {"items": values["items"][:case.get("agree_items", case["items"])],
                                 "terms_note": case.get("terms", "")}, provider)
        if "refuse" in case["steps"]:
            requests.refuse(req, {"refusal_reason": case["refusal"], "legal_basis": case["basis"]}, provider)
        made += 1
    return made
