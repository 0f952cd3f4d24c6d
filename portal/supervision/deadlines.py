"""`flask portal deadlines`: reminders for cases due soon, escalation of overdue cases to the authority.

Runs over every registered case source (and every registered notice source), so each workflow's
deadlines are watched without this module knowing its models. Each notice goes into the user's inbox
and, when SMTP is configured, out by e-mail. A case, a kind of notice and a user get at most one
notice a day (DeadlineNotice), so running the command again the same day sends nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import User
from ..extensions import db
from ..inbox import mail
from ..inbox.services import notify
from ..models_base import utcnow
from ..workdays import china_date, due_text
from .models import DeadlineNotice
from .services import Notice, extra_notices, open_cases


@dataclass
class Summary:
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    other: int = 0
    emailed: int = 0
    skipped: int = 0  # already sent today


def collect(today: date) -> list[Notice]:
    """Every notice due today: reminders to those who must act, escalations to the authority."""
    authority = roles.authority_account_ids()
    notices: list[Notice] = []
    for case in open_cases(today):
        who = case.assignees or authority
        what = f"{case.kind}: {case.title}"
        due = due_text(case.due, is_provisional=case.provisional)
        if case.overdue:
            notices.append(Notice(case.url, "deadline.overdue", who,
                                  _("Overdue since %(date)s: %(case)s", date=due, case=what),
                                  _("%(agency)s · %(state)s. Please act now; the data authority has been told.",
                                    agency=case.agency, state=case.state), case.url))
            notices.append(Notice(case.url, "deadline.escalation", authority,
                                  _("Escalated: %(case)s was due %(date)s", case=what, date=due),
                                  _("%(agency)s has not acted in time (%(state)s).", agency=case.agency,
                                    state=case.state), case.url))
        elif case.due_soon:
            notices.append(Notice(case.url, "deadline.reminder", who,
                                  _("Due %(date)s: %(case)s", date=due, case=what),
                                  _("%(agency)s · %(state)s. The deadline is within 2 working days.",
                                    agency=case.agency, state=case.state), case.url))
    notices.extend(extra_notices(today))
    return notices


def run(today: date | None = None) -> Summary:
    """Send today's reminders and escalations once; returns what was done."""
    today = today or china_date(utcnow())
    summary = Summary()
    outgoing: list[tuple[DeadlineNotice, str, str, str]] = []
    for notice in collect(today):
        for user_id in dict.fromkeys(notice.user_ids):
            exists = db.session.scalar(select(DeadlineNotice.id).where(
                DeadlineNotice.day == today, DeadlineNotice.case_key == notice.key[:300],
                DeadlineNotice.kind == notice.kind, DeadlineNotice.user_id == user_id))
            if exists:
                summary.skipped += 1
                continue
            row = DeadlineNotice(day=today, case_key=notice.key[:300], kind=notice.kind, user_id=user_id)
            db.session.add(row)
            notify(user_id, notice.subject, notice.body, link=notice.link, kind=notice.kind)
            if notice.kind == "deadline.reminder":
                summary.reminders += 1
            elif notice.kind == "deadline.overdue":
                summary.overdue += 1
            elif notice.kind == "deadline.escalation":
                summary.escalations += 1
            else:
                summary.other += 1
            user = db.session.get(User, user_id)
            if user is not None and user.email:
                link = current_app.config["BASE_URL"].rstrip("/") + notice.link if notice.link.startswith("/") else notice.link
                outgoing.append((row, user.email, notice.subject, f"{notice.body}\n\n{link}".strip()))
    db.session.commit()  # the inbox notices and the "sent" marks stand before any mail goes out
    if outgoing and mail.enabled():
        sent = mail.send_many((to, subject, body) for _row, to, subject, body in outgoing)
        for n in sent:
            outgoing[n][0].emailed = True
        summary.emailed = len(sent)
        db.session.commit()
    return summary
