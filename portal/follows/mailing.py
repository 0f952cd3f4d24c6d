"""The follows' e-mail: immediate mails (after the request that made the events, and `flask portal
follow-mail` for events made outside a request), and the weekly digest (`flask portal digest`).

Every mail carries a signed one-click unsubscribe link, in its text and as the List-Unsubscribe header.
An event of an entry that is suspended or no longer published by the time it is sent is dropped.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..catalog.models import Dataset, DatasetState
from ..extensions import db
from ..inbox import mail
from ..models_base import utcnow
from . import services
from .models import Follow, FollowEvent


@dataclass
class Sent:
    mails: int = 0
    events: int = 0
    dropped: int = 0


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def still_public(event: FollowEvent) -> bool:
    if event.dataset_id is None:
        return True
    ds = db.session.get(Dataset, event.dataset_id)
    return ds is not None and ds.state == DatasetState.PUBLISHED and ds.suspended_at is None


def _pending(mode: str) -> list[FollowEvent]:
    return list(db.session.scalars(select(FollowEvent).join(Follow).where(
        Follow.email == mode, FollowEvent.mailed_at.is_(None)).order_by(FollowEvent.at, FollowEvent.id)))


def _mail(user: User, subject: str, lines: list[str], follows: list[Follow]) -> tuple:
    link = f"{_base()}/follows/unsubscribe/{services.unsubscribe_token(follows)}"
    body = "\n".join(lines + ["", _("Stop these e-mails (one click, no sign-in needed): %(link)s", link=link),
                              _("Change what you follow: %(link)s", link=f"{_base()}/follows")])
    return (user.email, subject, body, {"List-Unsubscribe": f"<{link}>",
                                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def _line(event: FollowEvent) -> list[str]:
    return [f"- {event.title}", *(f"  {line}" for line in event.summary.splitlines() if line.strip()),
            f"  {_base()}{event.link}"]


def _collect(mode: str) -> tuple[dict[int, list[FollowEvent]], Sent]:
    """The pending events of follows mailed `mode`, by user; each is marked sent (or dropped) now, so a
    second run never sends it again."""
    now, done = utcnow(), Sent()
    by_user: dict[int, list[FollowEvent]] = defaultdict(list)
    for event in _pending(mode):
        event.mailed_at = now
        if still_public(event):
            by_user[event.follow.user_id].append(event)
            done.events += 1
        else:
            done.dropped += 1
    return by_user, done


def send_immediate() -> Sent:
    """One mail per pending event of the follows mailed at once."""
    by_user, done = _collect("immediate")
    outgoing = []
    for user_id, events in by_user.items():
        user = db.session.get(User, user_id)
        if user is None or not user.email:
            continue
        for event in events:
            outgoing.append(_mail(user, event.title, _line(event), [event.follow]))
    db.session.commit()  # marked before the mail leaves: never twice
    done.mails = len(outgoing)
    if outgoing:
        mail.send(outgoing)
    return done


def send_digest() -> Sent:
    """The weekly digest: one mail per user with every event of their weekly follows since the last one."""
    by_user, done = _collect("weekly")
    outgoing = []
    for user_id, events in by_user.items():
        user = db.session.get(User, user_id)
        if user is None or not user.email:
            continue
        lines = [_("What changed this week in what you follow:"), ""]
        follows: dict[int, Follow] = {}
        for event in sorted(events, key=lambda e: (e.follow_id, e.at, e.id)):
            if event.follow_id not in follows:
                follows[event.follow_id] = event.follow
                lines.append(f"{event.follow.label}")
            lines.extend(_line(event))
        outgoing.append(_mail(user, _("Your weekly digest: %(n)d changes", n=len(events)), lines,
                              list(follows.values())))
    db.session.commit()
    done.mails = len(outgoing)
    if outgoing:
        mail.send(outgoing)
    return done
