"""What an entry's page shows of reuses and ratings, worked out for the actor (templates test no role or state)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalog.models import Dataset
from . import ratings, services
from .common import Page
from .models import Rating


@dataclass
class Comment:
    rating: Rating
    actions: list[str] = field(default_factory=list)


@dataclass
class EntryPanel:
    reuses: Page
    average: float | None
    count: int
    comments: Page
    items: list[Comment]
    may_rate: bool
    may_submit: bool
    own: Rating | None
    signed_in: bool


def entry_panel(ds: Dataset, actor: Any, comments_page: int = 1) -> EntryPanel:
    """The panel; an entry nobody has rated or reused yet (most) is known from one read on the side
    connection, so an anonymous visitor's page still takes no pooled connection (side_db.read_committed)."""
    average, count, reused = ratings.summary(ds)
    signed_in = getattr(actor, "id", None) is not None
    if not count and not reused and not signed_in:
        return EntryPanel(reuses=Page([], 0, 1, 6), average=None, count=0, comments=Page([], 0, 1, ratings.PER_PAGE),
                          items=[], may_rate=ratings.may_rate(actor), may_submit=services.may_submit(actor), own=None,
                          signed_in=False)
    page = ratings.comments(ds, max(1, comments_page))
    return EntryPanel(reuses=services.entry_reuses(ds), average=average, count=count, comments=page,
                      items=[Comment(r, ratings.allowed_actions(r, actor)) for r in page.results],
                      may_rate=ratings.may_rate(actor), may_submit=services.may_submit(actor),
                      own=ratings.own_rating(ds, actor), signed_in=signed_in)
