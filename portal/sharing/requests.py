"""Share requests between agencies (SHARING.md §3.1, §3.2): drafts, submission, the provider's answer (agree
fully or narrower, refuse with reason and legal basis, ask), delivery, withdrawal, dispute and 督办; the
lists of each side; supervision of the answer and delivery deadlines. Every state change is a step of a
table of workflow.py; nothing is written when anything is wrong.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterator, Mapping, Sequence

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import workdays
from ..accounts import roles
from ..accounts.models import Role, User
from ..catalog.models import Dataset, DatasetState, ResourceKind, ShareType
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, register_workflow
from . import grants
from .catalog import ListRow, register_demand_source
from .models import RequestState, ShareMode, ShareRequest
from .schemas import FIELDS, AgreeIn, DeliverIn, ReasonIn, RefuseIn, ShareRequestFields, load
from .vocab import REQUEST_STATE_LABELS
from .workflow import REQUEST, WAITING_STATES, event, officer_ids, table_for, today

S = RequestState


# ---- reading ---------------------------------------------------------------------------------------
def requestable_dataset(key: str) -> Dataset:
    """A published entry another agency may ask for, by slug or id; a `none` entry is a Conflict that
    points to verification (核实比对, R2024 §23「可以向数源部门提出核实、比对需求」)."""
    ds = db.session.scalar(select(Dataset).where(or_(Dataset.slug == key, Dataset.id == key),
                                                 Dataset.state == DatasetState.PUBLISHED))
    if ds is None:
        raise NotFound(_("No published catalog entry is named %(key)s.", key=key))
    if ds.share_type == ShareType.NONE:
        url = f"/sharing/verifications/new?dataset={ds.id}"
        raise Conflict(_("“%(title)s” is not shared (不予共享); ask its agency to verify or compare your records "
                         "instead (核实比对): %(url)s", title=ds.title, url=url), {"verification": url})
    return ds


def may_read(req: ShareRequest, actor: Any) -> bool:
    return roles.reads_share_case(actor, requester_agency_id=req.requester_agency_id,
                                  provider_agency_id=req.provider_agency_id)


def get_request(req_id: int, actor: Any) -> ShareRequest:
    """A case the actor may read; anyone else's is simply not found (SHARING.md §6, S14)."""
    req = db.session.get(ShareRequest, req_id)
    if req is None or not may_read(req, actor):
        raise NotFound(_("No share request of your agency has this number."))
    return req


def allowed_actions(req: ShareRequest, actor: Any) -> list[str]:
    """The steps the request's page and API offer (`settle` is the dispute's, taken on its page)."""
    return [a for a in table_for(req).allowed_actions(req, actor) if a in ACTIONS]


def lists_for(actor: Any) -> dict[str, list[ShareRequest]]:
    """The requests an actor reads: its agency's, as requester and as provider (the provider's list holds no
    drafts); the authority, auditors and administrators all."""
    stmt = select(ShareRequest).order_by(ShareRequest.created_at.desc(), ShareRequest.id.desc())
    if roles.is_agency_staff(actor):
        return {"requested": list(db.session.scalars(stmt.where(ShareRequest.requester_agency_id == actor.agency_id))),
                "received": list(db.session.scalars(stmt.where(ShareRequest.provider_agency_id == actor.agency_id,
                                                               ShareRequest.state != S.DRAFT)))}
    if roles.is_overseer(actor):
        return {"all": list(db.session.scalars(stmt))}
    raise Forbidden(_("Your account's role may not use this page."))


def may_request(actor: Any) -> bool:
    """Only a share officer files requests for the agency (R2018 §27)."""
    return roles.is_share_officer_of(actor, getattr(actor, "agency_id", None))


def agency_staff(agency_id: int) -> list[User]:
    """The requesting agency's active staff: who may be named as users (用数人员)."""
    return list(db.session.scalars(select(User).where(User.role == Role.AGENCY_STAFF, User.agency_id == agency_id,
                                                      User.active.is_(True)).order_by(User.name, User.id)))


# ---- the request's fields ----------------------------------------------------------------------------
def _given(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else value not in (None, False, [])


def _check(ds: Dataset, requester_agency_id: int, data: dict[str, Any], complete: bool) -> dict[str, str]:
    """The rules that need the database; `complete` (submission) requires every field."""
    errors: dict[str, str] = {}
    if set(data["items"]) - {i.name for i in ds.items}:
        errors["items"] = _("Choose data items of this entry.")
    if set(data["resource_ids"]) - {r.id for r in ds.resources}:
        errors["resource_ids"] = _("Choose files of this entry.")
    staff = {u.id for u in agency_staff(requester_agency_id)}
    if set(data["user_ids"]) - staff:
        errors["user_ids"] = _("Named users must be active staff of the requesting agency.")
    start, end, longest = data["start"], data["end"], current_app.config["SHARE_GRANT_MAX_DAYS"]
    if start and end and end < start:
        errors["end"] = _("The last day of use is before the first.")
    elif start and end and (end - start).days + 1 > longest:
        errors["end"] = _("A grant lasts at most %(n)d days; renew it with a new request.", n=longest)
    if complete and start and start < today():
        errors["start"] = _("Use cannot start in the past.")
    if complete:
        for name, fld in FIELDS.items():
            if fld.metadata.get("needed") and not _given(data[name]) and not (name == "items" and not ds.items):
                errors.setdefault(name, str(fld.metadata["needed"]))
    return errors


def _apply(req: ShareRequest, data: dict[str, Any]) -> None:
    ds = req.dataset
    req.items = [i.name for i in ds.items if i.name in set(data["items"])]
    req.resource_ids = [r.id for r in ds.resources if r.id in set(data["resource_ids"])]
    req.modes = [m.value for m in ShareMode if m in set(data["modes"])]
    req.user_ids = sorted(set(data["user_ids"]))
    for name in ("scenario", "legal_duty", "purpose", "records", "security_measures"):
        setattr(req, name, data[name].strip())
    req.start, req.end, req.commitment = data["start"], data["end"], bool(data["commitment"])


def save(ds: Dataset | None, values: Mapping[str, Any], actor: User, *, req: ShareRequest | None = None,
         submit_now: bool = False) -> ShareRequest:
    """Create or update a draft, and submit it when asked; nothing is written when anything is wrong."""
    data = load(ShareRequestFields(), values)
    if req is not None:
        table_for(req).check(req, "submit", actor)  # only the requester's officer edits, only drafts
        ds = req.dataset
    elif not may_request(actor):
        raise Forbidden(_("Only your agency's share officer files share requests."))
    elif ds.agency_id == actor.agency_id:
        raise Conflict(_("This entry is your own agency's; no request is needed."))
    if ds.share_type == ShareType.NONE:
        requestable_dataset(ds.id)  # the Conflict that points to verification
    errors = _check(ds, req.requester_agency_id if req else actor.agency_id, data, complete=submit_now)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    is_new = req is None
    if is_new:
        req = ShareRequest(dataset=ds, requester_agency_id=actor.agency_id, provider_agency_id=ds.agency_id,
                           created_by_id=actor.id, share_type=ds.share_type, state=S.DRAFT, created_at=utcnow())
        db.session.add(req)
    _apply(req, data)
    try:
        if is_new:
            event(req, "created", actor)
        if submit_now:
            _submit(req, actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return req


def _submit(req: ShareRequest, actor: User) -> None:
    table = table_for(req)

    def submitted(t) -> None:
        req.submitted_at = utcnow()
        if not req.resource_ids:  # every file of the entry, named now
            req.resource_ids = [r.id for r in req.dataset.resources]
        if t.target == S.GRANTED:  # §3.1: the terms are the ask
            _agree_as_asked(req)
            req.answered_at = req.submitted_at
            grants.make_grant(req)
            event(req, "granted", actor)
        else:
            req.answer_due = req.due_date
            event(req, "submitted", actor, _("Answer due by %(date)s.", date=req.due_date.isoformat()))

    table.perform(req, "submit", actor, effect=submitted, commit=False,
                  details=lambda: {"dataset": req.dataset_id, "requester": req.requester.slug,
                                   "provider": req.provider.slug,
                                   "due": req.due_date.isoformat() if req.due_date else None,
                                   "grant": req.grant.id if req.grant else None})


def _agree_as_asked(req: ShareRequest) -> None:
    req.agreed_items, req.agreed_resource_ids = list(req.items), list(req.resource_ids)
    req.agreed_modes, req.agreed_user_ids = list(req.modes), list(req.user_ids)
    req.agreed_start, req.agreed_end = req.start, req.end


def submit(req: ShareRequest, actor: User) -> ShareRequest:
    """Submit a saved draft as it stands."""
    values = {name: getattr(req, name) for name in FIELDS}
    return save(None, values, actor, req=req, submit_now=True)


# ---- the provider's answer ---------------------------------------------------------------------------
def _narrower(asked: list, agreed: list, field: str, errors: dict[str, str]) -> list:
    """The agreed list: the ask when empty, else a part of it (never wider, R2024 §23 least privilege)."""
    if not agreed:
        return list(asked)
    if set(agreed) - set(asked):
        errors[field] = _("The agreement may narrow the request, never widen it.")
    return [x for x in asked if x in set(agreed)]


def _on_portal(req: ShareRequest) -> bool:
    """The agreed data is on the portal (stored files, no offline mode): delivery is automatic."""
    files = {r.id: r for r in req.dataset.resources}
    return (ShareMode.OFFLINE not in req.agreed_modes and bool(req.agreed_resource_ids)
            and all(rid in files and files[rid].kind == ResourceKind.FILE and files[rid].storage_key
                    for rid in req.agreed_resource_ids))


def agree(req: ShareRequest, values: Mapping[str, Any], actor: User) -> ShareRequest:
    """Agree to the request as asked or narrower; delivered at once when the data is on the portal."""
    data = load(AgreeIn(), values)
    errors: dict[str, str] = {}
    items = _narrower(req.items, data["items"], "items", errors)
    files = _narrower(req.resource_ids, data["resource_ids"], "resource_ids", errors)
    modes = _narrower(req.modes, data["modes"], "modes", errors)
    users = _narrower(req.user_ids, data["user_ids"], "user_ids", errors)
    start, end = data["start"] or req.start, data["end"] or req.end
    if req.start and start < req.start:
        errors["start"] = _("The agreement may narrow the request, never widen it.")
    if req.end and end > req.end:
        errors["end"] = _("The agreement may narrow the request, never widen it.")
    if start and end and end < start:
        errors["end"] = _("The last day of use is before the first.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)

    def agreed(_t) -> None:
        req.agreed_items, req.agreed_resource_ids, req.agreed_modes, req.agreed_user_ids = items, files, modes, users
        req.agreed_start, req.agreed_end, req.terms_note = start, end, data["terms_note"].strip()
        req.answered_at, req.answered_by_id, req.delivery_due = utcnow(), actor.id, req.due_date
        narrower = (items, files, modes, users, start, end) != (req.items, req.resource_ids, req.modes,
                                                               req.user_ids, req.start, req.end)
        event(req, "agreed", actor, sentences(
            _("Narrower than asked.") if narrower else _("As asked."), req.terms_note,
            _("Delivery due by %(date)s.", date=req.delivery_due.isoformat())))

    REQUEST.perform(req, "agree", actor, effect=agreed, version=data["version"],
                    details=lambda: {"narrower": [k for k, a, b in (("items", items, req.items),
                                                                    ("resource_ids", files, req.resource_ids),
                                                                    ("modes", modes, req.modes),
                                                                    ("user_ids", users, req.user_ids)) if a != b],
                                     "delivery_due": req.delivery_due.isoformat()})
    if _on_portal(req):
        deliver(req, {}, actor, automatic=True)
    return req


def sentences(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def refuse(req: ShareRequest, values: Mapping[str, Any], actor: User) -> ShareRequest:
    """Refuse with a reason and the legal basis (R2024 §23「说明理由并提供法律、法规依据」); 422 naming the
    missing field otherwise (S4)."""
    data = load(RefuseIn(), values)
    reason, basis = data["refusal_reason"].strip(), data["legal_basis"].strip()
    REQUEST.check(req, "refuse", actor, reason, data["version"])
    if not basis:
        message = _("Give the legal basis of the refusal.")
        raise Invalid(message, {"legal_basis": message})

    def refused(_t) -> None:
        req.refusal_reason, req.refusal_legal_basis = reason, basis
        req.answered_at, req.answered_by_id = utcnow(), actor.id
        event(req, "refused", actor, sentences(reason, _("Legal basis: %(basis)s", basis=basis)))

    REQUEST.perform(req, "refuse", actor, reason, effect=refused, version=data["version"],
                    details={"legal_basis": basis})
    return req


def _step(action: str, kind: str):
    """A step whose only input is its text: question, withdraw, dispute."""
    def step(req: ShareRequest, values: Mapping[str, Any], actor: User) -> ShareRequest:
        data = load(ReasonIn(), values)
        text = data["reason"].strip()
        table_for(req).perform(req, action, actor, text, effect=lambda _t: event(req, kind, actor, text),
                               version=data["version"])
        return req
    return step


question = _step("question", "question")
withdraw = _step("withdraw", "withdrawn")
dispute = _step("dispute", "disputed")


def settle(req: ShareRequest, terms: str, actor: Any) -> None:
    """A dispute on this refused request was resolved with sharing on `terms` (SHARING.md §3.7「grant as §3.2,
    delivery + 5 WD」): agreed as asked, the terms noted; the provider's officer delivers within
    SHARE_DELIVERY_WORKDAYS and the grant results. Kept uncommitted: the dispute's step commits both."""
    def settled(_t) -> None:
        _agree_as_asked(req)
        req.terms_note, req.answered_at, req.delivery_due = terms, utcnow(), req.due_date
        event(req, "settled", actor, sentences(terms, _("Delivery due by %(date)s.",
                                                         date=req.delivery_due.isoformat())))

    REQUEST.perform(req, "settle", actor, terms, effect=settled, commit=False,
                    details=lambda: {"delivery_due": req.delivery_due.isoformat()})


def deliver_if_on_portal(req: ShareRequest, actor: Any) -> None:
    """After a settlement: delivered at once when the agreed data is on the portal and the one who settled
    is the provider's officer; otherwise that officer delivers from the request's page."""
    if req.state == S.AGREED and _on_portal(req) and REQUEST.may(req, "deliver", actor):
        deliver(req, {}, actor, automatic=True)


def supervise(req: ShareRequest, values: Mapping[str, Any], actor: User) -> ShareRequest:
    """The authority records 督办 on a late or slow case, with a date (R2024 §49(二))."""
    data = load(ReasonIn(), values)
    text, on = data["reason"].strip(), data["supervised_on"] or today()

    def supervised(_t) -> None:
        req.supervised_on = on
        event(req, "supervised", actor, sentences(on.isoformat(), text))

    REQUEST.perform(req, "supervise", actor, text, effect=supervised, version=data["version"],
                    details={"supervised_on": on.isoformat()})
    return req


def deliver(req: ShareRequest, values: Mapping[str, Any], actor: User, *, automatic: bool = False) -> ShareRequest:
    """Deliver the agreed data: the grant becomes active (automatic when the data is on the portal)."""
    data = load(DeliverIn(), values)
    note = data["offline_note"].strip()
    if not automatic and ShareMode.OFFLINE in req.agreed_modes and not note and REQUEST.may(req, "deliver", actor):
        message = _("Say how the data was delivered offline.")
        raise Invalid(message, {"offline_note": message})

    def delivered(_t) -> None:
        req.delivered_at = utcnow()
        grants.make_grant(req, offline_note=note)
        event(req, "delivered", actor, note or (_("Delivered on the portal at once.") if automatic else ""))

    REQUEST.perform(req, "deliver", actor, effect=delivered, version=None if automatic else data["version"],
                    details=lambda: {"grant": req.grant.id, "automatic": automatic,
                                     "late": req.delivery_due is not None and today() > req.delivery_due})
    return req


ACTIONS = {"submit": lambda req, values, actor: submit(req, actor), "agree": agree, "refuse": refuse,
           "question": question, "deliver": deliver, "withdraw": withdraw, "dispute": dispute,
           "supervise": supervise}


def act(req: ShareRequest, action: str, values: Mapping[str, Any], actor: User) -> ShareRequest:
    """One step of the case's table, by name (pages and the API)."""
    step = ACTIONS.get(action)
    if step is None:
        raise NotFound(_("No such step."))
    return step(req, values, actor)


# ---- the 需求清单 (§2.2): each requesting agency's submitted requests ---------------------------------
@register_demand_source
def demand_list_rows(agency_ids: Sequence[int] | None) -> Iterator[ListRow]:
    """The requests the requesting agencies submitted (no drafts), with state and what is due now."""
    stmt = select(ShareRequest).where(ShareRequest.submitted_at.is_not(None))
    if agency_ids is not None:
        stmt = stmt.where(ShareRequest.requester_agency_id.in_(agency_ids))
    for r in db.session.scalars(stmt.order_by(ShareRequest.submitted_at.desc(), ShareRequest.id.desc())):
        yield ListRow(agency=r.requester.name, kind=_("Share request"), title=r.dataset.title, code=r.dataset.code,
                      url=f"/sharing/requests/{r.id}", share_type=r.share_type, modes=tuple(r.modes or ()),
                      due=r.due_date if r.state in WAITING_STATES else None,
                      state=str(REQUEST_STATE_LABELS.get(r.state, r.state)), party=r.provider.name,
                      extra={"id": r.id, "state": r.state})


# ---- supervision ---------------------------------------------------------------------------------------
def _waiting() -> list[ShareRequest]:
    return list(db.session.scalars(select(ShareRequest).where(ShareRequest.state.in_(WAITING_STATES),
                                                              ShareRequest.due_date.is_not(None))))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Share request"), title=f"{r.requester.name} → {r.dataset.title}", url=f"/sharing/requests/{r.id}",
                 due=r.due_date, agency=r.provider.name, state=str(REQUEST_STATE_LABELS.get(r.state, r.state)),
                 assignees=officer_ids(r.provider_agency_id),
                 provisional=workdays.provisional(_clock_start(r), r.due_date, cal=workdays.shared_calendar()))
            for r in _waiting()]


def _clock_start(r: ShareRequest):
    return r.answered_at if r.state == S.AGREED else r.submitted_at


register_workflow(supervision_cases, Deadlines(
    object_type="share_request", running=_waiting, start=_clock_start,
    label=lambda r: _("Share request No. %(id)d: %(title)s", id=r.id, title=r.dataset.title),
    link=lambda r: f"/sharing/requests/{r.id}",
    parties=lambda r: officer_ids(r.provider_agency_id) + officer_ids(r.requester_agency_id),
    set_due=lambda r, due, cal: _set_due(r, due)))


def _set_due(r: ShareRequest, due: date) -> None:
    r.due_date = due
    if r.state == S.AGREED:
        r.delivery_due = due
    else:
        r.answer_due = due

