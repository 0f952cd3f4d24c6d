"""Issue 23 "How it is checked": the demo data make every chart of the public statistics non-empty on
`make run`, and the demo's audit log still verifies."""
from __future__ import annotations

import csv

from sqlalchemy import or_, select

from portal.accounts.models import User
from portal.audit.models import AccessEvent
from portal.demo.oversight import ADDRESSES, DATA
from portal.extensions import db
from portal.statistics import services as stats


def test_demo_makes_every_statistics_chart_and_rate_non_empty(demo_app, demo_client):
    """Every chart the statistics service computes has a non-zero value, every on-time rate has cases, the
    plan chart shows items in every progress state, the access events are a few hundred; the page names no
    demo user; `flask portal audit verify` passes on the demo."""
    figures = stats.compute()
    assert figures.charts
    for chart in figures.charts:
        assert not chart.empty, chart.id
        if chart.kind == "rates":
            assert all(row.values[0] for row in chart.rows), [(r.key, r.values) for r in chart.rows]
            assert all(row.values[-1] is not None for row in chart.rows), chart.id
    plan = figures.chart("plan-items")
    assert all(row.values[0] > 0 for row in plan.rows), [(r.key, r.values) for r in plan.rows]
    access = figures.chart("access-month")
    assert all(all(row.values) for row in access.rows), [(r.key, r.values) for r in access.rows]
    # the demo's own events (other tests' requests on the shared demo app come from 127.0.0.1): as many as its
    # data file lists, a few hundred
    with (DATA / "access.csv").open(encoding="utf-8") as fh:
        listed = sum(int(v) for row in csv.DictReader(fh) for k, v in row.items() if k != "months_ago")
    demo_events = db.session.query(AccessEvent).filter(
        or_(*(AccessEvent.client_addr.startswith(prefix) for prefix in ADDRESSES))).count()
    assert 100 <= listed <= 1000 and demo_events == listed
    page = demo_client.get("/statistics").get_data(as_text=True)
    for name, email in db.session.execute(select(User.name, User.email)):
        assert name not in page and email not in page
    result = demo_app.test_cli_runner().invoke(args=["portal", "audit", "verify"])
    assert result.exit_code == 0, result.output
