"""Geometry of the server-rendered SVG charts (docs/decisions.md: readable without JavaScript, no build step):
horizontal bars for a breakdown, two lines over the months for the time series. Numbers only; the markup is in
templates/statistics/_charts.html."""
from __future__ import annotations

from dataclasses import dataclass

from .services import Chart

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
BAR_AREA = 360
VALUE_WIDTH = 110
SERIES_WIDTH = 640
SERIES_HEIGHT = 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class Bars:
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(chart: Chart, column: int = 0, fmt=str) -> Bars:
    values = [r.values[column] or 0 for r in chart.rows]
    top = max(values, default=0) or 1
    out = []
    for i, (row, value) in enumerate(zip(chart.rows, values)):
        out.append(Bar(_short(row.label), value, fmt(row.values[column]), i * (BAR_HEIGHT + BAR_GAP),
                       round(BAR_AREA * value / top, 1)))
    height = max(len(out), 1) * (BAR_HEIGHT + BAR_GAP)
    return Bars(LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height, LABEL_WIDTH, out)


@dataclass(frozen=True)
class Line:
    name: str
    points: str                        # "x,y x,y ..." for the polyline
    dots: list[tuple[float, float, int]]


@dataclass(frozen=True)
class Series:
    width: int
    height: int
    lines: list[Line]
    ticks: list[tuple[float, str]]     # x and month label
    grid: list[tuple[float, int]]      # y and value
    left: int
    bottom: int


def series(chart: Chart) -> Series:
    n = len(chart.rows)
    top = max((v or 0 for r in chart.rows for v in r.values), default=0) or 1
    inner_w = SERIES_WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = SERIES_HEIGHT - PAD_TOP - PAD_BOTTOM
    bottom = PAD_TOP + inner_h

    def x(i: int) -> float:
        return round(PAD_LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2), 1)

    def y(v: int) -> float:
        return round(bottom - inner_h * v / top, 1)

    lines = []
    for c, name in enumerate(chart.columns):
        dots = [(x(i), y(r.values[c] or 0), r.values[c] or 0) for i, r in enumerate(chart.rows)]
        lines.append(Line(name, " ".join(f"{a},{b}" for a, b, _ in dots), dots))
    ticks = [(x(i), r.label[2:] if len(r.label) == 7 else r.label) for i, r in enumerate(chart.rows)]
    grid = [(y(round(top * k / 4)), round(top * k / 4)) for k in range(5)]
    return Series(SERIES_WIDTH, SERIES_HEIGHT, lines, ticks, grid, PAD_LEFT, bottom)
