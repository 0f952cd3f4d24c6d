"""What the deadline run (`flask portal deadlines`) does as the portal for disputes, stop notices and grants:
negotiations past their due date go to coordination (SHARING.md §3.7), notices past their last day take
effect and end the entry's grants (§3.8), grants past their end date expire (§3.3). Registered as a notice source, so the run moves them before it
sends its reminders; it sends nothing of its own (each step writes its own notices)."""
from __future__ import annotations

from datetime import date

from ..supervision.services import Notice, register_notice_source
from . import disputes, grants, notices


def run(on: date) -> int:
    """Take every step that is due on `on`; the number of cases moved."""
    return disputes.advance(on) + notices.advance(on) + grants.expire_ended(on)


@register_notice_source
def _moved(today: date) -> list[Notice]:
    run(today)
    return []
