"""Sending and reading inbox notices. Workflows call `notify` inside their own transaction, so a notice
exists exactly when the change it reports was committed."""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..models_base import utcnow
from .models import Message

PAGE_SIZE = 30


def notify(user: Any, subject: str, body: str = "", *, link: str = "", kind: str = "notice") -> Message:
    """Add a notice for `user` (a User or a user id) to the caller's transaction."""
    user_id = getattr(user, "id", user)
    message = Message(user_id=user_id, subject=subject[:200], body=body, link=link[:500], kind=kind)
    db.session.add(message)
    return message


def notify_all(users: Iterable[Any], subject: str, body: str = "", *, link: str = "", kind: str = "notice") -> None:
    for user in {getattr(u, "id", u) for u in users}:
        notify(user, subject, body, link=link, kind=kind)


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == user_id, Message.read_at.is_(None))) or 0


def messages(user_id: int, page: int = 1) -> tuple[list[Message], int]:
    """One page of a user's notices, newest first, and the total."""
    total = db.session.scalar(select(func.count(Message.id)).where(Message.user_id == user_id)) or 0
    rows = db.session.scalars(select(Message).where(Message.user_id == user_id)
                              .order_by(Message.created_at.desc(), Message.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return list(rows), total


def own_message(user_id: int, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or message.user_id != user_id:
        raise NotFound(_("This notice does not exist."))
    return message


def mark_read(user_id: int, message_id: int | None = None) -> None:
    """Mark one notice, or all of a user's notices, as read; the caller commits."""
    now = utcnow()
    if message_id is not None:
        message = own_message(user_id, message_id)
        message.read_at = message.read_at or now
        return
    for message in db.session.scalars(select(Message).where(Message.user_id == user_id, Message.read_at.is_(None))):
        message.read_at = now
