"""Where follows are told: in the same flush that writes the change, from two places only.

- An entry's public change history (catalog DatasetChange rows): a new file or a new version of a file,
  a change of open type, the one-month notice before un-publishing, a newly published entry.
- The inbox notices (inbox Message rows) that answer a user's own application, complaint, correction,
  report or request: the "my own cases" follow.

Every service that changes an entry already writes its history line, and every workflow step already
writes its notice (workflow.perform → notify), so one session listener sees every event without a call
in any of them; a change that is rolled back leaves no event either.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalog.models import Dataset, DatasetChange, DatasetState, OpenType
from ..inbox.models import Message
from ..machinery import listen_once
from .models import Follow, FollowEvent

# The change history's kinds a follower is told of, and the event kind they become.
CHANGE_KINDS = {"new_file": "new_file", "new_version": "new_version", "withdrawal_announced": "withdrawal_notice",
                "published": "new_entry"}
# Notices that answer a user's own case (by the start of their kind), and those that are only receipts.
ANSWER_PREFIXES = ("application.", "grant.", "complaint.", "correction.", "report.", "data_request.",
                   "share_request.", "share_demand.", "dispute.")
NOT_ANSWERS = (".filed", ".submitted", ".received", ".related")
# The most specific follow of a user tells them; the others stay quiet (one mail per change).
ORDER = ("dataset", "agency", "theme", "search")


def init_app(app) -> None:
    listen_once(Session, "before_flush", _tell_followers)


def _tell_followers(session: Session, _flush_context, _instances) -> None:
    new = list(session.new)
    changes = [o for o in new if isinstance(o, DatasetChange)]
    answers = [o for o in new if isinstance(o, Message) and is_answer(o.kind)]
    if not changes and not answers:
        return
    added = False
    with session.no_autoflush:
        for change in changes:
            added |= _from_change(session, change)
        for message in answers:
            added |= _from_answer(session, message)
    if added and has_request_context():
        g.follow_events_added = True  # immediate mails leave after the request (views.send_after_request)


def is_answer(kind: str | None) -> bool:
    """A notice that answers one's own case (a notice sent without a kind answers nothing)."""
    return bool(kind) and kind.startswith(ANSWER_PREFIXES) and not kind.endswith(NOT_ANSWERS)


def _event_kind(change: DatasetChange) -> str | None:
    if change.kind == "reclassified" and change.field == "open_type" and change.from_value != change.to_value:
        return "open_type"
    return CHANGE_KINDS.get(change.kind)


def _from_change(session: Session, change: DatasetChange) -> bool:
    kind = _event_kind(change)
    ds = change.dataset or (session.get(Dataset, change.dataset_id) if change.dataset_id else None)
    if kind is None or ds is None or ds.state != DatasetState.PUBLISHED or ds.suspended_at is not None:
        return False
    candidates = session.scalars(select(Follow).where(
        ((Follow.target == "dataset") & (Follow.key == str(ds.id)))
        | ((Follow.target == "agency") & (Follow.key == str(ds.agency_id or getattr(ds.agency, "id", ""))))
        | ((Follow.target == "theme") & (Follow.key == str(ds.theme_id or getattr(ds.theme, "id", ""))))
        | (Follow.target == "search"))).all()
    if kind == "new_entry":
        candidates = [f for f in candidates if f.target != "dataset"]
    from .searches import matches  # the saved search's filters, read against the entry

    chosen: dict[int, Follow] = {}
    for follow in sorted(candidates, key=lambda f: ORDER.index(f.target) if f.target in ORDER else 9):
        if follow.user_id in chosen or follow.target == "search" and not matches(follow.key, ds):
            continue
        chosen[follow.user_id] = follow
    title, summary = describe(kind, change, ds)
    for follow in chosen.values():
        session.add(FollowEvent(follow=follow, kind=kind, dataset_id=ds.id, title=title[:300], summary=summary,
                                link=f"/dataset/{ds.slug}"))
    return bool(chosen)


def describe(kind: str, change: DatasetChange, ds: Dataset) -> tuple[str, str]:
    """The event's title and text: the entry's public metadata only (its title and the history line)."""
    titles = {
        "new_file": _("New file: “%(title)s”", title=ds.title),
        "new_version": _("New version of a file: “%(title)s”", title=ds.title),
        "open_type": _("Open type changed: “%(title)s”", title=ds.title),
        "withdrawal_notice": _("To be withdrawn in a month: “%(title)s”", title=ds.title),
        "new_entry": _("New entry: “%(title)s”", title=ds.title),
    }
    summary = change.summary or ""
    if ds.open_type != OpenType.UNCONDITIONAL and kind in ("new_file", "new_version"):
        summary = _("The entry's data changed.")  # a conditional entry's files are not described publicly
    if kind == "withdrawal_notice" and change.reason:
        summary = f"{summary}\n{change.reason}".strip()
    return titles[kind], summary


def _from_answer(session: Session, message: Message) -> bool:
    follow = session.scalar(select(Follow).where(Follow.target == "mine", Follow.user_id == message.user_id))
    if follow is None:
        return False
    # The notice's subject only: its body may hold what the user wrote; the inbox keeps it.
    session.add(FollowEvent(follow=follow, kind="answer", title=message.subject[:300], summary="",
                            link=message.link or "/inbox"))
    return True


def event_labels() -> dict[str, Any]:
    return {"new_file": _("New file"), "new_version": _("New version"), "open_type": _("Open type changed"),
            "withdrawal_notice": _("Withdrawal notice"), "new_entry": _("New entry"), "answer": _("Answer")}
