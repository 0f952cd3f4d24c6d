"""Small deterministic helpers shared by the demo table generators: names, addresses, phones, dates.

Everything here draws from a `random.Random` passed in, never from the global generator, so a
table depends only on its seed. Names are of organisations and places only: no person's name
appears anywhere in the demo.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Callable, TypeVar

from . import geo
from .datafiles import read_csv, read_json
from .files import Col, Table, make_uscc

T = TypeVar("T")

_NAMES = read_json("names.json")
# Trade-name words for fictional organisations (no surnames, no real brands intended), and village names.
BRANDS: list[str] = _NAMES["brands"]
INDUSTRIES: list[str] = _NAMES["industries"]
PLACES: list[str] = _NAMES["places"]


def short(city: str) -> str:
    """呼和浩特市 -> 呼和浩特, 锡林郭勒盟 -> 锡林郭勒."""
    return city.removesuffix("市").removesuffix("盟")


def phone(rng: random.Random, city: str) -> str:
    return f"{geo.AREA_CODES[city]}-{rng.choice('2345689')}{rng.randint(0, 999999):06d}"


def service_phone(rng: random.Random, city: str) -> str:
    """An office line; same shape as phone() but drawn from the exchange most offices use."""
    return f"{geo.AREA_CODES[city]}-{rng.choice('3456')}{rng.randint(100000, 999999)}"


def county_of(rng: random.Random, city: str, urban_bias: float = 0.7) -> str:
    urban = geo.URBAN.get(city)
    if urban and rng.random() < urban_bias:
        return rng.choice(urban)
    return rng.choice(geo.counties(city))


def seat(rng: random.Random, city: str) -> str:
    """A district of the city seat, where a city-level institution would be."""
    return rng.choice(geo.SEATS[city])


def address(rng: random.Random, city: str, county: str | None = None, with_city: bool = True) -> str:
    county = county or county_of(rng, city)
    street = rng.choice(geo.streets(city)) if county in geo.URBAN.get(city, []) else rng.choice(geo.GENERIC_STREETS)
    head = city if with_city else ""
    return f"{head}{county}{street}{rng.randint(1, 399)}号"


def coord(rng: random.Random, city: str, spread: float = 0.06) -> tuple[float, float]:
    lon, lat = geo.CENTRES[city]
    return round(lon + rng.uniform(-spread, spread), 6), round(lat + rng.uniform(-spread, spread) * 0.75, 6)


def company(rng: random.Random, city: str | None = None, industry: str | None = None, form: str = "有限公司") -> str:
    prefix = "内蒙古" if city is None or rng.random() < 0.3 else short(city)
    return f"{prefix}{rng.choice(BRANDS)}{industry or rng.choice(INDUSTRIES)}{form}"


def uscc_for(rng: random.Random, city: str | None = None, county: str | None = None,
             dept: str = "9", kind: str = "1") -> str:
    if city is None:
        division = geo.REGION_CODE
    elif county:
        division = geo.county_code(city, county)
    else:
        division = geo.CITY_CODES[city]
    return make_uscc(rng, division, dept, kind)


def unique(rng: random.Random, make: Callable[[random.Random], T], n: int, key: Callable[[T], object] = None) -> list[T]:
    """n values from make(rng) with distinct keys (tries a bounded number of times)."""
    seen: set = set()
    out: list[T] = []
    tries = 0
    while len(out) < n and tries < n * 60:
        tries += 1
        value = make(rng)
        k = key(value) if key else value
        if k in seen:
            continue
        seen.add(k)
        out.append(value)
    return out


def rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def workday(rng: random.Random, start: date, end: date) -> date:
    d = rand_date(rng, start, end)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return max(d, start)


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def weighted(rng: random.Random, choices: list[tuple[T, float]]) -> T:
    values, weights = zip(*choices)
    return rng.choices(values, weights=weights)[0]


def month_str(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


# ---- registry of table generators, and their columns ----------------------------
TABLES: dict[str, Callable[..., "Table"]] = {}
COLUMNS: dict[str, list[Col]] = {}
for _row in read_csv("columns.csv"):
    COLUMNS.setdefault(_row["table"], []).append(Col(_row["column"], _row["type"], _row["description"]))


def table(name: str):
    """Register a generator `fn(rng, **params) -> Table` under a name the catalog content refers to."""
    def register(fn):
        if name in TABLES:
            raise ValueError(f"duplicate demo table {name}")
        if name not in COLUMNS:
            raise ValueError(f"demo table {name} has no columns in data/columns.csv")
        TABLES[name] = fn
        return fn
    return register


def columns(name: str, **values: object) -> list[Col]:
    """The columns of a generated table, in order; a column name such as "{year}年" is filled from values."""
    return [Col(c.name.format(**values), c.type, c.description) for c in COLUMNS[name]]


# ---- air quality index (HJ 633-2012, 24-hour breakpoints) -------------------
IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500]
BREAKPOINTS = {
    "PM2.5": [0, 35, 75, 115, 150, 250, 350, 500],
    "PM10": [0, 50, 150, 250, 350, 420, 500, 600],
    "SO2": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "NO2": [0, 40, 80, 180, 280, 565, 750, 940],
    "CO": [0, 2, 4, 14, 24, 36, 48, 60],
    "O3": [0, 100, 160, 215, 265, 800, 800, 800],
}


def iaqi(pollutant: str, value: float) -> int:
    bp = BREAKPOINTS[pollutant]
    for i in range(1, len(bp)):
        if value <= bp[i]:
            lo, hi = bp[i - 1], bp[i]
            return round((IAQI_STEPS[i] - IAQI_STEPS[i - 1]) / (hi - lo) * (value - lo) + IAQI_STEPS[i - 1])
    return 500


def aqi(values: dict[str, float]) -> tuple[int, str, str]:
    """(AQI, 空气质量级别, 首要污染物) for pollutant concentrations."""
    sub = {p: iaqi(p, v) for p, v in values.items()}
    index = max(sub.values())
    primary = "—" if index <= 50 else "、".join(p for p, v in sub.items() if v == index)
    for limit, level in ((50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染")):
        if index <= limit:
            return index, level, primary
    return index, "严重污染", primary
