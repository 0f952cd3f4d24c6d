"""What reuses and ratings share: the name shown for an account, pages of a list, the entries named."""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from typing import Any, Sequence

from flask import current_app
from sqlalchemy import select

from ..catalog.models import Dataset
from ..catalog.queries import public_filter
from ..extensions import db


@dataclass
class Page:
    results: Sequence[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def short_id(user_id: int) -> str:
    """A short code for an account that does not reveal its number (a keyed hash of it)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"display:{user_id}".encode(), hashlib.sha256).hexdigest()[:6]


def display_name(user: Any, chosen: str) -> str:
    """The name shown with a reuse or a comment: the one the user chose, else “用户” and a short code."""
    return chosen.strip() or f"用户{short_id(user.id)}"


def public_entry(slug: str) -> Dataset | None:
    """The public entry named by its slug or by its page's address (…/dataset/<slug>), or None."""
    ref = slug.strip().rstrip("/")
    if "/dataset/" in ref:
        ref = ref.split("/dataset/", 1)[1].split("/", 1)[0].split("?", 1)[0]
    if not ref:
        return None
    return db.session.scalar(select(Dataset).where(public_filter(), (Dataset.slug == ref) | (Dataset.id == ref)))
