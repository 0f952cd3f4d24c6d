"""Demo tables: culture and tourism, agriculture, housing, public safety and weather.

Columns in data/columns.csv, reference lists in data/lists/life.json.
"""
from __future__ import annotations

from datetime import date, timedelta

from . import geo
from .common import (BRANDS, PLACES, add_years, address, columns, company, coord, county_of, seat, service_phone,
                     short, table, unique, uscc_for, weighted, workday)
from .datafiles import read_json
from .files import Table

LISTS = read_json("lists/life.json")

# ---- 文化休闲 -------------------------------------------------------------------
FAMOUS_SPOTS = LISTS["famous_spots"]
SPOT_SUFFIX = LISTS["spot_suffixes"]


def _spot_rows(rng, cities: list[str], n: int) -> list[list]:
    cities = cities or geo.CITIES
    rows = [list(s) for s in FAMOUS_SPOTS if s[2] in cities]
    names = {r[0] for r in rows}
    while len(rows) < n:
        city = rng.choice(cities)
        county = rng.choice(geo.counties(city))
        suffix, kind = rng.choice(SPOT_SUFFIX)
        name = f"{county.removesuffix('旗').removesuffix('县').removesuffix('区') if rng.random() < 0.3 else rng.choice(PLACES)}{suffix}"
        if name in names:
            continue
        names.add(name)
        rows.append([name, weighted(rng, [("4A", 2), ("3A", 4), ("2A", 2), ("A", 0.5)]), city, county, kind])
    return rows


@table("scenic_spots")
def scenic_spots(rng, cities: list[str], n: int) -> Table:
    t = Table(columns("scenic_spots"))
    for name, grade, city, county, kind in _spot_rows(rng, cities, n):
        museum = "博物" in name or name.endswith("召") or name.endswith("寺") or name.endswith("庙")
        price = 0 if museum and rng.random() < 0.6 else rng.choice({"5A": [120, 150, 180, 200], "4A": [40, 60, 80, 100],
                                                                   "3A": [0, 20, 30, 40], "2A": [0, 10, 20], "A": [0, 10]}[grade])
        hours = "09:00-17:00（周一闭馆）" if museum else rng.choice(["08:00-18:00", "全天开放", "5月-10月 08:00-18:30"])
        t.rows.append([name, grade, city, county, kind, hours, price,
                       rng.randint(2007, 2015) if grade == "5A" else rng.randint(2008, 2025)])
    t.rows.sort(key=lambda r: ("5A4A3A2AA".index(r[1]), r[2]))
    return t


@table("star_hotels")
def star_hotels(rng, n: int) -> Table:
    t = Table(columns("star_hotels"))
    def make(r):
        city = r.choice(geo.CITIES)
        return city, f"{short(city)}{r.choice(BRANDS)}{r.choice(['大酒店', '国际酒店', '宾馆', '饭店', '大饭店'])}"
    for city, name in unique(rng, make, n, key=lambda v: v[1]):
        stars = weighted(rng, [("五星级", 1), ("四星级", 3), ("三星级", 5), ("二星级", 1.5)])
        rooms = {"五星级": (220, 480), "四星级": (120, 300), "三星级": (60, 180), "二星级": (30, 80)}[stars]
        t.rows.append([name, stars, city, address(rng, city), rng.randint(*rooms), service_phone(rng, city)])
    return t


CITY_ABBR = LISTS["city_abbreviations"]


@table("travel_agencies")
def travel_agencies(rng, n: int) -> Table:
    t = Table(columns("travel_agencies"))
    def make(r):
        city = weighted(r, [(c, 4 if c == "呼和浩特市" else 1) for c in geo.CITIES])
        prefix = "内蒙古" if r.random() < 0.4 else short(city)
        return city, f"{prefix}{r.choice(BRANDS)}{r.choice(['国际旅行社', '旅行社', '草原旅行社', '文化旅行社'])}有限责任公司"
    for i, (city, name) in enumerate(unique(rng, make, n, key=lambda v: v[1])):
        county = county_of(rng, city)
        outbound = "国际" in name and rng.random() < 0.6
        t.rows.append([name, f"L-NM-{CITY_ABBR[city]}{'CJ' if outbound else ''}{i + 1:05d}", uscc_for(rng, city, county),
                       "国内旅游业务、入境旅游业务" + ("、出境旅游业务" if outbound else ""), city, address(rng, city, county),
                       service_phone(rng, city)])
    return t


@table("public_libraries")
def public_libraries(rng, n: int) -> Table:
    t = Table(columns("public_libraries"))
    rows = [("内蒙古图书馆", "呼和浩特市", "新城区", "一级馆", 40000, 430.0)]
    for city in geo.CITIES:
        rows.append((f"{city}图书馆", city, seat(rng, city), "一级馆", rng.randint(8000, 30000), round(rng.uniform(60, 220), 1)))
    counties = [(city, county) for city in geo.CITIES for county in geo.counties(city)]
    for city, county in rng.sample(counties, n - len(rows)):
        rows.append((f"{county}图书馆", city, county, weighted(rng, [("一级馆", 3), ("二级馆", 3), ("三级馆", 2)]),
                     rng.randint(1200, 9000), round(rng.uniform(5, 45), 1)))
    for name, city, county, grade, area, books in rows:
        t.rows.append([name, city, grade, area, books, "周二至周日 09:00-20:00，周一闭馆", address(rng, city, county)])
    return t


CHIFENG_RELICS = LISTS["chifeng_relics"]
ERAS = LISTS["eras"]


@table("cultural_relics")
def cultural_relics(rng, city: str, n: int) -> Table:
    t = Table(columns("cultural_relics"))
    rows = [list(r) for r in CHIFENG_RELICS] if city == "赤峰市" else []
    names = {r[0] for r in rows}
    while len(rows) < n:
        era = rng.choice(ERAS)
        kind = {"近现代": "近现代重要史迹及代表性建筑", "清": rng.choice(["古建筑", "古墓葬"]), "明": "古建筑"}.get(
            era, rng.choice(["古遗址", "古遗址", "古墓葬", "石窟寺及石刻"]))
        suffix = {"古遗址": rng.choice(["遗址", "古城址", "烽燧"]), "古墓葬": "墓群", "古建筑": rng.choice(["寺", "古塔", "召庙"]),
                  "石窟寺及石刻": rng.choice(["岩画", "石刻"]), "近现代重要史迹及代表性建筑": rng.choice(["旧址", "纪念地"])}[kind]
        name = f"{rng.choice(PLACES)}{suffix}"
        if name in names:
            continue
        names.add(name)
        rows.append([name, weighted(rng, [("自治区级文物保护单位", 3), ("盟市级文物保护单位", 4), ("旗县级文物保护单位", 4)]), kind,
                     era, rng.choice(geo.counties(city))])
    for row in rows:
        level = row[1]
        row.append(rng.choice([1988, 1996, 2001, 2006, 2013, 2019]) if level.startswith("全国") else rng.randint(1986, 2024))
        t.rows.append(row)
    return t


HERITAGE = LISTS["heritage"]


@table("intangible_heritage")
def intangible_heritage(rng) -> Table:
    t = Table(columns("intangible_heritage"))
    for name, kind in HERITAGE:
        national = rng.random() < 0.45
        city = rng.choice(geo.CITIES)
        batch = rng.choice(["第一批", "第二批", "第三批", "第四批", "第五批"]) if national else rng.choice(
            ["第一批", "第二批", "第三批", "第四批", "第五批", "第六批", "第七批", "第八批"])
        t.rows.append([name, kind, "国家级" if national else "自治区级", f"{city}{rng.choice(geo.counties(city))}", batch])
    return t


@table("tourism_stats")
def tourism_stats(rng, start: tuple[int, int], months: int) -> Table:
    t = Table(columns("tourism_stats"))
    season = [0.45, 0.7, 0.5, 0.6, 0.9, 1.3, 2.2, 2.4, 1.3, 1.4, 0.5, 0.45]
    year, month = start
    for _ in range(months):
        visitors = round(260 * season[month - 1] * rng.uniform(0.9, 1.1), 2)
        t.rows.append([f"{year}-{month:02d}", visitors, round(visitors * rng.uniform(0.085, 0.11), 2),
                       int(1800 * season[month - 1] * rng.uniform(0.7, 1.3)), round(rng.uniform(4, 18), 1)])
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return t


# ---- 农业农村 -------------------------------------------------------------------
CROPS = LISTS["crops"]
CITY_FARM = LISTS["city_farming"]


@table("crop_production")
def crop_production(rng, years: list[int]) -> Table:
    t = Table(columns("crop_production"))
    for year in years:
        for city in geo.CITIES:
            for crop, area, yield_ in CROPS:
                a = round(area / 10 * CITY_FARM[city] * rng.uniform(0.6, 1.4), 1)
                if crop == "水稻" and city not in ("兴安盟", "呼伦贝尔市", "通辽市", "赤峰市"):
                    continue
                y = round(yield_ * rng.uniform(0.85, 1.15))
                t.rows.append([year, city, crop, a, round(a * y / 1000, 1), y])
    return t


@table("livestock")
def livestock(rng, periods: list[tuple[int, int]]) -> Table:
    t = Table(columns("livestock"))
    stock = {"牛": 900, "羊": 6000, "猪": 600}
    for year, q in periods:
        for city in geo.CITIES:
            for kind, total in stock.items():
                s = total / 12 * rng.uniform(0.3, 2.2)
                t.rows.append([f"{year}年{q}季度末", city, kind, round(s, 1), round(s * (0.1 if kind == "牛" else 0.25) * q, 1)])
    return t


@table("cooperatives")
def cooperatives(rng, n: int) -> Table:
    t = Table(columns("cooperatives"))
    products = LISTS["cooperative_products"]
    def make(r):
        city = r.choice(geo.CITIES)
        county = r.choice(geo.counties(city))
        product = r.choice(products)
        return city, county, product, f"{county}{r.choice(PLACES)}{product}专业合作社"
    for city, county, product, name in unique(rng, make, n, key=lambda v: v[3]):
        t.rows.append([name, uscc_for(rng, city, county, kind="3"), city, county, product.removesuffix("种植").removesuffix("养殖"),
                       "国家级" if rng.random() < 0.25 else "自治区级", rng.randint(2016, 2025)])
    return t


PRICES = LISTS["prices"]


@table("agri_prices")
def agri_prices(rng, first: date, weeks: int) -> Table:
    t = Table(columns("agri_prices"))
    last = {name: price for name, _, _, price in PRICES}
    for w in range(weeks):
        day = first + timedelta(weeks=w)
        for name, spec, unit, _ in PRICES:
            new = round(last[name] * rng.uniform(0.97, 1.03), 2)
            t.rows.append([day.isoformat(), name, spec, unit, new, round((new / last[name] - 1) * 100, 1)])
            last[name] = new
    return t


GEO_PRODUCTS = LISTS["geo_products"]


@table("geo_indications")
def geo_indications(rng) -> Table:
    t = Table(columns("geo_indications"))
    for i, (name, city, kind) in enumerate(GEO_PRODUCTS):
        year = rng.randint(2008, 2022)
        t.rows.append([name, f"AGI{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 3000):05d}", city, kind, year])
    return t


# ---- 城建住房 -------------------------------------------------------------------
@table("rental_housing")
def rental_housing(rng, city: str, n: int) -> Table:
    t = Table(columns("rental_housing"))
    def make(r):
        county = county_of(r, city, 0.85)
        return county, f"{county}{r.choice(PLACES)}{r.choice(['人才公寓', '青年公寓', '保障性租赁住房项目', '园区职工公寓'])}"
    for county, name in unique(rng, make, n, key=lambda v: v[1]):
        lo = rng.choice([30, 35, 40, 45, 50])
        t.rows.append([name, county, address(rng, city, county), company(rng, city, rng.choice(["城市建设投资", "住房租赁", "城投"]),
                       "有限责任公司"), rng.randint(60, 1200), f"{lo}-{lo + rng.choice([20, 30, 40])}",
                       round(rng.uniform(8, 18), 1),
                       rng.choice(["新市民、青年人", "园区企业职工", "新就业大学生", "新市民、青年人、城镇中等偏下收入家庭"]),
                       weighted(rng, [("已投入运营", 6), ("已竣工待配租", 2), ("在建", 3)]), service_phone(rng, city)])
    return t


ESTATES = LISTS["estates"]


@table("presale_permits")
def presale_permits(rng, city: str, year: int, n: int) -> Table:
    t = Table(columns("presale_permits"))
    for i in range(n):
        county = county_of(rng, city, 0.85)
        d = workday(rng, date(year, 1, 5), date(year, 10, 30))
        units = rng.randint(40, 420)
        buildings = sorted(rng.sample(range(1, 25), rng.randint(1, 4)))
        t.rows.append([f"{rng.choice(BRANDS)}{rng.choice(ESTATES)}", company(rng, city, "房地产开发"),
                       f"{short(city)[0]}房预售证第{year}{i + 1:04d}号", county, "、".join(f"{b}#楼" for b in buildings),
                       round(units * rng.uniform(85, 140), 2), units, d.isoformat()])
    t.rows.sort(key=lambda r: r[7])
    return t


QUALIFICATIONS = LISTS["qualifications"]


@table("construction_enterprises")
def construction_enterprises(rng, year: int, n: int) -> Table:
    t = Table(columns("construction_enterprises"))
    for i in range(n):
        city = rng.choice(geo.CITIES)
        d = workday(rng, date(year, 1, 5), date(year, 10, 31))
        t.rows.append([company(rng, city, rng.choice(["建设工程", "建筑工程", "市政工程", "路桥工程", "装饰工程"])),
                       uscc_for(rng, city, county_of(rng, city)), rng.choice(QUALIFICATIONS),
                       f"D{rng.choice([2, 3])}15{rng.randint(0, 999999):06d}", d.isoformat(), add_years(d, 5).isoformat(), city])
    t.rows.sort(key=lambda r: r[4])
    return t


@table("old_communities")
def old_communities(rng, year: int, n: int) -> Table:
    t = Table(columns("old_communities"))
    works = LISTS["renovation_works"]
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.8)
        name = (f"{r.choice(geo.streets(city)).removesuffix('大街').removesuffix('路')}{r.choice(['小区', '家属院', '住宅小区'])}"
                if county in geo.URBAN.get(city, []) else f"{r.choice(PLACES)}{r.choice(['小区', '家属院'])}")
        return city, county, name
    for city, county, name in unique(rng, make, n, key=lambda v: (v[1], v[2])):
        buildings = rng.randint(2, 40)
        homes = buildings * rng.randint(18, 60)
        t.rows.append([year, city, county, name, rng.randint(1982, 2000), buildings, homes, round(homes * 70 / 10000, 2),
                       weighted(rng, [("基础类", 5), ("完善类", 3), ("提升类", 1)]), "、".join(rng.sample(works, rng.randint(2, 5)))])
    return t


@table("property_management")
def property_management(rng, city: str, n: int) -> Table:
    t = Table(columns("property_management"))
    for name in unique(rng, lambda r: company(r, city, "物业服务"), n):
        county = county_of(rng, city, 0.85)
        projects = rng.randint(1, 40)
        t.rows.append([name, uscc_for(rng, city, county), county, projects, round(projects * rng.uniform(3, 12), 1),
                       service_phone(rng, city), weighted(rng, [("AAA", 1), ("AA", 3), ("A", 4), ("B", 1)])])
    return t


@table("housing_fund")
def housing_fund(rng, month: str, n: int) -> Table:
    t = Table(columns("housing_fund"))
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        people = rng.randint(3, 2500)
        ratio = rng.choice([5, 8, 10, 12])
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), city, people, ratio,
                       round(people * 5200 * ratio * 2 / 100 / 10000, 2), weighted(rng, [("正常", 30), ("缓缴", 1), ("封存", 1)]),
                       month])
    return t


# ---- 公共安全 -------------------------------------------------------------------
@table("emergency_shelters")
def emergency_shelters(rng, n: int) -> Table:
    t = Table(columns("emergency_shelters"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.6)
        return city, county, f"{county}{r.choice(PLACES)}{r.choice(['公园', '广场', '体育场', '中学操场', '小学操场'])}应急避难场所"
    for city, county, name in unique(rng, make, n, key=lambda v: v[2]):
        area = rng.randint(2000, 90000)
        lon, lat = coord(rng, city, 0.3)
        t.rows.append([name, city, county, address(rng, city, county),
                       "I类" if area > 50000 else ("II类" if area > 10000 else "III类"), area, area // 2, lon, lat])
    return t


@table("hazchem_licences")
def hazchem_licences(rng, year: int, n: int) -> Table:
    t = Table(columns("hazchem_licences"))
    scopes = LISTS["hazchem_scopes"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city, 0.5)
        d = workday(rng, date(year, 1, 5), date(year, 10, 31))
        t.rows.append([company(rng, city, rng.choice(["化工", "能源", "燃气", "石油化工", "气体"])), uscc_for(rng, city, county),
                       f"蒙{geo.county_code(city, county)}危化经字〔{d.year}〕{rng.randint(1, 999):06d}", rng.choice(scopes),
                       rng.choice(["批发（带储存）", "批发（不带储存）", "零售"]), d.isoformat(), add_years(d, 3).isoformat(), city])
    t.rows.sort(key=lambda r: r[5])
    return t


@table("safety_licences")
def safety_licences(rng, year: int, n: int) -> Table:
    t = Table(columns("safety_licences"))
    scopes = LISTS["safety_scopes"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        code, scope = rng.choice(scopes)
        d = workday(rng, date(year, 1, 5), date(year, 10, 31))
        t.rows.append([company(rng, city, rng.choice(["矿业", "化工", "能源", "建材", "商贸"])), uscc_for(rng, city, county_of(rng, city)),
                       f"（蒙）{code}安许证字〔{d.year}〕{rng.randint(1, 9999):06d}", scope, d.isoformat(),
                       add_years(d, 3).isoformat(), city])
    return t


@table("disaster_stats")
def disaster_stats(rng, years: list[int]) -> Table:
    t = Table(columns("disaster_stats"))
    kinds = ["干旱", "暴雨洪涝", "风雹", "低温冷冻和雪灾", "沙尘暴"]
    for year in years:
        for city in geo.CITIES:
            t.rows.append([year, city, "、".join(rng.sample(kinds, 2)), round(rng.uniform(0.2, 40), 2),
                           round(rng.uniform(0.5, 180), 1), rng.randint(0, 120), round(rng.uniform(0.05, 12), 2)])
    return t


# ---- 气象服务 -------------------------------------------------------------------
CLIMATE = LISTS["climate"]  # November normals: [daily max, daily min] in ℃
STATIONS = LISTS["weather_stations"]


@table("weather_daily")
def weather_daily(rng, first: date, days: int) -> Table:
    t = Table(columns("weather_daily"))
    fronts = [rng.uniform(-6, 4) for _ in range(days)]  # a cold wave crosses the whole region
    for city in geo.CITIES:
        hi0, lo0 = CLIMATE[city]
        for d in range(days):
            day = first + timedelta(days=d)
            trend = -d * 0.25
            hi = round(hi0 + trend + fronts[d] + rng.uniform(-2, 2), 1)
            lo = round(lo0 + trend + fronts[d] + rng.uniform(-2, 2), 1)
            snow = fronts[d] < -4 and rng.random() < 0.6
            rain = round(rng.uniform(0.1, 4.5), 1) if snow else 0.0
            wind = round(rng.uniform(1.5, 4) + (3 if fronts[d] < -3 else 0), 1)
            weather = "小雪" if snow and rain < 2.5 else ("中雪" if snow else rng.choice(["晴", "晴", "多云", "晴转多云", "阴"]))
            if wind > 6 and not snow:
                weather = "大风"
            t.rows.append([city, STATIONS[city], day.isoformat(), hi, lo, round((hi + lo) / 2, 1), rain, wind,
                           rng.randint(25, 75) if not snow else rng.randint(70, 95), weather])
    return t


@table("weather_stations")
def weather_stations(rng) -> Table:
    t = Table(columns("weather_stations"))
    used = set()
    for city in geo.CITIES:
        for county in geo.counties(city):
            if county in geo.URBAN.get(city, [])[1:]:
                continue
            number = f"5{rng.choice('0234')}{rng.randint(100, 999)}"
            while number in used:
                number = f"5{rng.choice('0234')}{rng.randint(100, 999)}"
            used.add(number)
            lon, lat = coord(rng, city, 1.0)
            if county == geo.counties(city)[0]:
                name = STATIONS[city]
            elif county.endswith("县") or (county.endswith("区") and len(county) > 2):
                name = county[:-1]
            else:
                name = county
            t.rows.append([name, number, city, county, lon, lat, rng.randint(600, 1500),
                           weighted(rng, [("国家基准气候站", 1), ("国家基本气象站", 2), ("国家一般气象站", 5)])])
    return t


WARNINGS = LISTS["warnings"]
GUIDE = LISTS["warning_guides"]


@table("weather_warnings")
def weather_warnings(rng, end: date, n: int) -> Table:
    t = Table(columns("weather_warnings"))
    for i in range(n):
        city = rng.choice(geo.CITIES)
        kind, level = rng.choice(WARNINGS)
        when = end - timedelta(days=rng.randint(0, 40))
        area = "、".join(rng.sample(geo.counties(city), min(len(geo.counties(city)), rng.randint(1, 4))))
        office = f"{city.removesuffix('市').removesuffix('盟')}{'盟' if city.endswith('盟') else '市'}气象台"
        issued = f"{when.isoformat()} {rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}"
        t.rows.append([f"15{when:%Y%m%d}{i + 1:03d}", kind, level, office, issued, area, GUIDE[kind]])
    t.rows.sort(key=lambda r: r[4], reverse=True)
    return t


@table("monthly_climate")
def monthly_climate(rng, year: int, months: int) -> Table:
    t = Table(columns("monthly_climate"))
    annual = [-12, -8, 0, 8, 16, 21, 23, 21, 15, 7, -2, -10]
    rain = [2, 3, 8, 15, 30, 60, 100, 90, 40, 15, 5, 2]
    for city in geo.CITIES:
        shift = (CLIMATE[city][0] + CLIMATE[city][1]) / 2 + 1.5
        for m in range(1, months + 1):
            anomaly = round(rng.uniform(-2, 2.5), 1)
            pct = round(rng.uniform(-60, 80))
            t.rows.append([city, f"{year}-{m:02d}", round(annual[m - 1] + shift + anomaly, 1), anomaly,
                           round(rain[m - 1] * (1 + pct / 100) * (0.5 if city in ("阿拉善盟", "乌海市") else 1), 1), pct,
                           round(rng.uniform(180, 310))])
    return t


