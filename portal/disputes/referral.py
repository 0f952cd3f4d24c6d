"""The referral of a dispute to the public-data expert committee (R2024 §5(七), §47), one rule for both kinds of
dispute (open data: services.py; sharing between agencies: sharing/disputes.py).

The authority names the experts who study the case (none named: every active member of the committee at that
moment, written down by name), puts a question to them, and later records the committee's opinion with its date
(from the referral to today). The opinion advises; the authority still decides, and the clock runs on.
An expert reads exactly the cases referred to them (`expert_reads`) and nothing else."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..accounts.models import User
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models_base import utcnow
from .models import ExpertReferral

MAX_TEXT = 5000


def experts_field() -> fields.List:
    return fields.List(fields.Integer(), load_default=list, metadata={
        "description": "refer: the expert accounts the dispute is referred to (none: every active member)."})


def text_field(description: str) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=MAX_TEXT), metadata={"description": description})


class ReferralFields:
    """The fields of the refer and record_opinion steps, the same in both kinds of dispute (a schema mixes
    them in: ``class DisputeActionIn(ReferralFields, SharingCaseIn)``)."""

    question = text_field("refer (required): the question put to the expert committee.")
    experts = experts_field()
    opinion = text_field("record_opinion (required): the expert committee's opinion, as received.")
    opinion_on = fields.Date(load_default=None, metadata={
        "description": "record_opinion (required): the date of the committee's opinion (YYYY-MM-DD)."})


# the field holding each step's text
TEXT_FIELDS = {"refer": "question", "record_opinion": "opinion"}


def active_experts() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(roles.EXPERTS), User.active.is_(True))
                                   .order_by(User.id)))


def expert_ids(case_type: str, case_id: int) -> list[int]:
    return list(db.session.scalars(select(ExpertReferral.expert_id).where(
        ExpertReferral.case_type == case_type, ExpertReferral.case_id == case_id).order_by(ExpertReferral.id)))


def experts_of(case_type: str, case_id: int) -> list[User]:
    ids = expert_ids(case_type, case_id)
    return [db.session.get(User, i) for i in ids]


def expert_reads(actor: Any, case_type: str, case_id: int) -> bool:
    """The one reading rule for experts: a case referred to this expert by name."""
    if not roles.is_expert(actor) or not getattr(actor, "id", None):
        return False
    return db.session.scalar(select(ExpertReferral.id).where(
        ExpertReferral.case_type == case_type, ExpertReferral.case_id == case_id,
        ExpertReferral.expert_id == actor.id)) is not None


def cases_of_expert(actor: Any, case_type: str) -> set[int]:
    if not roles.is_expert(actor):
        return set()
    return set(db.session.scalars(select(ExpertReferral.case_id).where(
        ExpertReferral.case_type == case_type, ExpertReferral.expert_id == actor.id)))


def chosen_experts(ids: Iterable[int] | None) -> list[User]:
    """The experts named (each an active expert account: 422 naming `experts` otherwise); none named, every
    active member of the committee (none, when the committee has no account on the portal)."""
    wanted = list(dict.fromkeys(int(i) for i in ids or ()))
    members = {u.id: u for u in active_experts()}
    if not wanted:  # the committee as a whole (it may have no account here: the authority records its opinion)
        return list(members.values())
    unknown = [i for i in wanted if i not in members]
    if unknown:
        message = _("Choose experts of the committee from the list.")
        raise Invalid(_("Please correct the marked fields."), {"experts": message})
    return [members[i] for i in wanted]


def check_step(case: Any, action: str, data: dict) -> None:
    """What the referral steps ask beyond the table: refer once; the opinion once, after the referral, dated
    from the referral to today (409 / 422 naming the field)."""
    if action == "refer" and case.referred_at is not None:
        message = _("This dispute is already referred to the experts.")
        raise Conflict(message, {"action": message})
    if action == "record_opinion":
        if case.expert_opinion or case.referred_at is None:
            message = (_("The experts' opinion is already recorded.") if case.expert_opinion
                       else _("Refer the dispute to the experts first."))
            raise Conflict(message, {"action": message})
        opinion_on = data.get("opinion_on")
        today = workdays.china_date(utcnow())
        if not isinstance(opinion_on, date) or opinion_on > today or opinion_on < workdays.china_date(case.referred_at):
            message = _("Give the date of the experts' opinion (from the referral to today).")
            raise Invalid(_("Please correct the marked fields."), {"opinion_on": message})


def offered(case: Any, actions: list[str]) -> list[str]:
    """The table's actions less the referral steps not possible now (refer once; the opinion once referred)."""
    out = list(actions)
    if "refer" in out and case.referred_at is not None:
        out.remove("refer")
    if "record_opinion" in out and (case.referred_at is None or case.expert_opinion):
        out.remove("record_opinion")
    return out


def refer(case: Any, case_type: str, question: str, experts: list[User]) -> None:
    """Record the referral (inside the step's transaction): the question, and each expert named."""
    case.referred_at, case.referral_question = utcnow(), question
    for expert in experts:
        db.session.add(ExpertReferral(case_type=case_type, case_id=case.id, expert_id=expert.id,
                                      referred_at=case.referred_at))


def record_opinion(case: Any, opinion: str, opinion_on: date) -> None:
    case.expert_opinion, case.expert_opinion_on = opinion, opinion_on
