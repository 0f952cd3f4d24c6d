"""The public statistics page, its CSV downloads and /api/v1/stats (OVERSIGHT §8(a); R2024 §39).

O13: each count on the page, in the API and in the CSV equals the same count computed here by SQL on the
tables; no person is named. The page is server-rendered SVG and tables, readable without JavaScript."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AccessEvent
from portal.catalog.models import Dataset, DatasetState, Resource
from portal.catalog.vocab import FREQUENCY_MAX_AGE
from portal.extensions import db
from portal.models_base import utcnow
from portal.opening.models import Application, ApplicationState
from portal.plans.models import OpenPlan, PlanItem, PlanState
from tests import factories
from tests.clock import freeze

PUBLIC = (Dataset.state == DatasetState.PUBLISHED) & Dataset.suspended_at.is_(None)


# ---- reading what a user sees --------------------------------------------------------------------------------
def table_values(html: str, chart_id: str) -> dict[str, list[str]]:
    """The rows of a chart's table on the page: row key -> the data-value of each cell."""
    found = re.search(rf'<table class="table stats-table" id="table-{chart_id}">(.*?)</table>', html, re.S)
    assert found, f"no table for {chart_id}"
    rows = {}
    for key, cells in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', found.group(1), re.S):
        rows[key] = re.findall(r'data-value="([^"]*)"', cells)
    return rows


def api_chart(body: dict, chart_id: str) -> dict[str, list]:
    chart = next(c for c in body["charts"] if c["id"] == chart_id)
    return {r["key"]: r["values"] for r in chart["rows"]}


def csv_rows(client, chart_id: str) -> list[list[str]]:
    response = client.get(f"/statistics/{chart_id}.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def sql_grouped(column, measure=None) -> dict[str, int]:
    q = select(column, measure if measure is not None else func.count(Dataset.id)).where(PUBLIC).group_by(column)
    return {str(k): int(v or 0) for k, v in db.session.execute(q).all()}


def assert_counts(html: str, body: dict, chart_id: str, expected: dict[str, int], column: int = 0) -> None:
    page = table_values(html, chart_id)
    api = api_chart(body, chart_id)
    for key, count in expected.items():
        assert page[key][column] == str(count), (chart_id, key)
        assert api[key][column] == count, (chart_id, key)
    for key in set(page) - set(expected):  # a row SQL did not find counts nothing
        assert page[key][column] == "0", (chart_id, key)


# ---- the demo catalog --------------------------------------------------------------------------------------
def test_o13_counts_on_the_page_api_and_csv_equal_sql(demo_app, demo_client):
    """O13: each count on the statistics page, in /api/v1/stats and in each CSV equals the same count by SQL."""
    html = demo_client.get("/statistics").get_data(as_text=True)
    body = demo_client.get("/api/v1/stats").get_json()
    with demo_app.app_context():
        assert_counts(html, body, "entries-open-type", sql_grouped(Dataset.open_type))
        assert_counts(html, body, "entries-share-type", sql_grouped(Dataset.share_type))
        assert_counts(html, body, "entries-agency", sql_grouped(Dataset.agency_id))
        assert_counts(html, body, "entries-theme", sql_grouped(Dataset.theme_id))
        assert_counts(html, body, "entries-region", sql_grouped(Dataset.region))
        files = {str(k): v for k, v in db.session.execute(
            select(Dataset.open_type, func.count(Resource.id)).join(Resource, Resource.dataset_id == Dataset.id)
            .where(PUBLIC).group_by(Dataset.open_type)).all()}
        volume = {str(k): int(v) for k, v in db.session.execute(
            select(Dataset.open_type, func.sum(Resource.size)).join(Resource, Resource.dataset_id == Dataset.id)
            .where(PUBLIC).group_by(Dataset.open_type)).all()}
        assert_counts(html, body, "files-open-type", files)
        assert_counts(html, body, "volume-open-type", volume)
        states = {str(k): v for k, v in db.session.execute(
            select(Application.state, func.count()).where(Application.submitted_at.is_not(None))
            .group_by(Application.state)).all()}
        assert_counts(html, body, "applications-state", states)

        # entries overdue for update against their declared frequency
        now = utcnow()
        last = func.coalesce(Dataset.data_updated_at, Dataset.published_at)
        overdue = regular = 0
        for frequency, max_age in FREQUENCY_MAX_AGE.items():
            of_kind = PUBLIC & (Dataset.update_frequency == frequency) & last.is_not(None)
            regular += db.session.scalar(select(func.count(Dataset.id)).where(of_kind))
            overdue += db.session.scalar(select(func.count(Dataset.id)).where(of_kind & (last < now - max_age)))
        assert overdue > 0
        assert_counts(html, body, "update-timeliness", {"overdue": overdue, "current": regular - overdue})

        # applications answered on time: decided by the stored due date (China time), or open and overdue
        today = (now + timedelta(hours=8)).date()
        decided = on_time = 0
        for due in db.session.scalars(select(Application.due_date).where(
                Application.decided_at.is_not(None)).distinct()):
            end_of_due = datetime.combine(due + timedelta(days=1), datetime.min.time()) - timedelta(hours=8)
            of_due = Application.decided_at.is_not(None) & (Application.due_date == due)
            decided += db.session.scalar(select(func.count(Application.id)).where(of_due))
            on_time += db.session.scalar(select(func.count(Application.id)).where(
                of_due & (Application.decided_at < end_of_due)))
        open_late = db.session.scalar(select(func.count(Application.id)).where(
            Application.state == ApplicationState.SUBMITTED, Application.due_date < today))
        cases = decided + open_late
        assert cases > 0
        page = table_values(html, "on-time")["applications"]
        assert page[:3] == [str(cases), str(on_time), str(cases - on_time)]
        assert api_chart(body, "on-time")["applications"][:3] == [cases, on_time, cases - on_time]

        plan_items = db.session.scalar(select(func.count(PlanItem.id)).join(OpenPlan).where(
            OpenPlan.state == PlanState.PUBLISHED))
        assert sum(int(v[0]) for v in table_values(html, "plan-items").values()) == plan_items

        # the CSV holds the same figures as the table
        rows = csv_rows(demo_client, "entries-agency")
        assert len(rows) - 1 == len(sql_grouped(Dataset.agency_id))
        assert sorted(int(r[1]) for r in rows[1:]) == sorted(sql_grouped(Dataset.agency_id).values())
        by_type = {r[0]: int(r[1]) for r in csv_rows(demo_client, "entries-open-type")[1:]}
        assert sorted(by_type.values()) == sorted(sql_grouped(Dataset.open_type).values())

        # no person is named: no account's name or e-mail address on the page, in the API or in a CSV
        every_csv = "".join(demo_client.get(f"/statistics/{c['id']}.csv").get_data(as_text=True)
                            for c in body["charts"])
        api_text = demo_client.get("/api/v1/stats").get_data(as_text=True)
        for name, email in db.session.execute(select(User.name, User.email)).all():
            for text in (html, api_text, every_csv):
                assert email not in text
                if len(name) >= 2:
                    assert name not in text, name


def test_sharing_totals_are_the_sharing_figures(demo_client):
    """The sharing part is sharing.figures' public totals for the current year, not a recount."""
    body = demo_client.get("/api/v1/stats").get_json()
    year = body["computed_on"][:4]
    sharing = demo_client.get(f"/api/v1/sharing/statistics?year={year}").get_json()
    assert body["sharing"]["totals"] == sharing["totals"]
    html = demo_client.get("/statistics").get_data(as_text=True)
    assert 'id="sharing-totals"' in html


def test_the_page_is_svg_and_tables_without_javascript(demo_client):
    """Each chart is an SVG followed by its table (caption, th scope) and a CSV link; no script runs."""
    response = demo_client.get("/statistics")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    main = html.split("<main", 1)[-1]
    assert "<script" not in main
    assert 'id="svg-entries-open-type"' in html and "<rect" in html
    for chart in demo_client.get("/api/v1/stats").get_json()["charts"]:
        assert f'id="table-{chart["id"]}"' in html
        assert f'href="/statistics/{chart["id"]}.csv"' in html
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'id="footer-statistics"' in demo_client.get("/").get_data(as_text=True)
    assert demo_client.get("/statistics/nothing.csv").status_code == 404


def test_stats_in_the_openapi_document(demo_client):
    spec = demo_client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/stats"]["get"]
    assert "StatsOut" in str(operation["responses"]["200"])
    assert "StatsChart" in str(spec["components"]["schemas"])


# ---- months and the empty portal --------------------------------------------------------------------------------
def test_o13_downloads_and_api_calls_by_month_equal_sql(app, client, monkeypatch):
    """O13: downloads and API calls per month (China time) equal the served access events counted by SQL."""
    freeze(monkeypatch, "2026-09-24")
    for at, kind, status in ((datetime(2026, 9, 10, 3), "download", 200), (datetime(2026, 9, 11), "download", 200),
                             (datetime(2026, 9, 12), "download", 404), (datetime(2026, 8, 31, 17), "api", 200),
                             (datetime(2026, 7, 2), "api", 200), (datetime(2026, 7, 3), "search", 200),
                             (datetime(2025, 9, 5), "download", 200)):  # a year ago: outside the twelve months
        db.session.add(AccessEvent(at=at, kind=kind, client_addr="203.0.113.7", status=status))
    db.session.commit()
    html = client.get("/statistics").get_data(as_text=True)
    page = table_values(html, "access-month")
    assert list(page)[0] == "2025-10" and list(page)[-1] == "2026-09"
    expected = {}
    for month in page:
        first = date.fromisoformat(month + "-01")
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        start, end = (datetime.combine(d, datetime.min.time()) - timedelta(hours=8) for d in (first, nxt))
        expected[month] = [db.session.scalar(select(func.count(AccessEvent.id)).where(
            AccessEvent.kind == kind, AccessEvent.status < 400, AccessEvent.at >= start, AccessEvent.at < end))
            for kind in ("download", "api")]
        assert page[month] == [str(v) for v in expected[month]], month
    # the API call is itself an access event, logged once it is answered: the answer counts those before it
    assert api_chart(client.get("/api/v1/stats").get_json(), "access-month") == expected
    assert page["2026-09"] == ["2", "1"]  # 31 August 17:00 UTC is 1 September in Beijing
    assert 'id="svg-access-month"' in html and "<polyline" in html
    rows = csv_rows(client, "access-month")
    assert rows[-1] == ["2026-09", "2", "2"]  # now with the API call above


def test_empty_portal(app, client):
    """An empty portal: every chart says there is nothing to count yet, each table still has its rows, and a
    rate with no case is "—", never 0 % or 100 %."""
    html = client.get("/statistics").get_data(as_text=True)
    body = client.get("/api/v1/stats").get_json()
    for chart in body["charts"]:
        assert f'data-empty="{chart["id"]}"' in html
        assert f'id="table-{chart["id"]}"' in html
    assert table_values(html, "entries-open-type") == {"unconditional": ["0"], "conditional": ["0"], "closed": ["0"]}
    assert api_chart(body, "on-time")["complaints"] == [0, 0, 0, None]
    assert "—" in html
    assert len(csv_rows(client, "entries-agency")) == 1  # the header only
    assert csv_rows(client, "entries-open-type")[1:] == [[label, "0"] for label in ("无条件开放", "有条件开放", "不予开放")]


def test_entries_by_agency_follow_the_catalog(app, client):
    """A published entry counts, a draft does not; the agency's row appears with its name."""
    a = factories.agency("内蒙古自治区生态环境厅", region="内蒙古自治区")
    factories.dataset("空气质量", agency_obj=a, index=False)
    factories.dataset("草稿", agency_obj=a, state=DatasetState.DRAFT, index=False)
    body = client.get("/api/v1/stats").get_json()
    assert api_chart(body, "entries-agency") == {str(a.id): [1]}
    assert api_chart(body, "entries-region") == {"内蒙古自治区": [1]}
