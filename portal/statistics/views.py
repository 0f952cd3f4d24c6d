"""The public statistics page (OVERSIGHT §8(a)): each chart as server-rendered SVG, followed by the same figures
as a table and a CSV download. No JavaScript."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from ..errors import NotFound
from ..sharing import figures_text
from ..units import filesize
from . import charts, services, text

bp = Blueprint("statistics", __name__)


@bp.get("/statistics")
def index():
    stats = services.compute()
    return render_template("statistics/index.html", stats=stats, bars=charts.bars, series=charts.series,
                           cell=text.cell, filesize=filesize, percent_text=text.percent_text,
                           sharing_columns=figures_text.COLUMNS, sharing_cells=figures_text.cells)


@bp.get("/statistics/<chart_id>.csv")
def chart_csv(chart_id: str):
    chart = services.compute().chart(chart_id)
    if chart is None:
        raise NotFound(_("There is no such chart."))
    return Response("".join(text.csv_lines(chart)), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{chart.id}.csv"'})
