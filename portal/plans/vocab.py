"""Display labels of progress states and item flags (one place, translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

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

# A plan's state is labelled in templates/plans/macros.html (plan_state) with pgettext, because the
# plain msgid "Published" is already the catalog's date label (发布日期).
