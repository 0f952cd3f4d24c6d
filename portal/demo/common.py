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
from .files import Table, make_uscc

T = TypeVar("T")

AREA_CODES = {
    "呼和浩特市": "0471", "包头市": "0472", "乌海市": "0473", "乌兰察布市": "0474", "通辽市": "0475",
    "赤峰市": "0476", "鄂尔多斯市": "0477", "巴彦淖尔市": "0478", "锡林郭勒盟": "0479", "呼伦贝尔市": "0470",
    "兴安盟": "0482", "阿拉善盟": "0483",
}

# Trade-name words for fictional organisations (no surnames, no real brands intended).
BRANDS = ["北疆", "草原", "青城", "鹿城", "蒙源", "金泰", "恒信", "瑞丰", "华蒙", "塞北", "大漠", "黄河", "阴山",
          "敕勒川", "天骄", "鸿达", "兴盛", "利民", "泰和", "嘉禾", "鑫源", "博远", "绿源", "丰达", "远通", "正元",
          "安泰", "广源", "宏图", "晟达", "德润", "恒润", "润泽", "万和", "锦程", "盛世", "凯瑞", "祥和", "瀚海",
          "蓝天", "星原", "銮兴", "聚丰", "同创", "中蒙", "北辰", "乾元", "弘毅", "新达", "骏马", "银河", "朔方",
          "蒙辉", "云中", "金川", "沙源", "白云", "大青山", "青山", "苍穹", "牧歌", "穹庐", "珠峰", "明珠", "东方"]
INDUSTRIES = ["商贸", "科技", "建筑工程", "能源", "物流", "农牧业", "餐饮管理", "信息技术", "新材料", "环保科技",
              "乳业", "绒纺", "化工", "医药", "文化传媒", "房地产开发", "物业服务", "旅游开发", "汽车服务",
              "电力工程", "光伏科技", "风电设备", "稀土材料", "食品", "装饰工程", "机械设备", "煤业", "供应链管理"]
PLACES = ["大营子", "白音敖包", "哈拉海", "四道沟", "东山湾", "三座店", "马架子", "西拨子", "老虎山", "查干诺尔",
          "乌兰哈达", "巴彦花", "塔布赛", "红旗", "五一", "新地", "沙尔沁", "毕克齐", "察素齐", "敖伦苏木",
          "朝克乌拉", "宝日胡舒", "阿拉坦", "哈日根台", "苏木山", "黑城", "古城", "二道河", "太平庄", "五家户"]


def short(city: str) -> str:
    """呼和浩特市 -> 呼和浩特, 锡林郭勒盟 -> 锡林郭勒."""
    return city.removesuffix("市").removesuffix("盟")


def phone(rng: random.Random, city: str) -> str:
    return f"{AREA_CODES[city]}-{rng.choice('2345689')}{rng.randint(0, 999999):06d}"


def service_phone(rng: random.Random, city: str) -> str:
    """An office line; same shape as phone() but drawn from the exchange most offices use."""
    return f"{AREA_CODES[city]}-{rng.choice('3456')}{rng.randint(100000, 999999)}"


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


# ---- registry of table generators ------------------------------------------
TABLES: dict[str, Callable[..., "Table"]] = {}


def table(name: str):
    """Register a generator `fn(rng, **params) -> Table` under a name the catalog content refers to."""
    def register(fn):
        if name in TABLES:
            raise ValueError(f"duplicate demo table {name}")
        TABLES[name] = fn
        return fn
    return register


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
