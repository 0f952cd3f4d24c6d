"""Demo tables: environment and natural resources (资源环境).

Columns in data/columns.csv, reference lists in data/lists/env.json.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from . import geo
from .common import (PLACES, add_years, address, aqi, columns, company, coord, county_of, rand_date, table, uscc_for,
                     workday)
from .datafiles import read_json
from .files import Table

LISTS = read_json("lists/env.json")

# Monitoring stations per city: (name, code, county)
AIR_STATIONS = LISTS["air_stations"]


def _pollutants(rng, pm25: float, winter: bool) -> dict[str, float]:
    pm25 = max(4.0, pm25)
    return {
        "PM2.5": round(pm25),
        "PM10": round(pm25 * rng.uniform(1.5, 2.3)),
        "SO2": rng.randint(8, 34) if winter else rng.randint(4, 15),
        "NO2": rng.randint(16, 58) if winter else rng.randint(10, 38),
        "CO": round(rng.uniform(0.5, 1.7) if winter else rng.uniform(0.3, 0.9), 1),
        "O3": rng.randint(18, 72) if winter else rng.randint(70, 170),
    }


def _air_row(rng, station, code, when, values):
    index, level, primary = aqi(values)
    return [station, code, when, index, level, primary, values["PM2.5"], values["PM10"], values["SO2"],
            values["NO2"], values["O3"], values["CO"]]


@table("air_hourly")
def air_hourly(rng, city: str, day: date) -> Table:
    t = Table(columns("air_hourly"))
    factors = {s: rng.uniform(0.8, 1.25) for s, _, _ in AIR_STATIONS[city]}
    for hour in range(24):
        base = 42 + 20 * math.cos((hour - 9) * math.pi / 12) + 8 * math.cos((hour - 22) * math.pi / 6)
        for station, code, _ in AIR_STATIONS[city]:
            values = _pollutants(rng, base * factors[station] * rng.uniform(0.85, 1.15), winter=True)
            t.rows.append(_air_row(rng, station, code, f"{day.isoformat()} {hour:02d}:00", values))
    return t


@table("air_daily")
def air_daily(rng, city: str, year: int, month: int, days: int | None = None) -> Table:
    t = Table(columns("air_daily"))
    first = date(year, month, 1)
    days = days or ((first.replace(day=28) + timedelta(days=4)).replace(day=1) - first).days
    winter = month in (1, 2, 3, 10, 11, 12)
    weather = [rng.uniform(0.6, 1.6) for _ in range(days)]  # shared by every station: a calm or windy day
    for d in range(days):
        for station, code, _ in AIR_STATIONS[city]:
            base = (30 if winter else 22) * weather[d] * rng.uniform(0.85, 1.2)
            values = _pollutants(rng, base, winter)
            t.rows.append(_air_row(rng, station, code, (first + timedelta(days=d)).isoformat(), values))
    return t


@table("air_monthly_region")
def air_monthly_region(rng, year: int, months: int) -> Table:
    t = Table(columns("air_monthly_region"))
    dusty = {"阿拉善盟": 1.5, "乌海市": 1.45, "巴彦淖尔市": 1.3, "鄂尔多斯市": 1.1, "包头市": 1.15}
    clean = {"呼伦贝尔市": 0.7, "兴安盟": 0.75, "锡林郭勒盟": 0.8}
    for m in range(1, months + 1):
        winter = m in (1, 2, 3, 11, 12)
        spring = m in (3, 4, 5)
        month_rows = []
        for city in geo.CITIES:
            f = dusty.get(city, clean.get(city, 1.0))
            pm25 = round((34 if winter else 20) * f * rng.uniform(0.85, 1.15))
            pm10 = round(pm25 * (2.6 if spring else 1.9) * f ** 0.5 * rng.uniform(0.9, 1.1))
            o3 = round((95 if winter else 140) * rng.uniform(0.9, 1.1))
            good = round(min(100.0, max(55.0, 100 - (pm25 - 12) * 0.6 * rng.uniform(0.8, 1.2) - (10 if spring else 0))), 1)
            index = round(pm25 / 35 + pm10 / 70 + o3 / 160 + rng.uniform(0.5, 1.1), 2)
            month_rows.append([city, f"{year}-{m:02d}", good, pm25, pm10, o3, index])
        for rank, row in enumerate(sorted(month_rows, key=lambda r: r[6]), start=1):
            row.append(rank)
        t.rows.extend(month_rows)
    return t


@table("air_stations")
def air_stations(rng, city: str) -> Table:
    t = Table(columns("air_stations"))
    items = "PM2.5、PM10、SO2、NO2、O3、CO"
    for name, code, county in AIR_STATIONS.get(city, []):
        lon, lat = coord(rng, city, 0.05)
        t.rows.append([name, code, "国控", county, address(rng, city, county), lon, lat, items,
                       rand_date(rng, date(2012, 1, 1), date(2016, 12, 31)).isoformat()])
    for i, county in enumerate(geo.counties(city)):
        if county in geo.URBAN.get(city, []):
            continue
        for k in range(2):
            lon, lat = coord(rng, city, 1.2)
            name = f"{county}{'政府' if k == 0 else rng.choice(PLACES)}站"
            t.rows.append([name, f"{geo.county_code(city, county)}{k + 1:02d}", "自治区控" if k == 0 else "市控", county,
                           address(rng, city, county), lon, lat, items,
                           rand_date(rng, date(2017, 1, 1), date(2023, 12, 31)).isoformat()])
    return t


@table("air_forecast")
def air_forecast(rng, start: date, days: int) -> Table:
    t = Table(columns("air_forecast"))
    for d in range(days):
        day = start + timedelta(days=d)
        for city in geo.CITIES:
            lo = rng.randint(25, 95)
            hi = lo + rng.randint(15, 30)
            level = "优" if hi <= 50 else ("优至良" if lo <= 50 else ("良" if hi <= 100 else "良至轻度污染"))
            primary = "—" if hi <= 50 else rng.choice(["PM2.5", "PM10", "PM2.5"])
            t.rows.append([city, day.isoformat(), lo, hi, level, primary, f"{start - timedelta(days=1)} 16:00"])
    return t


SECTIONS = LISTS["water_sections"]
GRADES = LISTS["water_grades"]


@table("water_sections")
def water_sections(rng, year: int, months: range) -> Table:
    t = Table(columns("water_sections"))
    for m in months:
        for name, water, city, target in SECTIONS:
            ti = GRADES.index(target)
            gi = max(0, min(5, ti + rng.choice([-2, -1, -1, 0, 0, 0, 1] if ti < 4 else [-1, 0, 0, 1])))
            grade = GRADES[gi]
            t.rows.append([name, water, city, f"{year}-{m:02d}", grade, target, "是" if gi <= ti else "否",
                           round(rng.uniform(1.5, 3.5) * (1 + gi * 0.35), 1), round(rng.uniform(0.08, 0.4) * (1 + gi * 0.6), 2),
                           round(rng.uniform(0.02, 0.08) * (1 + gi * 0.5), 3)])
    return t


POLLUTING = LISTS["polluting_industries"]


def _industrial_company(rng, city):
    return company(rng, city, rng.choice(["能源", "化工", "煤业", "冶金", "新材料", "电力", "稀土材料", "水务", "建材"]),
                   rng.choice(["有限公司", "有限责任公司", "股份有限公司"]))


@table("pollutant_units")
def pollutant_units(rng, year: int, n: int) -> Table:
    t = Table(columns("pollutant_units"))
    seen = set()
    while len(t.rows) < n:
        city = rng.choice(geo.CITIES)
        name = _industrial_company(rng, city)
        if name in seen:
            continue
        seen.add(name)
        county = county_of(rng, city, 0.4)
        t.rows.append([name, uscc_for(rng, city, county), city, county, rng.choice(POLLUTING),
                       "、".join(sorted(rng.sample(["水环境", "大气环境", "土壤污染", "环境风险管控", "声环境"], rng.randint(1, 3)))),
                       year])
    return t


@table("pollutant_online")
def pollutant_online(rng, day: date, units: int) -> Table:
    t = Table(columns("pollutant_online"))
    limits = {"二氧化硫": 35, "氮氧化物": 50, "颗粒物": 10}
    for _ in range(units):
        name = _industrial_company(rng, rng.choice(geo.CITIES))
        outlet = f"{rng.randint(1, 4)}号锅炉排放口"
        for hour in range(0, 24, 3):
            for factor, limit in limits.items():
                value = round(limit * rng.uniform(0.25, 0.95) if rng.random() > 0.01 else limit * 1.08, 2)
                t.rows.append([name, outlet, f"{day.isoformat()} {hour:02d}:00", factor, value, limit,
                               "是" if value > limit else "否"])
    return t


@table("eia_approvals")
def eia_approvals(rng, year: int, n: int) -> Table:
    t = Table(columns("eia_approvals"))
    kinds = LISTS["eia_projects"]
    for i in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city, 0.3)
        project = f"{county}{rng.choice(kinds).format(n=rng.choice([5, 10, 20, 30, 50, 100, 220, 500]))}"
        kind = "环境影响报告书" if rng.random() < 0.6 else "环境影响报告表"
        d = workday(rng, date(year, 1, 5), date(year, 10, 30))
        t.rows.append([project, _industrial_company(rng, city), f"{city}{county}", kind,
                       f"内环审〔{year}〕{i * 3 + rng.randint(1, 3)}号", d.isoformat(),
                       "批准" if rng.random() > 0.04 else "不予批准"])
    t.rows.sort(key=lambda r: r[5])
    return t


MINERALS = LISTS["minerals"]


@table("mining_rights")
def mining_rights(rng, n: int) -> Table:
    t = Table(columns("mining_rights"))
    for _ in range(n):
        city = rng.choice(["鄂尔多斯市", "鄂尔多斯市", "锡林郭勒盟", "包头市", "赤峰市", "呼伦贝尔市", "乌海市", "通辽市",
                           "巴彦淖尔市", "阿拉善盟", "乌兰察布市"])
        mineral, (lo, hi) = rng.choice(MINERALS)
        county = county_of(rng, city, 0.2)
        start = rand_date(rng, date(2016, 1, 1), date(2026, 9, 30))
        name = f"{county}{rng.choice(PLACES)}{mineral if mineral.endswith('矿') else mineral + '矿'}"
        holder = _industrial_company(rng, city)
        licence = f"C15{rng.randint(0, 9999):04d}{start.year}{start.month:02d}{rng.randint(0, 999999):06d}"
        method = "露天开采" if rng.random() < 0.55 else "地下开采"
        scale = rng.randint(lo, hi)
        area = round(rng.uniform(0.2, 45), 4)
        years = next(y for y in (rng.choice([5, 10, 15]), 20, 30) if start.year + y > 2027)  # still valid
        t.rows.append([name, holder, licence, mineral, method, scale, area, start.isoformat(),
                       add_years(start, years).isoformat(), city])
    return t


@table("land_supply")
def land_supply(rng, year: int, months: range, n: int) -> Table:
    t = Table(columns("land_supply"))
    uses = LISTS["land_uses"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city, 0.6)
        use, years, price = rng.choice(uses)
        way = "划拨" if price == 0 else rng.choice(["挂牌出让", "挂牌出让", "拍卖出让", "协议出让"])
        area = round(rng.uniform(0.3, 25), 4)
        value = 0 if way == "划拨" else round(area * 15 * price * 100 * rng.uniform(0.6, 1.6) / 10, 2)
        d = workday(rng, date(year, months.start, 1), date(year, months.stop - 1, 28))
        what = {"工业用地": "产业园区工业项目", "商服用地": "商业综合体项目", "住宅用地": "住宅小区项目",
                "仓储用地": "物流仓储项目", "公共管理与公共服务用地": "学校建设项目"}[use]
        t.rows.append([f"{county}{rng.choice(PLACES)}{what}", city, county, use, way, area, value,
                       years if way != "划拨" else "", d.isoformat()])
    t.rows.sort(key=lambda r: r[8])
    return t
