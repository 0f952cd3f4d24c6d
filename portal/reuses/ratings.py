"""Ratings of an entry (1–5, one per account, changeable) with an optional short comment; the agency owning the
entry answers a comment; any account reports an abusive one; the authority hides it (with a reason) or keeps it.

The comment's moderation is a workflow table (portal/workflow.py): reporting, answering, hiding and keeping are
its steps, each audited. Only the display name the user chose (or “用户” and a short code) is ever shown."""
from __future__ import annotations

from typing import Any, Mapping

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts import roles
from ..accounts.models import User
from ..audit import services as audit
from ..catalog.models import Dataset
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..feedback.common import authority_users
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from ..side_db import read_committed
from ..workflow import Transition, Workflow
from .common import Page, display_name, public_entry
from .models import CommentReport, CommentState, Rating, Reuse, ReuseState, reuse_entries
from .schemas import AnswerIn, CommentReportIn, RatingIn

STATE_LABELS = {CommentState.VISIBLE: _l("Shown"), CommentState.REPORTED: _l("Reported"),
                CommentState.HIDDEN: _l("Hidden")}
PER_PAGE = 10


def _entry_link(r: Rating) -> str:
    return url_for("catalog.dataset", slug=r.dataset.slug, _anchor=f"comment-{r.id}")


def _tell_authority(r: Rating, actor: User, reason: str) -> None:
    notify_all(authority_users(), _("A comment was reported as abusive"), r.comment[:200],
               link=url_for("reuses.moderation", _anchor=f"comment-{r.id}"), kind="comment.reported")


def _tell_answered(r: Rating, actor: User, reason: str) -> None:
    notify(r.user_id, _("The agency answered your comment"), r.answer, link=_entry_link(r), kind="comment.answered")


def _tell_hidden(r: Rating, actor: User, reason: str) -> None:
    notify(r.user_id, _("Your comment was hidden"), reason, link=_entry_link(r), kind="comment.hidden")


def _relations(r: Rating, actor: Any) -> set[str]:
    found = roles.relations(actor, agency_id=r.dataset.agency_id, owner_id=r.user_id)
    if getattr(actor, "id", None) is not None:
        found.add(roles.ACCOUNT)
    return found


REPORT, ANSWER, HIDE, KEEP = "report", "answer", "hide", "keep"
SHOWN = (CommentState.VISIBLE, CommentState.REPORTED)
_AUTHORITY_ONLY = dict(forbidden=lambda r: _("Only the data authority moderates comments."))
COMMENT = Workflow("comment", [
    Transition(REPORT, SHOWN, CommentState.REPORTED, (roles.ACCOUNT,), "comment.report", notify=_tell_authority),
    Transition(ANSWER, (CommentState.VISIBLE,), CommentState.VISIBLE, (roles.AGENCY,), "comment.answer",
               needs_reason=True, notify=_tell_answered),
    Transition(ANSWER, (CommentState.REPORTED,), CommentState.REPORTED, (roles.AGENCY,), "comment.answer",
               needs_reason=True, notify=_tell_answered),
    Transition(HIDE, SHOWN, CommentState.HIDDEN, (roles.AUTHORITY_ACTOR,), "comment.hide", needs_reason=True,
               notify=_tell_hidden, reason_missing=lambda r: _("State why the comment is hidden."),
               reason_field="reason", **_AUTHORITY_ONLY),
    Transition(KEEP, (CommentState.REPORTED,), CommentState.VISIBLE, (roles.AUTHORITY_ACTOR,), "comment.keep",
               reason_field="reason", **_AUTHORITY_ONLY),
], relations=_relations, reason_max=1000, reason_field="answer",
    reason_missing=lambda r: _("Write the answer."),
    conflict=lambda r: _("This comment has been moderated meanwhile."),
    forbidden=lambda r: _("Only the agency that provides this entry answers its comments."))


def may_rate(actor: Any) -> bool:
    return roles.in_group(actor, roles.RATERS)


def entry(slug: str) -> Dataset:
    ds = public_entry(slug)
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug[:120]))
    return ds


def own_rating(ds: Dataset, actor: Any) -> Rating | None:
    if getattr(actor, "id", None) is None:
        return None
    return db.session.scalar(select(Rating).where(Rating.dataset_id == ds.id, Rating.user_id == actor.id))


def rate(ds: Dataset, values: Mapping[str, Any], actor: User) -> Rating:
    """Rate an entry (schemas.RatingIn), or change one's rating. A changed comment is a new comment: it is shown
    again, and its reports and the agency's answer (to the old text) are dropped."""
    if not may_rate(actor):
        raise Forbidden(_("Entries are rated from a data user's account."))
    data = RatingIn().read(values)
    r = own_rating(ds, actor)
    new = r is None
    if new:
        r = Rating(dataset_id=ds.id, user_id=actor.id, created_at=utcnow())
        r.dataset = ds
        db.session.add(r)
    before = None if new else {"score": r.score, "comment": r.comment}
    r.score, r.display_name, r.updated_at = data["score"], display_name(actor, data["display_name"]), utcnow()
    if new or r.comment != data["comment"]:
        r.comment, r.state, r.hide_reason = data["comment"], CommentState.VISIBLE, ""
        r.answer, r.answered_by_id, r.answered_at = "", None, None
        if not new:
            db.session.execute(CommentReport.__table__.delete().where(CommentReport.rating_id == r.id))
    try:
        db.session.flush()
        audit.record(actor, "rating.set" if new else "rating.change", "dataset", ds.id, "",
                     {"rating": r.id, "score": r.score, "comment": bool(r.comment), "before": before})
        db.session.commit()
    except IntegrityError:  # the same account rated the same entry at the same time: keep the first
        db.session.rollback()
        raise Conflict(_("Your rating was recorded meanwhile; reload the page to change it."))
    return r


def summary(ds: Dataset) -> tuple[float | None, int, int]:
    """The entry's average rating (None: no rating), the number of ratings, and the number of its published
    reuses: one read (on the side connection for an anonymous page, side_db.read_committed)."""
    reused = (select(func.count()).select_from(reuse_entries.join(Reuse, Reuse.id == reuse_entries.c.reuse_id))
              .where(reuse_entries.c.dataset_id == bindparam("id"), Reuse.state == ReuseState.PUBLISHED)
              .scalar_subquery())
    avg, n, used = read_committed(select(func.avg(Rating.score), func.count(Rating.id), reused)
                                  .where(Rating.dataset_id == bindparam("id")), {"id": ds.id})[0]
    return (round(float(avg), 2) if avg is not None else None), int(n), int(used or 0)


def comments(ds: Dataset, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The entry's comments that are shown (not hidden, not empty), newest first."""
    stmt = select(Rating).where(Rating.dataset_id == ds.id, Rating.comment != "",
                                Rating.state != CommentState.HIDDEN)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Rating.updated_at.desc(), Rating.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(rows, total, page, per_page)


def get_comment(rating_id: int) -> Rating:
    r = db.session.get(Rating, rating_id)
    if r is None or not r.comment or not r.dataset.is_public:
        raise NotFound(_("No comment has this number."))
    return r


def allowed_actions(r: Rating, actor: Any) -> list[str]:
    """What the actor may do with a comment now (the page offers these): the owner does not report their own,
    an account that reported it does not report it again, an answered comment is not answered again."""
    actions = COMMENT.allowed_actions(r, actor) if r.comment else []
    if REPORT in actions and (r.user_id == getattr(actor, "id", None) or _reported_by(r, actor)):
        actions.remove(REPORT)
    if ANSWER in actions and r.answer:
        actions.remove(ANSWER)
    return actions


def _reported_by(r: Rating, actor: Any) -> bool:
    return db.session.scalar(select(CommentReport.id).where(
        CommentReport.rating_id == r.id, CommentReport.reporter_id == actor.id)) is not None


def report(r: Rating, values: Mapping[str, Any], actor: User) -> Rating:
    """An account reports an abusive comment (once); the authority is told."""
    data = CommentReportIn().read(values)
    if r.user_id == actor.id:
        raise Conflict(_("You cannot report your own comment."))
    if _reported_by(r, actor):
        raise Conflict(_("You have already reported this comment."))

    def record(_step: Transition) -> None:
        db.session.add(CommentReport(rating_id=r.id, reporter_id=actor.id, reason=data["reason"]))
    COMMENT.perform(r, REPORT, actor, data["reason"], effect=record, details={"dataset": r.dataset_id})
    return r


def answer(r: Rating, values: Mapping[str, Any], actor: User) -> Rating:
    """The agency owning the entry answers the comment (once; shown under it)."""
    COMMENT.check(r, ANSWER, actor, str(values.get("answer", "")))
    data = AnswerIn().read(values)
    if r.answer:
        raise Conflict(_("This comment has already been answered."))

    def record(_step: Transition) -> None:
        r.answer, r.answered_by_id, r.answered_at = data["answer"], actor.id, utcnow()
    COMMENT.perform(r, ANSWER, actor, data["answer"], effect=record, details={"dataset": r.dataset_id})
    return r


def moderate(r: Rating, action: str, reason: str, actor: User, version: int | None = None) -> Rating:
    """The authority hides a comment (with a reason, told to its author) or keeps a reported one."""
    def record(_step: Transition) -> None:
        r.hide_reason = reason.strip() if action == HIDE else ""
        if action == KEEP:
            db.session.execute(CommentReport.__table__.delete().where(CommentReport.rating_id == r.id))
    COMMENT.perform(r, action, actor, reason, effect=record, version=version, details={"dataset": r.dataset_id})
    return r


def reported() -> list[tuple[Rating, int]]:
    """Reported comments with their number of reports, the most reported first (the authority's queue)."""
    n = func.count(CommentReport.id)
    q = (select(Rating, n).join(CommentReport, CommentReport.rating_id == Rating.id)
         .where(Rating.state == CommentState.REPORTED).group_by(Rating.id).order_by(n.desc(), Rating.id))
    return [(r, int(c)) for r, c in db.session.execute(q).all()]


def report_reasons(r: Rating) -> list[str]:
    return [x for x in db.session.scalars(select(CommentReport.reason).where(CommentReport.rating_id == r.id)
                                          .order_by(CommentReport.id)) if x]


def counts() -> tuple[int, int]:
    """Ratings and comments shown, across the catalog (the statistics page)."""
    ratings = db.session.scalar(select(func.count(Rating.id))) or 0
    shown = db.session.scalar(select(func.count(Rating.id)).where(
        Rating.comment != "", Rating.state != CommentState.HIDDEN)) or 0
    return int(ratings), int(shown)


def comment_out(r: Rating) -> dict[str, Any]:
    return {"id": r.id, "display_name": r.display_name, "score": r.score, "comment": r.comment,
            "answer": r.answer, "updated_at": r.updated_at}
