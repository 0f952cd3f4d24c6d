"""Column helpers shared by every domain's models."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC, shown in Asia/Shanghai."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stamped() -> datetime:
    """The default of every "when" column: asks `utcnow` by name at insert time, so the one clock of the tests
    (tests/clock.py replaces `utcnow` in every portal module) reaches stored timestamps too; a column default
    of `utcnow` itself would keep the function object it was given at import."""
    return utcnow()


def new_id() -> str:
    return str(uuid.uuid4())


class TimelineLine:
    """The columns of a line of a case's timeline, which the parties of the case see: when, who, what
    happened, a note. Each timeline table adds its case's key and relationship."""

    # in the tables' order: the key, the case's key (the table's own column), then these
    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped, sort_order=1)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, sort_order=1)
    kind: Mapped[str] = mapped_column(String(40), sort_order=1)
    note: Mapped[str] = mapped_column(Text, default="", sort_order=1)
