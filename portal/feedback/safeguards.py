"""What keeps rights complaints from being a way to take the catalog offline (docs/security.md).

A complaint suspends opened data at once (R2024 §28), so: only verified identities file them
(accounts.verification); they are limited per account, per client address and portal-wide; and when
more than COMPLAINT_BURST_COUNT arrive within COMPLAINT_BURST_MINUTES, the authority is alerted and
complaints from accounts younger than COMPLAINT_BURST_NEW_ACCOUNT_DAYS are held for its quick decision
instead of suspending the entry. Established verified complainants (is_established) are served at once
throughout.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from flask import current_app, url_for
from flask_babel import gettext as _
from limits import parse_many
from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..accounts.verification import identity_problem
from ..extensions import db
from ..inbox.models import Message
from ..inbox.services import notify_all
from ..models_base import utcnow
from .models import Complaint, Outcome

BURST_ALERT = "complaint.burst"  # the inbox kind of the authority's alert; at most one per burst window


# ---- settings, checked when the app is made ------------------------------------------------------
def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with a burst rule or a limit that cannot work (ValueError naming the variable)."""
    minimum = {"COMPLAINT_BURST_COUNT": 1, "COMPLAINT_BURST_MINUTES": 1, "COMPLAINT_BURST_NEW_ACCOUNT_DAYS": 0,
               "COMPLAINT_BURST_HOLD_WORKDAYS": 1, "EMAIL_CONFIRM_HOURS": 1}
    for name, least in minimum.items():
        value = config[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"PORTAL_{name} must be a whole number of at least {least}, not {value!r}.")
    for name in ("RATELIMIT_REGISTER", "RATELIMIT_REGISTER_GLOBAL", "RATELIMIT_COMPLAINT",
                 "RATELIMIT_COMPLAINT_ADDR", "RATELIMIT_COMPLAINT_GLOBAL"):
        try:
            if not parse_many(str(config[name])):
                raise ValueError
        except ValueError:
            raise ValueError(f"PORTAL_{name} must be a rate limit such as 10/hour, not {config[name]!r}.") from None


def is_established(user: User) -> bool:
    """A verified account registered at least COMPLAINT_BURST_NEW_ACCOUNT_DAYS ago, none of whose
    complaints was rejected as unfounded or abusive: its complaints are served at once, in a burst too."""
    days = current_app.config["COMPLAINT_BURST_NEW_ACCOUNT_DAYS"]
    if identity_problem(user) is not None or user.created_at > utcnow() - timedelta(days=days):
        return False
    return not db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.complainant_id == user.id, Complaint.outcome == Outcome.REJECT))


# ---- bursts ------------------------------------------------------------------------------------
def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["COMPLAINT_BURST_MINUTES"])


def in_burst() -> bool:
    """Whether the complaint being filed makes more than COMPLAINT_BURST_COUNT within the window."""
    recent = db.session.scalar(select(func.count(Complaint.id)).where(Complaint.filed_at >= _window_start())) or 0
    return recent + 1 > current_app.config["COMPLAINT_BURST_COUNT"]


def _alert_recipients() -> list[User]:
    rows = list(db.session.scalars(select(User).where(User.role == Role.AUTHORITY, User.active.is_(True))))
    return rows or list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True))))


def alert_authority_once() -> list[tuple[str, str, str]]:
    """In a burst: tell the authority, once per window (inbox, in the caller's transaction); returns the
    mails to send after the commit."""
    already = db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == BURST_ALERT, Message.created_at >= _window_start()))
    if already:
        return []
    cfg = current_app.config
    subject = _("Unusual burst of rights complaints")
    body = _("More than %(count)d rights complaints were filed within %(minutes)d minutes. Until the rate falls, "
             "complaints from accounts registered less than %(days)d days ago are held for your decision instead of "
             "suspending the entry; established verified complainants are still served at once. Decide each held "
             "complaint: suspend the entry, or reject the complaint.",
             count=cfg["COMPLAINT_BURST_COUNT"], minutes=cfg["COMPLAINT_BURST_MINUTES"],
             days=cfg["COMPLAINT_BURST_NEW_ACCOUNT_DAYS"])
    link = url_for("feedback.console_cases") + "#held"
    recipients = _alert_recipients()
    notify_all(recipients, subject, body, link=link, kind=BURST_ALERT)
    full_link = cfg["BASE_URL"].rstrip("/") + link
    return [(u.email, subject, f"{body}\n\n{full_link}") for u in recipients if u.email]
