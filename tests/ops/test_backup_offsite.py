"""The off-site copy on another host over SFTP (OVERSIGHT §11, R2024 §35「采用加密方式进行本地及异地备份」), against a
real OpenSSH server on 127.0.0.1 (tests/sshd.py): copy under a temporary name then rename, read back with the
key, retention on the host, the host key checked, and scenario O12 with the host stopped."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.backup import offsite, retention
from portal.extensions import db
from portal.inbox.models import Message
from tests.clock import freeze_at
from tests.ops.test_backup_runs import _page, _rows, _run
from tests.conftest import mails_to
from tests.sshd import SshServer

KEY = "correct horse battery staple, 2026 edition"


@pytest.fixture()
def host(tmp_path_factory):
    server = SshServer(tmp_path_factory.mktemp("sshd")).start()
    yield server
    server.stop()


@pytest.fixture()
def sites(app, users, host, tmp_path_factory):
    """A local backup directory, a directory on the SFTP host as the off-site target, an entry with a file."""
    from tests import factories as f

    local, remote = tmp_path_factory.mktemp("local-backups"), tmp_path_factory.mktemp("host-backups")
    app.config.update(BACKUP_KEY=KEY, BACKUP_DIR=str(local), BACKUP_OFFSITE=host.url(remote),
                      BACKUP_OFFSITE_KEY=str(host.client_key), BACKUP_OFFSITE_KNOWN_HOSTS=str(host.known_hosts))
    ds = f.dataset("呼和浩特市空气质量监测数据")
    f.csv_resource(ds)
    db.session.commit()
    return local, remote


def _alarms() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.kind == "backup.alarm")))


def test_sftp_run_copies_verifies_and_retention_removes_old_copies_on_the_host(app, sites, host, monkeypatch):
    """A good run: the archive lands on the host whole, is read back from there with the key, and retention
    (7 daily, 4 weekly, 12 monthly) removes the host's old archives, never its other files."""
    local, remote = sites
    for n in range(10):
        (remote / retention.archive_name(datetime(2026, 9, 10 + n, 2, 0))).write_bytes(b"old")
    (remote / "README.txt").write_text("kept")
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2, 0))
    result = _run(app, "run")
    assert result.exit_code == 0, result.output
    name = retention.archive_name(datetime(2026, 9, 24, 2, 0))
    assert (remote / name).read_bytes() == (local / name).read_bytes()
    names = sorted(p.name for p in remote.glob("portal-*.backup"))
    assert len(names) == 7 + 1 and names[-1] == name  # the 18th–24th plus the newest of the week before
    assert (remote / "README.txt").read_text() == "kept"
    assert not list(remote.glob("*.partial")) and not [p for p in local.iterdir() if p.is_dir()]
    [copy] = _rows("offsite")
    assert copy.outcome == "verified" and copy.location == host.url(remote) and copy.sha256
    assert copy.details["files"] == 1 and copy.details["rows"] > 0
    assert _rows("run")[0].outcome == "ok"
    assert "system.backup.offsite" in set(db.session.scalars(select(AuditEvent.action)))
    page = _page(app, "auditor@example.cn")
    assert name in page.split('id="newest-offsite"')[1].split("</tr>")[0]
    assert host.url(remote) in page.split('id="offsite-target"')[1].split("</p>")[0]


def test_O12_sftp_host_unreachable_fails_then_alarm_after_26_hours(app, sites, host, users, monkeypatch):
    """O12: the off-site host is unreachable (its sshd stopped) → the run fails and is recorded failed; the status
    page shows the newest verified off-site copy and its age; after 26 hours the alarm goes out; the host back,
    the next run copies and verifies again."""
    local, remote = sites
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2, 0))
    assert _run(app, "run").exit_code == 0
    good = _rows("offsite")[0].archive
    host.stop()
    freeze_at(monkeypatch, datetime(2026, 9, 25, 2, 0))
    result = _run(app, "run")
    assert result.exit_code != 0 and "off-site copy failed" in result.output
    assert "Connection refused" in result.output
    assert _rows("run")[-1].outcome == "failed" and _rows("offsite")[-1].outcome == "failed"
    assert len(list(local.glob("portal-*.backup"))) == 2 and [p.name for p in remote.iterdir()] == [good]
    assert "system.backup.failed" in set(db.session.scalars(select(AuditEvent.action)))
    page = _page(app, "auditor@example.cn")
    newest = page.split('id="newest-offsite"')[1].split("</tr>")[0]
    assert good in newest and "1 天 0 小时" in newest
    assert "Connection refused" in page.split('id="backup-failures"')[1]
    assert 'id="backup-alarm"' not in page and not _alarms()
    # 26 hours after the last verified off-site copy, plus a minute: the deadline run raises the alarm
    freeze_at(monkeypatch, datetime(2026, 9, 25, 4, 1))
    assert app.test_cli_runner().invoke(args=["portal", "deadlines"]).exit_code == 0
    assert {m.user_id for m in _alarms()} == {users["authority"].id, users["admin"].id}
    assert len(mails_to(app, "authority@example.cn")) == 1 and len(mails_to(app, "admin@example.cn")) == 1
    assert 'id="backup-alarm"' in _page(app, "authority@example.cn")
    # the host is back: the next run copies, verifies, and the alarm is over
    host.start()
    freeze_at(monkeypatch, datetime(2026, 9, 25, 6, 0))
    result = _run(app, "run")
    assert result.exit_code == 0, result.output
    assert _rows("offsite")[-1].outcome == "verified" and len(list(remote.glob("portal-*.backup"))) == 2
    assert 'id="backup-alarm"' not in _page(app, "authority@example.cn")


def test_O12_sftp_altered_copy_fails_verification(app, sites, monkeypatch):
    """O12: the copy on the host is altered after it landed (one byte flipped on the host's disk): reading it
    back from the host with the key fails, the run fails, and the page shows no verified off-site copy."""
    local, remote = sites
    real_put = offsite.SftpTarget.put

    def put_then_alter(self, source):
        real_put(self, source)
        stored = remote / source.name
        data = bytearray(stored.read_bytes())
        data[len(data) // 2] ^= 0x01
        stored.write_bytes(bytes(data))
    monkeypatch.setattr(offsite.SftpTarget, "put", put_then_alter)
    result = _run(app, "run")
    assert result.exit_code != 0 and "Read-back failed" in result.output
    assert [r.outcome for r in _rows("local")] == ["verified"]
    [bad] = _rows("offsite")
    assert bad.outcome == "failed" and "damaged or was altered" in bad.error
    page = _page(app, "authority@example.cn")
    assert "尚无" in page.split('id="newest-offsite"')[1].split("</tr>")[0]
    assert "damaged or was altered" in page.split('id="backup-failures"')[1]
    assert not [p for p in local.iterdir() if p.is_dir()]  # the fetched copy is not left behind


def test_sftp_unknown_host_key_is_refused(app, sites, host, tmp_path):
    """The host key is checked against the known_hosts file: a host that shows another key gets nothing."""
    local, remote = sites
    other = SshServer(tmp_path / "other")  # its host key, written for this host's address and port
    host.known_hosts.write_text(other.known_hosts.read_text().replace(str(other.port), str(host.port)))
    result = _run(app, "run")
    assert result.exit_code != 0 and "Host key verification failed" in result.output
    assert list(remote.iterdir()) == [] and _rows("offsite")[0].outcome == "failed"


def test_sftp_copy_failing_at_the_rename_leaves_no_half_written_file(app, sites, monkeypatch):
    """The rename onto the final name fails (a directory is in the way): no archive under its final name,
    and the temporary file is removed from the host."""
    local, remote = sites
    freeze_at(monkeypatch, datetime(2026, 9, 24, 2, 0))
    name = retention.archive_name(datetime(2026, 9, 24, 2, 0))
    (remote / name).mkdir()
    result = _run(app, "run")
    assert result.exit_code != 0 and "off-site copy failed" in result.output
    assert (remote / name).is_dir() and [p.name for p in remote.iterdir()] == [name]
    assert (local / name).is_file() and _rows("offsite")[0].outcome == "failed"


@pytest.mark.parametrize("setting, extra, message", [
    ("sftp://backup@127.0.0.1:22/srv/x", {"BACKUP_OFFSITE_KNOWN_HOSTS": ""}, "PORTAL_BACKUP_OFFSITE_KNOWN_HOSTS is not set"),
    ("sftp://backup@127.0.0.1:22/srv/x", {"BACKUP_OFFSITE_KEY": ""}, "PORTAL_BACKUP_OFFSITE_KEY is not set"),
    ("sftp://backup:secret@127.0.0.1/srv/x", {}, "must not hold a password"),
    ("sftp://127.0.0.1/srv/x", {}, "sftp://user@host:port/absolute/path"),
    ("sftp://backup@127.0.0.1/srv/x*", {}, "patterns"),
    ("s3://bucket/backups", {}, "PORTAL_BACKUP_OFFSITE must be an absolute directory path"),
])
def test_sftp_settings_are_checked(app, sites, setting, extra, message):
    app.config.update(BACKUP_OFFSITE=setting, **extra)
    result = _run(app, "run")
    assert result.exit_code != 0 and message in result.output
    assert _rows("offsite")[0].outcome == "failed" and "secret" not in _rows("offsite")[0].location
    assert "secret" not in _page(app, "admin@example.cn")
