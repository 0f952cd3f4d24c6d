"""Whom an accepted correction is reported to (R2024 §45「通报相关机构」, OVERSIGHT.md §6): the agencies
holding an active share grant on the entry, portal agencies named as its collecting or approving agency,
agencies whose entries name it as related, and the data authority. The correction keeps the list."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import roles
from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..inbox.services import notify_all
from .common import agency_staff
from .models import Correction

WHY = {  # why an agency was told, as the correction's page says it
    "share_grant": _l("holds a share grant on the entry"),
    "collecting": _l("named as collecting agency"),
    "approving": _l("named as approving agency"),
    "related": _l("has an entry related to this one"),
    "authority": _l("data authority"),
}


def _related_agency_ids(ds: Dataset) -> list[int]:
    """Agencies with an entry naming `ds` among its related entries (by id; the free text `related` counts
    when it names the entry's code)."""
    rows = db.session.execute(select(Dataset.agency_id, Dataset.related_ids, Dataset.related)
                              .where(Dataset.id != ds.id)).all()
    return [agency_id for agency_id, ids, text in rows
            if ds.id in (ids or []) or (ds.code and ds.code in (text or ""))]


def concerned(ds: Dataset) -> list[dict[str, Any]]:
    """Every agency (other than the entry's own) to tell, each once with its first reason, then the authority."""
    from ..sharing.dispute_common import grants_of, holder_agency_ids  # sharing sits above feedback

    found: dict[int, str] = {}
    for agency_id in holder_agency_ids(grants_of(ds.id)):
        found.setdefault(agency_id, "share_grant")
    for why, name in (("collecting", ds.collecting_agency), ("approving", ds.approving_agency)):
        agency = db.session.scalar(select(Agency).where(Agency.name == name.strip())) if name.strip() else None
        if agency is not None:
            found.setdefault(agency.id, why)
    for agency_id in _related_agency_ids(ds):
        found.setdefault(agency_id, "related")
    found.pop(ds.agency_id, None)
    names = dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(list(found)))).all())
    told = [{"agency_id": agency_id, "agency": names.get(agency_id, ""), "why": why}
            for agency_id, why in found.items()]
    return told + [{"agency_id": None, "agency": "", "why": "authority"}]


def tell_concerned(correction: Correction, answer: str) -> None:
    """Notify them all in the caller's transaction and record the list on the correction."""
    ds = correction.dataset
    told = concerned(ds)
    subject = _("Correction accepted on “%(title)s” (%(agency)s)", title=ds.title, agency=ds.agency.name)
    body = _("What was corrected: %(answer)s", answer=answer)
    link = f"/corrections/{correction.id}"
    for row in told:
        users = (roles.authority_account_ids() if row["agency_id"] is None
                 else [u.id for u in agency_staff(row["agency_id"])])
        notify_all(users, subject, body, link=link, kind="correction.related")
    correction.notified = told


def told_for(correction: Correction, actor: Any) -> list[tuple[str, str]]:
    """(agency, why) of whom the correction was reported to; internal: the entry's agency staff and overseers."""
    if not (roles.is_overseer(actor) or roles.is_staff_of(actor, correction.dataset.agency_id)):
        return []
    return [(row["agency"] or str(WHY["authority"]), str(WHY.get(row["why"], row["why"])))
            for row in correction.notified or []]
