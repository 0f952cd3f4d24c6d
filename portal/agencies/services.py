"""Agencies and their public entries."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..catalog.models import Dataset
from ..catalog.queries import public_filter
from ..errors import NotFound
from ..extensions import db
from .models import Agency, RegionLevel

LEVEL_ORDER = {RegionLevel.REGION: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


def agencies_with_counts() -> list[tuple[Agency, int]]:
    """Every agency with its number of public entries: region level first, then by name."""
    counts = dict(db.session.execute(
        select(Dataset.agency_id, func.count()).where(public_filter())
        .group_by(Dataset.agency_id)).all())
    agencies = db.session.scalars(select(Agency)).all()
    agencies = sorted(agencies, key=lambda a: (LEVEL_ORDER.get(a.level, 9), a.region, a.name))
    return [(a, counts.get(a.id, 0)) for a in agencies]


def get_agency(slug: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFound(_("No agency is named %(slug)s.", slug=slug))
    return agency
