"""The inputs and outputs of the sharing figures (SHARING.md §7): one query schema read by the page's period
form, its CSV export, the API and the OpenAPI document; the answer's schemas for the API."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..errors import Invalid
from . import figures


class FiguresQueryIn(Schema):
    """The period: `from` and `to` (a custom period), or `year` with `half` (1 or 2; none: the whole year);
    nothing: the current half-year."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(data_key="from", load_default=None, allow_none=True,
                        metadata={"description": "First day of a custom period (YYYY-MM-DD)."})
    end = fields.Date(data_key="to", load_default=None, allow_none=True,
                      metadata={"description": "Last day of a custom period (YYYY-MM-DD)."})
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(2000, 2100),
                          metadata={"description": "A calendar year (with `half`: one of its half-years)."})
    half = fields.Integer(load_default=None, allow_none=True, validate=validate.OneOf((1, 2)),
                          metadata={"description": "1: January to June, 2: July to December."})


def load_period(args: Mapping[str, Any]) -> figures.Period:
    """The period asked in a query string (empty values count as not given); 422 naming the field."""
    data = {k: v for k, v in args.items() if k in ("from", "to", "year", "half") and str(v).strip()}
    try:
        loaded = FiguresQueryIn().load(data)
    except ValidationError as exc:
        raise Invalid(_("The period is not valid."), exc.messages)
    return figures.period_of(loaded)


class RateOut(Schema):
    cases = fields.Integer(metadata={"description": "Cases whose due date falls in the period (done, or overdue)."})
    on_time = fields.Integer(metadata={"description": "Of those, done by the due date."})
    percent = fields.Integer(allow_none=True, metadata={"description": "Rounded; null when there is no case."})


class FiguresRowOut(Schema):
    agency = fields.String(allow_none=True, metadata={"description": "The agency's slug; null for the totals."})
    agency_name = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "Counts: " + ", ".join(figures.COUNTS)})
    rates = fields.Dict(keys=fields.String(), values=fields.Nested(RateOut),
                        metadata={"description": "Rates: " + ", ".join(figures.RATES)})
    refusals_by_basis = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                    metadata={"description": "Refusals by the entry's kind of legal basis."})


class SharingFiguresOut(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    computed_on = fields.Date()
    agencies = fields.List(fields.Nested(FiguresRowOut), metadata={"description": "One row per agency shown."})
    totals = fields.Nested(FiguresRowOut, metadata={"description": "All agencies together."})


def _row(fig: figures.Figures) -> dict[str, Any]:
    return {"agency": fig.agency.slug if fig.agency else None, "agency_name": fig.name, "counts": dict(fig.counts),
            "rates": {k: {"cases": r.cases, "on_time": r.on_time, "percent": r.percent} for k, r in fig.rates.items()},
            "refusals_by_basis": dict(fig.refusals_by_basis)}


def dump(table: figures.Table) -> dict[str, Any]:
    return SharingFiguresOut().dump({"start": table.period.start, "end": table.period.end, "computed_on": table.on,
                              "agencies": [_row(f) for f in table.rows], "totals": _row(table.totals)})
