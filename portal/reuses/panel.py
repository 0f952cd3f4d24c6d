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
    average, count = ratings.summary(ds)
    page = ratings.comments(ds, max(1, comments_page))
    signed_in = getattr(actor, "id", None) is not None
    return EntryPanel(reuses=services.entry_reuses(ds), average=average, count=count, comments=page,
                      items=[Comment(r, ratings.allowed_actions(r, actor)) for r in page.results],
                      may_rate=ratings.may_rate(actor), may_submit=services.may_submit(actor),
                      own=ratings.own_rating(ds, actor), signed_in=signed_in)
