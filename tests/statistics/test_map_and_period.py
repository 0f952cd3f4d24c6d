"""The statistics map of the 12 盟市 and the period of the figures over time (OVERSIGHT §8(a), O13; R2024 §39).

O13: each count of the map and of the period's figures, on the page, in /api/v1/stats and in the CSV, equals the
same count by SQL on the tables."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from portal.audit.models import AccessEvent
from portal.catalog.models import Dataset, DatasetState
from portal.divisions import CITIES, DIVISIONS
from portal.extensions import db
from portal.feedback.models import Complaint
from portal.opening.models import Application
from tests import factories
from tests.clock import freeze
from tests.statistics.test_statistics import PUBLIC, api_chart, csv_rows, table_values

CHINA = timedelta(hours=8)


def utc_start(month: str) -> datetime:
    """The first moment of a month (YYYY-MM) in Beijing, in UTC as the records store it."""
    return datetime.combine(date.fromisoformat(month + "-01"), datetime.min.time()) - CHINA


def utc_after(month: str) -> datetime:
    first = date.fromisoformat(month + "-01")
    return utc_start(date(first.year + first.month // 12, first.month % 12 + 1, 1).strftime("%Y-%m"))


def period_csv(client, chart_id: str, query: str) -> list[list[str]]:
    """A chart's CSV for a period (the query string as the page's link carries it)."""
    response = client.get(f"/statistics/{chart_id}.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def sql_city(city: str):
    """SQL's own reading of "in this 盟市": the 盟市 itself, a place written after it, or one of its 旗县区."""
    counties = next(c for name, c in DIVISIONS.values() if name == city)
    return or_(Dataset.region == city, Dataset.region.startswith(city),
               Dataset.region.in_([name for _code, name in counties]))


def sql_map(since: datetime, until: datetime) -> dict[str, list[int]]:
    out = {}
    for city in CITIES:
        entries = db.session.scalar(select(func.count(Dataset.id)).where(PUBLIC & sql_city(city)))
        downloads = db.session.scalar(select(func.count(AccessEvent.id)).join(
            Dataset, Dataset.id == AccessEvent.dataset_id).where(
            PUBLIC & sql_city(city), AccessEvent.kind == "download", AccessEvent.status < 400,
            AccessEvent.at >= since, AccessEvent.at < until))
        out[city] = [entries, downloads]
    return out


# ---- the map ----------------------------------------------------------------------------------------------
def test_o13_map_of_the_leagues_and_cities_equals_sql(app, client, monkeypatch):
    """O13: entries per 盟市 (its own region, a place after it, one of its 旗县区) and the downloads of their
    files within the period equal SQL; the map is one labelled SVG tile per 盟市 with its figures, the table and
    the CSV hold the same figures; entries of the whole region are on no tile and are said to be so."""
    freeze(monkeypatch, "2026-09-24")
    hohhot = factories.agency("呼和浩特市生态环境局", region="呼和浩特市")
    tumed = factories.agency("土默特左旗农牧局", region="土默特左旗", level="county")
    baotou = factories.agency("包头市生态环境局", region="包头市昆都仑区")
    region = factories.agency("内蒙古自治区生态环境厅", region="内蒙古自治区", level="region")
    a = factories.dataset("空气质量", agency_obj=hohhot, index=False)
    factories.dataset("水质", agency_obj=hohhot, index=False)
    factories.dataset("草场", agency_obj=tumed, index=False)
    b = factories.dataset("噪声", agency_obj=baotou, index=False)
    factories.dataset("草稿", agency_obj=baotou, state=DatasetState.DRAFT, index=False)
    factories.dataset("全区排污", agency_obj=region, index=False)
    for at, ds, kind, status in ((datetime(2026, 9, 1), a, "download", 200), (datetime(2026, 8, 2), a, "download", 200),
                                 (datetime(2026, 9, 2), a, "download", 404), (datetime(2026, 9, 3), a, "api", 200),
                                 (datetime(2026, 9, 4), b, "download", 200),
                                 (datetime(2025, 3, 1), b, "download", 200)):  # before the last twelve months
        db.session.add(AccessEvent(at=at, kind=kind, dataset_id=ds.id, client_addr="203.0.113.7", status=status))
    db.session.commit()

    response = client.get("/statistics")
    html = response.get_data(as_text=True)
    expected = sql_map(utc_start("2025-10"), utc_after("2026-09"))
    assert expected["呼和浩特市"] == [3, 2] and expected["包头市"] == [1, 1]  # the fixture is what it says
    page = table_values(html, "entries-map")
    assert list(page) == CITIES and len(CITIES) == 12
    assert page == {city: [str(v) for v in values] for city, values in expected.items()}
    body = client.get("/api/v1/stats").get_json()
    assert api_chart(body, "entries-map") == expected
    assert body["region_wide"] == 1
    assert [r[1:] for r in csv_rows(client, "entries-map")[1:]] == [[str(v) for v in expected[c]] for c in CITIES]
    assert [r[0] for r in csv_rows(client, "entries-map")[1:]] == CITIES

    # the SVG: one labelled tile per 盟市 carrying its figures, and the note that it is a tile map
    svg = html[html.index('id="svg-entries-map"'):]
    svg = svg[:svg.index("</svg>")]
    for city in CITIES:
        assert f'data-key="{city}"' in svg and f">{city}</text>" in svg
    tile = svg[svg.index('data-key="呼和浩特市"'):]
    tile = tile[:tile.index("</g>")]
    assert ">3</text>" in tile and "↓ 2" in tile
    assert svg.count("<rect") == 12
    assert 'id="map-note"' in html and "瓦片" in html

    # a year ago: the entries are today's, the downloads those of 2025
    body = client.get("/api/v1/stats?year=2025").get_json()
    assert api_chart(body, "entries-map") == sql_map(utc_start("2025-01"), utc_after("2025-12"))
    assert api_chart(body, "entries-map")["包头市"] == [1, 1]


# ---- the period --------------------------------------------------------------------------------------------
def test_o13_downloads_and_api_calls_for_a_chosen_period_equal_sql(app, client, monkeypatch):
    """O13: for a chosen period (months or a year) the months shown and the downloads and API calls of each
    equal SQL; the CSV downloads honour the period; the page says which period it shows."""
    freeze(monkeypatch, "2026-09-24")
    for at, kind in ((datetime(2025, 1, 10), "download"), (datetime(2025, 1, 31, 17), "download"),  # 1 Feb Beijing
                     (datetime(2025, 3, 5), "api"), (datetime(2025, 6, 30, 15), "api"),
                     (datetime(2025, 7, 1), "download"), (datetime(2024, 12, 31, 16), "download")):  # 1 Jan 2025
        db.session.add(AccessEvent(at=at, kind=kind, client_addr="203.0.113.7", status=200))
    db.session.commit()

    def sql(month: str) -> list[int]:
        return [db.session.scalar(select(func.count(AccessEvent.id)).where(
            AccessEvent.kind == kind, AccessEvent.status < 400, AccessEvent.at >= utc_start(month),
            AccessEvent.at < utc_after(month))) for kind in ("download", "api")]

    response = client.get("/statistics?from=2025-01&to=2025-06")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    page = table_values(html, "access-month")
    assert list(page) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    for month in page:
        assert page[month] == [str(v) for v in sql(month)], month
    assert page["2025-01"] == ["2", "0"] and page["2025-02"] == ["1", "0"] and page["2025-06"] == ["0", "1"]
    assert "2025-01 – 2025-06" in html and 'value="2025-01"' in html
    assert 'href="/statistics/access-month.csv?from=2025-01&amp;to=2025-06"' in html
    rows = period_csv(client, "access-month", "from=2025-01&to=2025-06")
    assert [r[0] for r in rows[1:]] == list(page) and rows[1] == ["2025-01", "2", "0"]

    body = client.get("/api/v1/stats?year=2025").get_json()
    assert body["period"] == {"start": "2025-01", "end": "2025-12"}
    by_month = api_chart(body, "access-month")
    assert list(by_month) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert by_month == {month: sql(month) for month in by_month}
    assert sum(v[0] for v in by_month.values()) == 4 and sum(v[1] for v in by_month.values()) == 2
    assert period_csv(client, "access-month", "year=2025")[7] == ["2025-07", "1", "0"]

    # only `from`: from it up to this month; only `to`: the twelve months up to it; the current year: up to now
    assert client.get("/api/v1/stats?from=2025-03").get_json()["period"] == {"start": "2025-03", "end": "2026-09"}
    assert client.get("/api/v1/stats?to=2025-12").get_json()["period"] == {"start": "2025-01", "end": "2025-12"}
    assert list(api_chart(client.get("/api/v1/stats?year=2026").get_json(), "access-month"))[-1] == "2026-09"
    # the default is the last twelve months
    assert client.get("/api/v1/stats").get_json()["period"] == {"start": "2025-10", "end": "2026-09"}


def test_o13_cases_for_a_chosen_period_equal_sql(demo_app, demo_client):
    """O13: applications by state and the complaints counted for the on-time rate are those filed within the
    period, as SQL counts them."""
    body = demo_client.get("/api/v1/stats").get_json()
    year = int(body["computed_on"][:4])
    with demo_app.app_context():
        for query, first, last in ((f"year={year}", f"{year}-01", body["period"]["end"]),
                                   (f"from={year - 1}-07&to={year}-03", f"{year - 1}-07", f"{year}-03")):
            since, until = utc_start(first), utc_after(last)
            body = demo_client.get(f"/api/v1/stats?{query}").get_json()
            html = demo_client.get(f"/statistics?{query}").get_data(as_text=True)
            states = {str(k): v for k, v in db.session.execute(
                select(Application.state, func.count()).where(Application.submitted_at >= since,
                                                              Application.submitted_at < until)
                .group_by(Application.state)).all()}
            api = api_chart(body, "applications-state")
            page = table_values(html, "applications-state")
            for key in api:
                assert api[key] == [states.get(key, 0)], (query, key)
                assert page[key] == [str(states.get(key, 0))], (query, key)
            filed = db.session.scalar(select(func.count(Complaint.id)).where(
                Complaint.filed_at >= since, Complaint.filed_at < until))
            decided = db.session.scalar(select(func.count(Complaint.id)).where(
                Complaint.filed_at >= since, Complaint.filed_at < until, Complaint.decided_at.is_not(None)))
            counted = api_chart(body, "on-time")["complaints"][0]
            assert decided <= counted <= filed, query  # decided ones all count, open ones once overdue
            labelled = {row["label"]: row["values"] for c in body["charts"] if c["id"] == "applications-state"
                        for row in c["rows"]}
            assert {r[0]: [int(r[1])] for r in period_csv(demo_client, "applications-state", query)[1:]} == labelled


def test_a_bad_period_is_refused_with_the_field_named(app, client, monkeypatch):
    """A month not written YYYY-MM, a last month before the first or after this one, a year and months
    together, a year not begun: 422 on the page (with a readable error by the field and the default figures),
    in the API (naming the field) and for the CSV."""
    freeze(monkeypatch, "2026-09-24")
    for query, field, text in (("from=2026-13", "from", "YYYY-MM"), ("from=2026-05&to=2026-02", "to", "不能早于"),
                               ("to=2026-10", "to", "不能晚于本月"), ("year=2025&from=2025-01", "year", "不能同时"),
                               ("year=2027", "year", "尚未开始"), ("from=2019-01&to=2026-01", "from", "60"),
                               ("year=abc", "year", "2000"), ("to=0000-01", "to", "2000"),
                               ("from=1999-12&to=2000-01", "from", "2000")):
        response = client.get(f"/statistics?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, query
        assert 'id="period-errors"' in html and f'id="error-{field}"' in html, query
        error = html[html.index(f'id="error-{field}"'):]
        assert text in error[:error.index("</li>")], query
        assert 'id="table-access-month"' in html  # the default figures are still there
        api = client.get(f"/api/v1/stats?{query}")
        assert api.status_code == 422 and field in api.get_json()["error"]["details"], query
        assert client.get(f"/statistics/access-month.csv?{query}").status_code == 422, query
    # empty fields of the form are no choice: the default period
    assert client.get("/statistics?from=&to=&year=").status_code == 200


def test_the_period_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/api/v1/stats"]["get"]["parameters"]}
    assert {"from", "to", "year"} <= params
    assert "422" in spec["paths"]["/api/v1/stats"]["get"]["responses"]
