"""Demo tables: credit, market regulation, economy and government services.

Columns in data/columns.csv, reference lists in data/lists/market.json.
"""
from __future__ import annotations

from datetime import date

from . import geo
from .common import (BRANDS, add_years, address, columns, company, county_of, rand_date, seat, service_phone, short,
                     table, unique, uscc_for, weighted, workday)
from .datafiles import read_json
from .files import Table

LISTS = read_json("lists/market.json")

# ---- 信用服务 -------------------------------------------------------------------
# certificate, category, content, issuing department, industry words of a plausible holder
LICENCES = LISTS["licences"]


@table("admin_licensing")
def admin_licensing(rng, start: date, end: date, n: int) -> Table:
    t = Table(columns("admin_licensing"))
    for i in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city)
        cert, kind, content, dept, words = rng.choice(LICENCES)
        d = workday(rng, start, end)
        issuer = f"{county if rng.random() < 0.5 else city}{dept}"
        holder = company(rng, city, rng.choice(words))
        t.rows.append([holder, uscc_for(rng, city, county), f"{short(city)}许字〔{d.year}〕{i + 100}号", cert, kind, content,
                       d.isoformat(), add_years(d, 5).isoformat(), issuer])
    t.rows.sort(key=lambda r: r[6])
    return t


# violation, penalty, department, industry words of a plausible party
VIOLATIONS = LISTS["violations"]


@table("admin_penalty")
def admin_penalty(rng, start: date, end: date, n: int) -> Table:
    t = Table(columns("admin_penalty"))
    for i in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city)
        violation, kind, dept, words = rng.choice(VIOLATIONS)
        d = workday(rng, start, end)
        fine = 0 if kind == "警告" else round(rng.choice([0.2, 0.5, 1, 2, 3, 5, 10, 20, 50]) * rng.uniform(0.8, 1.2), 2)
        t.rows.append([company(rng, city, rng.choice(words)), uscc_for(rng, city, county),
                       f"{short(city)}罚字〔{d.year}〕{i + 1000}号", violation, kind, fine, d.isoformat(),
                       add_years(d, 1).isoformat(), f"{county if rng.random() < 0.4 else city}{dept}"])
    t.rows.sort(key=lambda r: r[6])
    return t


@table("credit_red_list")
def credit_red_list(rng, n: int) -> Table:
    t = Table(columns("credit_red_list"))
    kinds = LISTS["red_list_kinds"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind, dept = rng.choice(kinds)
        d = rand_date(rng, date(2025, 4, 1), date(2026, 10, 31))
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, dept, d.isoformat(),
                       add_years(d, 2).isoformat()])
    return t


@table("credit_evaluation")
def credit_evaluation(rng, year: int, n: int) -> Table:
    t = Table(columns("credit_evaluation"))
    industries = LISTS["evaluation_industries"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        industry = rng.choice(sorted(industries))
        t.rows.append([company(rng, city, rng.choice(industries[industry])), uscc_for(rng, city, county_of(rng, city)),
                       industry, year,
                       weighted(rng, [("A", 30), ("B", 55), ("C", 12), ("D", 3)]), f"{year + 1}-03-31"])
    return t


@table("credit_commitments")
def credit_commitments(rng, n: int) -> Table:
    t = Table(columns("credit_commitments"))
    items = LISTS["commitment_items"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind = rng.choice(["审批替代型", "容缺受理型", "行业自律型", "信用修复型"])
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, rng.choice(items),
                       rand_date(rng, date(2026, 1, 1), date(2026, 11, 10)).isoformat(),
                       f"{city}{rng.choice(['政务服务与数据管理局', '市场监督管理局', '住房和城乡建设局'])}",
                       weighted(rng, [("履约中", 6), ("已履约", 5), ("未履约", 0.4)])])
    return t


# ---- 市场监管 -------------------------------------------------------------------
ENTERPRISE_TYPES = LISTS["enterprise_types"]


@table("enterprise_registration")
def enterprise_registration(rng, cities: list[str], start: date, end: date, n: int, status_mix: bool = True) -> Table:
    t = Table(columns("enterprise_registration"))
    cities = cities or geo.CITIES

    def make(r):
        city = r.choice(cities)
        kind = weighted(r, ENTERPRISE_TYPES)
        if kind == "农民专业合作社":
            name = f"{r.choice(geo.counties(city))}{r.choice(BRANDS)}{r.choice(['种植', '养殖', '农机', '肉羊养殖'])}专业合作社"
        elif kind == "个人独资企业":
            name = f"{short(city)}{r.choice(BRANDS)}{r.choice(['商贸中心', '餐饮店', '建材经销部', '汽车修理厂'])}"
        elif kind == "普通合伙企业":
            name = f"{short(city)}{r.choice(BRANDS)}{r.choice(['咨询服务中心（普通合伙）', '企业管理中心（普通合伙）'])}"
        elif kind == "有限责任公司分公司":
            name = f"{company(r, None)}{r.choice(geo.counties(city))}分公司"
        else:
            name = company(r, city, form="股份有限公司" if kind.startswith("股份") else "有限公司")
        return city, kind, name
    for city, kind, name in unique(rng, make, n, key=lambda v: v[2]):
        county = county_of(rng, city)
        code_kind = "3" if kind == "农民专业合作社" else "1"
        founded = rand_date(rng, start, end)
        capital = "" if kind in ("有限责任公司分公司",) else round(
            rng.choice([10, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000]) * rng.choice([1, 1, 1, 0.5, 3]), 2)
        status = weighted(rng, [("存续", 90), ("注销", 8), ("吊销", 2)]) if status_mix else "存续"
        registrar = f"{county}市场监督管理局" if rng.random() < 0.7 else f"{city}市场监督管理局"
        t.rows.append([name, uscc_for(rng, city, county, kind=code_kind), kind, founded.isoformat(), capital, registrar,
                       county, status])
    t.rows.sort(key=lambda r: (r[3], r[1]))
    return t


PHARMACY_BRANDS = LISTS["pharmacy_brands"]


@table("pharmacies")
def pharmacies(rng, city: str, n: int) -> Table:
    t = Table(columns("pharmacies"))
    area = {"鄂尔多斯市": "477", "呼和浩特市": "471", "包头市": "472", "赤峰市": "476"}[city]
    def make(r):
        county = county_of(r, city, 0.8)
        street = r.choice(geo.streets(city)) if county in geo.URBAN.get(city, []) else r.choice(geo.GENERIC_STREETS)
        return county, street, f"{r.choice(PHARMACY_BRANDS)}（{street}{r.choice(['', '', '二', '三', '东', '西'])}店）"
    for county, street, name in unique(rng, make, n, key=lambda v: v[2]):
        chain = "连锁" in name or rng.random() < 0.6
        t.rows.append([name, uscc_for(rng, city, county), f"蒙{'C' if chain else 'D'}A{area}{rng.randint(0, 9999):04d}",
                       "零售（连锁）" if chain else "零售", county,
                       f"{city}{county}{street}{rng.randint(1, 300)}号{rng.choice(['', '', '1层', '底商'])}",
                       service_phone(rng, city), rng.choice(["08:00-22:00", "08:30-21:30", "24小时营业", "07:30-21:00"]),
                       "是" if rng.random() < 0.7 else "否"])
    return t


FOODS = LISTS["foods"]
FAILS = LISTS["food_failures"]


@table("food_sampling")
def food_sampling(rng, year: int, month: int, n: int) -> Table:
    t = Table(columns("food_sampling"))
    for _ in range(n):
        food, spec = rng.choice(FOODS)
        city = rng.choice(geo.CITIES)
        sampled = rand_date(rng, date(year, month, 1), date(year, month, 28))
        made = rand_date(rng, date(year, max(1, month - 4), 1), sampled)
        ok = rng.random() > 0.04
        t.rows.append([food, spec, made.isoformat(), company(rng, None, "食品"),
                       f"{short(city)}{rng.choice(BRANDS)}{rng.choice(['超市', '便利店', '商贸有限公司', '购物中心'])}", city,
                       "合格" if ok else "不合格", "" if ok else rng.choice(FAILS), sampled.isoformat()])
    return t


EQUIPMENT = LISTS["equipment"]


@table("special_equipment")
def special_equipment(rng, n: int) -> Table:
    t = Table(columns("special_equipment"))
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind = rng.choice(EQUIPMENT)
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, rng.randint(1, 60),
                       rand_date(rng, date(2025, 11, 1), date(2026, 10, 31)).isoformat(),
                       weighted(rng, [("合格", 90), ("复检合格", 8), ("不合格", 2)]), city])
    return t


PRODUCTS = LISTS["products"]


@table("product_sampling")
def product_sampling(rng, quarter: str, n: int) -> Table:
    t = Table(columns("product_sampling"))
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        batches = rng.randint(1, 4)
        failed = 1 if rng.random() < 0.08 else 0
        t.rows.append([rng.choice(PRODUCTS), company(rng, city, rng.choice(["制造", "建材", "绒纺", "化工", "电器"])), city,
                       batches, batches - failed, rng.choice(["标志和说明", "导体电阻", "燃烧性能", "抗拉强度"]) if failed else "",
                       quarter])
    return t


@table("metrology_institutions")
def metrology_institutions(rng) -> Table:
    t = Table(columns("metrology_institutions"))
    rows = [("内蒙古自治区计量测试研究院", "呼和浩特市", "新城区")]
    rows += [(f"{city}计量测试所" if i % 2 else f"{city}计量检定测试所", city, seat(rng, city))
             for i, city in enumerate(geo.CITIES)]
    for city in geo.CITIES:
        for county in rng.sample(geo.counties(city), 2):
            rows.append((f"{county}计量检定所", city, county))
    for i, (name, city, county) in enumerate(rows):
        d = rand_date(rng, date(2027, 1, 1), date(2030, 12, 31))
        t.rows.append([name, "法定计量检定机构" if i < 13 else "授权计量技术机构", f"（蒙）法计（{d.year - 5}）{i + 1:05d}号",
                       rng.randint(15, 320) if i < 13 else rng.randint(4, 40), d.isoformat(), address(rng, city, county),
                       service_phone(rng, city)])
    return t


@table("abnormal_operations")
def abnormal_operations(rng, city: str, start: date, end: date, n: int) -> Table:
    t = Table(columns("abnormal_operations"))
    reasons = LISTS["abnormal_reasons"]
    for _ in range(n):
        county = county_of(rng, city)
        t.rows.append([company(rng, city), uscc_for(rng, city, county), weighted(rng, reasons),
                       workday(rng, start, end).isoformat(), f"{county}市场监督管理局"])
    t.rows.sort(key=lambda r: r[3])
    return t


# ---- 经济建设 -------------------------------------------------------------------
GDP = {int(year): value for year, value in LISTS["gdp"].items()}  # 亿元, by year
GROWTH = {int(year): value for year, value in LISTS["growth"].items()}  # %, by year


@table("gdp_quarterly")
def gdp_quarterly(rng, last: tuple[int, int]) -> Table:
    t = Table(columns("gdp_quarterly"))
    share = {1: 0.205, 2: 0.455, 3: 0.70, 4: 1.0}
    primary_share = {1: 0.035, 2: 0.05, 3: 0.085, 4: 0.11}
    label = {1: "1季度", 2: "上半年", 3: "1-3季度", 4: "全年"}
    for year in range(2020, last[0] + 1):
        for q in range(1, 5):
            if (year, q) > last:
                break
            total = GDP[year] * share[q] * rng.uniform(0.99, 1.01)
            first = total * primary_share[q]
            second = total * rng.uniform(0.44, 0.48)
            third = total - first - second
            growth = round(GROWTH[year] + rng.uniform(-1.2, 1.2) if year != 2020 else rng.uniform(-5, 0.5), 1)
            t.rows.append([f"{year}年{label[q]}", round(total, 1), round(first, 1), round(second, 1), round(third, 1), growth])
    return t


CPI_GROUPS = LISTS["cpi_groups"]


@table("cpi_monthly")
def cpi_monthly(rng, year: int, months: int) -> Table:
    t = Table(columns("cpi_monthly"))
    for m in range(1, months + 1):
        for group in CPI_GROUPS:
            yoy = round(100 + rng.uniform(-1.5, 2.2), 1)
            t.rows.append([f"{year}-{m:02d}", group, yoy, round(100 + rng.uniform(-0.8, 0.9), 1),
                           round(100 + rng.uniform(-0.6, 1.4), 1)])
    return t


INVEST = LISTS["investment_items"]


@table("fixed_investment")
def fixed_investment(rng, periods: list[tuple[int, int]]) -> Table:
    t = Table(columns("fixed_investment"))
    for year, month in periods:
        for item in INVEST:
            base = {"房地产开发投资": -6.0, "第二产业投资": 12.0, "工业投资": 13.0, "民间投资": 2.0}.get(item, 6.0)
            t.rows.append([f"{year}年1-{month}月", item, round(base + rng.uniform(-4, 4), 1)])
    return t


@table("major_projects")
def major_projects(rng, year: int, n: int) -> Table:
    t = Table(columns("major_projects", year=year))
    kinds = LISTS["major_project_kinds"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        county = county_of(rng, city, 0.4)
        pattern, field = rng.choice(kinds)
        total = round(rng.uniform(3, 180), 1)
        start = rng.randint(year - 2, year)
        t.rows.append([f"{county}{pattern.format(n=rng.choice([2, 5, 10, 20, 30, 50, 100, 220, 500]))}", f"{city}{county}", field,
                       "新建" if start == year else "续建", total, round(total * rng.uniform(0.15, 0.5), 1),
                       f"{start}-{max(year, start + rng.randint(1, 4))}"])
    return t


@table("energy_consumption")
def energy_consumption(rng, year: int, n: int) -> Table:
    t = Table(columns("energy_consumption"))
    industries = LISTS["energy_industries"]
    for _ in range(n):
        city = rng.choice(["鄂尔多斯市", "包头市", "乌海市", "呼和浩特市", "赤峰市", "通辽市", "阿拉善盟", "锡林郭勒盟"])
        industry = rng.choice(sorted(industries))
        t.rows.append([company(rng, city, rng.choice(industries[industry])), uscc_for(rng, city, county_of(rng, city)),
                       industry, year,
                       round(rng.uniform(1, 900), 2), round(rng.uniform(0.3, 6.5), 3),
                       weighted(rng, [("完成", 8), ("基本完成", 2), ("未完成", 1)])])
    return t


# ---- 政务服务 -------------------------------------------------------------------
SERVICE_ITEMS = LISTS["service_items"]


@table("service_items")
def service_items(rng, n: int) -> Table:
    t = Table(columns("service_items"))
    def make(r):
        item = r.choice(SERVICE_ITEMS)
        city = r.choice(geo.CITIES)
        where = city if r.random() < 0.4 else r.choice(geo.counties(city))
        return item, city, where
    for i, ((name, kind, dept), city, where) in enumerate(unique(rng, make, n, key=lambda v: (v[0][0], v[2]))):
        legal = rng.choice([5, 10, 15, 20, 30])
        t.rows.append([name, f"{geo.CITY_CODES[city]}{rng.randint(0, 99999999):08d}", kind, f"{where}{dept}", legal,
                       max(1, legal // rng.choice([2, 3, 4])), "否" if rng.random() < 0.92 else "是",
                       weighted(rng, [("全程网办", 6), ("一次到现场", 3), ("到现场次数2次及以上", 0.5)])])
    return t


@table("service_centers")
def service_centers(rng) -> Table:
    t = Table(columns("service_centers"))
    hours = "工作日 09:00-12:00，13:30-17:30；周六上午提供延时服务"
    t.rows.append(["内蒙古自治区政务服务中心", "呼和浩特市", address(rng, "呼和浩特市", "赛罕区"), hours, "0471-12345", 52, 180])
    for city in geo.CITIES:
        where = address(rng, city, seat(rng, city))
        t.rows.append([f"{city}政务服务中心", city, where, hours, service_phone(rng, city), rng.randint(35, 60),
                       rng.randint(80, 220)])
        for county in geo.counties(city):
            t.rows.append([f"{county}政务服务中心", city, address(rng, city, county), hours, service_phone(rng, city),
                           rng.randint(18, 40), rng.randint(25, 90)])
    return t


HOTLINE = LISTS["hotline_categories"]


@table("hotline_stats")
def hotline_stats(rng, year: int, months: int) -> Table:
    t = Table(columns("hotline_stats"))
    for m in range(1, months + 1):
        for kind in HOTLINE:
            base = {"供暖": 18000 if m in (1, 2, 3, 10, 11, 12) else 1500, "物业管理": 9000, "市容环境": 6000}.get(kind, 4000)
            received = int(base * rng.uniform(0.8, 1.2))
            done = int(received * rng.uniform(0.95, 0.995))
            t.rows.append([f"{year}-{m:02d}", kind, received, done, round(done / received * 100, 1),
                           round(rng.uniform(92, 99), 1)])
    return t
