"""Display labels of plan states, progress states and item flags (one place, translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import PlanState

PROGRESS_LABELS = {
    "opened_on_time": _l("Opened on time"),
    "opened_late": _l("Opened late"),
    "pending": _l("Pending"),
    "overdue": _l("Overdue"),
}
FLAG_LABELS = {
    "livelihood": _l("Livelihood"),
    "urgent_demand": _l("Urgent demand"),
    "commercial_value": _l("Commercial value"),
}
# "Published" in the context "plan state": the plain msgid is already the catalog's date label (发布日期).
PLAN_STATE_LABELS = {
    PlanState.DRAFT: _l("Draft"),
    PlanState.PUBLISHED: lazy_pgettext("plan state", "Published"),
}
