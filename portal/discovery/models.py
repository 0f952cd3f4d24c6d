"""What popular searches are counted from: no visitor, only a mark that cannot name one."""
from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SearchMark(db.Model):
    """One searcher of a query in one counting period: `mark` is 3 hex digits of a keyed hash of the
    searcher's address, keyed anew every period, so a row names no one (4,096 values shared by everyone)
    and the same searcher in the same period adds no second row (services.count_search)."""

    __tablename__ = "search_marks"
    __table_args__ = (UniqueConstraint("term", "period", "mark", name="uq_search_marks"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(60), index=True)
    period: Mapped[int] = mapped_column(Integer, index=True)
    mark: Mapped[str] = mapped_column(String(3))
