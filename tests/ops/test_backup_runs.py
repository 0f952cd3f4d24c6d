"""Scheduled encrypted backups, local and off-site (OVERSIGHT §11, R2024 §35「采用加密方式进行本地及异地备份」):
`flask portal backup run`, the read-back of each copy, retention, the restore drill, the status page and the alarm."""
from __future__ import annotations

import os

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.backup import retention
from portal.backup.models import BackupRun
from portal.extensions import db
from portal.inbox.models import Message
from tests.clock import freeze, freeze_at
from tests.conftest import login, mails_to

KEY = "correct horse battery staple, 2026 edition"


@pytest.fixture()
def sites(app, users, tmp_path_factory):
    """A local backup directory and an off-site directory (a second location), a catalog entry with a file."""
    from tests import factories as f

    local, offsite = tmp_path_factory.mktemp("local-backups"), tmp_path_factory.mktemp("offsite-backups")
    app.config.update(BACKUP_KEY=KEY, BACKUP_DIR=str(local), BACKUP_OFFSITE=str(offsite))
    ds = f.dataset("呼和浩特市空气质量监测数据")
    f.csv_resource(ds)
    db.session.commit()
    return local, offsite


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["portal", "backup", *args])


def _rows(kind: str) -> list[BackupRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(BackupRun).where(BackupRun.kind == kind).order_by(BackupRun.id)))


def _page(app, email: str) -> str:
    client = app.test_client()
    login(client, email)
    r = client.get("/console/backups")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_a_run_writes_copies_off_site_and_verifies_both(app, sites):
    local, offsite = sites
    result = _run(app, "run")
    assert result.exit_code == 0, result.output
    [archive] = [p.name for p in local.glob("portal-*.backup")]
    assert [p.name for p in offsite.iterdir()] == [archive]
    assert (offsite / archive).read_bytes() == (local / archive).read_bytes()
    assert [r.outcome for r in _rows("local")] == ["verified"] and [r.outcome for r in _rows("offsite")] == ["verified"]
    assert _rows("run")[0].outcome == "ok"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"system.backup", "system.backup.local", "system.backup.offsite", "system.backup.run"} <= actions
    # the schedule is daily: a second run in the same day is refused unless forced
    again = _run(app, "run")
    assert again.exit_code != 0 and "already has a verified backup" in again.output


def test_O12_unreachable_target_fails_then_alarm_after_26_hours(app, sites, users, monkeypatch):
    """O12: off-site target unreachable → the run fails (non-zero exit, failure recorded, local copy kept); the
    status page shows the newest verified off-site copy and its age; after 26 hours the alarm goes out, once."""
    local, offsite = sites
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2, 0))
    assert _run(app, "run").exit_code == 0
    good = _rows("offsite")[0].archive
    app.config["BACKUP_OFFSITE"] = str(offsite / "gone")  # the mount went away
    freeze_at(monkeypatch, datetime(2026, 9, 25, 2, 0))
    result = _run(app, "run")
    assert result.exit_code != 0 and "off-site copy failed" in result.output
    assert _rows("run")[-1].outcome == "failed" and _rows("offsite")[-1].outcome == "failed"
    assert len(list(local.glob("portal-*.backup"))) == 2  # the local copy is kept
    assert "system.backup.failed" in set(db.session.scalars(select(AuditEvent.action)))
    page = _page(app, "auditor@example.cn")
    assert good in page and "1 天 0 小时" in page.split('id="newest-offsite"')[1].split("</tr>")[0]
    assert "off-site copy failed" in page.split('id="backup-failures"')[1]
    assert 'id="backup-alarm"' not in page
    assert not db.session.scalars(select(Message).where(Message.kind == "backup.alarm")).all()
    # 26 hours after the last verified off-site copy, plus a minute: the deadline run raises the alarm
    freeze_at(monkeypatch, datetime(2026, 9, 25, 4, 1))
    assert app.test_cli_runner().invoke(args=["portal", "deadlines"]).exit_code == 0
    told = {m.user_id for m in db.session.scalars(select(Message).where(Message.kind == "backup.alarm"))}
    assert told == {users["authority"].id, users["admin"].id}
    assert len(mails_to(app, "authority@example.cn")) == 1 and len(mails_to(app, "admin@example.cn")) == 1
    assert 'id="backup-alarm"' in _page(app, "admin@example.cn")
    # once per outage: another failed run and another deadline run a day later tell nobody again
    freeze_at(monkeypatch, datetime(2026, 9, 26, 2, 0))
    assert _run(app, "run").exit_code != 0
    assert app.test_cli_runner().invoke(args=["portal", "deadlines"]).exit_code == 0
    assert len(db.session.scalars(select(Message).where(Message.kind == "backup.alarm")).all()) == 2
    assert len(_rows("alarm")) == 1
    # the target is back: the run succeeds, the outage is over; a later outage alarms again
    app.config["BACKUP_OFFSITE"] = str(offsite)
    assert _run(app, "run").exit_code == 0
    assert 'id="backup-alarm"' not in _page(app, "authority@example.cn")
    freeze_at(monkeypatch, datetime(2026, 9, 27, 6, 0))
    assert app.test_cli_runner().invoke(args=["portal", "deadlines"]).exit_code == 0
    assert len(_rows("alarm")) == 2


def test_O12_altered_off_site_copy_fails_verification(app, sites, monkeypatch):
    """O12: an altered copy fails verification and is shown as failed."""
    local, offsite = sites
    original = os.fdopen

    def flip_on_copy(fd, mode="r", *args, **kwargs):  # the off-site medium flips a byte of what lands on it
        fh = original(fd, mode, *args, **kwargs)
        if "w" in mode and os.readlink(f"/proc/self/fd/{fd}").startswith(str(offsite)):
            real_write = fh.write

            def write(data, _done=[]):
                if not _done and len(data) > 300:
                    data = bytearray(data)
                    data[300] ^= 0x01
                    _done.append(1)
                return real_write(bytes(data))
            fh.write = write
        return fh
    monkeypatch.setattr(os, "fdopen", flip_on_copy)
    result = _run(app, "run")
    monkeypatch.undo()
    assert result.exit_code != 0 and "Read-back failed" in result.output
    assert [r.outcome for r in _rows("local")] == ["verified"]
    [bad] = _rows("offsite")
    assert bad.outcome == "failed" and "damaged or was altered" in bad.error
    page = _page(app, "authority@example.cn")
    assert "尚无" in page.split('id="newest-offsite"')[1].split("</tr>")[0]
    assert "damaged or was altered" in page.split('id="backup-failures"')[1]
    failed_rows = [r for r in page.split('id="backup-steps"')[1].split("<tr")[1:] if 'class="failed"' in r]
    assert any("异地副本" in r and "失败" in r for r in failed_rows)


def test_altered_copy_at_rest_fails_the_drill_and_read_back(app, sites):
    """A byte flipped in a stored archive: reading it back with the key fails and says so."""
    from portal.backup.verify import read_back
    from portal.backup.crypto import BackupError

    local, offsite = sites
    assert _run(app, "run").exit_code == 0
    [copy] = list(offsite.glob("portal-*.backup"))
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged or was altered"):
        read_back(copy, KEY)
    [archive] = list(local.glob("portal-*.backup"))
    archive.write_bytes(bytes(data))
    result = _run(app, "verify")
    assert result.exit_code != 0 and "restore drill failed" in result.output
    assert _rows("drill")[-1].outcome == "failed"


def test_restore_drill_counts_rows_and_is_recorded(app, sites, monkeypatch):
    """The quarterly restore drill: the newest archive into a scratch database, row counts as in the manifest."""
    from portal.catalog.models import Dataset

    freeze(monkeypatch, "2026-09-24")
    assert _run(app, "run").exit_code == 0
    page = _page(app, "auditor@example.cn")
    assert "应进行恢复演练。" in page.split('id="last-drill"')[1].split("</p>")[0]
    result = _run(app, "verify")
    assert result.exit_code == 0, result.output
    [drill] = _rows("drill")
    assert drill.outcome == "ok" and drill.details["rows"] > 0 and drill.details["files"] == 1
    assert "system.backup.drill" in set(db.session.scalars(select(AuditEvent.action)))
    assert db.session.scalar(select(Dataset.title)) == "呼和浩特市空气质量监测数据"  # the live database untouched
    page = _page(app, "auditor@example.cn")
    assert drill.archive in page.split('id="last-drill"')[1] and "应进行恢复演练。" not in page.split('id="last-drill"')[1].split("</p>")[0]


def test_drill_without_an_archive_fails_and_is_recorded(app, sites):
    result = _run(app, "verify")
    assert result.exit_code != 0 and "no verified local archive" in result.output
    assert _rows("drill")[0].outcome == "failed"


def test_a_run_failing_midway_leaves_nothing_half_written(app, sites, monkeypatch):
    """The off-site copy breaks after some bytes: no archive under its final name there, no .partial left."""
    import shutil

    local, offsite = sites

    def broken(fsrc, fdst, length=0):
        fdst.write(fsrc.read(1000))
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(shutil, "copyfileobj", broken)
    result = _run(app, "run")
    assert result.exit_code != 0 and "No space left on device" in result.output
    assert list(offsite.iterdir()) == []
    assert len(list(local.glob("portal-*.backup"))) == 1 and not list(local.glob("*.partial"))


def test_local_archive_failing_midway_leaves_nothing(app, sites, monkeypatch):
    from portal.backup import services

    local, offsite = sites
    monkeypatch.setattr(services, "_rows", lambda table: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    result = _run(app, "run")
    assert result.exit_code != 0 and "local archive could not be written" in result.output
    assert list(local.iterdir()) == [] and list(offsite.iterdir()) == []
    assert _rows("local")[0].outcome == "failed"


def test_no_offsite_target_is_a_failure(app, sites):
    app.config["BACKUP_OFFSITE"] = ""
    result = _run(app, "run")
    assert result.exit_code != 0 and "PORTAL_BACKUP_OFFSITE is not set" in result.output


def test_who_may_see_the_status_page(app, sites, users):
    for email in ("admin@example.cn", "authority@example.cn", "auditor@example.cn"):
        assert "最新已验证异地副本" in _page(app, email)
    for email in ("staff@example.cn", "user@example.cn"):
        client = app.test_client()
        login(client, email)
        assert client.get("/console/backups").status_code == 403
    assert app.test_client().get("/console/backups").status_code in (302, 401)


def _at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(day) + timedelta(hours=hour)


def test_retention_keeps_7_daily_4_weekly_12_monthly():
    """A year and a half of daily archives: 7 newest days, the newest of 4 weeks, of 12 months."""
    start = datetime(2025, 6, 1, 2, 0)
    times = [start + timedelta(days=n) for n in range(0, 550)]  # up to 2026-12-02
    kept = retention.keep(times)
    newest = max(times)
    daily = {newest - timedelta(days=n) for n in range(7)}
    assert daily <= kept
    weeks = {"%04d-W%02d" % (t + timedelta(hours=8)).date().isocalendar()[:2] for t in kept}
    months = {f"{(t + timedelta(hours=8)):%Y-%m}" for t in kept}
    assert len(months) == 12 and min(months) == "2026-01"
    assert len(weeks) >= 4
    assert len(kept) <= 7 + 4 + 12 and len(kept) >= 12
    # the newest archive of each kept month is its last day's
    assert _at("2026-01-31") in kept and _at("2026-01-30") not in kept
    assert _at("2025-12-31") not in kept  # the 13th month back goes


def test_retention_edge_cases():
    assert retention.keep([]) == set()
    one = [_at("2026-09-24")]
    assert retention.keep(one) == set(one)
    # several a day: only the newest of the day is kept as that day's
    same_day = [_at("2026-09-24", h) for h in (0, 3, 6)]
    assert retention.keep(same_day) == {_at("2026-09-24", 6)}
    # the day is China's: 17:00 UTC is already the next day there
    assert retention.keep([datetime(2026, 9, 24, 15, 0), datetime(2026, 9, 24, 17, 0)], daily=2, weekly=0, monthly=0) \
        == {datetime(2026, 9, 24, 15, 0), datetime(2026, 9, 24, 17, 0)}
    names = [retention.archive_name(_at("2026-09-01") + timedelta(days=n)) for n in range(30)] + ["notes.txt", "x.partial"]
    gone = retention.to_remove(names)
    assert "notes.txt" not in gone and "x.partial" not in gone
    assert retention.archive_name(_at("2026-09-30")) not in gone and len(gone) == 30 - len(retention.keep(
        [_at("2026-09-01") + timedelta(days=n) for n in range(30)]))


def test_retention_applies_in_both_locations(app, sites, monkeypatch):
    local, offsite = sites
    for folder in (local, offsite):
        for n in range(10):
            (folder / retention.archive_name(datetime(2026, 9, 10 + n, 2, 0))).write_bytes(b"old")
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2, 0))
    result = _run(app, "run")
    assert result.exit_code == 0, result.output
    for folder in (local, offsite):
        names = sorted(p.name for p in folder.glob("portal-*.backup"))
        assert len(names) == 7 + 1  # the 7 newest days (18th–24th) plus the newest of the week before (the 13th)
        assert names[-1] == retention.archive_name(datetime(2026, 9, 24, 2, 0))
