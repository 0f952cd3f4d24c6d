"""Filing and answering share requests through the pages, as the officers do."""
from __future__ import annotations

from portal.extensions import db
from portal.sharing.models import ShareRequest
from tests.conftest import post_form


def ask(client, parties, entry: str, **over):
    """B's officer files a request for one of A's entries through the form (submitted at once)."""
    ds = parties[entry]
    form = {"items": ["站点", "AQI"], "resource_ids": [parties[entry + "_file"].id], "scenario": "交通执法中核查排污车辆",
            "legal_duty": "《中华人民共和国大气污染防治法》第五十三条", "purpose": "机动车排放执法",
            "records": "呼和浩特市 2026 年", "modes": ["download", "api"], "start": "2026-10-12", "end": "2026-12-31",
            "user_ids": [str(parties["b_staff"].id)], "security_measures": "专网存储，专人访问，用后删除",
            "commitment": "true", "action": "submit"}
    form.update(over)
    return post_form(client, f"/sharing/requests/new?dataset={ds.slug}", form)


def last_request() -> ShareRequest:
    db.session.expire_all()
    return db.session.scalars(db.select(ShareRequest).order_by(ShareRequest.id.desc())).first()
