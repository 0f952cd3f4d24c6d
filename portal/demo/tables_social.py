"""Demo tables: education, health, employment and social organisations.

Columns in data/columns.csv, reference lists in data/lists/social.json.
"""
from __future__ import annotations

from datetime import date

from . import geo
from .common import (BRANDS, PLACES, address, columns, company, county_of, phone, rand_date, seat, service_phone,
                     short, table, unique, uscc_for, weighted, workday)
from .datafiles import read_json
from .files import Table

LISTS = read_json("lists/social.json")


# ---- 教育科技 -------------------------------------------------------------------
@table("schools")
def schools(rng, n: int) -> Table:
    t = Table(columns("schools"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.5)
        kind = weighted(r, [("小学", 5), ("初级中学", 2), ("九年一贯制学校", 1.5), ("完全中学", 0.6), ("高级中学", 1),
                            ("十二年一贯制学校", 0.2)])
        stem = county.removesuffix("区") if county.endswith("区") else county
        label = {"小学": r.choice([f"第{r.randint(1, 30)}小学", "实验小学", f"{r.choice(PLACES)}小学", "蒙古族小学"]),
                 "初级中学": r.choice([f"第{r.randint(1, 12)}中学", "实验中学", f"{r.choice(PLACES)}中学"]),
                 "九年一贯制学校": f"{r.choice(PLACES)}学校", "完全中学": r.choice(["第一中学", "第二中学", "蒙古族中学"]),
                 "高级中学": r.choice(["第一中学", "第二中学", "第三中学", "实验中学"]),
                 "十二年一贯制学校": "民族学校"}[kind]
        return city, county, kind, f"{short(city) if county in geo.URBAN.get(city, []) else stem}{label}"
    for city, county, kind, title in unique(rng, make, n, key=lambda v: v[3]):
        private = rng.random() < 0.08
        t.rows.append([title if not private else title.replace("第", "").replace("学校", "") + "（民办）",
                       f"21{geo.county_code(city, county)[:4]}{rng.randint(0, 9999):04d}",
                       kind, "民办" if private else "地方教育部门", city, county, address(rng, city, county),
                       service_phone(rng, city)])
    return t


UNIVERSITIES = LISTS["universities"]


@table("universities")
def universities(rng) -> Table:
    t = Table(columns("universities"))
    for name, city, level, nature in UNIVERSITIES:
        owner = "内蒙古自治区教育厅" if nature == "公办" and (level == "本科" or city == "呼和浩特市") else (
            f"{city}人民政府" if nature == "公办" else "内蒙古自治区教育厅")
        t.rows.append([name, owner, city, level, nature])
    return t


@table("kindergartens")
def kindergartens(rng, n: int) -> Table:
    t = Table(columns("kindergartens"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.6)
        public = r.random() < 0.75
        name = (f"{county}第{r.randint(1, 9)}幼儿园" if public else f"{short(city)}{r.choice(BRANDS)}幼儿园")
        return city, county, public, name
    for city, county, public, name in unique(rng, make, n, key=lambda v: v[3]):
        t.rows.append([name, city, county, "公办" if public else "普惠性民办",
                       "自治区级示范幼儿园" if rng.random() < 0.4 else "盟市级示范幼儿园", rng.randint(6, 24),
                       address(rng, city, county), rng.randint(2012, 2025)])
    return t


@table("education_stats")
def education_stats(rng, years: list[int]) -> Table:
    t = Table(columns("education_stats"))
    pop = LISTS["city_pupils"]
    stages = LISTS["school_stages"]
    for year in years:
        for city in geo.CITIES:
            for stage, schools_per, pupils_per, ratio in stages:
                p = pop[city] * rng.uniform(0.97, 1.03)
                pupils = int(pupils_per * p)
                t.rows.append([f"{year}/{year + 1}学年", city, stage, max(2, int(schools_per * p)), pupils,
                               int(pupils / ratio * rng.uniform(0.9, 1.1))])
    return t


TECH_FIELDS = LISTS["tech_fields"]


@table("hightech_enterprises")
def hightech_enterprises(rng, year: int, n: int) -> Table:
    t = Table(columns("hightech_enterprises"))
    def make(r):
        city = weighted(r, [(c, 3 if c in ("呼和浩特市", "包头市", "鄂尔多斯市") else 1) for c in geo.CITIES])
        return city, company(r, city, r.choice(["科技", "信息技术", "新材料", "生物科技", "稀土材料", "光伏科技", "智能装备",
                                                "环保科技", "电子", "软件"]))
    issued = date(year, 12, 1)
    for i, (city, name) in enumerate(unique(rng, make, n, key=lambda v: v[1])):
        t.rows.append([name, uscc_for(rng, city, county_of(rng, city)), city, rng.choice(TECH_FIELDS),
                       f"GR{year}15{rng.choice([0, 0, 1])}{i + 1:05d}"[:14], issued.isoformat(), 3])
    return t


# ---- 医疗卫生 -------------------------------------------------------------------
@table("hospitals")
def hospitals(rng, n: int) -> Table:
    t = Table(columns("hospitals"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.5)
        kind = weighted(r, [("综合医院", 5), ("中医医院", 1), ("蒙医医院", 1), ("中蒙医医院", 1), ("专科医院", 2),
                            ("妇幼保健院", 1)])
        private = kind in ("综合医院", "专科医院") and r.random() < 0.35
        if private:
            spec = r.choice(["", "眼科", "口腔", "骨科", "康复", "妇产", "肛肠", "耳鼻喉"])
            name = f"{short(city)}{r.choice(BRANDS)}{spec}医院"
        elif kind == "专科医院":
            name = f"{short(city)}{r.choice(['传染病', '精神卫生', '肿瘤', '口腔', '眼科', '骨伤科'])}医院"
        elif kind == "妇幼保健院":
            name = f"{county}妇幼保健计划生育服务中心" if county not in geo.URBAN.get(city, []) else f"{short(city)}妇幼保健院"
        elif kind == "综合医院":
            name = f"{county}人民医院" if county not in geo.URBAN.get(city, []) else f"{short(city)}第{r.choice('一二三四五六')}医院"
        else:
            name = f"{county if county not in geo.URBAN.get(city, []) else short(city)}{kind}"
        return city, county, kind, private, name
    for city, county, kind, private, name in unique(rng, make, n, key=lambda v: v[4]):
        urban = county in geo.URBAN.get(city, [])
        if private:
            grade = weighted(rng, [("一级", 4), ("二级乙等", 2), ("未定级", 2)])
        elif urban:
            grade = weighted(rng, [("三级甲等", 3), ("三级乙等", 1), ("二级甲等", 2)])
        else:
            grade = weighted(rng, [("二级甲等", 4), ("二级乙等", 2), ("三级乙等", 0.5)])
        beds = {"三": rng.randint(600, 2200), "二": rng.randint(150, 600), "一": rng.randint(20, 99), "未": rng.randint(10, 60)}[grade[0]]
        t.rows.append([name, kind, grade, "营利性" if private else "非营利性", city, county, address(rng, city, county),
                       beds, service_phone(rng, city)])
    return t


@table("primary_care")
def primary_care(rng, city: str, n: int) -> Table:
    t = Table(columns("primary_care"))
    def make(r):
        county = county_of(r, city, 0.7)
        if county in geo.URBAN.get(city, []):
            kind = r.choice(["社区卫生服务中心", "社区卫生服务站"])
            name = f"{county}{r.choice(geo.streets(city)).removesuffix('大街').removesuffix('路')}{r.choice(['街道', '社区'])}{kind}"
        else:
            kind = "乡镇卫生院"
            name = f"{county}{r.choice(PLACES)}{r.choice(['镇', '苏木'])}卫生院"
        return county, kind, name
    for county, kind, name in unique(rng, make, n, key=lambda v: v[2]):
        beds = {"社区卫生服务中心": rng.randint(0, 40), "社区卫生服务站": 0, "乡镇卫生院": rng.randint(10, 60)}[kind]
        t.rows.append([name, kind, county, address(rng, city, county), beds, rng.randint(1, 12), service_phone(rng, city)])
    return t


@table("vaccination_sites")
def vaccination_sites(rng, city: str, n: int) -> Table:
    t = Table(columns("vaccination_sites"))
    def make(r):
        county = county_of(r, city, 0.75)
        kind = weighted(r, [("儿童预防接种", 5), ("成人预防接种", 2), ("狂犬病暴露预防处置", 1.5), ("产科接种室", 1)])
        place = f"{county}{r.choice(geo.streets(city)).removesuffix('大街').removesuffix('路')}社区卫生服务中心" \
            if county in geo.URBAN.get(city, []) else f"{county}{r.choice(PLACES)}镇卫生院"
        return county, kind, f"{place}{kind if kind != '产科接种室' else '产科接种室'}门诊".replace("接种室门诊", "接种室")
    for county, kind, name in unique(rng, make, n, key=lambda v: v[2]):
        hours = rng.choice(["周一至周五 08:30-11:30，14:30-17:00", "周二、周四 08:30-11:30", "每日 08:00-17:30",
                            "24小时"]) if kind == "狂犬病暴露预防处置" else rng.choice(
            ["周一至周五 08:30-11:30，14:30-17:00", "周二、周四、周六 08:30-11:30", "周一、周三、周五 08:30-11:30"])
        t.rows.append([name, kind, county, address(rng, city, county), hours, service_phone(rng, city)])
    return t


DISEASES = LISTS["diseases"]


@table("disease_stats")
def disease_stats(rng, year: int, months: int) -> Table:
    t = Table(columns("disease_stats"))
    season = LISTS["disease_seasons"]
    for m in range(1, months + 1):
        for name, kind, base in DISEASES:
            cases = int(base * season.get(name, [1] * 12)[m - 1] * rng.uniform(0.8, 1.2))
            deaths = rng.choice([0, 0, 0, 1]) if name in ("肺结核", "病毒性肝炎") else 0
            t.rows.append([f"{year}-{m:02d}", name, kind, cases, deaths, round(cases / 240, 2)])
    return t


@table("hospital_service")
def hospital_service(rng, year: int, months: list[int], n: int) -> Table:
    t = Table(columns("hospital_service"))
    names = unique(rng, lambda r: f"{short(r.choice(geo.CITIES))}第{r.choice('一二三四五')}医院", n)
    size = {name: rng.uniform(0.5, 2.0) for name in names}
    for m in months:
        for name in names:
            s = size[name] * rng.uniform(0.92, 1.08)
            t.rows.append([name, f"{year}-{m:02d}", int(90000 * s), int(4200 * s), round(rng.uniform(7.2, 9.8), 1),
                           round(rng.uniform(78, 98), 1), int(1500 * s)])
    return t


@table("health_indicators")
def health_indicators(rng, year: int) -> Table:
    t = Table(columns("health_indicators", prev=year - 1, year=year))
    indicators = LISTS["health_indicators"]
    for name, unit, value in indicators:
        change = rng.uniform(-2.5, 4.5)
        if name in ("孕产妇死亡率", "婴儿死亡率", "5岁以下儿童死亡率"):
            change = rng.uniform(-9, -1)
        if name == "居民人均预期寿命":
            change = 0.3
        prev = value
        cur = value * (1 + change / 100)
        digits = 0 if value >= 100 else 2
        t.rows.append([name, unit, round(prev, digits), round(cur, digits), round(change, 1)])
    return t


# ---- 社保就业 -------------------------------------------------------------------
@table("job_fairs")
def job_fairs(rng, city: str, year: int, n: int) -> Table:
    t = Table(columns("job_fairs"))
    themes = LISTS["job_fair_themes"]
    venues = [f"{city}人力资源市场三楼招聘大厅", f"{city}零工市场", "内蒙古大学体育馆", "内蒙古师范大学盛乐校区体育馆",
              f"{city}会展中心", "线上：就业服务平台"]
    organiser = [f"{city}公共就业服务中心", f"{city}人力资源和社会保障局", f"{city}人才服务中心"]
    for _ in range(n):
        d = workday(rng, date(year, 1, 10), date(year, 11, 30))
        online = rng.random() < 0.3
        t.rows.append([f"{year}年{city}{rng.choice(themes)}", d.isoformat(), venues[-1] if online else rng.choice(venues[:-1]),
                       "网络" if online else rng.choice(["现场", "现场", "现场+网络"]), rng.choice(organiser),
                       rng.randint(20, 260), rng.randint(300, 6000), service_phone(rng, city)])
    t.rows.sort(key=lambda r: r[1])
    return t


@table("social_insurance_offices")
def social_insurance_offices(rng) -> Table:
    t = Table(columns("social_insurance_offices"))
    hours = "工作日 09:00-12:00，13:30-17:00（夏季 14:30-17:30）"
    business = "企业职工养老保险、城乡居民养老保险、失业保险、工伤保险参保登记与待遇核定"
    t.rows.append(["内蒙古自治区社会保险事业服务中心", "呼和浩特市", address(rng, "呼和浩特市", "新城区"), "0471-12333",
                   hours, business])
    for city in geo.CITIES:
        where = address(rng, city, seat(rng, city))
        hotline = f"{phone(rng, city)[:5]}12333"  # the 12333 social security hotline of the city's area code
        t.rows.append([f"{city}社会保险事业服务中心", city, where, hotline, hours, business])
        for county in rng.sample(geo.counties(city), min(3, len(geo.counties(city)))):
            t.rows.append([f"{county}社会保险事业服务中心", city, address(rng, city, county), service_phone(rng, city), hours,
                           business])
    return t


@table("training_institutions")
def training_institutions(rng, n: int) -> Table:
    t = Table(columns("training_institutions"))
    trades = LISTS["trades"]
    def make(r):
        city = r.choice(geo.CITIES)
        return city, f"{short(city)}{r.choice(BRANDS)}职业技能培训学校"
    for i, (city, name) in enumerate(unique(rng, make, n, key=lambda v: v[1])):
        county = county_of(rng, city)
        t.rows.append([name, uscc_for(rng, city, county, dept="5", kind="2"), city, "、".join(rng.sample(trades, rng.randint(2, 5))),
                       f"{geo.county_code(city, county)}{rng.randint(2015, 2025)}{i + 1:04d}", address(rng, city, county),
                       service_phone(rng, city)])
    return t


@table("minimum_wage")
def minimum_wage(rng) -> Table:
    t = Table(columns("minimum_wage"))
    standards = LISTS["minimum_wages"]
    for when, table_ in standards:
        for city in geo.CITIES:
            counties = geo.counties(city)
            for kind, area in (("一类", counties[: max(1, len(counties) // 2)]), ("二类", counties[max(1, len(counties) // 2):])):
                if not area:
                    continue
                monthly, hourly = table_[kind]
                t.rows.append([city, "、".join(area), kind, monthly, hourly, when])
    return t


@table("employment_stats")
def employment_stats(rng, periods: list[tuple[int, int]]) -> Table:
    t = Table(columns("employment_stats"))
    weight = LISTS["city_employment"]
    for year, quarter in periods:
        for city in geo.CITIES:
            new = int(weight[city] * 4600 * quarter * rng.uniform(0.9, 1.1))
            t.rows.append([f"{year}年1-{quarter * 3}月", city, new, int(new * rng.uniform(0.28, 0.4)),
                           int(new * rng.uniform(0.06, 0.1)), round(rng.uniform(2.8, 3.9), 1)])
    return t


@table("hr_agencies")
def hr_agencies(rng, city: str, n: int) -> Table:
    t = Table(columns("hr_agencies"))
    scopes = LISTS["hr_scopes"]
    for i, name in enumerate(unique(rng, lambda r: company(r, city, "人力资源服务"), n)):
        county = county_of(rng, city, 0.9)
        d = rand_date(rng, date(2017, 1, 1), date(2026, 10, 31))
        t.rows.append([name, uscc_for(rng, city, county), f"（蒙）人服证字〔{d.year}〕第{geo.county_code(city, county)}{i + 1:04d}号",
                       rng.choice(scopes), address(rng, city, county), service_phone(rng, city), d.isoformat()])
    return t


@table("enterprise_insurance")
def enterprise_insurance(rng, month: str, n: int) -> Table:
    t = Table(columns("enterprise_insurance"))
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), city,
                       rng.choice(["养老、医疗、失业、工伤", "养老、失业、工伤", "养老、医疗、失业、工伤、生育"]), rng.randint(5, 3200),
                       weighted(rng, [("正常缴费", 20), ("暂停缴费", 1), ("欠费", 1)]), month])
    return t


# ---- 机构团体 -------------------------------------------------------------------
@table("social_orgs")
def social_orgs(rng, n: int) -> Table:
    t = Table(columns("social_orgs"))
    assoc = LISTS["associations"]
    nonprofit = LISTS["nonprofits"]
    def make(r):
        kind = weighted(r, [("社会团体", 5), ("民办非企业单位", 5), ("基金会", 1)])
        level = r.random()
        if level < 0.25:
            city, county, registrar, prefix = None, None, "内蒙古自治区民政厅", "内蒙古自治区"
        else:
            city = r.choice(geo.CITIES)
            if level < 0.65:
                county, registrar, prefix = None, f"{city}民政局", city
            else:
                county = county_of(r, city, 0.5)
                registrar, prefix = f"{county}民政局", f"{city}{county}"
        if kind == "社会团体":
            name = f"{prefix}{r.choice(assoc)}"
        elif kind == "基金会":
            name = f"内蒙古{r.choice(BRANDS)}公益基金会" if city is None else f"{short(city)}{r.choice(BRANDS)}慈善基金会"
        else:
            name = f"{short(city) if city else '内蒙古'}{r.choice(BRANDS)}{r.choice(nonprofit)}"
        return kind, city, county, registrar, name
    for kind, city, county, registrar, name in unique(rng, make, n, key=lambda v: v[4]):
        code_kind = {"社会团体": "1", "民办非企业单位": "2", "基金会": "3"}[kind]
        home = city or "呼和浩特市"
        t.rows.append([name, uscc_for(rng, city, county, dept="5", kind=code_kind), kind, registrar,
                       rand_date(rng, date(1995, 1, 1), date(2026, 10, 31)).isoformat(), address(rng, home, county),
                       "正常" if rng.random() < 0.94 else "注销"])
    return t


@table("elderly_care")
def elderly_care(rng, n: int) -> Table:
    t = Table(columns("elderly_care"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = county_of(r, city, 0.5)
        nature = weighted(r, [("公办", 3), ("民办", 4), ("公建民营", 2)])
        name = (f"{county}{r.choice(['社会福利中心', '中心敬老院', '养老院', '颐养中心'])}" if nature != "民办"
                else f"{short(city)}{r.choice(BRANDS)}{r.choice(['养老院', '老年公寓', '康养中心', '护理院'])}")
        return city, county, nature, name
    for city, county, nature, name in unique(rng, make, n, key=lambda v: v[3]):
        t.rows.append([name, city, county, address(rng, city, county), rng.randint(30, 600), nature,
                       rng.choice(["自理、半失能、失能老年人", "特困供养人员、自理老年人", "失能、半失能老年人"]),
                       service_phone(rng, city)])
    return t


@table("marriage_registries")
def marriage_registries(rng) -> Table:
    t = Table(columns("marriage_registries"))
    for city in geo.CITIES:
        for county in geo.counties(city):
            t.rows.append([f"{county}婚姻登记处", city, address(rng, city, county),
                           "工作日 09:00-12:00，13:30-17:00；“5·20”“七夕”等特殊日期延时服务", service_phone(rng, city),
                           "是" if county in geo.URBAN.get(city, []) or rng.random() < 0.5 else "否"])
    return t


@table("admin_divisions")
def admin_divisions(rng) -> Table:
    t = Table(columns("admin_divisions"))
    t.rows.append(["150000", "内蒙古自治区", "省级", ""])
    for code, (name, counties) in geo.DIVISIONS.items():
        t.rows.append([code, name, "盟市", "150000"])
        for ccode, cname in counties:
            t.rows.append([ccode, cname, "旗县（市、区）", code])
    return t


@table("funeral_facilities")
def funeral_facilities(rng, n: int) -> Table:
    t = Table(columns("funeral_facilities"))
    def make(r):
        city = r.choice(geo.CITIES)
        county = r.choice(geo.counties(city))
        kind = weighted(r, [("殡仪馆", 3), ("公益性公墓", 4), ("经营性公墓", 1.5), ("殡仪服务站", 1.5)])
        name = {"殡仪馆": f"{county}殡仪馆", "公益性公墓": f"{county}{r.choice(PLACES)}公益性公墓",
                "经营性公墓": f"{short(city)}{r.choice(['福寿园', '永安园', '青山陵园', '安泰园'])}",
                "殡仪服务站": f"{county}殡仪服务站"}[kind]
        return city, county, kind, name
    for city, county, kind, name in unique(rng, make, n, key=lambda v: v[3]):
        t.rows.append([name, kind, city, county, address(rng, city, county), service_phone(rng, city),
                       "民办" if kind == "经营性公墓" else "公办"])
    return t


@table("charities")
def charities(rng, n: int) -> Table:
    t = Table(columns("charities"))
    scopes = LISTS["charity_scopes"]
    def make(r):
        city = r.choice([None] + geo.CITIES)
        if city is None:
            return city, f"内蒙古{r.choice(BRANDS)}公益基金会"
        return city, f"{short(city)}{r.choice(BRANDS)}慈善{r.choice(['协会', '总会', '基金会'])}"
    for city, name in unique(rng, make, n, key=lambda v: v[1]):
        kind = "3" if name.endswith("基金会") else "1"
        t.rows.append([name, uscc_for(rng, city, None, dept="5", kind=kind),
                       rand_date(rng, date(2016, 9, 1), date(2026, 9, 30)).isoformat(),
                       "是" if rng.random() < 0.3 else "否", "内蒙古自治区民政厅" if city is None else f"{city}民政局",
                       rng.choice(scopes)])
    return t


