"""What the backup status page shows: the newest verified local and off-site copies with their ages, the last
restore drill, whether the off-site copy is too old, and the recent steps with their failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models_base import utcnow
from .models import BackupRun
from .offsite import shown
from .runs import newest, offsite_stale

KIND_LABELS = {"run": _l("Backup run"), "local": _l("Local copy"), "offsite": _l("Off-site copy"),
               "drill": _l("Restore drill"), "alarm": _l("Alarm")}
OUTCOME_LABELS = {"ok": _l("Completed"), "verified": _l("Verified"), "failed": _l("Failed"),
                  "sent": _l("Sent"), "running": _l("Running")}
SHOWN = 30


@dataclass
class Line:
    row: BackupRun
    kind_label: str
    outcome_label: str
    failed: bool


@dataclass
class Copy:
    row: BackupRun | None
    age_hours: float | None

    @property
    def age_text(self) -> str:
        if self.age_hours is None:
            return ""
        hours = int(self.age_hours)
        return str(_l("%(days)s d %(hours)s h", days=hours // 24, hours=hours % 24))


@dataclass
class BackupStatus:
    local: Copy
    offsite: Copy
    drill: BackupRun | None
    drill_due: bool
    offsite_stale: bool
    max_age_hours: int
    offsite_target: str
    failures: list[Line]
    lines: list[Line]


def _copy(row: BackupRun | None, now: datetime) -> Copy:
    return Copy(row, None if row is None else (now - row.finished_at).total_seconds() / 3600)


def _line(row: BackupRun) -> Line:
    return Line(row, str(KIND_LABELS.get(row.kind, row.kind)), str(OUTCOME_LABELS.get(row.outcome, row.outcome)),
                row.outcome == "failed")


def backup_status() -> BackupStatus:
    now = utcnow()
    drill = newest("drill", "ok")
    rows = list(db.session.scalars(select(BackupRun).order_by(BackupRun.finished_at.desc(), BackupRun.id.desc())
                                   .limit(SHOWN)))
    failures = list(db.session.scalars(select(BackupRun).where(BackupRun.outcome == "failed")
                                       .order_by(BackupRun.finished_at.desc(), BackupRun.id.desc()).limit(10)))
    days = int(current_app.config.get("BACKUP_DRILL_DAYS") or 92)
    return BackupStatus(local=_copy(newest("local", "verified"), now), offsite=_copy(newest("offsite", "verified"), now),
                        drill=drill, drill_due=drill is None or now - drill.finished_at > timedelta(days=days),
                        offsite_stale=offsite_stale(now),
                        max_age_hours=int(current_app.config.get("BACKUP_MAX_AGE_HOURS") or 26),
                        offsite_target=shown(current_app.config.get("BACKUP_OFFSITE") or ""),
                        failures=[_line(r) for r in failures], lines=[_line(r) for r in rows])
