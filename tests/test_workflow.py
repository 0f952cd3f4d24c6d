"""The workflow engine (portal/workflow.py) on a small table; every real workflow's table is driven through
HTTP by its own tests (tests/opening, tests/feedback, tests/catalog)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.errors import Conflict, Forbidden, Invalid
from portal.extensions import db
from portal.workflow import WORKFLOWS, Transition, Workflow

told: list[tuple] = []

TOY = Workflow("toy-case", [
    Transition("submit", ("draft",), "submitted", (roles.OWNER,), "toy.submit", starts="REVIEW_WORKDAYS"),
    Transition("ask", ("submitted",), "asked", (roles.AGENCY,), "toy.ask", needs_reason=True),
    Transition("answer", ("asked",), "submitted", (roles.OWNER,), "toy.answer"),
    Transition("decide", ("submitted", "asked"), "decided", (roles.AGENCY, roles.AUTHORITY_ACTOR), "toy.decide",
               stops=True, needs_reason=True, notify=lambda case, actor, reason: told.append((case.id, reason))),
], relations=lambda case, actor: roles.relations(actor, agency_id=case.agency_id, owner_id=case.owner_id))

OWNER = SimpleNamespace(id=1, role="data_user", agency_id=None, email="owner@example.cn")
STAFF = SimpleNamespace(id=2, role="agency_staff", agency_id=7, email="staff@example.cn")
OTHER_STAFF = SimpleNamespace(id=3, role="agency_staff", agency_id=8, email="other@example.cn")
AUTHORITY = SimpleNamespace(id=4, role="authority", agency_id=None, email="authority@example.cn")


def case(state="draft"):
    return SimpleNamespace(id=99, state=state, agency_id=7, owner_id=1, due_date=None)


def test_the_table_says_who_may_do_what_in_each_state():
    assert TOY.allowed_actions(case("draft"), OWNER) == ["submit"]
    assert TOY.allowed_actions(case("draft"), STAFF) == []
    assert TOY.allowed_actions(case("submitted"), STAFF) == ["ask", "decide"]
    assert TOY.allowed_actions(case("submitted"), AUTHORITY) == ["decide"]
    assert TOY.allowed_actions(case("submitted"), OTHER_STAFF) == []
    assert TOY.allowed_actions(case("decided"), STAFF) == []
    assert TOY.running_states() == {"submitted", "asked"}
    assert WORKFLOWS["toy-case"] is TOY


def test_each_refusal_has_its_own_error():
    with pytest.raises(Forbidden):
        TOY.check(case("submitted"), "decide", OTHER_STAFF, "x")   # no part in the case
    with pytest.raises(Invalid):
        TOY.check(case("submitted"), "fly", STAFF, "x")            # no such action
    with pytest.raises(Forbidden):
        TOY.check(case("draft"), "submit", STAFF)                 # not the agency's action
    with pytest.raises(Conflict):
        TOY.check(case("decided"), "decide", STAFF, "x")           # not from this state
    with pytest.raises(Invalid):
        TOY.check(case("submitted"), "decide", STAFF, "  ")        # a reason is required
    with pytest.raises(Conflict):
        TOY.check(SimpleNamespace(**vars(case("submitted")), row_version=3), "decide", STAFF, "x", version=2)


def test_perform_changes_state_starts_the_period_audits_and_notifies(users):
    told.clear()
    owner, staff = users["data_user"], users["agency_staff"]
    c = SimpleNamespace(id=99, state="draft", agency_id=staff.agency_id, owner_id=owner.id, due_date=None)
    TOY.perform(c, "submit", owner)
    assert c.state == "submitted" and c.due_date is not None
    effects = []
    TOY.perform(c, "decide", staff, " well founded ", effect=lambda t: effects.append(t.action),
                details=lambda: {"effects": list(effects)})
    assert c.state == "decided" and effects == ["decide"] and told == [(99, "well founded")]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "toy-case")
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_label, e.reason, e.details) for e in events] == [
        ("toy.submit", owner.email, "", {}),
        ("toy.decide", staff.email, "well founded", {"effects": ["decide"]})]


def test_a_refused_effect_keeps_nothing(app):
    c = case("submitted")
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))

    def refuse(_t):
        raise Invalid("no")
    with pytest.raises(Invalid):
        TOY.perform(c, "decide", STAFF, "reason", effect=refuse)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before


def test_a_step_may_word_its_own_missing_reason_and_reasons_have_a_limit():
    short = Workflow("toy-limited", [
        Transition("accept", ("open",), "accepted", (roles.AGENCY,), "toy.accept", needs_reason=True,
                   reason_missing=lambda case: "say what was done"),
        Transition("reject", ("open",), "rejected", (roles.AGENCY,), "toy.reject", needs_reason=True),
    ], relations=lambda case, actor: roles.relations(actor, agency_id=case.agency_id, owner_id=case.owner_id),
        reason_field="answer", reason_missing=lambda case: "say why", reason_max=5)
    with pytest.raises(Invalid) as accepted:
        short.check(case("open"), "accept", STAFF, " ")
    with pytest.raises(Invalid) as rejected:
        short.check(case("open"), "reject", STAFF, "")
    assert (accepted.value.details, rejected.value.details) == ({"answer": "say what was done"}, {"answer": "say why"})
    assert short.check(case("open"), "reject", STAFF, " five ").action == "reject"
    with pytest.raises(Invalid) as long:
        short.check(case("open"), "reject", STAFF, "six ch")
    assert set(long.value.details) == {"answer"}
    del WORKFLOWS["toy-limited"]


STEPS = Workflow("toy-steps", [
    Transition("close", ("open",), "closed", (roles.AGENCY,), "toy.close", needs_reason=True,
               conflict=lambda case: "already closed", reason_missing=lambda case: "say why",
               reason_field="comment"),
    Transition("reopen", ("closed",), "open", (roles.AGENCY,), "toy.reopen"),
], relations=lambda case, actor: roles.relations(actor, agency_id=case.agency_id, owner_id=case.owner_id),
    conflict=lambda case: "not now")


def test_a_step_may_have_its_own_refusals():
    with pytest.raises(Conflict) as exc:
        STEPS.check(case("closed"), "close", STAFF, "x")
    assert exc.value.message == "already closed"
    with pytest.raises(Conflict) as exc:
        STEPS.check(case("open"), "reopen", STAFF)
    assert exc.value.message == "not now"                          # the workflow's words
    with pytest.raises(Invalid) as exc:
        STEPS.check(case("open"), "close", STAFF, " ")
    assert exc.value.message == "say why" and exc.value.details == {"comment": "say why"}
