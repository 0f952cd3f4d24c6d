"""Demands for data not in the catalog (需求申请, SHARING.md §3.4, R2024 §24): filing, the authority's review,
the source agency's answer, fulfilment; who reads them (§6); its rows on the 需求清单 and 责任清单 (§2.2),
registered with catalog.py; the open demands supervision watches.

Services take the actor as an argument; pages and the API call them with the signed-in account.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterator, Sequence

from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import workdays
from ..accounts import roles
from ..agencies.models import Agency
from ..catalog.models import Dataset, DatasetState
from ..catalog.vocab import label
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, register_workflow
from .catalog import ListRow, register_demand_source, register_responsibility_source
from .demand_models import AgreeMode, DemandRequest, DemandState
from .demand_vocab import DEMAND_STATE_LABELS
from .demand_workflow import DEMAND, DEMAND_OPEN, demand_event, demand_link
from .workflow import officer_ids, today

D = DemandState


# ---- who reads ---------------------------------------------------------------------------------------
def readable(d: DemandRequest, actor) -> bool:
    """Staff of either party (officers decide, the others read), the authority, auditors (§6); a draft only
    to the requesting agency's staff."""
    if d.state == D.DRAFT:
        return roles.is_staff_of(actor, d.requester_agency_id)
    return roles.reads_share_case(actor, requester_agency_id=d.requester_agency_id,
                                  provider_agency_id=d.provider_agency_id)


def get_demand(demand_id: int, actor) -> DemandRequest:
    """The demand, or 404 to anyone who may not read it (nobody else learns it exists, S14)."""
    d = db.session.get(DemandRequest, demand_id)
    if d is None or not readable(d, actor):
        raise NotFound(_("No such demand."))
    return d


def visible_demands(actor) -> list[DemandRequest]:
    """Every demand the actor reads, newest first (drafts only to their own agency)."""
    stmt = select(DemandRequest).order_by(DemandRequest.id.desc())
    if roles.is_overseer(actor):
        stmt = stmt.where(DemandRequest.state != D.DRAFT)
    elif roles.is_agency_staff(actor) and actor.agency_id:
        stmt = stmt.where(or_(DemandRequest.requester_agency_id == actor.agency_id,
                              DemandRequest.provider_agency_id == actor.agency_id))
    else:
        return []
    return list(db.session.scalars(stmt))


def may_file(actor) -> bool:
    return roles.is_agency_staff(actor) and roles.is_share_officer_of(actor, actor.agency_id)


# ---- filing ------------------------------------------------------------------------------------------
def file_demand(data: dict[str, Any], actor, *, submit_now: bool = True) -> DemandRequest:
    """A new demand of the actor's agency (its share officer only), submitted at once unless a draft."""
    if not may_file(actor):
        raise Forbidden(_("Only your agency's share officer files demands."))
    if not data.get("commitment"):
        message = _("Commit to the truth, compliance and security of the demand.")
        raise Invalid(message, {"commitment": message})
    d = DemandRequest(requester_agency_id=actor.agency_id, created_by_id=actor.id, state=D.DRAFT,
                      title=data["title"].strip(), items=[i.strip() for i in data.get("items") or [] if i.strip()],
                      description=data.get("description", "").strip(), scenario=data["scenario"].strip(),
                      legal_duty=data["legal_duty"].strip(),
                      suggested_provider=(data.get("suggested_provider") or "").strip(), commitment=True)
    db.session.add(d)
    db.session.flush()
    if not submit_now:
        db.session.commit()
        return d
    return submit(d, actor)


def submit(d: DemandRequest, actor) -> DemandRequest:
    def effect(_t) -> None:
        d.submitted_at = utcnow()
        d.review_due = d.due_date
        demand_event(d, "submit", actor)
    DEMAND.perform(d, "submit", actor, effect=effect,
                   details=lambda: {"requester": d.requester.slug, "review_due": d.review_due.isoformat()})
    return d


def _agency(slug: str | None) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.slug == (slug or "").strip())) if slug else None
    if agency is None:
        message = _("Choose the source agency.")
        raise Invalid(message, {"provider": message})
    return agency


def act(d: DemandRequest, action: str, actor, data: dict[str, Any], version: int | None = None) -> DemandRequest:
    """One step of the table: return, forward (data["provider"] = agency slug), agree, agree_later
    (data["ready_on"]), refuse (reason + legal basis), not_ours, fulfil (data["dataset"] optional), dispute;
    asked upward: ask_upward (upward_to, upward_reference, upward_sent_on, reason), upward_agreed
    (upward_answer, available_on), upward_refused (the higher level's reason + basis), upward_received,
    withdraw."""
    reason = (data.get("reason") or "").strip()
    details: dict[str, Any] = {}
    if action in ("refuse", "upward_refused"):
        reason = (data.get("refusal_reason") or "").strip()
        basis = (data.get("refusal_legal_basis") or "").strip()
        if reason and not basis:
            message = _("State the legal basis of the refusal.")
            raise Invalid(message, {"refusal_legal_basis": message})
    if action in UPWARD_FIELDS:
        DEMAND.check(d, action, actor, reason or "x", version)  # who and when first: 403/409 before 422
        _check_upward(d, action, data)
    effect = _effects(d, action, actor, data, reason, details)
    DEMAND.perform(d, action, actor, reason, effect=effect, details=lambda: details, version=version)
    return d


# ---- asked upward (R2024 §25「向上级公共数据主管部门申请获取」, SZ §20) ---------------------------------
UPWARD_FIELDS = {"ask_upward": ("upward_to", "upward_reference", "upward_sent_on"),
                 "upward_agreed": ("upward_answer", "available_on")}


def _check_upward(d: DemandRequest, action: str, data: dict[str, Any]) -> None:
    """Every field the step needs, all named at once (422), before anything changes."""
    messages = {
        "upward_to": _("Name the higher authority or platform the demand is sent to."),
        "upward_reference": _("Give the reference number of the application sent upward."),
        "upward_sent_on": _("Give the date the application was sent (not after today)."),
        "upward_answer": _("Say how the data will be made available."),
        "available_on": _("Give the date the data will be available (not before the application was sent)."),
    }
    errors = {}
    for name in UPWARD_FIELDS[action]:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        if name == "upward_sent_on" and isinstance(value, date) and value > today():
            value = None
        if name == "available_on" and isinstance(value, date) and d.upward_sent_on and value < d.upward_sent_on:
            value = None
        if not value:
            errors[name] = messages[name]
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)


def _upward_effect(d: DemandRequest, action: str, data: dict[str, Any], reason: str, details: dict) -> str:
    """The upward step's own changes; returns the timeline note."""
    if action == "ask_upward":
        d.upward_to, d.upward_reference = data["upward_to"].strip(), data["upward_reference"].strip()
        d.upward_sent_on = data["upward_sent_on"]
        details.update(upward_to=d.upward_to, reference=d.upward_reference, sent_on=d.upward_sent_on.isoformat(),
                       follow_up=d.due_date.isoformat())
        return sentences(_("%(to)s, reference %(ref)s, sent %(date)s.", to=d.upward_to, ref=d.upward_reference,
                           date=d.upward_sent_on.isoformat()), reason)
    if action == "upward_agreed":
        d.upward_answer = data["upward_answer"].strip()
        d.due_date = d.completion_due = data["available_on"]
        d.agree_mode, d.answered_at = AgreeMode.UPWARD, utcnow()
        details.update(answer=d.upward_answer, available_on=d.completion_due.isoformat())
        return sentences(d.upward_answer, _("Available by %(date)s", date=d.completion_due.isoformat()), reason)
    if action == "upward_refused":
        d.refusal_reason, d.refusal_legal_basis = reason, (data.get("refusal_legal_basis") or "").strip()
        d.answered_at = utcnow()
        details.update(legal_basis=d.refusal_legal_basis, upward_to=d.upward_to)
        return f"{reason} — {d.refusal_legal_basis}"
    if action == "upward_received":
        d.fulfilled_at = utcnow()
        details.update(on_time=bool(d.completion_due and today() <= d.completion_due))
    return reason


def _effects(d: DemandRequest, action: str, actor, data: dict[str, Any], reason: str, details: dict):
    def effect(t) -> None:
        note = reason
        if action in ("ask_upward", "upward_agreed", "upward_refused", "upward_received"):
            note = _upward_effect(d, action, data, reason, details)
        elif action == "return":
            d.return_reason = reason
        elif action == "forward":
            agency = _agency(data.get("provider"))
            if agency.id == d.requester_agency_id:
                message = _("A demand cannot be forwarded to the agency that filed it.")
                raise Invalid(message, {"provider": message})
            d.provider_agency_id = agency.id
            d.answer_due = d.due_date
            note = agency.name
            details.update(provider=agency.slug, answer_due=d.answer_due.isoformat())
        elif action in ("agree", "agree_later"):
            if action == "agree_later":
                ready_on = data.get("ready_on")
                if not isinstance(ready_on, date) or ready_on <= today():
                    message = _("Give the date by which the data can be shared (after today).")
                    raise Invalid(message, {"ready_on": message})
                d.due_date = ready_on
            d.agree_mode = AgreeMode.DIRECT if action == "agree" else AgreeMode.PROCESSING
            d.completion_due = d.due_date
            d.answered_at = utcnow()
            details.update(mode=d.agree_mode, completion_due=d.completion_due.isoformat(),
                           on_time=bool(d.answer_due and today() <= d.answer_due))
            note = _("Completion due %(date)s", date=d.completion_due.isoformat())
        elif action == "refuse":
            d.refusal_reason, d.refusal_legal_basis = reason, (data.get("refusal_legal_basis") or "").strip()
            d.answered_at = utcnow()
            details.update(legal_basis=d.refusal_legal_basis)
            note = f"{reason} — {d.refusal_legal_basis}"
        elif action == "not_ours":
            details.update(provider=d.provider.slug if d.provider else None)
            d.provider_agency_id = None
            d.review_due = d.due_date
        elif action == "fulfil":
            ds = _fulfilling_entry(d, data.get("dataset"))
            d.fulfilled_dataset_id, d.fulfilled_dataset = ds.id, ds
            d.fulfilled_at = utcnow()
            note = sentences(ds.title, note)
            details.update(dataset=ds.slug, dataset_state=ds.state,
                           on_time=bool(d.completion_due and today() <= d.completion_due))
        demand_event(d, t.action, actor, note)
    return effect


# ---- fulfilment: the catalog entry that holds the data --------------------------------------------
FULFILLING_STATES = (DatasetState.PUBLISHED, DatasetState.SUBMITTED)


def fulfil_choices(d: DemandRequest) -> list[Dataset]:
    """The entries that may fulfil the demand: the source agency's, published or submitted for review
    (SHARING.md §3.4「entry submitted for review」)."""
    if d.provider_agency_id is None:
        return []
    return list(db.session.scalars(select(Dataset).where(
        Dataset.agency_id == d.provider_agency_id, Dataset.state.in_(FULFILLING_STATES)).order_by(Dataset.title)))


def _fulfilling_entry(d: DemandRequest, key: Any) -> Dataset:
    key = (key or "").strip() if isinstance(key, str) else ""
    ds = db.session.scalar(select(Dataset).where(or_(Dataset.slug == key, Dataset.id == key))) if key else None
    if ds is None or ds.agency_id != d.provider_agency_id or ds.state not in FULFILLING_STATES:
        message = _("Choose the catalog entry of your agency, published or submitted for review, that holds the "
                    "data.")
        raise Invalid(message, {"dataset": message})
    return ds


def fulfilled_entry(d: DemandRequest) -> dict[str, str] | None:
    """The entry that fulfilled the demand, for its page: title, code and the public page once published."""
    ds = d.fulfilled_dataset
    if ds is None:
        return None
    return {"title": ds.title, "code": ds.code or "",
            "url": f"/dataset/{ds.slug}" if ds.state == DatasetState.PUBLISHED else ""}


def sentences(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# ---- the lists (§2.2): this workflow's rows, registered with the lists -------------------------------
def _list_row(d: DemandRequest, *, responsibility: bool) -> ListRow:
    return ListRow(agency=(d.provider if responsibility else d.requester).name, kind=_("Demand for data"),
                   title=d.title, url=demand_link(d),
                   due=d.completion_due if responsibility else (d.due_date if d.state in DEMAND_OPEN else None),
                   state=label(DEMAND_STATE_LABELS, d.state),
                   party=d.requester.name if responsibility else (d.provider.name if d.provider else d.upward_to),
                   extra={"id": d.id, "state": d.state})


@register_responsibility_source
def responsibility_rows(agency_ids: Sequence[int] | None) -> Iterator[ListRow]:
    """责任清单: the demands the providing agencies agreed to (R2024 §24「列入共享责任清单」), with their
    completion due date; fulfilled ones stay listed."""
    stmt = select(DemandRequest).where(DemandRequest.state.in_((D.AGREED, D.FULFILLED)),
                                       DemandRequest.provider_agency_id.is_not(None))  # not the ones asked upward
    if agency_ids is not None:
        stmt = stmt.where(DemandRequest.provider_agency_id.in_(agency_ids))
    for d in db.session.scalars(stmt.order_by(DemandRequest.completion_due, DemandRequest.id)):
        yield _list_row(d, responsibility=True)


@register_demand_source
def demand_list_rows(agency_ids: Sequence[int] | None) -> Iterator[ListRow]:
    """需求清单: every demand the requesting agencies submitted, with its state."""
    stmt = select(DemandRequest).where(DemandRequest.state != D.DRAFT)
    if agency_ids is not None:
        stmt = stmt.where(DemandRequest.requester_agency_id.in_(agency_ids))
    for d in db.session.scalars(stmt.order_by(DemandRequest.id.desc())):
        yield _list_row(d, responsibility=False)


# ---- supervision -------------------------------------------------------------------------------------
def _running() -> list[DemandRequest]:
    return list(db.session.scalars(select(DemandRequest).where(DemandRequest.state.in_(DEMAND_OPEN),
                                                               DemandRequest.due_date.is_not(None))))


def _who_acts(d: DemandRequest) -> list[int]:
    if d.state == D.AUTHORITY_REVIEW or d.provider_agency_id is None:
        return roles.authority_account_ids()
    return officer_ids(d.provider_agency_id)


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Demand for data"), title=d.title, url=demand_link(d),
                 due=d.due_date, agency=d.provider.name if d.provider else _("Data authority"),
                 state=label(DEMAND_STATE_LABELS, d.state), assignees=_who_acts(d),
                 provisional=bool(workdays.provisional(d.submitted_at, d.due_date)))
            for d in _running()]


def _recounted(d: DemandRequest, due: date, _cal) -> None:
    d.due_date = due
    field = {D.AUTHORITY_REVIEW: "review_due", D.PROVIDER_REVIEW: "answer_due", D.AGREED: "completion_due"}
    if d.state in field and not (d.state == D.AGREED and d.agree_mode == AgreeMode.PROCESSING):
        setattr(d, field[d.state], due)


def _clock_start(d: DemandRequest):
    """When the running period began: the last step that started it."""
    return d.events[-1].at if d.events else d.submitted_at


register_workflow(supervision_cases, Deadlines(
    "share_demand", lambda: [d for d in _running() if d.agree_mode not in (AgreeMode.PROCESSING, AgreeMode.UPWARD)],
    start=_clock_start, label=lambda d: _("Demand No. %(n)d: “%(title)s”", n=d.id, title=d.title),
    link=demand_link, parties=lambda d: [*officer_ids(d.requester_agency_id), *_who_acts(d)],
    set_due=_recounted))
