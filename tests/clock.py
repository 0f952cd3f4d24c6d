"""A frozen clock for the tests that need a given day of the official calendar.

The portal's modules take `utcnow` from models_base by name, so freezing replaces it in every portal module
(and again later to move on). A module first imported while the clock is frozen takes the frozen function
as its own `utcnow`, which monkeypatch's undo never saw: `thaw()`, run after every test by tests/conftest.py,
gives every such module the real clock back. Stored timestamps follow too: every "when" column's default is
`models_base.stamped`, which asks `utcnow` by name at insert time.
"""
from __future__ import annotations

import sys
from datetime import datetime, timedelta

from portal import models_base

UTCNOW = models_base.utcnow


def _portal_modules():
    return [(name, module) for name, module in list(sys.modules.items())
            if name == "portal" or name.startswith("portal.")]


def freeze_at(monkeypatch, when: datetime) -> None:
    """Make it `when` (naive UTC) for every portal module that asks utcnow()."""
    def frozen() -> datetime:
        return when

    frozen.frozen = True
    for _name, module in _portal_modules():
        current = getattr(module, "utcnow", None)
        if current is UTCNOW or getattr(current, "frozen", False):
            monkeypatch.setattr(module, "utcnow", frozen)


def freeze(monkeypatch, day: str, hour: int = 10) -> None:
    """Make it `day` (YYYY-MM-DD) at `hour` o'clock China time."""
    freeze_at(monkeypatch, datetime.fromisoformat(day) + timedelta(hours=hour - 8))


def thaw() -> None:
    for _name, module in _portal_modules():
        if getattr(getattr(module, "utcnow", None), "frozen", False):
            module.utcnow = UTCNOW
