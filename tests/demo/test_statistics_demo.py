"""Issue 23 "How it is checked": the demo data make every chart of the public statistics non-empty on
`make run`, and the demo's audit log still verifies."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AccessEvent
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
    assert 100 <= db.session.query(AccessEvent).count() <= 1000
    page = demo_client.get("/statistics").get_data(as_text=True)
    for name, email in db.session.execute(select(User.name, User.email)):
        assert name not in page and email not in page
    result = demo_app.test_cli_runner().invoke(args=["portal", "audit", "verify"])
    assert result.exit_code == 0, result.output
