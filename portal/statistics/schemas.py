"""The output of /api/v1/stats (in the OpenAPI document): every chart of the statistics page with its figures,
and the sharing figures' public totals. Counts and rates only."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from ..sharing.figures_schemas import SharingFiguresOut, _row as sharing_row
from .services import Statistics


class StatsRowOut(Schema):
    key = fields.String(metadata={"description": "The code of the row: open type, agency id, theme id, region, "
                                                 "month (YYYY-MM), state or kind of case."})
    label = fields.String(metadata={"description": "What the page shows for the row (Chinese first)."})
    values = fields.List(fields.Integer(allow_none=True),
                         metadata={"description": "One value per column; null is a rate with no case."})


class StatsChartOut(Schema):
    id = fields.String(metadata={"description": "entries-open-type, entries-share-type, entries-agency, "
                                                "entries-theme, entries-region, entries-map, files-open-type, volume-open-type, "
                                                "access-month, applications-state, on-time, data-requests-state, update-timeliness, "
                                                "plan-items, reuses-kind"})
    title = fields.String()
    kind = fields.String(metadata={"description": "bars, series (by month), rates (cases, on time, late, %) or "
                                                  "map (entries and downloads per 盟市, drawn as a tile map)."})
    label_column = fields.String()
    columns = fields.List(fields.String(), metadata={"description": "What each value of a row counts."})
    unit = fields.String(metadata={"description": "bytes for the data volume, else empty."})
    rows = fields.List(fields.Nested(StatsRowOut))


class StatsPeriodOut(Schema):
    start = fields.String(attribute="first", metadata={"description": "The period's first month, YYYY-MM."})
    end = fields.String(attribute="last", metadata={"description": "The period's last month, YYYY-MM."})


class StatsOut(Schema):
    computed_on = fields.Date(metadata={"description": "The day (China time) the figures were computed."})
    period = fields.Nested(StatsPeriodOut, metadata={
        "description": "The months of the figures over time: downloads and API calls by month, cases by state "
                       "and on time, downloads per 盟市 (China time)."})
    region_wide = fields.Integer(metadata={"description": "Public entries of the whole region, on no 盟市."})
    charts = fields.List(fields.Nested(StatsChartOut))
    sharing = fields.Nested(SharingFiguresOut, allow_none=True,
                            metadata={"description": "The sharing figures' public totals for the current year; "
                                                     "null when the deployment publishes none."})


def _sharing(table) -> dict[str, Any] | None:
    if table is None:
        return None
    return {"start": table.period.start, "end": table.period.end, "computed_on": table.on,
            "agencies": [sharing_row(f) for f in table.rows], "totals": sharing_row(table.totals)}


def dump(stats: Statistics) -> dict[str, Any]:
    return StatsOut().dump({"computed_on": stats.on, "period": stats.period, "region_wide": stats.region_wide,
                            "charts": stats.charts, "sharing": _sharing(stats.sharing)})
