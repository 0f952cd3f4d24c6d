"""An application waiting for the applicant's answer stays under supervision: listed with that state on the
supervision page and in the agency's queue, and, when it was overdue, still overdue there and in the
deadline command's notices, whichever clock rule (PORTAL_APPLICATION_CLOCK) the deployment chose."""
from __future__ import annotations

import re
from datetime import timedelta

from portal.extensions import db
from portal.inbox.models import Message
from portal.opening import workflow
from portal.opening.models import Application
from tests.opening.test_applications import (client_for, decide, entry, post_on, staff_ids,  # noqa: F401
                                             submitted_app)

WAITING = "等待申请人补充材料"


def overdue_application(app, entry, days: int = 3) -> Application:  # noqa: F811
    a, _user = submitted_app(app, entry)
    a.due_date = workflow.today() - timedelta(days=days)
    db.session.commit()
    return a


def ask(app, a: Application) -> None:
    r = decide(client_for(app, "staff@example.cn"), a.id, action="request_info", question="请补充测评证明")
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    db.session.expire_all()


def supervision_row(app, a: Application) -> str:
    html = client_for(app, "authority@example.cn").get("/console/supervision").get_data(as_text=True)
    rows = [r for r in re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", html, re.S) if f"/applications/{a.id}\"" in r]
    assert len(rows) == 1, html[-3000:]
    return rows[0]


def deadline_run(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["portal", "deadlines", *args])
    assert result.exit_code == 0, result.output
    return result.output


def notices(kind: str, a: Application) -> list[Message]:
    return list(db.session.scalars(db.select(Message).where(Message.kind == kind,
                                                            Message.link == f"/applications/{a.id}")))


def test_overdue_application_waiting_for_the_applicant_stays_overdue_under_supervision(app, entry, users):  # noqa: F811
    a = overdue_application(app, entry)
    ask(app, a)
    a = db.session.get(Application, a.id)
    assert a.state == "info_requested" and a.due_date < workflow.today()  # the default rule: the clock runs on

    row = supervision_row(app, a)
    assert WAITING in row and "row-overdue" in row and "已超期" in row
    queue = client_for(app, "staff@example.cn").get("/console/applications").get_data(as_text=True)
    assert re.search(rf'<tr class="row-overdue" data-application="{a.id}">', queue)

    out = deadline_run(app)
    assert "escalations 1" in out, out
    assert {m.user_id for m in notices("deadline.overdue", a)} == staff_ids()
    escalation = notices("deadline.escalation", a)
    assert [m.user_id for m in escalation] == [users["authority"].id]
    assert a.dataset.title in escalation[0].subject


def test_application_not_yet_due_waiting_for_the_applicant_is_listed_with_its_state(app, entry):  # noqa: F811
    a, _user = submitted_app(app, entry)
    ask(app, a)
    row = supervision_row(app, a)
    assert WAITING in row and "row-overdue" not in row
    # the clock runs on: the answer is still due on the same date, and it turns overdue once that passes
    a = db.session.get(Application, a.id)
    page = client_for(app, "user@example.cn").get(f"/applications/{a.id}").get_data(as_text=True)
    assert f"答复期限仍为{a.due_date.isoformat()}" in page
    deadline_run(app, "--today", (a.due_date + timedelta(days=1)).isoformat())
    assert len(notices("deadline.escalation", a)) == 1


def test_under_the_pause_rule_an_overdue_case_stays_overdue_and_a_paused_one_is_not_due(app, entry, users):  # noqa: F811
    app.config["APPLICATION_CLOCK"] = "pause"
    late = overdue_application(app, entry)
    ask(app, late)
    late = db.session.get(Application, late.id)
    assert late.remaining_workdays is None and late.clock_stopped_at is not None  # no workdays were left

    row = supervision_row(app, late)
    assert WAITING in row and "row-overdue" in row and "已超期" in row
    deadline_run(app)
    assert len(notices("deadline.escalation", late)) == 1
    page = client_for(app, "staff@example.cn").get(f"/applications/{late.id}").get_data(as_text=True)
    assert "计时暂停时答复已逾期" in page

    # the applicant's answer does not give an overdue agency new workdays: the date stands
    user = client_for(app, "user@example.cn")
    assert post_on(user, f"/applications/{late.id}", f"/applications/{late.id}/answer",
                   {"answer": "已补充"}).status_code == 302
    db.session.expire_all()
    late = db.session.get(Application, late.id)
    assert late.state == "submitted" and late.due_date < workflow.today()
    assert "row-overdue" in supervision_row(app, late)


def test_under_the_pause_rule_a_case_paused_in_time_is_listed_but_never_turns_overdue(app, entry):  # noqa: F811
    app.config["APPLICATION_CLOCK"] = "pause"
    a, _user = submitted_app(app, entry)
    ask(app, a)
    a = db.session.get(Application, a.id)
    assert a.remaining_workdays == 10
    row = supervision_row(app, a)
    assert WAITING in row and "row-overdue" not in row and "计时暂停" in row
    out = deadline_run(app, "--today", (a.due_date + timedelta(days=30)).isoformat())  # long after the old date
    assert "Reminders 0, overdue notices 0, escalations 0" in out, out
