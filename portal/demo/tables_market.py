"""Demo tables: credit, market regulation, economy and government services."""
from __future__ import annotations

from datetime import date

from . import geo
from .common import (BRANDS, add_years, address, company, county_of, rand_date, seat, service_phone, short, table,
                     unique, uscc_for, weighted, workday)
from .files import DATE, NUMBER, STRING, Col, Table

# ---- 信用服务 -------------------------------------------------------------------
# certificate, category, content, issuing department, industry words of a plausible holder
LICENCES = [("食品经营许可证", "普通", "食品销售、餐饮服务", "市场监督管理局", ["餐饮管理", "商贸", "食品"]),
            ("道路运输经营许可证", "普通", "道路普通货物运输", "交通运输局", ["物流", "汽车运输", "供应链管理"]),
            ("排污许可证", "普通", "排放大气污染物、水污染物", "生态环境局", ["化工", "能源", "新材料", "乳业"]),
            ("建筑业企业资质证书", "认可", "建筑工程施工总承包", "住房和城乡建设局", ["建筑工程", "装饰工程", "电力工程"]),
            ("药品经营许可证", "普通", "药品零售", "市场监督管理局", ["医药", "大药房"]),
            ("取水许可证", "普通", "地下水取水", "水利局", ["农牧业", "化工", "能源"]),
            ("危险化学品经营许可证", "普通", "危险化学品经营（不带储存设施）", "应急管理局", ["化工", "燃气", "能源"]),
            ("建设工程规划许可证", "普通", "建设工程规划", "自然资源局", ["房地产开发", "建筑工程"]),
            ("医疗机构执业许可证", "普通", "医疗机构执业登记", "卫生健康委员会", ["医院管理", "健康管理"]),
            ("人力资源服务许可证", "普通", "职业中介活动", "人力资源和社会保障局", ["人力资源服务"])]


@table("admin_licensing")
def admin_licensing(rng, start: date, end: date, n: int) -> Table:
    t = Table([
        Col("行政相对人名称", STRING, "法人及其他组织名称"),
        Col("统一社会信用代码", STRING, ""),
        Col("行政许可决定文书号", STRING, ""),
        Col("许可证书名称", STRING, ""),
        Col("许可类别", STRING, "普通、特许、认可、核准、登记"),
        Col("许可内容", STRING, ""),
        Col("许可决定日期", DATE, ""),
        Col("有效期至", DATE, ""),
        Col("许可机关", STRING, ""),
    ])
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
VIOLATIONS = [("未按规定公示年度报告", "警告", "市场监督管理局", ["商贸", "科技", "文化传媒"]),
              ("销售不合格食品", "罚款", "市场监督管理局", ["商贸", "食品", "餐饮管理"]),
              ("超标排放大气污染物", "罚款", "生态环境局", ["化工", "能源", "建材", "煤业"]),
              ("未取得道路运输经营许可擅自从事货运", "罚款", "交通运输局", ["物流", "汽车运输"]),
              ("违法发布广告", "罚款", "市场监督管理局", ["文化传媒", "医药", "商贸"]),
              ("未按规定进行特种设备定期检验", "罚款", "市场监督管理局", ["物业服务", "机械设备", "化工"]),
              ("价格违法行为", "罚款", "市场监督管理局", ["商贸", "物业服务", "旅游开发"]),
              ("安全生产违法行为", "罚款", "应急管理局", ["煤业", "化工", "建材", "矿业"]),
              ("未批先建", "责令停止建设、罚款", "生态环境局", ["能源", "化工", "新材料"]),
              ("无证经营危险化学品", "没收违法所得、罚款", "应急管理局", ["化工", "燃气", "商贸"])]


@table("admin_penalty")
def admin_penalty(rng, start: date, end: date, n: int) -> Table:
    t = Table([
        Col("行政相对人名称", STRING, "法人及其他组织名称（自然人信息不公示）"),
        Col("统一社会信用代码", STRING, ""),
        Col("行政处罚决定书文号", STRING, ""),
        Col("违法行为类型", STRING, ""),
        Col("处罚类别", STRING, ""),
        Col("罚款金额(万元)", NUMBER, ""),
        Col("处罚决定日期", DATE, ""),
        Col("公示截止期", DATE, "按信用修复规定的最短公示期"),
        Col("处罚机关", STRING, ""),
    ])
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
    t = Table([
        Col("主体名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("激励类别", STRING, ""),
        Col("认定部门", STRING, ""),
        Col("认定日期", DATE, ""),
        Col("有效期至", DATE, ""),
    ])
    kinds = [("A级纳税人", "国家税务总局内蒙古自治区税务局"), ("海关高级认证企业", "呼和浩特海关"),
             ("守合同重信用企业", "内蒙古自治区市场监督管理局"), ("诚信示范企业", "内蒙古自治区发展和改革委员会"),
             ("劳动保障守法诚信示范单位", "内蒙古自治区人力资源和社会保障厅")]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind, dept = rng.choice(kinds)
        d = rand_date(rng, date(2025, 4, 1), date(2026, 10, 31))
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, dept, d.isoformat(),
                       add_years(d, 2).isoformat()])
    return t


@table("credit_evaluation")
def credit_evaluation(rng, year: int, n: int) -> Table:
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("所属行业", STRING, ""),
        Col("评价年度", NUMBER, ""),
        Col("综合评价等级", STRING, "A（诚信）、B（良好）、C（警示）、D（失信）"),
        Col("评价日期", DATE, ""),
    ])
    industries = {"批发和零售业": ["商贸", "医药", "供应链管理"], "建筑业": ["建筑工程", "装饰工程", "电力工程"],
                  "制造业": ["新材料", "机械设备", "乳业", "绒纺", "食品"], "交通运输、仓储和邮政业": ["物流", "汽车运输"],
                  "住宿和餐饮业": ["餐饮管理", "酒店管理"], "采矿业": ["煤业", "矿业"],
                  "电力、热力、燃气及水生产和供应业": ["能源", "热力", "燃气"], "租赁和商务服务业": ["企业管理咨询", "文化传媒"]}
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        industry = rng.choice(sorted(industries))
        t.rows.append([company(rng, city, rng.choice(industries[industry])), uscc_for(rng, city, county_of(rng, city)),
                       industry, year,
                       weighted(rng, [("A", 30), ("B", 55), ("C", 12), ("D", 3)]), f"{year + 1}-03-31"])
    return t


@table("credit_commitments")
def credit_commitments(rng, n: int) -> Table:
    t = Table([
        Col("承诺主体名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("承诺类型", STRING, "审批替代型、容缺受理型、行业自律型、信用修复型"),
        Col("承诺事项", STRING, ""),
        Col("承诺日期", DATE, ""),
        Col("受理部门", STRING, ""),
        Col("履约状态", STRING, "履约中、已履约、未履约"),
    ])
    items = ["食品经营许可告知承诺", "建设工程消防验收备案承诺", "企业投资项目承诺制", "行政处罚信用修复承诺",
             "证明事项告知承诺", "申请材料容缺后补承诺"]
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind = rng.choice(["审批替代型", "容缺受理型", "行业自律型", "信用修复型"])
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, rng.choice(items),
                       rand_date(rng, date(2026, 1, 1), date(2026, 11, 10)).isoformat(),
                       f"{city}{rng.choice(['政务服务与数据管理局', '市场监督管理局', '住房和城乡建设局'])}",
                       weighted(rng, [("履约中", 6), ("已履约", 5), ("未履约", 0.4)])])
    return t


# ---- 市场监管 -------------------------------------------------------------------
ENTERPRISE_TYPES = [("有限责任公司（自然人投资或控股）", 10), ("有限责任公司（自然人独资）", 6), ("有限责任公司（非自然人投资或控股的法人独资）", 2),
                    ("股份有限公司（非上市、自然人投资或控股）", 0.6), ("有限责任公司（国有独资）", 0.4), ("个人独资企业", 1.5),
                    ("普通合伙企业", 0.6), ("有限责任公司分公司", 1.5), ("农民专业合作社", 1.2)]


@table("enterprise_registration")
def enterprise_registration(rng, cities: list[str], start: date, end: date, n: int, status_mix: bool = True) -> Table:
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, "18 位统一社会信用代码（GB 32100）"),
        Col("企业类型", STRING, ""),
        Col("成立日期", DATE, ""),
        Col("注册资本(万元)", NUMBER, ""),
        Col("登记机关", STRING, ""),
        Col("住所所在旗县区", STRING, ""),
        Col("经营状态", STRING, "存续、注销、吊销"),
    ])
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


PHARMACY_BRANDS = ["仁济大药房", "百草堂大药房", "康源大药房", "草原医药连锁", "天骄大药房", "同济堂药店", "益生堂大药房",
                   "安康大药房", "惠民大药房", "德仁堂药店"]


@table("pharmacies")
def pharmacies(rng, city: str, n: int) -> Table:
    t = Table([
        Col("药店名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("药品经营许可证编号", STRING, ""),
        Col("经营方式", STRING, "零售、零售（连锁）"),
        Col("所在旗县区", STRING, ""),
        Col("经营地址", STRING, ""),
        Col("联系电话", STRING, ""),
        Col("营业时间", STRING, ""),
        Col("医保定点", STRING, "是、否"),
    ])
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


FOODS = [("纯牛奶", "250mL/盒"), ("风味发酵乳", "200g/杯"), ("风干牛肉干", "250g/袋"), ("奶酪", "100g/袋"), ("小麦粉", "5kg/袋"),
         ("莜面", "2.5kg/袋"), ("炒米", "500g/袋"), ("月饼", "100g/个"), ("白酒", "500mL/瓶"), ("饮用纯净水", "550mL/瓶"),
         ("冷冻羊肉卷", "1kg/袋"), ("鲜鸡蛋", "散装"), ("奶茶粉", "400g/袋"), ("沙棘汁", "300mL/瓶"), ("葵花籽", "500g/袋"),
         ("马铃薯粉条", "400g/袋"), ("酱牛肉", "200g/袋"), ("奶皮子", "200g/盒")]
FAILS = ["菌落总数", "大肠菌群", "酸价", "过氧化值", "苯甲酸及其钠盐", "铅（以Pb计）", "酒精度", "蛋白质"]


@table("food_sampling")
def food_sampling(rng, year: int, month: int, n: int) -> Table:
    t = Table([
        Col("食品名称", STRING, ""),
        Col("规格型号", STRING, ""),
        Col("生产日期或批号", DATE, ""),
        Col("标称生产企业名称", STRING, ""),
        Col("被抽样单位名称", STRING, ""),
        Col("被抽样单位所在盟市", STRING, ""),
        Col("检验结果", STRING, "合格、不合格"),
        Col("不合格项目", STRING, "检验结果为不合格时填写"),
        Col("抽样日期", DATE, ""),
    ])
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


EQUIPMENT = ["电梯", "锅炉", "压力容器", "起重机械", "场（厂）内专用机动车辆", "压力管道", "大型游乐设施"]


@table("special_equipment")
def special_equipment(rng, n: int) -> Table:
    t = Table([
        Col("使用单位名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("设备类别", STRING, ""),
        Col("设备数量(台)", NUMBER, ""),
        Col("最近一次定期检验日期", DATE, ""),
        Col("检验结论", STRING, "合格、复检合格、不合格"),
        Col("所在盟市", STRING, ""),
    ])
    for _ in range(n):
        city = rng.choice(geo.CITIES)
        kind = rng.choice(EQUIPMENT)
        t.rows.append([company(rng, city), uscc_for(rng, city, county_of(rng, city)), kind, rng.randint(1, 60),
                       rand_date(rng, date(2025, 11, 1), date(2026, 10, 31)).isoformat(),
                       weighted(rng, [("合格", 90), ("复检合格", 8), ("不合格", 2)]), city])
    return t


PRODUCTS = ["电线电缆", "建筑用钢筋", "儿童玩具", "电动自行车", "复合肥料", "羊绒针织品", "塑料购物袋", "家用燃气灶具",
            "水泥", "安全帽", "学生用品", "电热水器", "防水卷材", "车用汽油", "羊毛絮片"]


@table("product_sampling")
def product_sampling(rng, quarter: str, n: int) -> Table:
    t = Table([
        Col("产品名称", STRING, ""),
        Col("受检企业", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("抽查批次", NUMBER, ""),
        Col("合格批次", NUMBER, ""),
        Col("不合格项目", STRING, ""),
        Col("抽查时间", STRING, ""),
    ])
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
    t = Table([
        Col("机构名称", STRING, ""),
        Col("授权类别", STRING, "法定计量检定机构、授权计量技术机构"),
        Col("授权证书编号", STRING, ""),
        Col("授权项目数", NUMBER, ""),
        Col("有效期至", DATE, ""),
        Col("地址", STRING, ""),
        Col("联系电话", STRING, ""),
    ])
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
    t = Table([
        Col("企业名称", STRING, ""),
        Col("统一社会信用代码", STRING, ""),
        Col("列入经营异常名录原因", STRING, ""),
        Col("列入日期", DATE, ""),
        Col("作出决定机关", STRING, ""),
    ])
    reasons = [("未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告", 6), ("通过登记的住所或者经营场所无法联系", 4),
               ("公示企业信息隐瞒真实情况、弄虚作假", 0.5), ("未在责令的期限内公示有关企业信息", 1)]
    for _ in range(n):
        county = county_of(rng, city)
        t.rows.append([company(rng, city), uscc_for(rng, city, county), weighted(rng, reasons),
                       workday(rng, start, end).isoformat(), f"{county}市场监督管理局"])
    t.rows.sort(key=lambda r: r[3])
    return t


# ---- 经济建设 -------------------------------------------------------------------
GDP = {2020: 17360, 2021: 20514, 2022: 23159, 2023: 24627, 2024: 26315, 2025: 27820, 2026: 29350}
GROWTH = {2020: 0.2, 2021: 6.3, 2022: 4.2, 2023: 7.3, 2024: 5.8, 2025: 5.6, 2026: 5.4}


@table("gdp_quarterly")
def gdp_quarterly(rng, last: tuple[int, int]) -> Table:
    t = Table([
        Col("统计期", STRING, "累计，如 2026年1-3季度"),
        Col("地区生产总值(亿元)", NUMBER, "现价"),
        Col("第一产业增加值(亿元)", NUMBER, ""),
        Col("第二产业增加值(亿元)", NUMBER, ""),
        Col("第三产业增加值(亿元)", NUMBER, ""),
        Col("同比增长(%)", NUMBER, "按不变价格计算"),
    ])
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


CPI_GROUPS = ["居民消费价格总指数", "食品烟酒", "衣着", "居住", "生活用品及服务", "交通通信", "教育文化娱乐", "医疗保健",
              "其他用品及服务"]


@table("cpi_monthly")
def cpi_monthly(rng, year: int, months: int) -> Table:
    t = Table([
        Col("统计月份", STRING, "格式 YYYY-MM"),
        Col("类别", STRING, "居民消费价格八大类"),
        Col("同比指数(上年同月=100)", NUMBER, ""),
        Col("环比指数(上月=100)", NUMBER, ""),
        Col("本年累计指数(上年同期=100)", NUMBER, ""),
    ])
    for m in range(1, months + 1):
        for group in CPI_GROUPS:
            yoy = round(100 + rng.uniform(-1.5, 2.2), 1)
            t.rows.append([f"{year}-{m:02d}", group, yoy, round(100 + rng.uniform(-0.8, 0.9), 1),
                           round(100 + rng.uniform(-0.6, 1.4), 1)])
    return t


INVEST = ["固定资产投资（不含农户）", "第一产业投资", "第二产业投资", "工业投资", "第三产业投资", "民间投资", "基础设施投资",
          "房地产开发投资"]


@table("fixed_investment")
def fixed_investment(rng, periods: list[tuple[int, int]]) -> Table:
    t = Table([
        Col("统计期", STRING, "累计，如 2026年1-10月"),
        Col("指标", STRING, ""),
        Col("同比增长(%)", NUMBER, ""),
    ])
    for year, month in periods:
        for item in INVEST:
            base = {"房地产开发投资": -6.0, "第二产业投资": 12.0, "工业投资": 13.0, "民间投资": 2.0}.get(item, 6.0)
            t.rows.append([f"{year}年1-{month}月", item, round(base + rng.uniform(-4, 4), 1)])
    return t


@table("major_projects")
def major_projects(rng, year: int, n: int) -> Table:
    t = Table([
        Col("项目名称", STRING, ""),
        Col("建设地点", STRING, ""),
        Col("行业领域", STRING, ""),
        Col("建设性质", STRING, "新建、续建"),
        Col("总投资(亿元)", NUMBER, ""),
        Col(f"{year}年计划投资(亿元)", NUMBER, ""),
        Col("建设起止年限", STRING, ""),
    ])
    kinds = [("{n}万千瓦风光制氢一体化项目", "新能源"), ("{n}万千瓦源网荷储一体化项目", "新能源"), ("{n}万千瓦抽水蓄能电站", "能源"),
             ("年产{n}万吨单晶硅拉棒项目", "新材料"), ("稀土新材料产业园{n}号厂房项目", "新材料"), ("{n}万吨乳制品加工项目", "农畜产品加工"),
             ("高速公路{n}公里新建工程", "交通"), ("{n}千伏输变电工程", "能源"), ("城市更新{n}个老旧小区改造项目", "城建"),
             ("数据中心{n}万台服务器集群项目", "数字经济"), ("{n}万头肉牛全产业链项目", "农牧业"), ("黄河流域{n}公里生态治理项目", "生态")]
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
    t = Table([
        Col("单位名称", STRING, "重点用能单位名称"),
        Col("统一社会信用代码", STRING, ""),
        Col("所属行业", STRING, ""),
        Col("年度", NUMBER, ""),
        Col("综合能源消费量(万吨标准煤)", NUMBER, ""),
        Col("单位产值能耗(吨标准煤/万元)", NUMBER, ""),
        Col("节能目标完成情况", STRING, "完成、基本完成、未完成"),
    ])
    industries = {"电力": ["电力", "热电", "能源"], "钢铁": ["钢铁", "冶金"], "有色金属": ["铝业", "硅业", "稀土材料"],
                  "煤化工": ["煤化工", "化工", "能源"], "建材": ["建材", "水泥"], "石化": ["石油化工", "化工"]}
    for _ in range(n):
        city = rng.choice(["鄂尔多斯市", "包头市", "乌海市", "呼和浩特市", "赤峰市", "通辽市", "阿拉善盟", "锡林郭勒盟"])
        industry = rng.choice(sorted(industries))
        t.rows.append([company(rng, city, rng.choice(industries[industry])), uscc_for(rng, city, county_of(rng, city)),
                       industry, year,
                       round(rng.uniform(1, 900), 2), round(rng.uniform(0.3, 6.5), 3),
                       weighted(rng, [("完成", 8), ("基本完成", 2), ("未完成", 1)])])
    return t


# ---- 政务服务 -------------------------------------------------------------------
SERVICE_ITEMS = [("食品经营许可", "行政许可", "市场监督管理局"), ("个体工商户登记", "行政许可", "市场监督管理局"),
                 ("道路货物运输经营许可", "行政许可", "交通运输局"), ("排污许可证核发", "行政许可", "生态环境局"),
                 ("建筑工程施工许可证核发", "行政许可", "住房和城乡建设局"), ("社会团体成立登记", "行政许可", "民政局"),
                 ("医疗机构执业登记", "行政许可", "卫生健康委员会"), ("取水许可", "行政许可", "水务局"),
                 ("失业保险金申领", "行政给付", "人力资源和社会保障局"), ("城乡居民养老保险待遇申领", "行政给付", "人力资源和社会保障局"),
                 ("最低生活保障审核确认", "行政确认", "民政局"), ("不动产登记", "行政确认", "自然资源局"),
                 ("残疾人证办理", "公共服务", "残疾人联合会"), ("就业创业证申领", "公共服务", "人力资源和社会保障局"),
                 ("住房公积金提取", "公共服务", "住房公积金管理中心"), ("出生医学证明办理", "公共服务", "卫生健康委员会"),
                 ("危险化学品经营许可", "行政许可", "应急管理局"), ("药品零售企业许可", "行政许可", "市场监督管理局"),
                 ("建设工程规划许可证核发", "行政许可", "自然资源局"), ("高新技术企业认定", "其他行政权力", "科学技术局")]


@table("service_items")
def service_items(rng, n: int) -> Table:
    t = Table([
        Col("事项名称", STRING, ""),
        Col("事项编码", STRING, "政务服务事项基本目录编码"),
        Col("事项类型", STRING, "行政许可、行政给付、行政确认、公共服务等"),
        Col("实施主体", STRING, ""),
        Col("法定办结时限(工作日)", NUMBER, ""),
        Col("承诺办结时限(工作日)", NUMBER, ""),
        Col("是否收费", STRING, "是、否"),
        Col("网上办理深度", STRING, ""),
    ])
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
    t = Table([
        Col("政务服务中心名称", STRING, ""),
        Col("所在盟市", STRING, ""),
        Col("地址", STRING, ""),
        Col("办公时间", STRING, ""),
        Col("咨询电话", STRING, ""),
        Col("进驻部门数", NUMBER, ""),
        Col("服务窗口数", NUMBER, ""),
    ])
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


HOTLINE = ["供暖", "物业管理", "市容环境", "交通出行", "劳动保障", "市场监管", "房屋住建", "教育", "医疗卫生", "其他"]


@table("hotline_stats")
def hotline_stats(rng, year: int, months: int) -> Table:
    t = Table([
        Col("统计月份", STRING, "格式 YYYY-MM"),
        Col("诉求类别", STRING, ""),
        Col("受理量(件)", NUMBER, ""),
        Col("办结量(件)", NUMBER, ""),
        Col("办结率(%)", NUMBER, ""),
        Col("满意率(%)", NUMBER, ""),
    ])
    for m in range(1, months + 1):
        for kind in HOTLINE:
            base = {"供暖": 18000 if m in (1, 2, 3, 10, 11, 12) else 1500, "物业管理": 9000, "市容环境": 6000}.get(kind, 4000)
            received = int(base * rng.uniform(0.8, 1.2))
            done = int(received * rng.uniform(0.95, 0.995))
            t.rows.append([f"{year}-{m:02d}", kind, received, done, round(done / received * 100, 1),
                           round(rng.uniform(92, 99), 1)])
    return t
