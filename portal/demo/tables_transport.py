"""Demo tables: roads and transport (道路交通).

Columns in data/columns.csv, reference lists in data/lists/transport.json.
"""
from __future__ import annotations

from datetime import date, timedelta

from . import geo
from .common import (BRANDS, add_years, address, columns, company, coord, county_of, service_phone, short, table,
                     unique, uscc_for, weighted, workday)
from .datafiles import read_json
from .files import Table

LISTS = read_json("lists/transport.json")

HHHT_LANDMARKS = LISTS["hhht_landmarks"]
ROAD_SUFFIX = LISTS["road_suffixes"]


def _stop_names(rng, n: int) -> list[str]:
    streets = geo.streets("呼和浩特市")

    def stem(street: str) -> str:
        return street.removesuffix("大街").removesuffix("路").removesuffix("街")

    def make(r):
        roll = r.random()
        if roll < 0.35:
            return r.choice(HHHT_LANDMARKS)
        if roll < 0.75:
            return f"{r.choice(streets)}{r.choice(ROAD_SUFFIX)}"
        a, b = r.sample(streets, 2)
        return f"{stem(a)}{stem(b)}{'路口' if b.endswith('路') else '街口'}"
    return unique(rng, make, n)


OPERATORS = LISTS["bus_operators"]


@table("bus_lines")
def bus_lines(rng, n: int) -> Table:
    t = Table(columns("bus_lines"))
    stops = _stop_names(rng, 120)
    numbers = sorted(rng.sample(range(1, 130), n - 6))
    names = [(f"{k}路", "常规公交") for k in numbers] + [("BRT1路", "快速公交"), ("BRT2路", "快速公交"),
             ("夜1路", "夜班公交"), ("夜2路", "夜班公交"), ("旅游1线", "旅游专线"), ("定制3路", "定制公交")]
    for name, kind in names:
        a, b = rng.sample(stops, 2)
        first = f"0{rng.choice([5, 6, 6, 6, 7])}:{rng.choice(['00', '10', '20', '30'])}"
        last = f"{rng.choice([20, 21, 21, 22])}:{rng.choice(['00', '15', '30', '45'])}"
        if kind == "夜班公交":
            first, last = "21:30", "00:30"
        if kind == "旅游专线":
            first, last = "08:30", "18:00"
        length = round(rng.uniform(7, 32), 1)
        t.rows.append([name, kind, a, b, first, last, 2 if kind in ("旅游专线", "定制公交") else 1, length,
                       max(8, int(length * rng.uniform(1.3, 1.9))), rng.choice(OPERATORS), "是"])
    return t


@table("bus_stops")
def bus_stops(rng, n: int) -> Table:
    t = Table(columns("bus_stops"))
    for i, name in enumerate(_stop_names(rng, n)):
        lon, lat = coord(rng, "呼和浩特市", 0.09)
        lines = sorted(rng.sample(range(1, 130), rng.randint(1, 6)))
        t.rows.append([name, f"HS{i + 1:04d}", rng.choice(geo.streets("呼和浩特市")), rng.choice(geo.URBAN["呼和浩特市"]),
                       lon, lat, ";".join(f"{k}路" for k in lines), "是" if rng.random() < 0.7 else "否"])
    return t


@table("bus_passenger_flow")
def bus_passenger_flow(rng, start: date, days: int, lines: int) -> Table:
    t = Table(columns("bus_passenger_flow"))
    chosen = sorted(rng.sample(range(1, 80), lines))
    base = {k: rng.randint(3000, 26000) for k in chosen}
    for d in range(days):
        day = start + timedelta(days=d)
        weekend = day.weekday() >= 5
        for k in chosen:
            total = int(base[k] * (0.78 if weekend else 1.0) * rng.uniform(0.92, 1.08))
            t.rows.append([day.isoformat(), f"{k}路", total, int(total * rng.uniform(0.16, 0.24)),
                           int(total * rng.uniform(0.14, 0.2)), round(rng.uniform(86, 97), 1)])
    return t


@table("parking_lots")
def parking_lots(rng, n: int) -> Table:
    t = Table(columns("parking_lots"))
    def name(r):
        kind = r.choice(["地下停车场", "地面停车场", "立体停车楼", "路内泊位", "公共停车场"])
        place = r.choice(HHHT_LANDMARKS) if r.random() < 0.5 else r.choice(geo.streets("呼和浩特市"))
        return f"{place}{kind}"
    for title in unique(rng, name, n):
        county = rng.choice(geo.URBAN["呼和浩特市"])
        kind = "路内泊位" if "路内" in title else rng.choice(["公共停车场", "公共停车场", "配建停车场"])
        spaces = rng.randint(20, 120) if kind == "路内泊位" else rng.randint(80, 1200)
        fee = rng.choice(["首小时3元，之后每小时2元，每日封顶20元", "15分钟内免费，首小时2元，之后每小时1元",
                          "首小时5元，之后每小时3元", "白天每小时2元，夜间20:00-次日8:00每次3元", "免费"])
        lon, lat = coord(rng, "呼和浩特市", 0.08)
        t.rows.append([title, kind, county, address(rng, "呼和浩特市", county), spaces,
                       int(spaces * rng.choice([0, 0.05, 0.1, 0.15])), fee,
                       "全天开放" if rng.random() < 0.6 else "07:00-22:00", lon, lat])
    return t


@table("ev_charging")
def ev_charging(rng, n: int) -> Table:
    t = Table(columns("ev_charging"))
    operators = [company(rng, "呼和浩特市", "新能源", "有限公司") for _ in range(6)]
    def name(r):
        return f"{r.choice(HHHT_LANDMARKS)}{r.choice(['充电站', '公交充电站', '超级充电站', '公共充电站'])}"
    for title in unique(rng, name, n):
        county = rng.choice(geo.URBAN["呼和浩特市"])
        lon, lat = coord(rng, "呼和浩特市", 0.09)
        t.rows.append([title, rng.choice(operators), county, address(rng, "呼和浩特市", county), rng.randint(2, 30),
                       rng.randint(0, 20), round(rng.uniform(0.42, 0.56), 4), round(rng.uniform(0.4, 0.8), 2),
                       "全天开放" if rng.random() < 0.75 else "06:00-23:00", lon, lat])
    return t


@table("taxi_companies")
def taxi_companies(rng, n: int) -> Table:
    t = Table(columns("taxi_companies"))
    for title in unique(rng, lambda r: company(r, "呼和浩特市", r.choice(["出租汽车", "汽车运输", "客运", "网约车服务"]),
                                                "有限责任公司"), n):
        net = "网约车" in title
        county = rng.choice(geo.URBAN["呼和浩特市"])
        t.rows.append([title, uscc_for(rng, "呼和浩特市", county), "网络预约出租汽车" if net else "巡游出租汽车",
                       rng.randint(60, 900) if not net else rng.randint(200, 3000), address(rng, "呼和浩特市", county),
                       service_phone(rng, "呼和浩特市")])
    return t


HIGHWAYS = LISTS["highways"]


@table("service_areas")
def service_areas(rng, n: int) -> Table:
    t = Table(columns("service_areas"))
    def make(r):
        city = r.choice(geo.CITIES)
        return city, r.choice(geo.counties(city))
    for city, county in unique(rng, make, n, key=lambda v: v[1]):
        t.rows.append([f"{county.removesuffix('区').removesuffix('县').removesuffix('旗')}服务区", rng.choice(HIGHWAYS),
                       f"K{rng.randint(10, 1800)}+{rng.randint(0, 9)}00", city, "有", rng.choice([4, 6, 8, 10, 12, 16]),
                       "有", "有" if rng.random() < 0.4 else "无", "有" if rng.random() < 0.7 else "无"])
    return t


@table("transport_licences")
def transport_licences(rng, year: int, n: int) -> Table:
    t = Table(columns("transport_licences"))
    scopes = LISTS["transport_licence_scopes"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city, 0.5)
        d = workday(rng, date(year, 9, 1), date(year, 10, 31))
        t.rows.append([company(rng, city, rng.choice(["物流", "运输", "汽车运输", "货运", "供应链管理", "汽车服务"])),
                       uscc_for(rng, city, county), f"{geo.county_code(city, county)}{rng.randint(0, 999999):06d}",
                       rng.choice(scopes), city, f"{county}交通运输局", d.isoformat(), add_years(d, 4).isoformat()])
    return t


@table("driving_schools")
def driving_schools(rng, n: int) -> Table:
    t = Table(columns("driving_schools"))
    def make(r):
        city = r.choice(geo.CITIES)
        return city, f"{short(city)}{r.choice(BRANDS)}机动车驾驶员培训学校有限公司"
    for city, title in unique(rng, make, n, key=lambda v: v[1]):
        county = county_of(rng, city)
        t.rows.append([title, uscc_for(rng, city, county), city, address(rng, city, county),
                       rng.choice(["C1、C2", "C1、C2", "A1、A2、B2、C1", "B2、C1、C2", "C1、C2、D、E"]), rng.randint(20, 260),
                       weighted(rng, [("AAA", 2), ("AA", 5), ("A", 3)]), service_phone(rng, city)])
    return t


TOLL_STATIONS = LISTS["toll_stations"]


@table("traffic_flow")
def traffic_flow(rng, start: date, days: int) -> Table:
    t = Table(columns("traffic_flow"))
    base = {s: (rng.randint(3000, 30000), rng.choice(HIGHWAYS)) for s in TOLL_STATIONS}
    for d in range(days):
        day = start + timedelta(days=d)
        for s in TOLL_STATIONS:
            volume, road = base[s]
            inbound = int(volume * rng.uniform(0.9, 1.1))
            cars = round(rng.uniform(48, 82), 1)
            t.rows.append([f"{s}收费站", road, day.isoformat(), inbound, int(inbound * rng.uniform(0.93, 1.07)), cars,
                           round(100 - cars, 1)])
    return t
