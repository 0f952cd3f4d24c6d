"""Publishing: submission, the authority's review within 5 workdays (R2024 §10–11), and un-publishing.

An entry's life is the table ENTRY (draft → submitted → published, or returned; published → withdrawn);
an edit of a published entry, staged in `pending_state` while the published version stays online, is the
table REVISION. Both are driven by the workflow engine (portal/workflow.py): a step not in the table is a
Conflict (409), a step not the actor's is Forbidden (403).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any, Callable

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import workdays
from ..accounts import roles
from ..accounts.models import User
from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..legal import note
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, deadline_marks, register_workflow
from ..workflow import Transition, Workflow
from . import checks, editing, grading, stops
from .models import Dataset, DatasetChange, DatasetState, Resource, Review, ReviewState, Theme
from .indexing import index_datasets
from ..concurrency import one_decision as one_decision_with

# The checks of a submission, one table (catalog.checks): the agency's 保密审查、公开审查 before submitting (SZ §23,
# R2018 §26, R2024 §36), the authority's own of the same, and its confirmation of the data level (R2024 §9).
CHECKS = checks.CHECKS
RECORDED_CHECKS = checks.RECORDED  # those recorded before the decision (the others are given with it)
LEVEL_CHECK = checks.LEVEL_CHECK
S = DatasetState


def _staff_only(ds: Dataset) -> str:
    return _("Only staff of %(agency)s may change this entry.", agency=ds.agency.name)


def _authority_only(_ds: Any = None) -> str:
    return _("Only the data authority reviews catalog entries.")


def _not_possible(_ds: Any = None) -> str:
    return _("This action is not possible in the entry's current state.")


def _decided(_ds: Any = None) -> str:
    return _("This review has already been decided.")


def _no_edit(ds: Dataset) -> str:
    return _("There is no edit to submit.") if ds.pending is None else _not_possible(ds)


def _return_reason(_ds: Any = None) -> str:
    return _("Say what the agency must change.")


def _raced(_ds: Any = None) -> str:
    return _("Another reviewer decided this submission at the same time; reload the page.")


def _relations(ds: Dataset, actor: Any) -> set[str]:
    if actor == roles.SYSTEM:  # the deadline run ends a planned withdrawal (portal/withdrawal)
        return {roles.SYSTEM}
    return roles.relations(actor, agency_id=ds.agency_id)


AGENCY, AUTHORITY = (roles.AGENCY,), (roles.AUTHORITY_ACTOR,)
ENTRY = Workflow("dataset", [
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, AGENCY, "dataset.submit"),
    Transition("approve", (S.SUBMITTED,), S.PUBLISHED, AUTHORITY, "dataset.publish",
               forbidden=_authority_only, conflict=_decided),
    Transition("return", (S.SUBMITTED,), S.RETURNED, AUTHORITY, "dataset.return", needs_reason=True,
               forbidden=_authority_only, conflict=_decided, reason_missing=_return_reason, reason_field="comment"),
    Transition("unpublish", (S.PUBLISHED,), S.WITHDRAWN, (*AUTHORITY, roles.SYSTEM), "dataset.unpublish", needs_reason=True,
               forbidden=_authority_only, reason_field="reason",
               reason_missing=lambda ds: _("Stopping a published entry needs a stated reason.")),
], relations=_relations, forbidden=_staff_only, conflict=_not_possible, stale=_raced)

# The staged edit of a published entry: its own state (`pending_state`), audited on the entry.
REVISION = Workflow("dataset-revision", [
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, AGENCY, "dataset.submit", conflict=_no_edit),
    Transition("approve", (S.SUBMITTED,), S.PUBLISHED, AUTHORITY, "dataset.revision_approved",
               forbidden=_authority_only, conflict=_decided),
    Transition("return", (S.SUBMITTED,), S.RETURNED, AUTHORITY, "dataset.return", needs_reason=True,
               forbidden=_authority_only, conflict=_decided, reason_missing=_return_reason, reason_field="comment"),
], relations=_relations, state_attr="pending_state", object_type="dataset", forbidden=_staff_only,
   conflict=_not_possible, stale=_raced)


def next_state(state: str | None, action: str) -> str:
    """The state an action leads to in an entry's table, or Conflict when the table does not allow it."""
    t = ENTRY.find(state, action)
    if t is None:
        raise Conflict(_not_possible(), {"state": state, "action": action})
    return t.target


def _flow_of(ds: Dataset) -> Workflow:
    """A published entry changes through its staged edit; any other through its own state."""
    return REVISION if ds.state == S.PUBLISHED else ENTRY


def _flow_of_review(review: Review) -> Workflow:
    return REVISION if review.kind == "revision" else ENTRY


def entry_actions(ds: Dataset, actor: Any) -> list[str]:
    """What the console offers the actor on an entry now: edit, submit (the entry or its staged edit),
    unpublish."""
    steps = set(_flow_of(ds).allowed_actions(ds, actor)) | set(ENTRY.allowed_actions(ds, actor))
    return (["edit"] if editing.may_edit(actor, ds) else []) + [a for a in ("submit", "unpublish") if a in steps]


def review_actions(review: Review, actor: Any) -> list[str]:
    """What the review page offers the actor: record the two checks, approve, return — while it is pending."""
    if review.state != ReviewState.PENDING:
        return []
    steps = [a for a in _flow_of_review(review).allowed_actions(review.dataset, actor) if a in ("approve", "return")]
    return (["check"] if steps else []) + steps


@dataclass(frozen=True)
class Standing:
    """Where an entry stands in review, as its console page tells it."""
    published: bool                 # it has a public page
    open_review: Review | None      # the submission the authority has yet to decide
    returned: Review | None         # the latest decision, while what it sent back is still returned
    staged: str | None              # the state of the staged edit of a published entry


def standing(ds: Dataset) -> Standing:
    """The entry's review standing (reviews come newest first)."""
    latest = ds.reviews[0] if ds.reviews else None
    sent_back = S.RETURNED in (ds.state, ds.pending_state)
    return Standing(published=ds.state == S.PUBLISHED,
                    open_review=next((r for r in ds.reviews if r.state == ReviewState.PENDING), None),
                    returned=latest if latest and latest.state == ReviewState.RETURNED and sent_back else None,
                    staged=ds.pending_state)


def _require_authority(actor: User) -> None:
    if not roles.is_authority(actor):
        raise Forbidden(_authority_only())


one_decision = one_decision_with(_raced)

# What else a submission answers, in its own transaction: e.g. a catalog update trigger (portal/triggers)
# naming the entry. Each listener gets the new review (with its id) and the submitting actor.
SUBMIT_LISTENERS: list[Callable[[Review, Any], None]] = []


def on_submit(listener: Callable[[Review, Any], None]) -> Callable[[Review, Any], None]:
    """Register a listener of submissions (usable as a decorator); registering again changes nothing."""
    if listener not in SUBMIT_LISTENERS:
        SUBMIT_LISTENERS.append(listener)
    return listener


def submit(ds: Dataset, actor: User) -> Review:
    """Send a draft (or the staged edit of a published entry) to the authority; due in 5 workdays. The agency's
    binding checks of this content go with it (Invalid, 422, naming each one missing: catalog.checks)."""
    flow = _flow_of(ds)
    made: list[Review] = []

    def open_review(_t: Transition) -> None:
        recorded = checks.require_for_submit(ds)
        now = utcnow()
        revision = flow is REVISION
        made.append(Review(dataset=ds, kind="revision" if revision else "publish",
                           snapshot=dict(ds.pending) if revision else editing.entry_data(ds),
                           submitted_by_id=actor.id, submitted_at=now,
                           due_date=workdays.add_workdays(now, current_app.config["REVIEW_WORKDAYS"])))
        db.session.add(made[0])
        for row in recorded:
            row.review = made[0]
        if SUBMIT_LISTENERS:
            db.session.flush()
            for listener in SUBMIT_LISTENERS:
                listener(made[0], actor)

    flow.perform(ds, "submit", actor, effect=open_review, details=lambda: {
        "review": made[0].id, "kind": made[0].kind, "due": made[0].due_date.isoformat(),
        "checks": {r.check: r.id for r in made[0].agency_checks}})
    return made[0]


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
                            share_modes=list(data.get("share_modes") or []), share_assessed_at=ds.share_assessed_at,
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
        raise Conflict(_decided())


@one_decision
def record_check(review: Review, check: str, note: str, actor: User) -> Review:
    """The authority records its own confidentiality or disclosure review of a submission, or confirms the data
    level, with its note."""
    _require_authority(actor)
    _pending(review)
    if check not in checks.BY_NAME:
        raise Invalid(_("Unknown review check."), {"check": check})
    if not note.strip():
        raise Invalid(_("Write down what was reviewed and the conclusion."), {f"{check}_note": ""})
    setattr(review, f"{check}_by_id", actor.id)
    setattr(review, f"{check}_at", utcnow())
    setattr(review, f"{check}_note", note.strip())
    if check == LEVEL_CHECK:  # the confirmation is the review's record; a change of level is the entry's
        data = review.snapshot
        audit.record(actor, "review.level_confirmed", "review", str(review.id), note.strip(),
                     {"dataset": review.dataset_id, **{f: data.get(f) or "" for f in grading.GRADING_FIELDS}})
    else:
        audit.record(actor, f"review.{check}", "dataset", review.dataset_id, note.strip(), {"review": review.id})
    db.session.commit()
    return review


def _decide(review: Review, action: str, actor: User, comment: str, record: Any) -> Review:
    """Take the review's decision as a step of its entry's table; `record` writes it on the entry and the
    review (it runs only for a pending review, inside the step's transaction)."""
    ds = review.dataset

    def effect(_t: Transition) -> None:
        _pending(review)  # an older submission of an entry that was submitted again
        record(ds)
    _flow_of_review(review).perform(ds, action, actor, comment, effect=effect, details={"review": review.id})
    return review


def at_decision(review: Review) -> list[checks.Check]:
    """The confirmations the approval of this pending submission asks for (the approve form's fields)."""
    return checks.at_decision(review) if review.state == ReviewState.PENDING else []


def privacy_findings(review: Review) -> list[dict[str, Any]]:
    """What the privacy scan found in the entry's current files (masked examples), for the review page."""
    return checks.privacy_findings(review)


def approve(review: Review, actor: User, comment: str = "", confirmations: dict[str, str] | None = None) -> Review:
    """Publish the entry (or its staged edit); both reviews must be on record, and the confirmations the checks ask
    with the decision given (`confirmations`: field → reason). Indexes after commit."""
    def publish(ds: Dataset) -> None:
        by_agency, missing = checks.missing_for_approval(review)
        if by_agency:
            raise Invalid(_("The agency's %(checks)s is not on record for this submission: return it so that the "
                            "agency records it.", checks="、".join(str(c.label) for c in by_agency)),
                          {f"agency_{c.name}": "" for c in by_agency})
        if [c.name for c in missing] == [LEVEL_CHECK]:
            raise Invalid(_("Confirm the data level the agency proposed before publishing."), {LEVEL_CHECK: ""})
        if missing:
            raise Invalid(_("Record the confidentiality review and the disclosure review before publishing."),
                          {c.name: "" for c in missing})
        if editing.needs_confirmation_note(ds) and not comment.strip():
            raise Invalid(_("A basic resource shared on conditions is published only with your confirmation "
                            "(核定)%(basis)s: write it in the comment.", basis=note("share_basic_resources")),
                          {"comment": ""})
        checks.record_confirmations(review, checks.confirmations(review, confirmations or {}), actor)
        now = utcnow()
        if review.kind == "revision":
            submitter = db.session.get(User, review.submitted_by_id) if review.submitted_by_id else None
            editing.apply_pending(ds, actor, comment, proposer=submitter.email if submitter else "")
            ds.changes.append(DatasetChange(kind="updated", summary=_("Catalog information updated after review."),
                                            reason=comment))
        else:
            ds.published_at = ds.published_at or now
            ds.data_updated_at = ds.data_updated_at or now
            ds.changes.append(DatasetChange(kind="published", summary=_("Published after review."), reason=comment))
        ds.level_confirmed_at, ds.level_confirmed_by_id = review.level_at, review.level_by_id
        review.state, review.decided_by_id, review.decided_at = ReviewState.APPROVED, actor.id, now
        review.comment = comment
    _decide(review, "approve", actor, comment, publish)
    index_datasets([review.dataset])
    return review


def return_(review: Review, actor: User, comment: str) -> Review:
    """Send the submission back to the agency with comments."""
    def send_back(ds: Dataset) -> None:
        review.state, review.decided_by_id, review.decided_at = ReviewState.RETURNED, actor.id, utcnow()
        review.comment = comment.strip()
    return _decide(review, "return", actor, comment, send_back)


def unpublish(ds: Dataset, actor: User | str, reason: str, *, ground: str = "", legal_basis: str = "",
              commit: bool = True) -> None:
    """Take a published entry off the portal with a stated reason (R2021 §26); it leaves search at once.
    An immediate stop because a law or regulation prohibits providing the entry (ground stops.GROUND) carries its
    legal basis (Invalid, 422, without), says so in the entry's history, and opens a supervision case (stops).
    The deadline run ends a planned withdrawal this way (actor roles.SYSTEM, commit=False: its caller commits
    and reindexes)."""
    prohibited = ground == stops.GROUND
    basis = legal_basis.strip()
    if ground not in ("", stops.GROUND):
        raise Invalid(_("Choose the ground of the stop."), {"ground": ground})
    if prohibited and not basis:
        raise Invalid(_("A stop for a legal prohibition names the law or regulation that prohibits providing the "
                        "entry."), {"legal_basis": ""})

    def withdraw(_t: Transition) -> None:
        if prohibited:
            ds.changes.append(DatasetChange(
                kind="withdrawn", summary=_("Withdrawn from the portal: a law or regulation prohibits providing it."),
                reason=reason.strip(), details={"ground": stops.GROUND, "legal_basis": basis}))
            stops.open_stop(ds, actor, basis, reason.strip())
        else:
            ds.changes.append(DatasetChange(kind="withdrawn", summary=_("Withdrawn from the portal."),
                                            reason=reason.strip()))
    ENTRY.perform(ds, "unpublish", actor, reason, effect=withdraw, commit=commit,
                  details={"ground": stops.GROUND, "legal_basis": basis} if prohibited else None)
    if commit:
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


QUEUE_PAGE = 25


@dataclass
class QueuePage:
    """One page of the review queue (the `pagination` macro reads `pages` and `params.page`)."""
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int = QUEUE_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def params(self) -> "QueuePage":
        return self


def queue_page(page: int = 1, per_page: int = QUEUE_PAGE, today: date | None = None) -> QueuePage:
    """A page of the pending submissions, earliest due first (then submission time and id: a stable order)."""
    today = today or workdays.china_date(utcnow())
    cal = workdays.shared_calendar()
    pending = Review.state == ReviewState.PENDING
    total = db.session.scalar(select(func.count(Review.id)).where(pending)) or 0
    reviews = db.session.scalars(select(Review).where(pending)
                                 .order_by(Review.due_date, Review.submitted_at, Review.id)
                                 .offset((page - 1) * per_page).limit(per_page))
    return QueuePage([QueueRow(r, *deadline_marks(r.due_date, today, cal=cal)) for r in reviews], total, page,
                     per_page)


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
