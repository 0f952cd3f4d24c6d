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


# ---- the tile map of the 12 盟市 (docs/decisions.md "The statistics map is a tile map") ----------------------
# One tile per 盟市, placed by its seat: the column by longitude (west → east), the row by latitude band (north →
# south). Not a map of boundaries: no tile's shape, size or border claims to be the 盟市's.
TILES = {
    "呼伦贝尔市": (6, 0),
    "兴安盟": (7, 1),
    "锡林郭勒盟": (5, 2), "通辽市": (7, 2),
    "巴彦淖尔市": (1, 3), "包头市": (2, 3), "呼和浩特市": (3, 3), "乌兰察布市": (4, 3), "赤峰市": (6, 3),
    "阿拉善盟": (0, 4), "乌海市": (1, 4), "鄂尔多斯市": (2, 4),
}
TILE_W, TILE_H, TILE_GAP = 84, 62, 6
SHADES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")   # light to dark: more entries
NO_ENTRY = "#eef2f6"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    x: int
    y: int
    fill: str
    ink: str                   # the text colour readable on the fill
    values: list[int]


@dataclass(frozen=True)
class TileMap:
    width: int
    height: int
    tile_w: int
    tile_h: int
    tiles: list[Tile]
    legend: list[tuple[str, str]]   # fill and the range of entries it stands for


def _shade(value: int, top: int) -> int:
    """Which of the SHADES: the value's quarter of the largest (-1: none)."""
    if value <= 0:
        return -1
    return min(len(SHADES) - 1, (len(SHADES) * value - 1) // top)


def tile_map(chart: Chart) -> TileMap:
    top = max((r.values[0] or 0 for r in chart.rows), default=0) or 1
    tiles = []
    for row in chart.rows:
        col, line = TILES[row.key]
        shade = _shade(row.values[0] or 0, top)
        tiles.append(Tile(row.key, row.label, col * (TILE_W + TILE_GAP), line * (TILE_H + TILE_GAP),
                          SHADES[shade] if shade >= 0 else NO_ENTRY, "#ffffff" if shade >= 2 else "#1f2933",
                          [v or 0 for v in row.values]))
    legend = [(NO_ENTRY, "0")]
    for i, fill in enumerate(SHADES):
        low, high = i * top // len(SHADES) + 1, (i + 1) * top // len(SHADES)
        if high >= low:
            legend.append((fill, str(low) if low == high else f"{low}–{high}"))
    cols = 1 + max(c for c, _ in TILES.values())
    rows = 1 + max(r for _, r in TILES.values())
    return TileMap(cols * (TILE_W + TILE_GAP) - TILE_GAP, rows * (TILE_H + TILE_GAP) - TILE_GAP, TILE_W, TILE_H,
                   tiles, legend)
