"""Scheduled backups (OVERSIGHT §11, R2024 §35): a run writes the encrypted archive into the local backup
directory, copies it to the off-site target, reads both copies back with the key and prunes both locations;
a drill restores the newest archive into a scratch database. Every step is a BackupRun row and an audit event.
The alarm tells the authority and the administrators, once per outage, when the newest verified off-site copy
is older than PORTAL_BACKUP_MAX_AGE_HOURS."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from ..inbox import mail
from ..inbox.services import notify
from ..models_base import utcnow
from . import offsite, retention
from ..supervision.services import Notice, register_notice_source
from .crypto import BackupError
from .models import BackupRun
from .offsite import DirectoryTarget, Target, target_from
from .services import backup
from .verify import drill, read_back

SCHEDULES = {"hourly": "%Y-%m-%dT%H", "daily": "%Y-%m-%d", "weekly": "%G-W%V", "monthly": "%Y-%m"}
CHINA = timedelta(hours=8)
ACTOR = "system"


class AlreadyRan(BackupError):
    """This schedule period already has a successful run."""


@dataclass
class RunResult:
    run: BackupRun
    steps: list[BackupRun] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.run.outcome == "ok"


def period_of(at: datetime, schedule: str) -> str:
    if schedule not in SCHEDULES:
        raise BackupError(f"PORTAL_BACKUP_SCHEDULE must be one of {', '.join(SCHEDULES)}, not {schedule!r}.")
    return f"{schedule}:{(at + CHINA).strftime(SCHEDULES[schedule])}"


def _cfg(name: str, default=None):
    return current_app.config.get(name, default)


def offsite_target() -> Target:
    """The off-site target PORTAL_BACKUP_OFFSITE names: a directory on another mount or a host over SFTP
    (offsite.py); the run below only uses its interface."""
    return target_from(current_app.config)


def _record(kind: str, outcome: str, *, run: BackupRun | None = None, started: datetime | None = None,
            archive: str = "", location: str = "", size: int = 0, sha256: str = "", error: str = "",
            details: dict | None = None, period: str = "") -> BackupRun:
    now = utcnow()
    row = BackupRun(kind=kind, outcome=outcome, run_id=run.id if run else None, period=period,
                    started_at=started or now, finished_at=now, archive=archive, location=location[:500],
                    size=size, sha256=sha256, error=error[:2000], details=details or {})
    db.session.add(row)
    db.session.flush()
    action = f"system.backup.{kind}" if outcome != "failed" else "system.backup.failed"
    audit.record(ACTOR, action, "backup_run", row.id, reason=error[:500],
                 details={"kind": kind, "outcome": outcome, "archive": archive, "location": location[:200]})
    db.session.commit()
    return row


def _verify(kind: str, path: Path, key: str, run: BackupRun, started: datetime, location: str) -> BackupRun:
    try:
        result = read_back(path, key)
    except BackupError as exc:
        return _record(kind, "failed", run=run, started=started, archive=path.name, location=location,
                       error=f"Read-back failed: {exc}")
    return _record(kind, "verified", run=run, started=started, archive=path.name, location=location,
                   size=result.size, sha256=result.sha256,
                   details={"rows": sum(result.rows.values()), "files": result.files})


def _verify_at(target: Target, kind: str, name: str, key: str, run: BackupRun, started: datetime) -> BackupRun:
    """Read the copy kept at `target` back with the key (from another host, fetched first)."""
    try:
        with target.fetched(name) as path:
            return _verify(kind, path, key, run, started, target.location)
    except (BackupError, OSError) as exc:
        return _record(kind, "failed", run=run, started=started, archive=name, location=target.location,
                       error=f"Read-back failed: {getattr(exc, 'strerror', None) or exc}")


def _prune(target: Target, kind: str, run: BackupRun) -> tuple[list[str], BackupRun | None]:
    """Retention at one location: the archives it lets go are removed; a failure is a failed step."""
    try:
        gone = retention.to_remove(target.names())
        target.remove(gone)
    except (BackupError, OSError) as exc:
        return [], _record(kind, "failed", run=run, location=target.location,
                           error=f"Retention could not remove old archives: {getattr(exc, 'strerror', None) or exc}")
    return gone, None


def run_backup(force: bool = False) -> RunResult:
    """One scheduled run; a failure is recorded (never raised past here) and leaves the run 'failed'."""
    now = utcnow()
    period = period_of(now, _cfg("BACKUP_SCHEDULE") or "daily")
    done = db.session.scalar(select(BackupRun.id).where(BackupRun.kind == "run", BackupRun.outcome == "ok",
                                                        BackupRun.period == period))
    if done and not force:
        raise AlreadyRan(f"This period ({period}) already has a verified backup; use --force to make another.")
    key = _cfg("BACKUP_KEY")
    local_dir = Path(_cfg("BACKUP_DIR"))
    run = _record("run", "running", period=period)
    result = RunResult(run)
    name = retention.archive_name(now)
    error = ""
    try:
        local_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        started = utcnow()
        backup(local_dir / name, key)
        result.steps.append(_verify("local", local_dir / name, key, run, started, str(local_dir)))
    except Exception as exc:  # whatever stopped it (a full disk, the database), the run is recorded as failed
        error = f"The local archive could not be written: {getattr(exc, 'strerror', None) or exc}"
        result.steps.append(_record("local", "failed", run=run, archive=name, location=str(local_dir), error=error))
    if not error:
        started = utcnow()
        try:
            target = offsite_target()
            target.put(local_dir / name)
        except (BackupError, OSError) as exc:
            error = f"The off-site copy failed: {getattr(exc, 'strerror', None) or exc}"
            result.steps.append(_record("offsite", "failed", run=run, started=started, archive=name,
                                        location=offsite.shown(_cfg("BACKUP_OFFSITE") or ""), error=error))
        else:
            result.steps.append(_verify_at(target, "offsite", name, key, run, started))
    failed = [s for s in result.steps if s.outcome == "failed"]
    if failed and not error:
        error = failed[0].error
    if not failed:
        for kind, place in (("local", DirectoryTarget(local_dir)), ("offsite", target)):
            gone, failure = _prune(place, kind, run)
            result.removed += gone
            if failure:
                result.steps.append(failure)
                failed.append(failure)
                error = error or failure.error
    run = db.session.get(BackupRun, run.id)
    run.outcome, run.finished_at, run.archive, run.error = ("failed" if failed else "ok"), utcnow(), name, error
    run.details = {"removed": result.removed}
    audit.record(ACTOR, "system.backup.run" if not failed else "system.backup.failed", "backup_run", run.id,
                 reason=error[:500], details={"archive": name, "period": period, "removed": len(result.removed)})
    db.session.commit()
    result.run = run
    check_alarm()
    return result


def newest_archive() -> Path:
    """The newest local archive a run verified."""
    row = db.session.scalars(select(BackupRun).where(BackupRun.kind == "local", BackupRun.outcome == "verified")
                             .order_by(BackupRun.finished_at.desc(), BackupRun.id.desc())).first()
    if row is None or not (Path(row.location) / row.archive).is_file():
        raise BackupError("There is no verified local archive to drill with.")
    return Path(row.location) / row.archive


def run_drill() -> BackupRun:
    """The restore drill: the newest verified local archive into a scratch SQLite database, row counts
    compared with the manifest; recorded either way."""
    started = utcnow()
    try:
        path = newest_archive()
    except BackupError as exc:
        return _record("drill", "failed", started=started, error=str(exc))
    with tempfile.TemporaryDirectory(prefix="portal-drill-") as scratch:
        try:
            result = drill(path, _cfg("BACKUP_KEY"), scratch)
        except (BackupError, OSError) as exc:
            return _record("drill", "failed", started=started, archive=path.name, location=str(path.parent),
                           error=f"The restore drill failed: {exc}")
    return _record("drill", "ok", started=started, archive=path.name, location=str(path.parent),
                   size=result.size, sha256=result.sha256,
                   details={"rows": sum(result.rows.values()), "tables": len(result.rows), "files": result.files})


def newest(kind: str, outcome: str) -> BackupRun | None:
    return db.session.scalars(select(BackupRun).where(BackupRun.kind == kind, BackupRun.outcome == outcome)
                              .order_by(BackupRun.finished_at.desc(), BackupRun.id.desc())).first()


def offsite_stale(now: datetime | None = None) -> bool:
    """Whether backups are in use (a run was recorded) and the newest verified off-site copy is missing or
    older than PORTAL_BACKUP_MAX_AGE_HOURS."""
    now = now or utcnow()
    if db.session.scalar(select(BackupRun.id).where(BackupRun.kind == "run").limit(1)) is None:
        return False
    copy = newest("offsite", "verified")
    return copy is None or now - copy.finished_at > timedelta(hours=int(_cfg("BACKUP_MAX_AGE_HOURS") or 26))


def check_alarm() -> BackupRun | None:
    """Tell the authority and the administrators (inbox and e-mail) that the off-site copy is too old, once
    per outage: an outage is named by the newest verified off-site copy it began after."""
    if not offsite_stale():
        return None
    copy = newest("offsite", "verified")
    outage = f"outage:{copy.id if copy else 0}"
    if db.session.scalar(select(BackupRun.id).where(BackupRun.kind == "alarm", BackupRun.period == outage)):
        return None
    people = list(db.session.scalars(select(User).where(User.role.in_(roles.BACKUP_ALARMED), User.active.is_(True))))
    hours = int(_cfg("BACKUP_MAX_AGE_HOURS") or 26)
    subject = _("No verified off-site backup for more than %(hours)s hours", hours=hours)
    body = (_("The newest verified off-site copy is %(name)s of %(at)s (UTC).", name=copy.archive,
              at=f"{copy.finished_at:%Y-%m-%d %H:%M}") if copy else _("No off-site copy has been verified yet."))
    link = "/console/backups"
    for user in people:
        notify(user, subject, body, link=link, kind="backup.alarm")
    row = _record("alarm", "sent", period=outage, details={"users": [u.id for u in people]})  # commits the notices
    base = (_cfg("BASE_URL") or "").rstrip("/")
    mail.send([(u.email, subject, f"{body}\n\n{base}{link}") for u in people if u.email])
    return row


@register_notice_source
def _alarm_from_deadline_run(today: date) -> list[Notice]:
    """`flask portal deadlines` raises the alarm too, so an outage is told even when the backup timer stopped."""
    check_alarm()
    return []
