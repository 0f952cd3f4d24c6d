"""Demo tables: environment and natural resources (资源环境)."""
from __future__ import annotations

import math
from datetime import date, timedelta

from . import geo
from .common import PLACES, add_years, address, aqi, company, coord, county_of, rand_date, table, uscc_for, workday
from .files import DATE, DATETIME, NUMBER, STRING, Col, Table

UG = "微克/立方米"

# Monitoring stations per city: (name, code, county)
AIR_STATIONS = {
    "呼和浩特市": [("工业大学", "1001A", "新城区"), ("二监", "1002A", "新城区"), ("小召", "1003A", "玉泉区"),
              ("兴松小区", "1004A", "赛罕区"), ("糖厂", "1005A", "回民区"), ("如意水处理厂", "1006A", "赛罕区"),
              ("规划院", "1007A", "回民区"), ("呼和浩特市环境监测站", "1008A", "赛罕区")],
    "包头市": [("东河鸿龙湾", "1009A", "东河区"), ("市环境监测站", "1010A", "昆都仑区"), ("青山宾馆", "1011A", "青山区"),
            ("东河城环局", "1012A", "东河区"), ("昆区政府", "1013A", "昆都仑区"), ("包百大楼", "1014A", "昆都仑区"),
            ("九原区政府", "1015A", "九原区"), ("民族东路", "1016A", "青山区")],
    "赤峰市": [("红山区政府", "1017A", "红山区"), ("松山区第一中学", "1018A", "松山区"), ("元宝山区监测站", "1019A", "元宝山区"),
            ("新城区", "1020A", "松山区"), ("哈达街", "1021A", "红山区")],
}


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


def _air_columns(when: Col) -> list[Col]:
    return [
        Col("监测站点名称", STRING, "国控环境空气质量自动监测站点名称"),
        Col("站点编码", STRING, "全国统一的监测站点编码"),
        when,
        Col("AQI", NUMBER, "空气质量指数，按 HJ 633-2012 计算"),
        Col("空气质量级别", STRING, "优、良、轻度污染、中度污染、重度污染、严重污染"),
        Col("首要污染物", STRING, "AQI 大于 50 时空气质量分指数最大的污染物"),
        Col(f"PM2.5浓度({UG})", NUMBER, "细颗粒物浓度"),
        Col(f"PM10浓度({UG})", NUMBER, "可吸入颗粒物浓度"),
        Col(f"SO2浓度({UG})", NUMBER, "二氧化硫浓度"),
        Col(f"NO2浓度({UG})", NUMBER, "二氧化氮浓度"),
        Col(f"O3浓度({UG})", NUMBER, "臭氧浓度"),
        Col("CO浓度(毫克/立方米)", NUMBER, "一氧化碳浓度"),
    ]


def _air_row(rng, station, code, when, values):
    index, level, primary = aqi(values)
    return [station, code, when, index, level, primary, values["PM2.5"], values["PM10"], values["SO2"],
            values["NO2"], values["O3"], values["CO"]]


@table("air_hourly")
def air_hourly(rng, city: str, day: date) -> Table:
    t = Table(_air_columns(Col("监测时间", DATETIME, "小时均值对应的整点时间")))
    factors = {s: rng.uniform(0.8, 1.25) for s, _, _ in AIR_STATIONS[city]}
    for hour in range(24):
        base = 42 + 20 * math.cos((hour - 9) * math.pi / 12) + 8 * math.cos((hour - 22) * math.pi / 6)
        for station, code, _ in AIR_STATIONS[city]:
            values = _pollutants(rng, base * factors[station] * rng.uniform(0.85, 1.15), winter=True)
            t.rows.append(_air_row(rng, station, code, f"{day.isoformat()} {hour:02d}:00", values))
    return t


@table("air_daily")
def air_daily(rng, city: str, year: int, month: int, days: int | None = None) -> Table:
    t = Table(_air_columns(Col("监测日期", DATE, "日均值对应的日期")))
    t.columns[10] = Col(f"O3日最大8小时平均浓度({UG})", NUMBER, "臭氧日最大8小时滑动平均浓度")
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
    t = Table([
        Col("盟市", STRING, "盟市名称"),
        Col("月份", STRING, "统计月份，格式 YYYY-MM"),
        Col("优良天数比例(%)", NUMBER, "空气质量优良天数占有效监测天数的比例"),
        Col(f"PM2.5平均浓度({UG})", NUMBER, "月均细颗粒物浓度"),
        Col(f"PM10平均浓度({UG})", NUMBER, "月均可吸入颗粒物浓度"),
        Col(f"O3日最大8小时第90百分位浓度({UG})", NUMBER, "臭氧评价浓度"),
        Col("环境空气质量综合指数", NUMBER, "六项污染物单项指数之和"),
        Col("综合指数排名", NUMBER, "当月 12 个盟市由好到差的排名"),
    ])
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
    t = Table([
        Col("站点名称", STRING, "空气质量监测站点名称"),
        Col("站点编码", STRING, "监测站点编码"),
        Col("站点级别", STRING, "国控、自治区控或市控站点"),
        Col("所在旗县区", STRING, "站点所在旗县（市、区）"),
        Col("站点地址", STRING, "站点详细地址"),
        Col("经度", NUMBER, "WGS-84 经度"),
        Col("纬度", NUMBER, "WGS-84 纬度"),
        Col("监测项目", STRING, "自动监测的污染物项目"),
        Col("投运日期", DATE, "站点正式投入运行日期"),
    ])
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
    t = Table([
        Col("城市", STRING, "盟市政府所在地"),
        Col("预报日期", DATE, "预报对应的日期"),
        Col("AQI下限", NUMBER, "预报空气质量指数范围下限"),
        Col("AQI上限", NUMBER, "预报空气质量指数范围上限"),
        Col("空气质量级别", STRING, "预报空气质量级别"),
        Col("首要污染物", STRING, "预报首要污染物"),
        Col("发布时间", DATETIME, "预报发布时间"),
    ])
    for d in range(days):
        day = start + timedelta(days=d)
        for city in geo.CITIES:
            lo = rng.randint(25, 95)
            hi = lo + rng.randint(15, 30)
            level = "优" if hi <= 50 else ("优至良" if lo <= 50 else ("良" if hi <= 100 else "良至轻度污染"))
            primary = "—" if hi <= 50 else rng.choice(["PM2.5", "PM10", "PM2.5"])
            t.rows.append([city, day.isoformat(), lo, hi, level, primary, f"{start - timedelta(days=1)} 16:00"])
    return t


SECTIONS = [("喇嘛湾", "黄河", "呼和浩特市", "III"), ("画匠营子", "黄河", "包头市", "III"), ("头道拐", "黄河", "呼和浩特市", "III"),
            ("三湖河口", "黄河", "巴彦淖尔市", "III"), ("海勃湾", "黄河", "乌海市", "III"), ("麻黄沟", "黄河", "阿拉善盟", "III"),
            ("章盖营", "大黑河", "呼和浩特市", "IV"), ("尼尔基水库", "嫩江", "呼伦贝尔市", "III"),
            ("黑山头", "额尔古纳河", "呼伦贝尔市", "III"), ("嵯岗", "海拉尔河", "呼伦贝尔市", "III"),
            ("乌梁素海湖心", "乌梁素海", "巴彦淖尔市", "V"), ("岱海湖心", "岱海", "乌兰察布市", "V"),
            ("呼伦湖湖心", "呼伦湖", "呼伦贝尔市", "V"), ("甸子", "老哈河", "赤峰市", "III"),
            ("兴隆坡", "老哈河", "赤峰市", "III"), ("海日苏", "西拉木伦河", "赤峰市", "III"),
            ("二道河子", "西辽河", "通辽市", "IV"), ("乌兰浩特", "洮儿河", "兴安盟", "III"),
            ("锡林河水库", "锡林河", "锡林郭勒盟", "III"), ("红领巾水库", "红领巾水库", "鄂尔多斯市", "III")]
GRADES = ["I", "II", "III", "IV", "V", "劣V"]


@table("water_sections")
def water_sections(rng, year: int, months: range) -> Table:
    t = Table([
        Col("断面名称", STRING, "地表水监测断面（点位）名称"),
        Col("所在水体", STRING, "河流、湖泊或水库名称"),
        Col("所在盟市", STRING, "断面所在盟市"),
        Col("监测月份", STRING, "格式 YYYY-MM"),
        Col("水质类别", STRING, "按 GB 3838-2002 评价的水质类别"),
        Col("水质目标", STRING, "断面考核水质目标"),
        Col("是否达标", STRING, "是、否"),
        Col("高锰酸盐指数(毫克/升)", NUMBER, "高锰酸盐指数"),
        Col("氨氮(毫克/升)", NUMBER, "氨氮浓度"),
        Col("总磷(毫克/升)", NUMBER, "总磷浓度"),
    ])
    for m in months:
        for name, water, city, target in SECTIONS:
            ti = GRADES.index(target)
            gi = max(0, min(5, ti + rng.choice([-2, -1, -1, 0, 0, 0, 1] if ti < 4 else [-1, 0, 0, 1])))
            grade = GRADES[gi]
            t.rows.append([name, water, city, f"{year}-{m:02d}", grade, target, "是" if gi <= ti else "否",
                           round(rng.uniform(1.5, 3.5) * (1 + gi * 0.35), 1), round(rng.uniform(0.08, 0.4) * (1 + gi * 0.6), 2),
                           round(rng.uniform(0.02, 0.08) * (1 + gi * 0.5), 3)])
    return t


POLLUTING = ["火力发电", "煤炭开采和洗选业", "化学原料和化学制品制造业", "有色金属冶炼和压延加工业", "黑色金属冶炼和压延加工业",
             "污水处理及其再生利用", "乳制品制造", "化学药品原料药制造", "水泥制造", "危险废物治理", "焦炭制造", "稀土金属冶炼"]


def _industrial_company(rng, city):
    return company(rng, city, rng.choice(["能源", "化工", "煤业", "冶金", "新材料", "电力", "稀土材料", "水务", "建材"]),
                   rng.choice(["有限公司", "有限责任公司", "股份有限公司"]))


@table("pollutant_units")
def pollutant_units(rng, year: int, n: int) -> Table:
    t = Table([
        Col("单位名称", STRING, "重点排污单位名称"),
        Col("统一社会信用代码", STRING, "18 位统一社会信用代码"),
        Col("所在盟市", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("行业类别", STRING, "国民经济行业分类"),
        Col("名录类别", STRING, "水环境、大气环境、土壤污染、声环境、环境风险管控"),
        Col("名录年份", NUMBER, "名录所属年份"),
    ])
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
    t = Table([
        Col("单位名称", STRING, "重点排污单位名称"),
        Col("排放口名称", STRING, "废气排放口名称"),
        Col("监测时间", DATETIME, "小时均值对应的整点时间"),
        Col("监测因子", STRING, "二氧化硫、氮氧化物、颗粒物"),
        Col("排放浓度(毫克/立方米)", NUMBER, "折算后的小时均值浓度"),
        Col("排放限值(毫克/立方米)", NUMBER, "执行标准限值"),
        Col("是否超标", STRING, "是、否"),
    ])
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
    t = Table([
        Col("项目名称", STRING, "建设项目名称"),
        Col("建设单位", STRING, "建设单位名称"),
        Col("建设地点", STRING, "盟市及旗县区"),
        Col("环评文件类型", STRING, "环境影响报告书或报告表"),
        Col("审批文号", STRING, "审批决定文号"),
        Col("审批日期", DATE, ""),
        Col("审批结果", STRING, "批准、不予批准"),
    ])
    kinds = ["年产{n}万吨煤制烯烃项目", "{n}万千瓦风电项目", "{n}万千瓦光伏治沙项目", "{n}万吨/年选煤厂技改项目",
             "城镇污水处理厂提标改造工程", "{n}万头奶牛养殖基地项目", "危险废物综合利用处置项目", "{n}千伏输变电工程",
             "年产{n}万吨电池级碳酸锂项目", "稀土功能材料产业化项目", "生活垃圾焚烧发电项目", "铁路专用线工程"]
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


MINERALS = [("煤", (120, 2000)), ("稀土", (10, 200)), ("铁矿", (30, 300)), ("萤石", (3, 20)), ("铅锌矿", (5, 60)),
            ("金矿", (3, 30)), ("石墨", (2, 20)), ("建筑用砂", (10, 100)), ("石灰岩", (20, 200)), ("铜矿", (10, 150))]


@table("mining_rights")
def mining_rights(rng, n: int) -> Table:
    t = Table([
        Col("矿山名称", STRING, "矿山名称"),
        Col("采矿权人", STRING, "采矿权人名称（法人单位）"),
        Col("采矿许可证号", STRING, "采矿许可证编号"),
        Col("开采矿种", STRING, "主要开采矿种"),
        Col("开采方式", STRING, "露天开采、地下开采"),
        Col("生产规模(万吨/年)", NUMBER, "核定生产规模"),
        Col("矿区面积(平方公里)", NUMBER, "矿区范围面积"),
        Col("有效期起", DATE, ""),
        Col("有效期止", DATE, ""),
        Col("所在盟市", STRING, ""),
    ])
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
    t = Table([
        Col("项目名称", STRING, "供地项目名称"),
        Col("所在盟市", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("土地用途", STRING, "按土地利用现状分类"),
        Col("供地方式", STRING, "挂牌出让、拍卖出让、协议出让、划拨"),
        Col("面积(公顷)", NUMBER, "供地面积"),
        Col("成交价格(万元)", NUMBER, "划拨用地为 0"),
        Col("土地使用年限(年)", NUMBER, "出让年限"),
        Col("合同签订日期", DATE, "出让合同或划拨决定书签订日期"),
    ])
    uses = [("工业用地", 50, 0.4), ("商服用地", 40, 2.5), ("住宅用地", 70, 4.0), ("仓储用地", 50, 0.3),
            ("公共管理与公共服务用地", 50, 0.0)]
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
