"""Publishing: submission, the authority's review within 5 workdays (R2024 §10–11), and un-publishing.

Every state change of an entry, and of a staged edit of a published entry, follows TRANSITIONS;
an action not in the table raises Conflict (409).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts.models import Role, User
from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, deadline_marks, register_workflow
from . import editing
from .models import Dataset, DatasetChange, DatasetState, Resource, Review, ReviewState, Theme
from .indexing import index_datasets
from ..concurrency import one_decision as one_decision_with

TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {DatasetState.DRAFT: DatasetState.SUBMITTED, DatasetState.RETURNED: DatasetState.SUBMITTED},
    "approve": {DatasetState.SUBMITTED: DatasetState.PUBLISHED},
    "return": {DatasetState.SUBMITTED: DatasetState.RETURNED},
    "unpublish": {DatasetState.PUBLISHED: DatasetState.WITHDRAWN},
}
CHECKS = ("confidentiality", "disclosure")  # 保密审查、公开审查 (SZ §23)


def next_state(state: str | None, action: str) -> str:
    """The state an action leads to, or Conflict when the table does not allow it."""
    target = TRANSITIONS.get(action, {}).get(state or "")
    if target is None:
        raise Conflict(_("This action is not possible in the entry's current state."),
                       {"state": state, "action": action})
    return target


def _require_authority(actor: User) -> None:
    if actor.role not in (Role.AUTHORITY, Role.ADMIN):
        raise Forbidden(_("Only the data authority reviews catalog entries."))


one_decision = one_decision_with(lambda: _("Another reviewer decided this submission at the same time; reload the page."))


def submit(ds: Dataset, actor: User) -> Review:
    """Send a draft (or the staged edit of a published entry) to the authority; due in 5 workdays."""
    editing.require_staff_of(actor, ds)
    is_revision = ds.state == DatasetState.PUBLISHED
    if is_revision:
        if ds.pending is None:
            raise Conflict(_("There is no edit to submit."))
        ds.pending_state = next_state(ds.pending_state, "submit")
        snapshot = dict(ds.pending)
    else:
        ds.state = next_state(ds.state, "submit")
        snapshot = editing.entry_data(ds)
    now = utcnow()
    review = Review(dataset=ds, kind="revision" if is_revision else "publish", snapshot=snapshot,
                    submitted_by_id=actor.id, submitted_at=now,
                    due_date=workdays.add_workdays(now, current_app.config["REVIEW_WORKDAYS"]))
    db.session.add(review)
    db.session.flush()
    audit.record(actor, "dataset.submit", "dataset", ds.id,
                 details={"review": review.id, "kind": review.kind, "due": review.due_date.isoformat()})
    db.session.commit()
    return review


def get_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(_("No review has this number."))
    return review


# ---- the submission as it will be published ---------------------------------
@dataclass(frozen=True)
class Submission:
    """What the review page shows: the submitted entry shaped as the public page reads an entry (the same
    macros render both), its keywords, data items and file formats, the fields a staged edit changes, and
    the files under review."""
    entry: SimpleNamespace
    tags: list
    items: list
    formats: list[str]
    changed: frozenset[str]
    files: list[Resource]


def submission(review: Review) -> Submission:
    """The review's snapshot as the entry it would publish (coded values kept, labelled by the template)."""
    ds, data = review.dataset, review.snapshot
    fields: dict[str, Any] = {f: data.get(f) or "" for f in editing.TEXT_FIELDS}
    for f in editing.DATE_FIELDS:
        fields[f] = date.fromisoformat(data[f]) if data.get(f) else None
    slug = data.get("theme") or ""
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug)) if slug else None
    entry = SimpleNamespace(**fields, theme=theme or SimpleNamespace(slug=slug, name=slug), agency=ds.agency,
                            published_at=ds.published_at, data_updated_at=ds.data_updated_at,
                            download_count=ds.download_count)
    changed: frozenset[str] = frozenset()
    if review.kind == "revision" and review.state == ReviewState.PENDING:
        now = editing.entry_data(ds)
        changed = frozenset(k for k in data if data.get(k) != now.get(k))
    return Submission(entry=entry, tags=[SimpleNamespace(name=t) for t in data.get("tags") or []],
                      items=list(data.get("items") or []), formats=sorted({r.format for r in ds.resources if r.format}),
                      changed=changed, files=list(ds.resources))


def _pending(review: Review) -> None:
    if review.state != ReviewState.PENDING:
        raise Conflict(_("This review has already been decided."))


@one_decision
def record_check(review: Review, check: str, note: str, actor: User) -> Review:
    """Record the confidentiality or disclosure review of a submission, with its note."""
    _require_authority(actor)
    _pending(review)
    if check not in CHECKS:
        raise Invalid(_("Unknown review check."), {"check": check})
    if not note.strip():
        raise Invalid(_("Write down what was reviewed and the conclusion."), {f"{check}_note": ""})
    setattr(review, f"{check}_by_id", actor.id)
    setattr(review, f"{check}_at", utcnow())
    setattr(review, f"{check}_note", note.strip())
    audit.record(actor, f"review.{check}", "dataset", review.dataset_id, note.strip(), {"review": review.id})
    db.session.commit()
    return review


@one_decision
def approve(review: Review, actor: User, comment: str = "") -> Review:
    """Publish the entry (or its staged edit); both reviews must be on record. Indexes after commit."""
    _require_authority(actor)
    _pending(review)
    missing = [c for c in CHECKS if getattr(review, f"{c}_at") is None]
    if missing:
        raise Invalid(_("Record the confidentiality review and the disclosure review before publishing."),
                      {c: "" for c in missing})
    ds = review.dataset
    now = utcnow()
    if review.kind == "revision":
        ds.pending_state = next_state(ds.pending_state, "approve")
        editing.apply_pending(ds, actor, comment)
        ds.changes.append(DatasetChange(kind="updated", summary=_("Catalog information updated after review."),
                                        reason=comment))
    else:
        ds.state = next_state(ds.state, "approve")
        ds.published_at = ds.published_at or now
        ds.data_updated_at = ds.data_updated_at or now
        ds.changes.append(DatasetChange(kind="published", summary=_("Published after review."), reason=comment))
    review.state, review.decided_by_id, review.decided_at, review.comment = ReviewState.APPROVED, actor.id, now, comment
    audit.record(actor, "dataset.publish" if review.kind == "publish" else "dataset.revision_approved",
                 "dataset", ds.id, comment, {"review": review.id})
    db.session.commit()
    index_datasets([ds])
    return review


@one_decision
def return_(review: Review, actor: User, comment: str) -> Review:
    """Send the submission back to the agency with comments."""
    _require_authority(actor)
    _pending(review)
    if not comment.strip():
        raise Invalid(_("Say what the agency must change."), {"comment": ""})
    ds = review.dataset
    if review.kind == "revision":
        ds.pending_state = next_state(ds.pending_state, "return")
    else:
        ds.state = next_state(ds.state, "return")
    review.state, review.decided_by_id, review.decided_at = ReviewState.RETURNED, actor.id, utcnow()
    review.comment = comment.strip()
    audit.record(actor, "dataset.return", "dataset", ds.id, review.comment, {"review": review.id})
    db.session.commit()
    return review


def unpublish(ds: Dataset, actor: User, reason: str) -> None:
    """Take a published entry off the portal with a stated reason (R2021 §26); it leaves search at once."""
    _require_authority(actor)
    if not reason.strip():
        raise Invalid(_("Stopping a published entry needs a stated reason."), {"reason": ""})
    ds.state = next_state(ds.state, "unpublish")
    ds.changes.append(DatasetChange(kind="withdrawn", summary=_("Withdrawn from the portal."), reason=reason.strip()))
    audit.record(actor, "dataset.unpublish", "dataset", ds.id, reason.strip())
    db.session.commit()
    index_datasets([ds])


# ---- queues -----------------------------------------------------------------
@dataclass
class QueueRow:
    review: Review
    overdue: bool
    due_soon: bool


def queue(today: date | None = None) -> list[QueueRow]:
    """Pending submissions by due date, overdue and due-soon marked."""
    today = today or workdays.china_date(utcnow())
    cal = workdays.shared_calendar()
    reviews = db.session.scalars(select(Review).where(Review.state == ReviewState.PENDING)
                                 .order_by(Review.due_date, Review.submitted_at)).all()
    return [QueueRow(r, *deadline_marks(r.due_date, today, cal=cal)) for r in reviews]


def supervision_cases() -> list[Case]:
    """Pending catalog reviews for the authority's supervision page."""
    return [Case(kind=_("Catalog review"), title=row.review.snapshot.get("title") or row.review.dataset.title,
                 url=url_for("review.show", review_id=row.review.id), due=row.review.due_date,
                 agency=row.review.dataset.agency.name, state=_("Awaiting review"),
                 provisional=row.review.due_provisional)
            for row in queue()]


def _pending_reviews() -> list[Review]:
    return list(db.session.scalars(select(Review).where(Review.state == ReviewState.PENDING)))


register_workflow(supervision_cases, Deadlines(
    "review", _pending_reviews, start=lambda r: r.submitted_at,
    label=lambda r: _("Catalog review of “%(title)s”", title=r.snapshot.get("title") or r.dataset.title),
    link=lambda r: f"/console/datasets/{r.dataset_id}",
    parties=lambda r: [r.submitted_by_id] if r.submitted_by_id else []))
