"""Per-account lock-out after failed logins, counted in the database so that every worker sees it.

After LOGIN_LOCKOUT_FAILURES failed logins in a row for one e-mail address, that address is locked for
LOGIN_LOCKOUT_MINUTES (1), and each further failure locks it again for twice as long, up to
LOGIN_LOCKOUT_MAX_MINUTES (15). While it is locked, logins are refused without checking the password,
the correct one too. An attempt is counted before its password is checked, so simultaneous attempts
(several workers, several machines) cannot get past the limit; a correct password clears the count, and
a day without any attempt forgets it.

The lock is per address, registered or not, so that it does not tell whether an account exists. So
that an attacker cannot keep a real user out, a browser in which the address logged in before (its
device cookie, accounts.sessions) is not held back by the lock; its attempts still count, and the
per-address rate limit still applies to it (docs/security.md).
"""
from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import PortalError
from ..extensions import db
from ..models_base import utcnow
from .identifiers import normalise_identifier
from .models import LoginThrottle

FORGET_AFTER = timedelta(days=1)


class Locked(PortalError):
    """429: the address is locked; `retry_after` seconds until the next attempt is taken."""

    status, code = 429, "rate_limited"

    def __init__(self, seconds: int) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(_("Too many failed logins for this e-mail address. Wait %(minutes)d min. before "
                           "trying again.", minutes=minutes), {"retry_after": seconds})
        self.retry_after = seconds


def now() -> datetime:
    return utcnow()


def address_key(email: str | None) -> str:
    """The stored key of an e-mail address: SHA-256 of its normalised form (no address is kept in clear)."""
    return hashlib.sha256(normalise_identifier(email).lower().encode("utf-8")).hexdigest()


def lock_time(failures: int) -> timedelta | None:
    """How long an address is locked after this many failures in a row (None: not locked)."""
    cfg = current_app.config
    over = failures - cfg["LOGIN_LOCKOUT_FAILURES"]
    if over < 0:
        return None
    minutes = min(cfg["LOGIN_LOCKOUT_MINUTES"] * 2 ** min(over, 30), cfg["LOGIN_LOCKOUT_MAX_MINUTES"])
    return timedelta(minutes=minutes)


def begin_attempt(email: str, *, trusted: bool = False) -> None:
    """Count a login attempt for this address before its password is checked, and commit; Locked when the
    address is locked and the browser is not `trusted` (one where the address logged in before)."""
    key, at = address_key(email), now()
    for _attempt in range(3):
        still_open = [] if trusted else [or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= at)]
        counted = db.session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key, *still_open)
            .values(failures=case((LoginThrottle.last_attempt_at < at - FORGET_AFTER, 1),
                                  else_=LoginThrottle.failures + 1), last_attempt_at=at)
            .execution_options(synchronize_session=False)).rowcount
        if counted:
            failures = db.session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
            _lock(key, at, failures)
            db.session.commit()
            return
        locked_until = db.session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == key))
        if locked_until is not None:  # the row exists, so it is locked (and the browser not trusted)
            db.session.rollback()
            raise Locked(max(1, math.ceil((locked_until - at).total_seconds())))
        try:  # a first attempt: old rows of other addresses go, the new one is counted
            db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_attempt_at < at - FORGET_AFTER)
                               .execution_options(synchronize_session=False))
            db.session.add(LoginThrottle(key=key, failures=1, last_attempt_at=at))
            db.session.flush()
            _lock(key, at, 1)
            db.session.commit()
            return
        except IntegrityError:  # another request inserted it meanwhile: count on that row
            db.session.rollback()
    raise RuntimeError("login attempt could not be counted")


def _lock(key: str, at: datetime, failures: int) -> None:
    span = lock_time(failures)
    if span is not None:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=at + span)
                           .execution_options(synchronize_session=False))


def succeeded(email: str) -> None:
    """The password was right: forget the address's failures (the caller commits)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == address_key(email))
                       .execution_options(synchronize_session=False))
