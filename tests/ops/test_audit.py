"""Traceability (SPEC §6): an append-only, hash-chained audit log that `flask portal audit verify`
checks; access events kept two years and purged only after; auditors search and export both logs."""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, text, update

from portal.accounts.tokens import create_token
from portal.audit import services as audit
from portal.audit.models import AccessEvent, AppendOnlyError, AuditEvent
from portal.catalog.models import Dataset, Resource
from portal.errors import Invalid
from portal.extensions import db
from portal.models_base import utcnow
from portal.side_db import side_connections
from tests import factories as f
from tests.conftest import login


def _events(n: int = 5) -> list[AuditEvent]:
    events = [audit.record("authority@example.cn", "dataset.publish", "dataset", f"ds-{i}", reason=f"第{i}次发布",
                           details={"n": i}) for i in range(n)]
    db.session.commit()
    return events


def _behind_the_portals_back(sql: str, params: dict | None = None) -> None:
    """What someone with full database access could do: first switch off the append-only triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    db.session.execute(text(sql), params or {})
    db.session.commit()


def _verify(app):
    return app.test_cli_runner().invoke(args=["portal", "audit", "verify"])


def test_verify_passes_on_an_intact_chain(app):
    _events()
    result = _verify(app)
    assert result.exit_code == 0 and "intact: 5 events" in result.output


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_events SET reason = '改过的理由' WHERE id = 3",
    "UPDATE audit_events SET details = '{\"n\": 99}' WHERE id = 3",
    "UPDATE audit_events SET at = '2020-01-01 00:00:00' WHERE id = 3",
    "DELETE FROM audit_events WHERE id = 3",
])
def test_verify_catches_a_changed_or_deleted_event(app, tamper):
    _events()
    _behind_the_portals_back(tamper)
    result = _verify(app)
    assert result.exit_code == 1
    # a deleted event shows as a break at its successor; a changed one at itself
    assert "BROKEN" in result.output and ("ids 4" if "DELETE" in tamper else "ids 3") in result.output


def test_verify_catches_a_rewritten_hash(app):
    """Recomputing one event's hash after changing it still breaks the link to the next event."""
    events = _events()
    e = events[1]
    forged = AuditEvent(at=e.at, actor_id=e.actor_id, actor_label=e.actor_label, action=e.action,
                        object_type=e.object_type, object_id=e.object_id, reason="伪造", details=e.details,
                        prev_hash=e.prev_hash)
    new_hash = audit._event_hash(e.prev_hash, forged)
    _behind_the_portals_back("UPDATE audit_events SET reason = '伪造', hash = :h WHERE id = :id",
                             {"h": new_hash, "id": e.id})
    result = _verify(app)
    assert result.exit_code == 1 and f"ids {e.id + 1}" in result.output


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(app):
    events = _events(3)
    events[0].reason = "改写"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, events[1].id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(AuditEvent).values(reason="x"))
    with pytest.raises(AppendOnlyError):
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[2].id))
    db.session.rollback()
    assert [e.reason for e in db.session.query(AuditEvent).order_by(AuditEvent.id)] == ["第0次发布", "第1次发布", "第2次发布"]
    assert audit.verify_chain() == []


# ---- access lines on the thread's side connection -----------------------------------------
def _commit_waits_for_disk(raw) -> bool:
    """Whether a commit on this driver connection waits for the disk: SQLite synchronous=FULL; PostgreSQL
    synchronous_commit not turned off for this connection (the test server itself runs with it off:
    it is thrown away, so what counts is whether the connection overrode it)."""
    if isinstance(raw, sqlite3.Connection):
        return raw.execute("PRAGMA synchronous").fetchone()[0] == 2
    setting, source = raw.execute(
        "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'").fetchone()
    return not (setting == "off" and source == "session")


def _driver(conn):
    return conn.connection.dbapi_connection


def test_access_lines_commit_at_once_on_a_connection_that_does_not_wait_for_the_disk(app, client):
    f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    assert client.get("/dataset?q=水质").status_code == 200
    # committed already, on the side connection of this thread, which holds no transaction afterwards
    assert db.session.query(AccessEvent).filter_by(kind="search", detail="q=水质").count() == 1
    side = _driver(side_connections().connection())
    assert _commit_waits_for_disk(side) is False
    if isinstance(side, sqlite3.Connection):
        assert not side.in_transaction  # SQLite's one write lock is free again
    # everything else still commits durably: the connections of the sessions are left as they are
    assert _commit_waits_for_disk(_driver(db.session.connection()))


def test_a_lost_side_connection_is_replaced_without_an_error(app, client):
    res = f.csv_resource(f.dataset("呼和浩特市水质监测数据", slug="hhht-water"))
    client.get("/dataset?q=水质")

    def lose_it():  # as when the database restarts: the kept connection is dead
        side = _driver(side_connections().connection())
        if isinstance(side, sqlite3.Connection):
            side.close()
        else:
            db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": side.info.backend_pid})
            db.session.commit()

    lose_it()  # the next search writes its line on a fresh one
    assert client.get("/dataset?q=水质&page=1").status_code == 200
    lose_it()  # and the next page reads the site generation on a fresh one
    page = client.get("/dataset/hhht-water")
    assert page.status_code == 200 and "呼和浩特市水质监测数据" in page.get_data(as_text=True)
    lose_it()  # a download writes its line and both counters
    assert client.get(f"/dataset/hhht-water/resource/{res.id}/download").status_code == 200
    db.session.expire_all()
    assert db.session.query(AccessEvent).filter_by(kind="search").count() == 2
    assert db.session.query(AccessEvent).filter_by(kind="download").count() == 1
    assert db.session.get(Resource, res.id).download_count == 1
    assert db.session.get(Dataset, res.dataset_id).download_count == 1


def test_a_forked_worker_leaves_the_parents_side_connection_alone(app, client):
    """gunicorn forks its workers from a master that loaded the app, and each worker disposes the engine
    it inherited: the parent's kept connection must survive that (its socket is shared through fork)."""
    import os

    f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    client.get("/dataset?q=水质")
    kept = side_connections().connection()
    pid = os.fork()
    if pid == 0:  # the worker: what gunicorn's post_fork does, then its own access line
        code = 1
        try:
            db.engine.dispose(close=False)
            client.get("/dataset?q=水质&page=1")
            code = 0
        finally:
            os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0
    assert client.get("/dataset?q=水质&page=2").status_code == 200
    assert side_connections().connection() is kept  # written on it: it was still alive
    assert db.session.query(AccessEvent).filter_by(kind="search").count() == 3


def test_anonymous_pages_and_downloads_read_on_the_side_connection_and_write_in_one_statement(app, client):
    """A request whose session has begun no transaction reads its rows on the thread's side connection:
    no pooled connection (no ping, BEGIN, ROLLBACK). On PostgreSQL a download's line and both counters are
    one statement (data-modifying WITH clauses), committed together."""
    from sqlalchemy import event

    res = f.csv_resource(f.dataset("呼和浩特市水质监测数据", slug="hhht-water"))
    client.get("/")  # the side connection exists
    checkouts, side_statements = [], []

    def checkout(*_args):
        checkouts.append(1)

    def side_statement(_conn, _cursor, sql, *_args):
        side_statements.append(sql)

    side_engine = side_connections().engine
    event.listen(db.engine, "checkout", checkout)
    event.listen(side_engine, "before_cursor_execute", side_statement)
    try:
        page = client.get("/dataset/hhht-water")
        assert page.status_code == 200 and "呼和浩特市水质监测数据" in page.get_data(as_text=True)
        page_reads = len(side_statements)
        side_statements.clear()
        download = client.get(f"/dataset/hhht-water/resource/{res.id}/download")
        assert download.status_code == 200
    finally:
        event.remove(db.engine, "checkout", checkout)
        event.remove(side_engine, "before_cursor_execute", side_statement)
    assert checkouts == []
    # the entry, its tags, items, files and history; its rating and reuse counts (reuses.ratings.summary), the
    # withdrawn bytes among its files (its JSON-LD) and its files' derived tables (tables.readable_profiles)
    assert page_reads == 8
    writes = [sql for sql in side_statements if not sql.lstrip().upper().startswith("SELECT")]
    if db.engine.dialect.name == "postgresql":
        assert len(writes) == 1 and writes[0].lstrip().startswith("WITH")
    else:
        assert len(writes) == 3  # SQLite: each committed on its own, in the process
    db.session.expire_all()
    assert db.session.query(AccessEvent).filter_by(kind="download", resource_id=res.id).count() == 1
    assert db.session.get(Resource, res.id).download_count == 1
    assert db.session.get(Dataset, res.dataset_id).download_count == 1


# ---- retention ---------------------------------------------------------------------------
def _access(at: datetime, kind: str = "download") -> None:
    db.session.add(AccessEvent(at=at, kind=kind, client_addr="203.0.113.7", status=200))


def test_purge_removes_only_events_older_than_two_years(app):
    now = utcnow()
    for days in (1000, 731, 729, 365, 1):
        _access(now - timedelta(days=days, hours=1) if days > 730 else now - timedelta(days=days))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "purge"])
    assert result.exit_code == 0 and "Removed 2" in result.output, result.output
    left = sorted((now - e.at).days for e in db.session.query(AccessEvent))
    assert left == [1, 365, 729]
    purge = db.session.query(AuditEvent).filter_by(action="access_log.purge").one()
    assert purge.details["removed"] == 2 and purge.actor_label == "cli"


def test_purge_refuses_a_retention_below_two_years(app):
    _access(utcnow() - timedelta(days=800))
    db.session.commit()
    app.config["ACCESS_LOG_RETENTION_DAYS"] = 729
    result = app.test_cli_runner().invoke(args=["portal", "purge"])
    assert result.exit_code != 0 and "至少保存两年" in result.output
    assert db.session.query(AccessEvent).count() == 1
    with pytest.raises(Invalid):
        audit.purge_access_events(100)


def test_two_years_are_calendar_years_across_a_leap_day():
    # 730 days before 2028-03-01 is 2026-03-02, less than two calendar years: the cutoff is 2026-03-01
    assert audit.retention_cutoff(730, datetime(2028, 3, 1, 12)) == datetime(2026, 3, 1, 12)
    assert audit.retention_cutoff(730, datetime(2027, 6, 1)) == datetime(2025, 6, 1)  # no leap day: 730 days
    assert audit.retention_cutoff(1000, datetime(2027, 6, 1)) == datetime(2027, 6, 1) - timedelta(days=1000)
    assert audit.retention_cutoff(730, datetime(2028, 2, 29)) == datetime(2026, 2, 28)


# ---- access events are recorded -----------------------------------------------------------
def test_searches_and_api_calls_are_access_events(app, users, client):
    ds = f.dataset("呼和浩特市空气质量监测数据")
    res = f.csv_resource(ds)
    assert client.get("/dataset?q=空气质量&agency=x").status_code == 200
    assert client.get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code == 200
    _token, raw = create_token(users["agency_staff"], "脚本", "read", 30)
    r = client.get(f"/api/v1/datasets/{ds.id}/resources/{res.id}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200
    assert client.get("/api/v1/datasets/x/resources/y").status_code == 401
    rows = {(e.kind, e.status, e.user_id): e for e in db.session.query(AccessEvent)}
    assert rows[("search", 200, None)].detail == "q=空气质量&agency=x"
    assert ("download", 200, None) in rows
    api = rows[("api", 200, users["agency_staff"].id)]
    assert api.detail == f"GET /api/v1/datasets/{ds.id}/resources/{res.id}"
    assert ("api", 401, None) in rows


def test_a_signed_in_visitors_searches_and_downloads_carry_their_account(app, users, client):
    ds = f.dataset("呼和浩特市空气质量监测数据")
    res = f.csv_resource(ds)
    user = users["data_user"]
    login(client, user.email)
    assert client.get("/dataset?q=空气质量").status_code == 200
    assert client.get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code == 200
    from flask_login.utils import encode_cookie

    remembered = app.test_client()  # signed in by a remember-me cookie alone, without a session
    with app.test_request_context():
        remembered.set_cookie("remember_token", encode_cookie(user.get_session_token()))
    assert remembered.get("/dataset?q=水质").status_code == 200
    assert app.test_client().get("/dataset?q=土壤").status_code == 200  # nobody
    rows = {(e.kind, e.detail): e.user_id for e in db.session.query(AccessEvent)}
    assert rows[("search", "q=空气质量")] == user.id and rows[("download", "")] == user.id
    assert rows[("search", "q=水质")] == user.id and rows[("search", "q=土壤")] is None


# ---- console pages --------------------------------------------------------------------------
@pytest.fixture()
def logged(app, users):
    audit.record(users["authority"], "dataset.publish", "dataset", "ds-1", reason="<script>alert(1)</script>审核通过")
    audit.record(users["authority"], "review.return", "review", "7", reason="=HYPERLINK(\"http://evil\")")
    audit.record(users["admin"], "calendar.set_year", "calendar", "2027")
    _access(utcnow() - timedelta(days=3), "search")
    _access(utcnow(), "download")
    db.session.add(AccessEvent(at=utcnow(), kind="api", client_addr="198.51.100.1", status=200,
                               user_id=users["data_user"].id, detail="GET /api/v1/x"))
    db.session.commit()
    return users


def _table(client, url: str) -> str:
    """The result table of a log page (empty when nothing matched)."""
    page = client.get(url).get_data(as_text=True)
    return page.split('id="log-table"', 1)[1].split("</table>", 1)[0] if 'id="log-table"' in page else ""


def test_auditor_searches_the_audit_log(app, logged, client):
    login(client, "auditor@example.cn")
    page = client.get("/console/audit").get_data(as_text=True)
    assert "<h1>审计日志</h1>" in page and "calendar.set_year" in page
    assert "可用 <code>flask portal audit verify</code> 命令校验完整性" in page and "`" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;审核通过" in page
    table = _table(client, "/console/audit?user=authority@example.cn")
    assert "dataset.publish" in table and "calendar.set_year" not in table
    table = _table(client, "/console/audit?action=review")
    assert "review.return" in table and "dataset.publish" not in table
    table = _table(client, "/console/audit?object_type=calendar&object_id=2027")
    assert "calendar.set_year" in table and "review.return" not in table
    today = utcnow().date()
    empty = client.get(f"/console/audit?end={(today - timedelta(days=5)).isoformat()}").get_data(as_text=True)
    assert "没有符合条件的记录" in empty
    assert client.get("/console/audit?start=yesterday").status_code == 400
    assert client.get("/console/audit?page=0").status_code == 400


def test_audit_log_pages(app, users, client):
    for i in range(120):
        audit.record(users["admin"], "dataset.update", "dataset", f"ds-{i:03d}")
    db.session.commit()
    login(client, "auditor@example.cn")
    first = client.get("/console/audit").get_data(as_text=True)
    assert "ds-119" in first and "ds-069" not in first and "120" in first
    third = client.get("/console/audit?page=3").get_data(as_text=True)
    assert "ds-019" in third and "ds-020" not in third and 'aria-current="page" class="page-current">3<' in third


def test_auditor_searches_the_access_log(app, logged, client):
    login(client, "auditor@example.cn")
    page = client.get("/console/access").get_data(as_text=True)
    assert "<h1>访问日志</h1>" in page and "198.51.100.1" in page and "user@example.cn" in page
    table = _table(client, "/console/access?action=api")
    assert "198.51.100.1" in table and "203.0.113.7" not in table and "接口调用" in table
    table = _table(client, "/console/access?user=user@example.cn")
    assert "198.51.100.1" in table and "203.0.113.7" not in table
    today = utcnow().date()
    table = _table(client, f"/console/access?start={(today - timedelta(days=4)).isoformat()}"
                           f"&end={(today - timedelta(days=2)).isoformat()}")
    assert "203.0.113.7" in table and "198.51.100.1" not in table


def _csv(r):
    body = r.get_data()
    assert body.startswith("\ufeff".encode())  # BOM: spreadsheet programs then read the Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_exports(app, logged, client):
    login(client, "auditor@example.cn")
    r = client.get("/console/audit.csv?action=review")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/console/access.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(r)
    assert rows[0][:4] == ["编号", "时间（北京时间）", "用户", "操作"]
    assert len(rows) == 2 and rows[1][3] == "review.return"
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")"  # never a live formula
    assert len(rows[1][-1]) == 64  # the hash, so the chain can be checked outside the portal
    rows = _csv(client.get("/console/access.csv"))
    assert rows[0][3] == "类型" and rows[0][-1] == "请求"
    # the three logged, then the auditor's own three exports (console pages are access events too)
    assert [r[3] for r in rows[1:]] == ["search", "download", "api", "page", "page", "page"]
    assert [r[-1] for r in rows[4:]] == ["GET /console/audit.csv?action=review", "GET /console/access.csv",
                                         "GET /console/access.csv"]
    assert [r[2] for r in rows[1:]].count("user@example.cn") == 1
    exports = db.session.query(AuditEvent).filter(AuditEvent.action.like("%_log.export")).all()
    assert {e.action for e in exports} == {"audit_log.export", "access_log.export"}
    assert exports[0].details == {"action": "review"} and exports[0].actor_label == "auditor@example.cn"


def test_large_export_is_streamed(app, users, client):
    db.session.execute(AccessEvent.__table__.insert(), [
        {"at": utcnow(), "kind": "download", "client_addr": "192.0.2.1", "status": 200, "bytes_sent": i,
         "detail": "", "user_id": None} for i in range(5000)])
    db.session.commit()
    login(client, "admin@example.cn")
    r = client.get("/console/access.csv?action=download", buffered=False)
    assert r.is_streamed
    rows = _csv(r)
    assert len(rows) == 5001 and rows[-1][8] == "4999"


@pytest.mark.parametrize("email", ["user@example.cn", "staff@example.cn"])
def test_other_roles_cannot_read_the_logs(app, users, client, email):
    login(client, email)
    for url in ("/console/audit", "/console/access", "/console/audit.csv", "/console/access.csv"):
        assert client.get(url).status_code == 403


def test_auditor_checks_the_chain_in_the_console(app, users, client):
    events = _events(4)
    login(client, "auditor@example.cn")
    page = client.get("/console/audit/verify").get_data(as_text=True)
    assert 'data-intact="true"' in page and "完整" in page and events[-1].hash in page
    _behind_the_portals_back("UPDATE audit_events SET object_id = 'ds-x' WHERE id = :id", {"id": events[1].id})
    page = client.get("/console/audit/verify").get_data(as_text=True)
    assert 'data-intact="false"' in page and f"<li>{events[1].id}</li>" in page
    login(other := app.test_client(), "staff@example.cn")
    assert other.get("/console/audit/verify").status_code == 403
