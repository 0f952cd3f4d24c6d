"""PostgreSQL stopped and restarted while requests arrive: 503 with a clear message during the outage
(HTML page and JSON envelope), normal service after, and no half-applied review decision. Pooled
connections the server closed are replaced before use."""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time

from portal.accounts.services import create_staff_user
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset
from portal.extensions import db
from scripts.services import PgCluster
from tests import factories as f
from tests.catalog.test_console import create, put_file
from tests.catalog.test_review import check
from tests.conftest import PASSWORD, build_app, login, post_form
from tests.production.servers import PG_URL, connect


def test_database_stopped_and_restarted_while_requests_arrive(tmp_path):
    # outside pytest's temporary root, which is private to root (PostgreSQL runs as `postgres` there)
    cluster_dir = tempfile.mkdtemp(prefix="portal-pg-outage-")
    cluster = PgCluster(cluster_dir).init().start()
    try:
        url = cluster.create_database("portal")
        app = build_app(tmp_path / "data", SQLALCHEMY_DATABASE_URI=url)  # the pool as configured
        with app.app_context():
            agency = f.agency("呼和浩特市住房和城乡建设局", slug="hhht-zjj")
            f.theme("城建住房", slug="housing")
            published = f.dataset("呼和浩特市空气质量监测数据")
            db.session.commit()
            create_staff_user("staff@example.cn", "经办人", PASSWORD, "agency_staff", agency.slug)
            create_staff_user("authority@example.cn", "审核员", PASSWORD, "authority")
            staff, authority, anonymous = app.test_client(), app.test_client(), app.test_client()
            login(staff, "staff@example.cn")
            create(staff)
            ds = db.session.query(Dataset).filter(Dataset.state == "draft").one()
            assert put_file(staff, ds, "充电站名称,功率(千瓦)\n如意充电站,120\n".encode()).status_code == 201
            assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds.id))
            assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
            login(authority, "authority@example.cn")
            review_id = db.session.get(Dataset, ds.id).reviews[0].id
            assert check(authority, review_id, "confidentiality").status_code == 302
            assert check(authority, review_id, "disclosure").status_code == 302
            assert check(authority, review_id, "level").status_code == 302
            page = authority.get(f"/review/{review_id}").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            dataset_id, slug, events_before = ds.id, published.slug, db.session.query(AuditEvent).count()
            db.session.remove()

        # readers keep coming, before, during and after the outage
        statuses: list[int] = []
        stop = threading.Event()

        def reader():
            client = app.test_client()
            while not stop.is_set():
                for path in ("/", f"/dataset/{slug}", "/dataset?q=空气质量"):
                    statuses.append(client.get(path).status_code)
                time.sleep(0.05)

        thread = threading.Thread(target=reader)
        thread.start()
        time.sleep(0.5)
        cluster.stop("fast")
        try:
            page = anonymous.get("/dataset?q=空气质量")
            assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
            assert "数据库暂时无法访问" in page.get_data(as_text=True)
            api = anonymous.get(f"/api/v1/datasets/{dataset_id}/resources/x", headers={"Authorization": "Bearer nope"})
            assert api.status_code == 503
            assert api.get_json()["error"]["code"] == "unavailable"
            assert "database" in api.get_json()["error"]["message"].lower() or "数据库" in api.get_json()["error"]["message"]
            # the authority's decision arrives during the outage: refused, and nothing of it is kept
            decision = authority.post(f"/review/{review_id}/decide",
                                      data={"csrf_token": token, "action": "approve", "comment": "同意发布"})
            assert decision.status_code == 503
            assert "数据库暂时无法访问" in decision.get_data(as_text=True)
            time.sleep(0.5)
        finally:
            cluster.start()
        back = len(statuses)
        deadline = time.monotonic() + 120
        while len(statuses) < back + 6 and time.monotonic() < deadline:  # two more rounds of the reader
            time.sleep(0.1)
        stop.set()
        thread.join(60)

        assert 503 in statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
        assert len(statuses) >= back + 6 and set(statuses[back + 3:]) == {200}  # the reader is served again
        assert anonymous.get("/").status_code == 200
        with app.app_context():
            ds = db.session.get(Dataset, dataset_id)
            assert ds.state == "submitted"
            assert ds.reviews[0].state == "pending" and ds.reviews[0].decided_at is None
            assert db.session.query(AuditEvent).count() == events_before
            db.session.remove()
        # service is back: the same decision now goes through once
        decision = authority.post(f"/review/{review_id}/decide",
                                  data={"csrf_token": token, "action": "approve", "comment": "同意发布"})
        assert decision.status_code == 302
        with app.app_context():
            assert db.session.get(Dataset, dataset_id).state == "published"
            actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
            assert actions[-1] == "dataset.publish" and actions.count("dataset.publish") == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        cluster.stop("immediate")
        shutil.rmtree(cluster_dir, ignore_errors=True)


def test_pooled_connections_the_server_closed_are_replaced_before_use(app, client):
    """Connections the server ended while they sat in the pool (a restart, an idle timeout, an
    administrator) are noticed at checkout from their sockets, dropped, and the request is served on a
    fresh connection with no error."""
    f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air")
    db.session.commit()
    old = db.session.connection().connection.dbapi_connection.info.backend_pid
    db.session.remove()  # back in the pool
    from sqlalchemy.engine import make_url

    elsewhere = connect(make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False))
    with connect() as other:  # every other connection to this database ends, the pooled ones too
        # pg_terminate_backend in the select list: in the WHERE clause PostgreSQL evaluates it on the
        # activity rows before the join that keeps this database's only, and ends the other workers'.
        ended = other.execute("SELECT pid FROM (SELECT pid, pg_terminate_backend(pid) AS ended FROM pg_stat_activity"
                              " WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t"
                              " WHERE ended").fetchall()
        assert old in {pid for pid, in ended}
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (old,)).fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.05)
    with elsewhere:  # a connection to another database of the server (another test worker's) lives on
        assert elsewhere.execute("SELECT 1").fetchone() == (1,)
    for path in ("/dataset?q=空气质量", "/dataset?q=空气质量&page=1"):  # searches read through the pool
        page = client.get(path)
        assert page.status_code == 200 and "数据库暂时无法访问" not in page.get_data(as_text=True)
    page = client.get("/dataset/hhht-air")
    assert page.status_code == 200 and "呼和浩特市空气质量监测数据" in page.get_data(as_text=True)
    with db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.backend_pid not in {pid for pid, in ended}
