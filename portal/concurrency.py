"""Two people deciding the same case at once: the row version (SQLAlchemy's version_id_col) lets exactly
one commit; the other is rolled back whole and answered with Conflict (409)."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict
from .extensions import db


def one_decision(message: Callable[[], str]) -> Callable[[Callable], Callable]:
    """Decorate a decision; `message` gives the (translated) text of the losing side's 409."""
    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except StaleDataError:
                db.session.rollback()
                raise Conflict(message())
        return wrapper
    return decorate
