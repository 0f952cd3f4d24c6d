"""Public data requests (数据需求): filing, routing, answering, "me too", the public list and page, and the
open requests under supervision. Services take the actor as an argument; pages and the API are thin.

What the public sees of a requester (and of each "me too") is the kind of account only — “一位企业用户” — never
a name, an e-mail address or an identity number (SPEC §1, issue 25).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts import roles
from ..accounts.models import User, UserKind
from ..agencies.models import Agency
from ..audit import services as audit
from ..catalog.models import Dataset, Theme
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..feedback.common import agency_staff
from ..inbox import mail
from ..models_base import utcnow
from ..plans.models import OpenPlan, PlanItem, PlanState
from ..supervision.services import Case, Deadlines, register_workflow
from .models import DataRequest, DataRequestState, DataRequestSupport
from .schemas import (ACCEPT, DataRequestAnswerIn, DataRequestIn, DataRequestRouteIn, DataRequestSupportIn)
from .workflow import ANSWERS, DATA_REQUEST, FILE, OPEN_STATES, ROUTE, answer_message, link, state_label

S = DataRequestState
STAFF_KIND = "staff"
WHO = {  # how the public page names an account: its kind, never the person
    UserKind.PERSON: _l("A private individual"),
    UserKind.LEGAL_PERSON: _l("A company user"),
    UserKind.UNINCORPORATED: _l("An organisation user"),
    STAFF_KIND: _l("A public agency user"),
}


def kind_of(user: User) -> str:
    return getattr(user, "kind", None) or (STAFF_KIND if roles.uses_console(user) else UserKind.PERSON)


def who(kind: str) -> str:
    return str(WHO.get(kind, WHO[UserKind.PERSON]))


def _invalid(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)


def _agency(slug: str, field: str, errors: dict[str, str]) -> Agency | None:
    if not slug:
        return None
    found = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if found is None:
        errors[field] = _("No agency is named %(slug)s.", slug=slug)
    return found


def _theme(slug: str, errors: dict[str, str]) -> Theme | None:
    if not slug:
        return None
    found = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if found is None:
        errors["theme"] = _("No theme is named %(slug)s.", slug=slug)
    return found


# ---- filing, routing, answering ---------------------------------------------------------------------
def file_request(values: Mapping[str, Any], actor: User) -> DataRequest:
    """Record a request (the fields of DataRequestIn, from the form or the API); the authority routes it."""
    schema = DataRequestIn()
    data, errors = schema.read(values)
    theme, agency = _theme(data["theme"], errors), _agency(data["agency"], "agency", errors)
    _invalid(schema.ordered(errors))
    r = DataRequest(requester_id=actor.id, requester_kind=kind_of(actor), title=data["title"],
                    description=data["description"], use_case=data["use_case"], theme=theme,
                    suggested_agency=agency, filed_at=utcnow())
    DATA_REQUEST.perform(r, FILE, actor, effect=lambda _t: db.session.add(r), details=lambda: {
        "suggested_agency": agency.slug if agency else None, "due": r.due_date.isoformat()})
    return r


def route(r: DataRequest, values: Mapping[str, Any], actor: User) -> DataRequest:
    """The authority names the agency that answers (the requester's, confirmed, or another); the answer period
    starts from today."""
    schema = DataRequestRouteIn()
    data, errors = schema.read(values)
    DATA_REQUEST.check(r, ROUTE, actor, version=data.get("version"))
    agency = _agency(data["agency"], "agency", errors)
    _invalid(schema.ordered(errors))

    def record(_t) -> None:
        r.agency, r.agency_id, r.routed_at = agency, agency.id, utcnow()
    DATA_REQUEST.perform(r, ROUTE, actor, data["note"], effect=record, version=data.get("version"),
                         details=lambda: {"agency": agency.slug, "due": r.due_date.isoformat(),
                                          "confirmed": r.suggested_agency_id == agency.id})
    return r


def _plan_item(value: Any, r: DataRequest, errors: dict[str, str]) -> PlanItem | None:
    try:
        item = db.session.get(PlanItem, int(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        item = None
    if value not in (None, "") and (item is None or not (
            item.plan.agency_id == r.agency_id or (item.dataset is not None and item.dataset.agency_id == r.agency_id))):
        errors["plan_item"] = _("Choose an item of your agency's open plan.")
        return None
    return item


def _entry(slug: str, r: DataRequest, errors: dict[str, str]) -> Dataset | None:
    if not slug:
        return None
    ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug))
    if ds is None or ds.agency_id != r.agency_id:
        errors["dataset"] = _("Choose a catalog entry of your agency.")
        return None
    return ds


def answer(r: DataRequest, values: Mapping[str, Any], actor: User) -> DataRequest:
    """The agency accepts (linked to a plan item or a catalog entry of its own) or refuses with the reason and
    the legal basis; the requester and those who said "me too" are told in their inbox, the requester by
    e-mail too."""
    schema = DataRequestAnswerIn()
    data, errors = schema.read(values)
    action = data.get("action") if data.get("action") in ANSWERS else ""
    DATA_REQUEST.check(r, action, actor, data["answer"], version=data.get("version"))
    item = ds = None
    if action == ACCEPT:
        item, ds = _plan_item(data.get("plan_item"), r, errors), _entry(data["dataset"], r, errors)
    _invalid(schema.ordered(errors))

    def record(_t) -> None:
        r.answer, r.answered_at, r.answered_by_id = data["answer"], utcnow(), actor.id
        r.refusal_legal_basis = "" if action == ACCEPT else data["legal_basis"]
        r.plan_item, r.dataset = item, ds
    DATA_REQUEST.perform(r, action, actor, data["answer"], effect=record, version=data.get("version"),
                         details=lambda: {"plan_item": item.id if item else None, "dataset": ds.id if ds else None,
                                          "legal_basis": r.refusal_legal_basis or None})
    _mail_requester(r)
    return r


def _mail_requester(r: DataRequest) -> None:
    """The answer by e-mail to the requester, after it is committed (a failed delivery changes nothing)."""
    user = db.session.get(User, r.requester_id)
    if user is None or not user.email:
        return
    subject, body = answer_message(r)
    address = current_app.config["BASE_URL"].rstrip("/") + link(r)
    mail.send([(user.email, subject, f"{body}\n\n{address}")])


# ---- me too -----------------------------------------------------------------------------------------
def may_support(r: DataRequest, actor: Any) -> bool:
    """Any account but the requester's, once; while the request is open or accepted (a refusal is final)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.id == r.requester_id:
        return False
    return r.state != S.REFUSED and not any(s.user_id == actor.id for s in r.supports)


def add_support(r: DataRequest, values: Mapping[str, Any], actor: User) -> DataRequestSupport:
    if actor.id == r.requester_id:
        raise Conflict(_("You asked for this data yourself."))
    if any(s.user_id == actor.id for s in r.supports):
        raise Conflict(_("You have already said you need this data."))
    if r.state == S.REFUSED:
        raise Conflict(_("This request was refused; file a new one if things have changed."))
    schema = DataRequestSupportIn()
    data, errors = schema.read(values)
    _invalid(schema.ordered(errors))
    support = DataRequestSupport(request=r, user_id=actor.id, user_kind=kind_of(actor), use_case=data["use_case"])
    db.session.add(support)
    try:
        db.session.flush()
    except IntegrityError:  # the same account twice at the same moment
        db.session.rollback()
        raise Conflict(_("You have already said you need this data."))
    audit.record(actor, "data_request.me_too", "data_request", str(r.id), "", {"supports": len(r.supports)})
    db.session.commit()
    return support


# ---- reading ----------------------------------------------------------------------------------------
def get_request(request_id: int) -> DataRequest:
    r = db.session.get(DataRequest, request_id)
    if r is None:
        raise NotFound(_("No data request has this number."))
    return r


def allowed_actions(r: DataRequest, actor: Any) -> list[str]:
    return DATA_REQUEST.allowed_actions(r, actor)


@dataclass
class Page:
    results: list[DataRequest]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def params(self) -> "Page":  # the pagination macro reads the page number here
        return self


def search(args: Mapping[str, Any]) -> Page:
    """The public list: words in title, description or use case; by state, agency and theme; newest first."""
    stmt = select(DataRequest)
    if q := (args.get("q") or "").strip():
        like = f"%{q}%"
        stmt = stmt.where(or_(DataRequest.title.ilike(like), DataRequest.description.ilike(like),
                              DataRequest.use_case.ilike(like)))
    if state := args.get("state"):
        stmt = stmt.where(DataRequest.state == state)
    if slug := args.get("agency"):
        stmt = stmt.where(DataRequest.agency_id.in_(select(Agency.id).where(Agency.slug == slug)))
    if slug := args.get("theme"):
        stmt = stmt.where(DataRequest.theme_id.in_(select(Theme.id).where(Theme.slug == slug)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page, per_page = int(args.get("page") or 1), int(args.get("per_page") or 20)
    rows = db.session.scalars(stmt.order_by(DataRequest.filed_at.desc(), DataRequest.id.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    return Page(list(rows), total, page, per_page)


def public(r: DataRequest) -> dict[str, Any]:
    """What anyone may read of a request (the API's DataRequestOut; the page shows the same)."""
    item = r.plan_item if r.plan_item is not None and r.plan_item.plan.state == PlanState.PUBLISHED else None
    return {
        "id": r.id, "title": r.title, "description": r.description, "use_case": r.use_case,
        "requester": who(r.requester_kind), "theme": r.theme, "suggested_agency": r.suggested_agency,
        "agency": r.agency, "state": r.state, "state_label": state_label(r), "filed_at": r.filed_at,
        "routed_at": r.routed_at, "due_date": r.due_date if r.is_open else None, "answered_at": r.answered_at,
        "answer": r.answer, "refusal_legal_basis": r.refusal_legal_basis,
        "plan_item": {"id": item.id, "title": item.title, "year": item.plan.year, "target_date": item.target_date}
        if item else None,
        "dataset": {"slug": r.dataset.slug if r.dataset.is_published else None, "title": r.dataset.title}
        if r.dataset is not None else None,
        "me_too": len(r.supports),
        "supports": [{"who": who(s.user_kind), "use_case": s.use_case, "created_at": s.created_at}
                     for s in r.supports],
        "row_version": r.row_version,
    }


def status_options(chosen: str) -> list[tuple[str, str, bool]]:
    """(code, label, chosen) of each state, for the list's filter."""
    from .models import STATE_LABELS

    return [(str(code), str(label), code == chosen) for code, label in STATE_LABELS.items()]


def agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.id)))


def agency_plan_items(r: DataRequest) -> list[PlanItem]:
    """The items of the answering agency's open plans (what an acceptance may be linked to)."""
    if r.agency_id is None:
        return []
    return list(db.session.scalars(select(PlanItem).join(OpenPlan).where(OpenPlan.agency_id == r.agency_id)
                                   .order_by(OpenPlan.year.desc(), PlanItem.position)))


def agency_entries(r: DataRequest) -> list[Dataset]:
    if r.agency_id is None:
        return []
    return list(db.session.scalars(select(Dataset).where(Dataset.agency_id == r.agency_id).order_by(Dataset.title)))


# ---- supervision ------------------------------------------------------------------------------------
def _open_requests() -> list[DataRequest]:
    return list(db.session.scalars(select(DataRequest).where(DataRequest.state.in_(OPEN_STATES))
                                   .order_by(DataRequest.due_date)))


def _assignees(r: DataRequest) -> list[int]:
    if r.state == S.SUBMITTED:
        return roles.authority_account_ids()
    return [u.id for u in agency_staff(r.agency_id)]


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Data request"), title=r.title, url=link(r), due=r.due_date,
                 agency=r.agency.name if r.agency else "", state=state_label(r), assignees=_assignees(r),
                 provisional=r.due_provisional)
            for r in _open_requests() if r.due_date is not None]


register_workflow(supervision_cases, Deadlines(
    "data_request", _open_requests, start=lambda r: r.routed_at or r.filed_at,
    label=lambda r: _("Data request No. %(n)d: “%(title)s”", n=r.id, title=r.title), link=link,
    parties=lambda r: [r.requester_id, *_assignees(r)]))
