"""Which archives to keep: the newest of each of the last 7 days, 4 ISO weeks and 12 months that have one
(grandfather-father-son, counted on China's calendar day), applied alike in both locations. Pure: no I/O."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Iterable

DAILY, WEEKLY, MONTHLY = 7, 4, 12
NAME = re.compile(r"^portal-(\d{8}T\d{6}Z)\.backup$")
CHINA = timedelta(hours=8)


def archive_name(at: datetime) -> str:
    """The file name of an archive made at `at` (naive UTC)."""
    return f"portal-{at:%Y%m%dT%H%M%SZ}.backup"


def made_at(name: str) -> datetime | None:
    match = NAME.match(name)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ") if match else None


def keep(times: Iterable[datetime], daily: int = DAILY, weekly: int = WEEKLY, monthly: int = MONTHLY) -> set[datetime]:
    """The times (naive UTC) of the archives to keep out of `times`."""
    ordered = sorted(set(times), reverse=True)
    kept: set[datetime] = set()
    for count, period in ((daily, lambda d: d.isoformat()),
                          (weekly, lambda d: "%04d-W%02d" % d.isocalendar()[:2]),
                          (monthly, lambda d: f"{d:%Y-%m}")):
        seen: list[str] = []
        for at in ordered:  # newest first: the first archive met in a period is that period's newest
            key = period((at + CHINA).date())
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            kept.add(at)
    return kept


def to_remove(names: Iterable[str]) -> list[str]:
    """Of the archive names in one location, those retention lets go (names of other files are never touched)."""
    dated = {name: made_at(name) for name in names}
    dated = {name: at for name, at in dated.items() if at is not None}
    kept = keep(dated.values())
    return sorted(name for name, at in dated.items() if at not in kept)
