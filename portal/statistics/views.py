"""The public statistics page (OVERSIGHT §8(a)): each chart as server-rendered SVG, followed by the same figures
as a table and a CSV download, for the period asked for (period.py). No JavaScript."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from ..errors import Invalid, NotFound
from ..sharing import figures_text
from ..units import filesize
from . import charts, services, text

bp = Blueprint("statistics", __name__)


def _asked() -> dict[str, str]:
    return {k: request.args.get(k, "") for k in ("from", "to", "year") if request.args.get(k, "").strip()}


@bp.get("/statistics")
def index():
    asked, errors, status = _asked(), {}, 200
    try:
        period = services.read_period(asked)
    except Invalid as exc:  # the figures of the default period, with the refusal above them
        period, errors, status = None, exc.details or {"from": exc.message}, exc.status
    stats = services.compute(period)
    return render_template("statistics/index.html", stats=stats, bars=charts.bars, series=charts.series,
                           tile_map=charts.tile_map, cell=text.cell, filesize=filesize,
                           percent_text=text.percent_text, sharing_columns=figures_text.COLUMNS,
                           sharing_cells=figures_text.cells, period_form=asked, period_errors=errors), status


@bp.get("/statistics/<chart_id>.csv")
def chart_csv(chart_id: str):
    chart = services.compute(services.read_period(_asked())).chart(chart_id)
    if chart is None:
        raise NotFound(_("There is no such chart."))
    return Response("".join(text.csv_lines(chart)), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{chart.id}.csv"'})
