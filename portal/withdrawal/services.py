"""Planned withdrawal of a published entry (停止提供预告, OVERSIGHT §2): SZ §12「至少提前一个月通知」
「审核通过后」, R2018 §18「提供正当理由说明」, R2021 §26「提前告知」.

The agency's staff file the reason and the last day, at least WITHDRAWAL_NOTICE_MONTHS months after
filing (民法典 §202, workdays.add_months, as the sharing stop notices). From filing the entry's page, the
API, DCAT and the change feed say "将于…后停止提供" with the reason; holders of active grants and share
grants and applicants with open applications are told that day. The authority may return it before the
last day; in mode `approve` it must approve it. The agency may withdraw it. The day after the last day the
deadline run (`flask portal deadlines`) unpublishes the entry with the filed reason (catalog.review.unpublish).
Immediate stops (rights complaints, the authority's unpublish) are untouched.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..catalog import review
from ..catalog.indexing import index_datasets
from ..catalog.models import Dataset, DatasetChange, DatasetState
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..opening.models import Application, ApplicationState, Grant, GrantState
from ..sharing.dispute_common import grants_of, holder_agency_ids, officers_of
from ..supervision.services import Case, Notice, register_case_source, register_notice_source
from ..workflow import Transition, Workflow
from .models import Withdrawal, WithdrawalState

W = WithdrawalState
AGENCY, AUTHORITY, SYSTEM = roles.AGENCY, roles.AUTHORITY_ACTOR, roles.SYSTEM
OPEN = (W.FILED, W.APPROVED)
DECISIONS = ("approve", "return", "withdraw")


def today() -> date:
    return workdays.china_date(utcnow())


def _relations(w: Withdrawal, actor: Any) -> set[str]:
    if actor == SYSTEM:
        return {SYSTEM}
    return roles.relations(actor, agency_id=w.agency_id)


WITHDRAWAL = Workflow("withdrawal", [
    Transition("file", (None,), W.FILED, (AGENCY,), "withdrawal.file", needs_reason=True,
               reason_missing=lambda _w: _("State the reason for stopping.")),
    Transition("approve", (W.FILED,), W.APPROVED, (AUTHORITY,), "withdrawal.approve"),
    Transition("return", (W.FILED,), W.RETURNED, (AUTHORITY,), "withdrawal.return", stops=True, needs_reason=True,
               reason_missing=lambda _w: _("Give the reason for returning the withdrawal.")),
    Transition("withdraw", OPEN, W.WITHDRAWN, (AGENCY,), "withdrawal.withdraw", stops=True),
    Transition("take_effect", OPEN, W.EFFECTIVE, (SYSTEM,), "withdrawal.take_effect", stops=True),
], relations=_relations, object_type="withdrawal", reason_max=5000,
    conflict=lambda _w: _("This action is not possible in the withdrawal's current state."))


def link(w: Withdrawal) -> str:
    return f"/withdrawals/{w.id}"


def earliest_last_day(filed: date) -> date:
    return workdays.add_months(filed, current_app.config["WITHDRAWAL_NOTICE_MONTHS"])


def may_read(actor: Any, w: Withdrawal) -> bool:
    return roles.is_staff_of(actor, w.agency_id) or roles.is_overseer(actor)


def get(withdrawal_id: int, actor: Any) -> Withdrawal:
    w = db.session.get(Withdrawal, withdrawal_id)
    if w is None or not may_read(actor, w):
        raise NotFound(_("There is no planned withdrawal of yours with this number."))
    return w


def allowed_actions(w: Withdrawal, actor: Any) -> list[str]:
    actions = [a for a in WITHDRAWAL.allowed_actions(w, actor) if a in DECISIONS]
    if w.mode != "approve":
        actions = [a for a in actions if a != "approve"]
    if today() > w.last_day:
        actions = [a for a in actions if a not in ("approve", "return")]
    return actions


def may_file(ds: Dataset, actor: Any) -> bool:
    """Whether the entry's page offers `actor` to announce its withdrawal (the table's `file` row, a published
    entry, none announced yet)."""
    probe = Withdrawal(agency_id=ds.agency_id, state=None)
    return ("file" in WITHDRAWAL.allowed_actions(probe, actor) and ds.state == DatasetState.PUBLISHED
            and announced(ds.id) is None)


def announced(dataset_id: str) -> Withdrawal | None:
    """The withdrawal announced on an entry (filed or approved, not yet in effect), or None."""
    return db.session.scalars(select(Withdrawal).where(Withdrawal.dataset_id == dataset_id,
                                                       Withdrawal.state.in_(OPEN)).order_by(Withdrawal.id)).first()


def banner(w: Withdrawal) -> str:
    return _("This entry will no longer be provided after %(date)s. Reason: %(reason)s",
             date=w.last_day.isoformat(), reason=w.reason)


def announcements() -> dict[str, dict[str, Any]]:
    """Every announced withdrawal by entry id (few at any time): for the bulk dump, its change feed and DCAT."""
    rows = db.session.scalars(select(Withdrawal).where(Withdrawal.state.in_(OPEN)).order_by(Withdrawal.id))
    return {w.dataset_id: {"last_day": w.last_day, "reason": w.reason} for w in rows}


def announcement_of(last_day: date | None, reason: str | None) -> dict[str, Any] | None:
    """The same from the entry page's own row (catalog.queries reads the last day and reason with the entry)."""
    return None if last_day is None else {"last_day": last_day, "reason": reason or "", "text": _(
        "This entry will no longer be provided after %(date)s. Reason: %(reason)s", date=last_day.isoformat(),
        reason=reason or "")}


def announcement(dataset_id: str) -> dict[str, Any] | None:
    """What the entry's page, the API, DCAT and the change feed say while a withdrawal is announced."""
    w = announced(dataset_id)
    return None if w is None else {"last_day": w.last_day, "reason": w.reason, "text": banner(w)}


# ---- filing ------------------------------------------------------------------------------------------
def concerned_user_ids(ds: Dataset) -> list[int]:
    """Holders of active grants, share officers of agencies holding active share grants, open applicants."""
    grant_holders = db.session.scalars(select(Grant.user_id).where(Grant.dataset_id == ds.id,
                                                                   Grant.state == GrantState.ACTIVE))
    applicants = db.session.scalars(select(Application.applicant_id).where(
        Application.dataset_id == ds.id, Application.state.in_(
            (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.INFO_REQUESTED))))
    share_officers = officers_of(holder_agency_ids(grants_of(ds.id)))
    return list(dict.fromkeys([*grant_holders, *share_officers, *applicants]))


def _tell(w: Withdrawal) -> None:
    ds = w.dataset
    subject = _("“%(title)s” will no longer be provided after %(date)s", title=ds.title, date=w.last_day.isoformat())
    body = _("%(agency)s: %(reason)s", agency=w.agency.name, reason=w.reason)
    notify_all(w.told_user_ids, subject, body, link=f"/dataset/{ds.slug}", kind="withdrawal.filed")
    ask = (_("Approve or return the planned withdrawal of “%(title)s” before %(date)s", title=ds.title,
             date=w.last_day.isoformat()) if w.mode == "approve" else subject)
    notify_all(roles.authority_account_ids(), ask, body, link=link(w), kind="withdrawal.filed")


def file(values: Mapping[str, Any], actor: Any) -> Withdrawal:
    """File a planned withdrawal (the fields of WithdrawalIn); 422 naming the field, nothing kept otherwise."""
    from .schemas import WithdrawalIn
    data, errors = WithdrawalIn().read(values)
    ds = db.session.get(Dataset, data["dataset"]) if data.get("dataset") else None
    if data.get("dataset") and ds is None:
        raise NotFound(_("No catalog entry has this identifier."))
    filed = today()
    last_day = data.get("last_day")
    if last_day is not None and "last_day" not in errors and last_day < earliest_last_day(filed):
        errors["last_day"] = _("Give at least %(n)d month(s) of notice: the last day is %(date)s or later.",
                               n=current_app.config["WITHDRAWAL_NOTICE_MONTHS"],
                               date=earliest_last_day(filed).isoformat())
    w = Withdrawal(dataset=ds, dataset_id=getattr(ds, "id", None), agency_id=getattr(ds, "agency_id", None),
                   filed_by_id=getattr(actor, "id", None), filed_on=filed, reason=data.get("reason", ""),
                   last_day=last_day, mode=current_app.config["WITHDRAWAL_MODE"], due_date=last_day)
    if ds is not None:
        WITHDRAWAL.check(w, "file", actor, "x")  # 403 before 422: not the entry's agency
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    if ds.state != DatasetState.PUBLISHED:
        raise Conflict(_("Only a published entry can be withdrawn."))
    if announced(ds.id) is not None:
        raise Conflict(_("A withdrawal of this entry is already announced."))
    w.told_user_ids = concerned_user_ids(ds)

    def record(_t: Transition) -> None:
        db.session.add(w)
        db.session.flush()
        # a public history line: the entry's page history and the change feed carry the announcement
        ds.changes.append(DatasetChange(kind="withdrawal_announced", reason=w.reason, summary=_(
            "Provision will end after %(date)s.", date=w.last_day.isoformat())))
        _tell(w)
    WITHDRAWAL.perform(w, "file", actor, w.reason, effect=record, details=lambda: {
        "dataset": ds.id, "last_day": w.last_day.isoformat(), "mode": w.mode, "told": w.told_user_ids})
    return w


# ---- deciding, withdrawing, taking effect ------------------------------------------------------------
def act(w: Withdrawal, action: str, reason: str, actor: Any, version: int | None = None) -> None:
    if action == "approve" and w.mode != "approve":
        message = _("This withdrawal was filed for the record (备案); it takes effect without approval.")
        raise Conflict(message, {"action": message})
    if action in ("approve", "return") and today() > w.last_day:
        message = _("The last day has passed: the withdrawal can no longer be approved or returned.")
        raise Conflict(message, {"action": message})
    if action not in DECISIONS:
        action = ""

    def record(_t: Transition) -> None:
        w.decision_note = (reason or "").strip()
        title = w.dataset.title
        if action in ("approve", "return"):
            notify_all(_staff(w.agency_id), _("Planned withdrawal of “%(title)s”: %(state)s", title=title,
                                              state=_("approved") if action == "approve" else _("returned")),
                       reason, link=link(w), kind=f"withdrawal.{action}")
        if action in ("return", "withdraw"):
            w.dataset.changes.append(DatasetChange(kind="withdrawal_cancelled", reason=w.decision_note, summary=_(
                "The announced end of provision after %(date)s was cancelled.", date=w.last_day.isoformat())))
            notify_all(w.told_user_ids, _("“%(title)s” continues to be provided", title=title), reason,
                       link=f"/dataset/{w.dataset.slug}", kind=f"withdrawal.{action}")
    WITHDRAWAL.perform(w, action, actor, reason, effect=record, version=version)


def _staff(agency_id: int) -> list[int]:
    from ..opening.workflow import staff_ids
    return staff_ids(agency_id)


def take_effect(w: Withdrawal, on: date) -> None:
    """The day after the last day: the entry is unpublished with the filed reason (review.unpublish)."""
    ds = w.dataset
    unpublish = ds.state == DatasetState.PUBLISHED

    def effect(_t: Transition) -> None:
        w.effective_on = on
        if unpublish:
            review.unpublish(ds, SYSTEM, w.reason, commit=False)
    WITHDRAWAL.perform(w, "take_effect", SYSTEM, w.reason, effect=effect,
                       details=lambda: {"dataset": ds.id, "on": on.isoformat(), "unpublished": unpublish})
    if unpublish:
        index_datasets([ds])


def due(on: date) -> list[Withdrawal]:
    rows = db.session.scalars(select(Withdrawal).where(Withdrawal.state.in_(OPEN), Withdrawal.last_day < on)
                              .order_by(Withdrawal.id))
    return [w for w in rows if (w.state == W.FILED) == (w.mode == "file")]


def advance(on: date) -> int:
    rows = due(on)
    for w in rows:
        take_effect(w, on)
    return len(rows)


@register_notice_source
def _moved(on: date) -> list[Notice]:
    advance(on)
    return []


@register_case_source
def supervision_cases() -> list[Case]:
    rows = db.session.scalars(select(Withdrawal).where(Withdrawal.state == W.FILED, Withdrawal.mode == "approve"))
    return [Case(kind=_("Planned withdrawal"), title=w.dataset.title, url=link(w), due=w.last_day,
                 agency=w.agency.name, state=_("Awaiting approval"), assignees=roles.authority_account_ids())
            for w in rows]
