"""`flask portal deadlines`: reminders and escalations for every supervision case source, into the inbox
and by e-mail through a local SMTP server started by the test; at most once a day."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from portal.accounts.models import User
from portal.catalog.models import DatasetState, Review
from portal.extensions import db
from portal.inbox.models import Message
from portal.opening import workflow
from portal.opening.models import Application
from portal.supervision.models import DeadlineNotice
from tests import factories as f
from tests.mailserver import local_smtp
from tests.opening.test_applications import approve, entry, submitted_app  # noqa: F401  (fixture)


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content)
        self.messages.append((list(envelope.rcpt_tos), str(make_header(decode_header(msg["Subject"])))))
        return "250 Message accepted for delivery"


@pytest.fixture()
def smtp(app):
    box = Mailbox()
    with local_smtp(box) as port:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="noreply@portal.example")
        yield box


def ids(*emails: str) -> set[int]:
    return set(db.session.scalars(db.select(User.id).where(User.email.in_(emails))))


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["portal", "deadlines", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_escalations_and_mail_once_a_day(app, entry, users, smtp):  # noqa: F811
    today = workflow.today()
    soon, _user = submitted_app(app, entry)
    soon.due_date = today  # due today: a reminder to the agency's staff
    late = Application(dataset=entry["other"], agency_id=entry["other"].agency_id, applicant_id=users["data_user"].id,
                       state="submitted", submitted_at=soon.submitted_at, due_date=today - timedelta(days=5))
    db.session.add(late)
    ds = f.dataset("待审核的目录", state=DatasetState.SUBMITTED, index=False)
    db.session.add(Review(dataset=ds, kind="publish", snapshot={"title": "待审核的目录"}, due_date=today - timedelta(days=1)))
    db.session.commit()

    out = run(app)
    # 2 staff reminded of the case due today; the late case's 2 staff and (for the review, which names no
    # assignees) the authority told it is overdue; the authority escalated both overdue cases
    assert "Reminders 2, overdue notices 3, escalations 2" in out, out
    staff, authority = ids("staff@example.cn", "staff3@example.cn"), ids("authority@example.cn")
    msgs = db.session.scalars(db.select(Message)).all()
    reminders = [m for m in msgs if m.kind == "deadline.reminder"]
    assert {m.user_id for m in reminders} == staff and all(m.link == f"/applications/{soon.id}" for m in reminders)
    assert all("到期" in m.subject and "重点排污单位自动监测数据" in m.subject for m in reminders)
    overdue = [m for m in msgs if m.kind == "deadline.overdue"]
    assert {(m.user_id, m.link) for m in overdue} == {(u, f"/applications/{late.id}") for u in staff} | \
        {(u, f"/review/{ds.reviews[0].id}") for u in authority}  # no assignees: the authority is reminded
    escalations = [m for m in msgs if m.kind == "deadline.escalation"]
    assert {m.user_id for m in escalations} == authority
    assert {m.link for m in escalations} == {f"/applications/{late.id}", f"/review/{ds.reviews[0].id}"}
    assert not [m for m in msgs if m.user_id == users["other_staff"].id]  # the other agency is not bothered

    # every inbox notice also went out by e-mail, in Chinese
    assert len(smtp.messages) == len([m for m in msgs if m.kind.startswith("deadline.")]) == 7
    assert {r for rcpts, _s in smtp.messages for r in rcpts} == {"staff@example.cn", "staff3@example.cn",
                                                                 "authority@example.cn"}
    assert any(subject.startswith("督办：") for _r, subject in smtp.messages)
    assert db.session.scalar(db.select(db.func.count(DeadlineNotice.id)).where(DeadlineNotice.emailed.is_(True))) == 7

    # the same day again: nothing new, in the inbox or by mail
    out = run(app)
    assert "Reminders 0, overdue notices 0, escalations 0" in out and "already sent today 7" in out
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Message.id))) == len(msgs)
    assert len(smtp.messages) == 7
    # the next day the overdue case is escalated again
    run(app, "--today", (today + timedelta(days=1)).isoformat())
    assert len(smtp.messages) > 7


def test_missing_usage_reports_are_flagged_to_the_agency_once(app, entry, users):  # noqa: F811
    a, _user = submitted_app(app, entry)
    grant, _staff = approve(app, a.id, report_every_days="30")
    grant.start = workflow.today() - timedelta(days=35)
    db.session.commit()
    run(app)  # no SMTP configured: inbox only
    flagged = db.session.scalars(db.select(Message).where(Message.kind == "usage_report.missing")).all()
    assert {m.user_id for m in flagged} == ids("staff@example.cn", "staff3@example.cn")
    assert "未按期报送" in flagged[0].subject
    run(app, "--today", (workflow.today() + timedelta(days=1)).isoformat())
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Message.id)).where(Message.kind == "usage_report.missing")) == 2


def test_bad_date_is_refused(app):
    result = app.test_cli_runner().invoke(args=["portal", "deadlines", "--today", "tomorrow"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_mail_failure_leaves_the_inbox_notice(app, entry, users):  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    soon, _user = submitted_app(app, entry)
    soon.due_date = workflow.today()
    db.session.commit()
    out = run(app)
    assert "Reminders 2" in out and "e-mails 0" in out
    assert db.session.scalar(db.select(db.func.count(DeadlineNotice.id)).where(DeadlineNotice.emailed.is_(False))) == 2
