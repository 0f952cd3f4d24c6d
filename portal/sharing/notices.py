"""Stopping or narrowing sharing (停止/变更共享, SHARING.md §3.8): SZ §12「至少提前一个月通知」, R2018 §18.

The provider's share officer files a notice naming the entry (and the files, or what narrows), the
legitimate reason (正当理由) and the last day of sharing, which must be at least SHARE_CHANGE_NOTICE_MONTHS
months after filing (民法典 §202) unless a legal ground for a shorter notice is recorded (the authority is
then alerted). Every agency holding an active grant of the entry is told the day it is filed. In mode
`file` (备案, default) the notice takes effect by itself the day after the last day; in mode `approve` the
authority approves it (or returns it) first. On taking effect the entry's grants end (SHARE_GRANT `end`).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import roles
from ..catalog.models import Dataset
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..supervision.services import Case, register_case_source
from ..workdays import add_months
from .dispute_common import LIVE_GRANT_STATES, grants_of, holder_agency_ids, not_found, officers_of
from .dispute_models import NoticeKind, NoticeState, ShareChangeNotice
from .dispute_schemas import NoticeIn
from .dispute_workflow import CHANGE_NOTICE, NOTICE_DECISIONS, SYSTEM, today
from .workflow import SHARE_GRANT, officer_ids

N = NoticeState
KIND_LABELS = {NoticeKind.STOP: _l("Stop sharing"), NoticeKind.NARROW: _l("Narrow sharing")}


def link(notice: ShareChangeNotice) -> str:
    return f"/sharing/notices/{notice.id}"


def earliest_last_day(filed: date) -> date:
    return add_months(filed, current_app.config["SHARE_CHANGE_NOTICE_MONTHS"])


# ---- who reads, what they may do -------------------------------------------------------------------
def may_read(actor: Any, notice: ShareChangeNotice) -> bool:
    """The provider's staff, the staff of every agency told at filing, the authority, auditors."""
    return (roles.is_staff_of(actor, notice.provider_agency_id) or roles.is_overseer(actor)
            or any(roles.is_staff_of(actor, a) for a in notice.holder_agency_ids))


def get_notice(notice_id: int, actor: Any) -> ShareChangeNotice:
    notice = db.session.get(ShareChangeNotice, notice_id)
    if notice is None or not may_read(actor, notice):
        raise not_found(_("stop or change notice"))
    return notice


def allowed_actions(notice: ShareChangeNotice, actor: Any) -> list[str]:
    actions = CHANGE_NOTICE.allowed_actions(notice, actor)
    if notice.mode != "approve":
        actions = [a for a in actions if a != "approve"]
    return [a for a in actions if a in NOTICE_DECISIONS]


def visible(actor: Any) -> list[ShareChangeNotice]:
    rows = db.session.scalars(select(ShareChangeNotice).order_by(ShareChangeNotice.id.desc()))
    return [n for n in rows if may_read(actor, n)]


def open_notices_of(dataset_id: str) -> list[ShareChangeNotice]:
    """The notices of an entry still to take effect (pages that show a grant mention them)."""
    return list(db.session.scalars(select(ShareChangeNotice).where(
        ShareChangeNotice.dataset_id == dataset_id, ShareChangeNotice.state.in_((N.FILED, N.APPROVED)))))


# ---- filing ------------------------------------------------------------------------------------------
def _tell_holders(notice: ShareChangeNotice) -> None:
    ds = notice.dataset
    subject = (_("Sharing of “%(title)s” stops after %(date)s", title=ds.title, date=notice.last_day.isoformat())
               if notice.kind == NoticeKind.STOP else
               _("Sharing of “%(title)s” narrows after %(date)s", title=ds.title, date=notice.last_day.isoformat()))
    body = _("%(agency)s: %(reason)s", agency=notice.provider.name, reason=notice.reason)
    if notice.change:
        body += "\n" + notice.change
    notify_all(officers_of(notice.holder_agency_ids), subject, body, link=link(notice), kind="share_notice.filed")
    authority = roles.authority_account_ids()
    if notice.short_notice_ground:
        notify_all(authority, _("Short notice: sharing of “%(title)s” ends %(date)s", title=ds.title,
                                date=notice.last_day.isoformat()),
                   _("Legal ground given for the shorter notice: %(ground)s", ground=notice.short_notice_ground),
                   link=link(notice), kind="share_notice.short")
    if notice.mode == "approve":
        notify_all(authority, _("Approve or return the notice on “%(title)s” before %(date)s", title=ds.title,
                                date=notice.last_day.isoformat()), notice.reason, link=link(notice),
                   kind="share_notice.approval")


def file_notice(values: Mapping[str, Any], actor: Any) -> ShareChangeNotice:
    """File a notice (the fields of NoticeIn, from the form or the API); 422 naming the field otherwise."""
    data, errors = NoticeIn().read(values)
    ds = db.session.get(Dataset, data.get("dataset") or "") if data.get("dataset") else None
    if data.get("dataset") and ds is None:
        raise NotFound(_("No catalog entry has this identifier."))
    if data.get("kind") not in tuple(NoticeKind):
        errors["kind"] = _("Choose whether sharing stops or narrows.")
    if data.get("kind") == NoticeKind.NARROW and not data.get("change"):
        errors["change"] = _("Say what narrows.")
    if ds is not None:
        own = {r.id for r in ds.resources}
        if set(data.get("resource_ids") or ()) - own:
            errors["resource_ids"] = _("Choose among the entry's files.")
    filed = today()
    last_day = data.get("last_day")
    if last_day is not None and "last_day" not in errors:
        earliest = earliest_last_day(filed)
        if last_day <= filed:
            errors["last_day"] = _("The last day must be after today.")
        elif last_day < earliest and not data.get("short_notice_ground"):
            errors["last_day"] = _("Give at least %(n)d month(s) of notice: the last day is %(date)s or later, "
                                   "unless you record the legal ground for a shorter notice.",
                                   n=current_app.config["SHARE_CHANGE_NOTICE_MONTHS"], date=earliest.isoformat())
    notice = ShareChangeNotice(dataset=ds, dataset_id=getattr(ds, "id", None),
                               provider_agency_id=getattr(ds, "agency_id", None),
                               filed_by_id=getattr(actor, "id", None), kind=data.get("kind") or NoticeKind.STOP,
                               resource_ids=list(data.get("resource_ids") or ()), change=data.get("change", ""),
                               reason=data.get("reason", ""), last_day=last_day,
                               short_notice_ground=(data.get("short_notice_ground", "")
                                                    if last_day and last_day < earliest_last_day(filed) else ""),
                               mode=current_app.config["SHARE_CHANGE_MODE"], due_date=last_day)
    if ds is not None:
        CHANGE_NOTICE.check(notice, "file", actor, data.get("reason", "x"))  # 403 before any 422: not the provider
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    holders = grants_of(ds.id, notice.resource_ids)
    notice.holder_agency_ids = holder_agency_ids(holders)

    def record(_step) -> None:
        db.session.add(notice)
        db.session.flush()
        _tell_holders(notice)
    CHANGE_NOTICE.perform(notice, "file", actor, notice.reason, effect=record, details=lambda: {
        "dataset": ds.id, "kind": notice.kind, "last_day": notice.last_day.isoformat(), "mode": notice.mode,
        "short_notice_ground": notice.short_notice_ground, "holders": notice.holder_agency_ids})
    return notice


# ---- deciding, withdrawing, taking effect ------------------------------------------------------------
def act(notice: ShareChangeNotice, action: str, reason: str, actor: Any, version: int | None = None) -> None:
    if action == "approve" and notice.mode != "approve":
        message = _("This notice was filed for the record (备案); it takes effect without approval.")
        raise Conflict(message, {"action": message})
    if action not in NOTICE_DECISIONS:
        action = ""
    if action in ("approve", "return") and today() > notice.last_day and notice.state == N.FILED:
        message = _("The last day of sharing has passed: the notice can no longer be approved or returned.")
        raise Conflict(message, {"action": message})

    def record(_step) -> None:
        notice.decision_note = (reason or "").strip()
        if action == "approve" or action == "return":
            notify_all(officer_ids(notice.provider_agency_id),
                       _("Your notice on “%(title)s”: %(state)s", title=notice.dataset.title,
                         state=_("approved") if action == "approve" else _("returned")),
                       reason, link=link(notice), kind=f"share_notice.{action}")
        elif action == "withdraw":
            notify_all(officers_of(notice.holder_agency_ids),
                       _("Sharing of “%(title)s” continues: the notice was withdrawn", title=notice.dataset.title),
                       reason, link=link(notice), kind="share_notice.withdraw")
    CHANGE_NOTICE.perform(notice, action, actor, reason, effect=record, version=version)


def take_effect(notice: ShareChangeNotice, on: date) -> None:
    """The day after the last day: the grants of the entry (of its named files) end, as the portal."""
    why = _("Sharing stopped by notice No. %(n)d of %(agency)s (last day %(date)s).", n=notice.id,
            agency=notice.provider.name, date=notice.last_day.isoformat())

    def end_grants(_step) -> None:
        notice.effective_on = on
        ended = []
        for grant in grants_of(notice.dataset_id, notice.resource_ids, states=LIVE_GRANT_STATES):
            SHARE_GRANT.perform(grant, "end", SYSTEM, why, commit=False)
            ended.append(grant.id)
        notice.ended_grant_ids = ended
        notify_all([*officers_of(notice.holder_agency_ids), *officer_ids(notice.provider_agency_id)],
                   _("Sharing of “%(title)s” has ended", title=notice.dataset.title), why, link=link(notice),
                   kind="share_notice.effective")
    CHANGE_NOTICE.perform(notice, "take_effect", SYSTEM, why, effect=end_grants,
                          details=lambda: {"ended_grants": notice.ended_grant_ids, "on": on.isoformat()})


def due_to_take_effect(on: date) -> list[ShareChangeNotice]:
    """Notices whose last day has passed: filed ones in mode `file`, approved ones in mode `approve`."""
    rows = db.session.scalars(select(ShareChangeNotice).where(
        ShareChangeNotice.state.in_((N.FILED, N.APPROVED)), ShareChangeNotice.last_day < on)
        .order_by(ShareChangeNotice.id))
    return [n for n in rows if (n.state == N.FILED) == (n.mode == "file")]


def advance(on: date) -> int:
    """Make every notice whose last day has passed take effect (run by `flask portal deadlines`)."""
    due = due_to_take_effect(on)
    for notice in due:
        take_effect(notice, on)
    return len(due)


# ---- supervision: a notice awaiting the authority's approval is due by its last day ------------------
@register_case_source
def supervision_cases() -> list[Case]:
    rows = db.session.scalars(select(ShareChangeNotice).where(ShareChangeNotice.state == N.FILED,
                                                              ShareChangeNotice.mode == "approve"))
    return [Case(kind=_("Stop or change notice"), title=n.dataset.title, url=link(n), due=n.last_day,
                 agency=n.provider.name, state=_("Awaiting approval"), assignees=roles.authority_account_ids())
            for n in rows]
