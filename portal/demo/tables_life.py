"""Demo tables: culture and tourism, agriculture, housing, public safety and weather."""
from __future__ import annotations

from datetime import date, timedelta

from . import geo
from .common import (BRANDS, PLACES, add_years, address, company, coord, county_of, seat, service_phone,
                     short, table, unique, uscc_for, weighted, workday)
from .files import DATE, DATETIME, NUMBER, STRING, Col, Table

# ---- 文化休闲 -------------------------------------------------------------------
FAMOUS_SPOTS = [
    ("响沙湾旅游景区", "5A", "鄂尔多斯市", "达拉特旗", "沙漠旅游"), ("成吉思汗陵旅游区", "5A", "鄂尔多斯市", "伊金霍洛旗", "人文景观"),
    ("满洲里市中俄边境旅游区", "5A", "呼伦贝尔市", "满洲里市", "人文景观"), ("阿尔山·柴河旅游景区", "5A", "兴安盟", "阿尔山市", "自然景观"),
    ("额济纳胡杨林旅游区", "5A", "阿拉善盟", "额济纳旗", "自然景观"), ("克什克腾旗阿斯哈图石阵旅游区", "5A", "赤峰市", "克什克腾旗", "自然景观"),
    ("大召寺", "4A", "呼和浩特市", "玉泉区", "人文景观"), ("内蒙古博物院", "4A", "呼和浩特市", "新城区", "人文景观"),
    ("昭君博物院", "4A", "呼和浩特市", "玉泉区", "人文景观"), ("敕勒川草原", "4A", "呼和浩特市", "土默特左旗", "草原旅游"),
    ("五当召旅游区", "4A", "包头市", "石拐区", "人文景观"), ("南海湿地景区", "4A", "包头市", "东河区", "自然景观"),
    ("希拉穆仁草原", "4A", "包头市", "达尔罕茂明安联合旗", "草原旅游"), ("达里诺尔湖景区", "4A", "赤峰市", "克什克腾旗", "自然景观"),
    ("玉龙沙湖旅游区", "4A", "赤峰市", "翁牛特旗", "沙漠旅游"), ("乌兰布统草原旅游区", "4A", "赤峰市", "克什克腾旗", "草原旅游"),
    ("红山国家森林公园", "4A", "赤峰市", "红山区", "自然景观"), ("辽上京遗址博物馆", "4A", "赤峰市", "巴林左旗", "人文景观"),
    ("美林谷旅游区", "4A", "赤峰市", "喀喇沁旗", "自然景观"), ("喀喇沁亲王府", "4A", "赤峰市", "喀喇沁旗", "人文景观"),
    ("大青沟国家级自然保护区", "4A", "通辽市", "科尔沁左翼后旗", "自然景观"), ("孝庄园文化旅游区", "4A", "通辽市", "科尔沁左翼中旗", "人文景观"),
    ("七星湖沙漠生态旅游区", "4A", "鄂尔多斯市", "杭锦旗", "沙漠旅游"), ("鄂尔多斯草原旅游区", "4A", "鄂尔多斯市", "杭锦旗", "草原旅游"),
    ("莫尔格勒河景区", "4A", "呼伦贝尔市", "陈巴尔虎旗", "草原旅游"), ("额尔古纳湿地景区", "4A", "呼伦贝尔市", "额尔古纳市", "自然景观"),
    ("巴彦淖尔河套文化博物院", "4A", "巴彦淖尔市", "临河区", "人文景观"), ("乌梁素海旅游区", "4A", "巴彦淖尔市", "乌拉特前旗", "自然景观"),
    ("黄旗海旅游区", "3A", "乌兰察布市", "察哈尔右翼前旗", "自然景观"), ("辉腾锡勒草原", "4A", "乌兰察布市", "察哈尔右翼中旗", "草原旅游"),
    ("元上都遗址", "4A", "锡林郭勒盟", "正蓝旗", "人文景观"), ("贝子庙", "4A", "锡林郭勒盟", "锡林浩特市", "人文景观"),
    ("巴丹吉林沙漠旅游区", "4A", "阿拉善盟", "阿拉善右旗", "沙漠旅游"), ("通湖草原旅游区", "4A", "阿拉善盟", "阿拉善左旗", "沙漠旅游"),
    ("甘德尔山生态文化旅游区", "4A", "乌海市", "海勃湾区", "人文景观"), ("乌海湖旅游区", "3A", "乌海市", "海勃湾区", "自然景观"),
]
SPOT_SUFFIX = [("草原旅游区", "草原旅游"), ("生态旅游区", "自然景观"), ("湿地公园", "自然景观"), ("民俗文化村", "乡村旅游"),
               ("沙漠旅游区", "沙漠旅游"), ("森林公园", "自然景观"), ("红色教育基地", "红色旅游"), ("工业遗址公园", "工业旅游"),
               ("田园综合体", "乡村旅游"), ("博物馆", "人文景观"), ("温泉度假区", "自然景观")]


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


SPOT_COLUMNS = [
    Col("景区名称", STRING, ""),
    Col("等级", STRING, "5A、4A、3A、2A、A"),
    Col("所在盟市", STRING, ""),
    Col("所在旗县区", STRING, ""),
    Col("景区类型", STRING, ""),
    Col("开放时间", STRING, ""),
    Col("门票价格(元)", NUMBER, "旺季成人票，0 表示免费"),
    Col("评定年份", NUMBER, "取得现有等级的年份"),
]


@table("scenic_spots")
def scenic_spots(rng, cities: list[str], n: int) -> Table:
    t = Table(list(SPOT_COLUMNS))
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
    t = Table([
        Col("饭店名称", STRING, ""),
        Col("星级", STRING, "五星级、四星级、三星级、二星级"),
        Col("所在盟市", STRING, ""),
        Col("地址", STRING, ""),
        Col("客房数", NUMBER, ""),
        Col("联系电话", STRING, ""),
    ])
    def make(r):
        city = r.choice(geo.CITIES)
        return city, f"{short(city)}{r.choice(BRANDS)}{r.choice(['大酒店', '国际酒店', '宾馆', '饭店', '大饭店'])}"
    for city, name in unique(rng, make, n, key=lambda v: v[1]):
        stars = weighted(rng, [("五星级", 1), ("四星级", 3), ("三星级", 5), ("二星级", 1.5)])
        rooms = {"五星级": (220, 480), "四星级": (120, 300), "三星级": (60, 180), "二星级": (30, 80)}[stars]
        t.rows.append([name, stars, city, address(rng, city), rng.randint(*rooms), service_phone(rng, city)])
    return t


CITY_ABBR = {"呼和浩特市": "HH", "包头市": "BT", "乌海市": "WH", "赤峰市": "CF", "通辽市": "TL", "鄂尔多斯市": "ED",
             "呼伦贝尔市": "HL", "巴彦淖尔市": "BY", "乌兰察布市": "WL", "兴安盟": "XA", "锡林郭勒盟": "XL", "阿拉善盟": "AL"}


@table("travel_agencies")
def travel_agencies(rng, n: int) -> Table:
    t = Table([
        Col("旅行社名称", STRING, ""),
        Col("旅行社业务经营许可证编号", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("经营业务", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("地址", STRING, ""),
        Col("联系电话", STRING, ""),
    ])
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
    t = Table([
        Col("图书馆名称", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("评估定级", STRING, "一级馆、二级馆、三级馆"),
        Col("馆舍面积(平方米)", NUMBER, ""),
        Col("藏书量(万册)", NUMBER, ""),
        Col("开放时间", STRING, ""),
        Col("地址", STRING, ""),
    ])
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


CHIFENG_RELICS = [("红山后遗址", "全国重点文物保护单位", "古遗址", "新石器时代", "红山区"),
                  ("辽上京遗址", "全国重点文物保护单位", "古遗址", "辽", "巴林左旗"), ("辽中京遗址", "全国重点文物保护单位", "古遗址", "辽", "宁城县"),
                  ("兴隆洼遗址", "全国重点文物保护单位", "古遗址", "新石器时代", "敖汉旗"),
                  ("城子山遗址", "全国重点文物保护单位", "古遗址", "新石器时代", "敖汉旗"),
                  ("二道井子遗址", "全国重点文物保护单位", "古遗址", "青铜时代", "红山区"), ("辽祖陵", "全国重点文物保护单位", "古墓葬", "辽", "巴林左旗"),
                  ("辽庆陵", "全国重点文物保护单位", "古墓葬", "辽", "巴林右旗"), ("喀喇沁亲王府", "全国重点文物保护单位", "古建筑", "清", "喀喇沁旗"),
                  ("荟福寺", "自治区级文物保护单位", "古建筑", "清", "巴林右旗")]
ERAS = ["新石器时代", "青铜时代", "战国", "汉", "辽", "金", "元", "明", "清", "近现代"]


@table("cultural_relics")
def cultural_relics(rng, city: str, n: int) -> Table:
    t = Table([
        Col("文物保护单位名称", STRING, ""),
        Col("保护级别", STRING, "全国重点、自治区级、盟市级、旗县级"),
        Col("类别", STRING, "古遗址、古墓葬、古建筑、石窟寺及石刻、近现代重要史迹及代表性建筑"),
        Col("时代", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("公布年份", NUMBER, ""),
    ])
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


HERITAGE = [("蒙古族长调民歌", "传统音乐"), ("呼麦", "传统音乐"), ("马头琴音乐", "传统音乐"), ("蒙古族四胡音乐", "传统音乐"),
            ("漫瀚调", "传统音乐"), ("爬山调", "传统音乐"), ("科尔沁叙事民歌", "传统音乐"), ("鄂尔多斯短调民歌", "传统音乐"),
            ("好来宝", "曲艺"), ("乌力格尔", "曲艺"), ("二人台", "传统戏剧"), ("安代舞", "传统舞蹈"), ("筷子舞", "传统舞蹈"),
            ("盅碗舞", "传统舞蹈"), ("达斡尔族鲁日格勒舞", "传统舞蹈"), ("江格尔", "民间文学"), ("格斯尔", "民间文学"),
            ("鄂伦春族摩苏昆", "曲艺"), ("蒙古族搏克", "传统体育、游艺与杂技"), ("蒙古族赛马", "传统体育、游艺与杂技"),
            ("蒙古象棋", "传统体育、游艺与杂技"), ("达斡尔族曲棍球", "传统体育、游艺与杂技"), ("蒙古族服饰", "民俗"),
            ("那达慕", "民俗"), ("祭敖包", "民俗"), ("成吉思汗祭典", "民俗"), ("蒙古族婚礼", "民俗"), ("鄂温克族驯鹿习俗", "民俗"),
            ("蒙医药（赞巴拉道尔吉温针）", "传统医药"), ("蒙医正骨疗法", "传统医药"), ("蒙古包营造技艺", "传统技艺"),
            ("勒勒车制作技艺", "传统技艺"), ("马头琴制作技艺", "传统技艺"), ("蒙古族刺绣", "传统美术"), ("桦树皮制作技艺", "传统技艺"),
            ("察干伊德（白食）制作技艺", "传统技艺"), ("蒙古族银器制作技艺", "传统技艺"), ("阿拉善地毯织造技艺", "传统技艺"),
            ("蒙古族皮雕", "传统美术"), ("鄂伦春族桦皮船制作技艺", "传统技艺"), ("烤全羊技艺", "传统技艺"), ("奶茶制作技艺", "传统技艺"),
            ("蒙古族民间故事", "民间文学"), ("土默特民歌", "传统音乐"), ("蒙古族剪纸", "传统美术"), ("骆驼竞技", "传统体育、游艺与杂技")]


@table("intangible_heritage")
def intangible_heritage(rng) -> Table:
    t = Table([
        Col("项目名称", STRING, ""),
        Col("类别", STRING, "十大门类"),
        Col("级别", STRING, "国家级、自治区级"),
        Col("申报地区", STRING, ""),
        Col("公布批次", STRING, ""),
    ])
    for name, kind in HERITAGE:
        national = rng.random() < 0.45
        city = rng.choice(geo.CITIES)
        batch = rng.choice(["第一批", "第二批", "第三批", "第四批", "第五批"]) if national else rng.choice(
            ["第一批", "第二批", "第三批", "第四批", "第五批", "第六批", "第七批", "第八批"])
        t.rows.append([name, kind, "国家级" if national else "自治区级", f"{city}{rng.choice(geo.counties(city))}", batch])
    return t


@table("tourism_stats")
def tourism_stats(rng, start: tuple[int, int], months: int) -> Table:
    t = Table([
        Col("统计月份", STRING, "格式 YYYY-MM"),
        Col("接待国内游客(万人次)", NUMBER, ""),
        Col("国内旅游收入(亿元)", NUMBER, ""),
        Col("接待入境游客(人次)", NUMBER, ""),
        Col("同比增长(%)", NUMBER, "国内游客人次同比"),
    ])
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
CROPS = [("玉米", 2400, 560), ("小麦", 700, 300), ("大豆", 1500, 140), ("马铃薯", 550, 380), ("向日葵", 1050, 230),
         ("水稻", 180, 520)]
CITY_FARM = {"赤峰市": 1.4, "通辽市": 1.6, "呼伦贝尔市": 2.0, "兴安盟": 1.2, "巴彦淖尔市": 1.1, "乌兰察布市": 0.9,
             "鄂尔多斯市": 0.5, "呼和浩特市": 0.6, "包头市": 0.45, "锡林郭勒盟": 0.25, "乌海市": 0.02, "阿拉善盟": 0.05}


@table("crop_production")
def crop_production(rng, years: list[int]) -> Table:
    t = Table([
        Col("年份", NUMBER, ""),
        Col("盟市", STRING, ""),
        Col("作物", STRING, ""),
        Col("播种面积(万亩)", NUMBER, ""),
        Col("总产量(万吨)", NUMBER, ""),
        Col("单产(公斤/亩)", NUMBER, ""),
    ])
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
    t = Table([
        Col("统计期", STRING, "如 2026年3季度末"),
        Col("盟市", STRING, ""),
        Col("畜种", STRING, "牛、羊、猪"),
        Col("存栏(万头/只)", NUMBER, "期末存栏"),
        Col("出栏(万头/只)", NUMBER, "本年累计出栏"),
    ])
    stock = {"牛": 900, "羊": 6000, "猪": 600}
    for year, q in periods:
        for city in geo.CITIES:
            for kind, total in stock.items():
                s = total / 12 * rng.uniform(0.3, 2.2)
                t.rows.append([f"{year}年{q}季度末", city, kind, round(s, 1), round(s * (0.1 if kind == "牛" else 0.25) * q, 1)])
    return t


@table("cooperatives")
def cooperatives(rng, n: int) -> Table:
    t = Table([
        Col("合作社名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("主营产品", STRING, ""),
        Col("示范社级别", STRING, "国家级、自治区级"),
        Col("认定年份", NUMBER, ""),
    ])
    products = ["肉羊养殖", "肉牛养殖", "奶牛养殖", "玉米种植", "马铃薯种植", "向日葵种植", "杂粮种植", "蔬菜种植", "农机服务",
                "沙棘种植", "蜜瓜种植", "小米加工"]
    def make(r):
        city = r.choice(geo.CITIES)
        county = r.choice(geo.counties(city))
        product = r.choice(products)
        return city, county, product, f"{county}{r.choice(PLACES)}{product}专业合作社"
    for city, county, product, name in unique(rng, make, n, key=lambda v: v[3]):
        t.rows.append([name, uscc_for(rng, city, county, kind="3"), city, county, product.removesuffix("种植").removesuffix("养殖"),
                       "国家级" if rng.random() < 0.25 else "自治区级", rng.randint(2016, 2025)])
    return t


PRICES = [("牛肉", "带骨", "元/公斤", 64), ("羊肉", "带骨", "元/公斤", 62), ("猪肉", "白条", "元/公斤", 24),
          ("鸡蛋", "散装", "元/公斤", 8.6), ("生鲜乳", "收购价", "元/公斤", 3.3), ("玉米", "收购价（二等）", "元/公斤", 2.0),
          ("小麦", "收购价（二等）", "元/公斤", 2.4), ("马铃薯", "零售", "元/公斤", 3.2), ("大白菜", "零售", "元/公斤", 2.2),
          ("西红柿", "零售", "元/公斤", 6.0)]


@table("agri_prices")
def agri_prices(rng, first: date, weeks: int) -> Table:
    t = Table([
        Col("监测日期", DATE, "每周一"),
        Col("品种", STRING, ""),
        Col("规格等级", STRING, ""),
        Col("计价单位", STRING, ""),
        Col("平均价格", NUMBER, "全区监测点平均"),
        Col("环比(%)", NUMBER, ""),
    ])
    last = {name: price for name, _, _, price in PRICES}
    for w in range(weeks):
        day = first + timedelta(weeks=w)
        for name, spec, unit, _ in PRICES:
            new = round(last[name] * rng.uniform(0.97, 1.03), 2)
            t.rows.append([day.isoformat(), name, spec, unit, new, round((new / last[name] - 1) * 100, 1)])
            last[name] = new
    return t


GEO_PRODUCTS = [("锡林郭勒羊肉", "锡林郭勒盟", "畜产品"), ("科尔沁牛", "通辽市", "畜产品"), ("乌珠穆沁羊肉", "锡林郭勒盟", "畜产品"),
                ("五原向日葵", "巴彦淖尔市", "种植业产品"), ("敖汉小米", "赤峰市", "种植业产品"), ("兴安盟大米", "兴安盟", "种植业产品"),
                ("河套番茄", "巴彦淖尔市", "种植业产品"), ("鄂托克阿尔巴斯山羊肉", "鄂尔多斯市", "畜产品"),
                ("乌兰察布马铃薯", "乌兰察布市", "种植业产品"), ("阿拉善白绒山羊", "阿拉善盟", "畜产品"), ("阿拉善双峰驼", "阿拉善盟", "畜产品"),
                ("呼伦贝尔草原羊肉", "呼伦贝尔市", "畜产品"), ("扎兰屯大米", "呼伦贝尔市", "种植业产品"), ("托县辣椒", "呼和浩特市", "种植业产品"),
                ("武川莜麦", "呼和浩特市", "种植业产品"), ("固阳马铃薯", "包头市", "种植业产品"), ("达茂草原羊肉", "包头市", "畜产品"),
                ("宁城苹果", "赤峰市", "种植业产品"), ("开鲁红干椒", "通辽市", "种植业产品"), ("奈曼甘薯", "通辽市", "种植业产品"),
                ("乌海葡萄", "乌海市", "种植业产品"), ("西乌珠穆沁白马", "锡林郭勒盟", "畜产品"), ("苏尼特羊肉", "锡林郭勒盟", "畜产品"),
                ("察右后旗红皮土豆", "乌兰察布市", "种植业产品")]


@table("geo_indications")
def geo_indications(rng) -> Table:
    t = Table([
        Col("产品名称", STRING, ""),
        Col("登记证书编号", STRING, "农产品地理标志登记证书编号"),
        Col("所在盟市", STRING, ""),
        Col("产品类别", STRING, "种植业产品、畜产品"),
        Col("登记年份", NUMBER, ""),
    ])
    for i, (name, city, kind) in enumerate(GEO_PRODUCTS):
        year = rng.randint(2008, 2022)
        t.rows.append([name, f"AGI{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 3000):05d}", city, kind, year])
    return t


# ---- 城建住房 -------------------------------------------------------------------
@table("rental_housing")
def rental_housing(rng, city: str, n: int) -> Table:
    t = Table([
        Col("项目名称", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("项目地址", STRING, ""),
        Col("建设运营单位", STRING, ""),
        Col("房源套数", NUMBER, ""),
        Col("户型面积(平方米)", STRING, "建筑面积范围"),
        Col("租金标准(元/平方米·月)", NUMBER, ""),
        Col("供应对象", STRING, ""),
        Col("项目状态", STRING, "已投入运营、已竣工待配租、在建"),
        Col("咨询电话", STRING, ""),
    ])
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


ESTATES = ["华府", "御景", "名苑", "雅居", "新城", "花园", "公馆", "学府", "壹号院", "湖畔", "悦府", "嘉园", "溪谷", "天境"]


@table("presale_permits")
def presale_permits(rng, city: str, year: int, n: int) -> Table:
    t = Table([
        Col("项目名称", STRING, ""),
        Col("开发企业", STRING, ""),
        Col("预售许可证号", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("预售楼栋", STRING, ""),
        Col("预售面积(平方米)", NUMBER, ""),
        Col("预售套数", NUMBER, ""),
        Col("发证日期", DATE, ""),
    ])
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


QUALIFICATIONS = ["建筑工程施工总承包二级", "建筑工程施工总承包三级", "市政公用工程施工总承包二级", "市政公用工程施工总承包三级",
                  "建筑装修装饰工程专业承包二级", "钢结构工程专业承包二级", "电力工程施工总承包三级", "公路工程施工总承包二级",
                  "环保工程专业承包三级", "施工劳务"]


@table("construction_enterprises")
def construction_enterprises(rng, year: int, n: int) -> Table:
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("资质类别及等级", STRING, ""),
        Col("证书编号", STRING, ""),
        Col("发证日期", DATE, ""),
        Col("有效期至", DATE, ""),
        Col("所在盟市", STRING, ""),
    ])
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
    t = Table([
        Col("计划年度", NUMBER, ""),
        Col("盟市", STRING, ""),
        Col("旗县区", STRING, ""),
        Col("小区名称", STRING, ""),
        Col("建成年份", NUMBER, ""),
        Col("楼栋数", NUMBER, ""),
        Col("户数", NUMBER, ""),
        Col("建筑面积(万平方米)", NUMBER, ""),
        Col("改造类型", STRING, "基础类、完善类、提升类"),
        Col("改造内容", STRING, ""),
    ])
    works = ["供热管网改造", "屋面防水", "外墙保温", "加装电梯", "雨污分流", "停车位增设", "充电设施", "无障碍设施", "适老化改造",
             "照明及监控"]
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
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("在管项目数", NUMBER, ""),
        Col("在管面积(万平方米)", NUMBER, ""),
        Col("服务电话", STRING, ""),
        Col("信用等级", STRING, "AAA、AA、A、B"),
    ])
    for name in unique(rng, lambda r: company(r, city, "物业服务"), n):
        county = county_of(rng, city, 0.85)
        projects = rng.randint(1, 40)
        t.rows.append([name, uscc_for(rng, city, county), county, projects, round(projects * rng.uniform(3, 12), 1),
                       service_phone(rng, city), weighted(rng, [("AAA", 1), ("AA", 3), ("A", 4), ("B", 1)])])
    return t


@table("housing_fund")
def housing_fund(rng, month: str, n: int) -> Table:
    t = Table([
        Col("单位名称", STRING, "缴存单位名称"),
        Col("统一社会信用代码", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("缴存职工人数", NUMBER, "单位汇总人数"),
        Col("缴存比例(%)", NUMBER, "单位和职工各自比例"),
        Col("月缴存额(万元)", NUMBER, ""),
        Col("缴存状态", STRING, "正常、缓缴、封存"),
        Col("统计年月", STRING, ""),
    ])
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
    t = Table([
        Col("场所名称", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("地址", STRING, ""),
        Col("场所类型", STRING, "I类（长期）、II类（中期）、III类（短期）"),
        Col("有效避难面积(平方米)", NUMBER, ""),
        Col("可容纳人数", NUMBER, ""),
        Col("经度", NUMBER, "WGS-84 经度"),
        Col("纬度", NUMBER, "WGS-84 纬度"),
    ])
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
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("许可证编号", STRING, "危险化学品经营许可证编号"),
        Col("许可范围", STRING, ""),
        Col("经营方式", STRING, "批发（带储存）、批发（不带储存）、零售"),
        Col("发证日期", DATE, ""),
        Col("有效期至", DATE, ""),
        Col("所在盟市", STRING, ""),
    ])
    scopes = ["汽油、柴油[闭杯闪点≤60℃]", "液化石油气、天然气", "硫酸、盐酸、氢氧化钠", "甲醇、乙醇", "氧、氮、氩[压缩的或液化的]",
              "油漆、稀释剂"]
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
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("许可证编号", STRING, "安全生产许可证编号"),
        Col("许可范围", STRING, ""),
        Col("发证日期", DATE, ""),
        Col("有效期至", DATE, ""),
        Col("所在盟市", STRING, ""),
    ])
    scopes = [("FM", "非煤矿山开采（石灰岩露天开采）"), ("FM", "非煤矿山开采（萤石地下开采）"), ("WH", "危险化学品生产（甲醇）"),
              ("WH", "危险化学品生产（液氨）"), ("YH", "烟花爆竹批发"), ("FM", "尾矿库运行")]
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
    t = Table([
        Col("年份", NUMBER, ""),
        Col("盟市", STRING, ""),
        Col("主要灾害类型", STRING, ""),
        Col("受灾人口(万人次)", NUMBER, ""),
        Col("农作物受灾面积(千公顷)", NUMBER, ""),
        Col("倒塌房屋(间)", NUMBER, ""),
        Col("直接经济损失(亿元)", NUMBER, ""),
    ])
    kinds = ["干旱", "暴雨洪涝", "风雹", "低温冷冻和雪灾", "沙尘暴"]
    for year in years:
        for city in geo.CITIES:
            t.rows.append([year, city, "、".join(rng.sample(kinds, 2)), round(rng.uniform(0.2, 40), 2),
                           round(rng.uniform(0.5, 180), 1), rng.randint(0, 120), round(rng.uniform(0.05, 12), 2)])
    return t


# ---- 气象服务 -------------------------------------------------------------------
CLIMATE = {  # November normals: (daily max, daily min) in ℃
    "呼和浩特市": (5, -8), "包头市": (5, -8), "乌海市": (8, -5), "赤峰市": (6, -7), "通辽市": (4, -8),
    "鄂尔多斯市": (4, -7), "呼伦贝尔市": (-8, -20), "巴彦淖尔市": (6, -8), "乌兰察布市": (2, -11), "兴安盟": (0, -12),
    "锡林郭勒盟": (-2, -15), "阿拉善盟": (10, -5),
}
STATIONS = {"呼和浩特市": "呼和浩特", "包头市": "包头", "乌海市": "乌海", "赤峰市": "赤峰", "通辽市": "通辽", "鄂尔多斯市": "东胜",
            "呼伦贝尔市": "海拉尔", "巴彦淖尔市": "临河", "乌兰察布市": "集宁", "兴安盟": "乌兰浩特", "锡林郭勒盟": "锡林浩特",
            "阿拉善盟": "巴彦浩特"}


@table("weather_daily")
def weather_daily(rng, first: date, days: int) -> Table:
    t = Table([
        Col("城市", STRING, ""),
        Col("观测站", STRING, "国家气象观测站名"),
        Col("日期", DATE, ""),
        Col("最高气温(℃)", NUMBER, ""),
        Col("最低气温(℃)", NUMBER, ""),
        Col("平均气温(℃)", NUMBER, ""),
        Col("降水量(毫米)", NUMBER, "20时至20时"),
        Col("平均风速(米/秒)", NUMBER, ""),
        Col("相对湿度(%)", NUMBER, ""),
        Col("天气现象", STRING, ""),
    ])
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
    t = Table([
        Col("站名", STRING, ""),
        Col("区站号", STRING, "五位区站号"),
        Col("所在盟市", STRING, ""),
        Col("所在旗县区", STRING, ""),
        Col("经度", NUMBER, ""),
        Col("纬度", NUMBER, ""),
        Col("观测场海拔高度(米)", NUMBER, ""),
        Col("站点类别", STRING, "国家基准气候站、国家基本气象站、国家一般气象站"),
    ])
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


WARNINGS = [("寒潮", "蓝色"), ("寒潮", "黄色"), ("大风", "蓝色"), ("大风", "黄色"), ("暴雪", "黄色"), ("暴雪", "橙色"),
            ("道路结冰", "黄色"), ("大雾", "黄色"), ("沙尘暴", "黄色"), ("霜冻", "蓝色")]
GUIDE = {"寒潮": "注意添衣保暖，做好牲畜棚圈防寒和设施农业防冻工作。", "大风": "加固围板、棚架等易被风吹动的搭建物，户外人员注意防风。",
         "暴雪": "注意交通安全，做好牧区防灾保畜工作，储备饲草料。", "道路结冰": "驾驶人员注意路况，减速慢行，行人出门注意防滑。",
         "大雾": "驾驶人员注意雾的变化，小心驾驶，机场、高速公路采取措施保障安全。", "沙尘暴": "关好门窗，外出佩戴口罩，减少户外活动。",
         "霜冻": "对农作物、蔬菜等采取覆盖、喷洒防冻液等措施。"}


@table("weather_warnings")
def weather_warnings(rng, end: date, n: int) -> Table:
    t = Table([
        Col("预警编号", STRING, ""),
        Col("预警类型", STRING, ""),
        Col("预警级别", STRING, "蓝色、黄色、橙色、红色"),
        Col("发布单位", STRING, ""),
        Col("发布时间", DATETIME, ""),
        Col("影响区域", STRING, ""),
        Col("防御指南", STRING, ""),
    ])
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
    t = Table([
        Col("盟市", STRING, ""),
        Col("月份", STRING, "格式 YYYY-MM"),
        Col("平均气温(℃)", NUMBER, ""),
        Col("气温距平(℃)", NUMBER, "与 1991-2020 年同期平均值之差"),
        Col("降水量(毫米)", NUMBER, ""),
        Col("降水距平百分率(%)", NUMBER, ""),
        Col("日照时数(小时)", NUMBER, ""),
    ])
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


