"""Catalog rules about one entry: whether its data is overdue (R2024 §16) and how to cite it.

The rest of the catalog, by what it does: queries.py (which entries are public, lookups, pages,
listings), search.py, downloads.py (which stored file may be served), indexing.py (the search index),
editing.py (the agency console) and review.py (submission, review, publishing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from ..models_base import utcnow
from .models import Dataset
from .vocab import FREQUENCY_MAX_AGE


# ---- update status (R2024 §16) ---------------------------------------------
@dataclass(frozen=True)
class UpdateStatus:
    overdue: bool
    due: datetime | None


def update_status(ds: Dataset, now: datetime | None = None) -> UpdateStatus:
    """Whether the entry's data is older than its update frequency allows."""
    max_age = FREQUENCY_MAX_AGE.get(ds.update_frequency)
    last = ds.data_updated_at or ds.published_at
    if max_age is None or last is None:
        return UpdateStatus(False, None)
    due = last + max_age
    return UpdateStatus((now or utcnow()) > due, due)


def citation(ds: Dataset, retrieved: date) -> str:
    """How to cite the entry: source agency, entry, portal, retrieval date (R2021 §34)."""
    return _("%(agency)s. %(title)s (catalog code %(code)s). %(site)s. Retrieved %(date)s.",
             agency=ds.agency.name, title=ds.title, code=ds.code, site=current_app.config["SITE_NAME"],
             date=retrieved.isoformat())
