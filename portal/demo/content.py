"""The demo catalog as data: agencies, themes and catalog entries with their resources.

All dates are fixed (the demo was composed against a reference date of 2026-11-21); nothing
here reads the clock. Table generators are referred to by name (see tables_*.py) and seeded
from the entry slug and file name, so every run produces the same files.

Entries that are overdue on purpose, whatever the current date (update status compares the
data date with the update frequency, see catalog.vocab.FREQUENCY_MAX_AGE):
  - cf-tourism-statistics           monthly,   data of 2025-06-30
  - eeds-abnormal-operations        monthly,   data of 2026-05-31
  - nmg-driving-schools             quarterly, data of 2025-12-20
  - nmg-agri-product-prices         weekly,    data of 2026-09-28
  - nmg-old-community-renovation    annual,    data of 2025-04-30
Real-time and daily entries carry data of 2026-11-20 and weekly ones of 2026-11-16, so they
turn overdue a few days after the reference date; every other entry stays current until
at least mid-December 2026 (monthly) or later (quarterly, annual, irregular).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..agencies.models import RegionLevel
from ..catalog.models import Classification, DataForm, OpenType, ShareType, UpdateFrequency as F
from .files import DATE, DATETIME, NUMBER, STRING

REGION_NAME = "内蒙古自治区"
AUTHORITY = "内蒙古自治区政务服务与数据管理局"


@dataclass(frozen=True)
class AgencySpec:
    slug: str
    name: str
    level: str
    region: str
    division: str   # GB/T 2260 code of the region, first part of the catalog code
    code: str       # five-digit agency code, second part of the catalog code
    website: str
    contact: str
    description: str


REGION, CITY = RegionLevel.REGION, RegionLevel.CITY

AGENCIES: list[AgencySpec] = [
    AgencySpec("nmg-zwsjj", "内蒙古自治区政务服务与数据管理局", REGION, REGION_NAME, "150000", "11500",
               "https://zwfw.nmg.gov.cn", "0471-6945110",
               "自治区公共数据主管部门，负责统筹全区公共数据资源管理、公共数据开放平台建设运行和开放目录审核发布。"),
    AgencySpec("nmg-sthjt", "内蒙古自治区生态环境厅", REGION, REGION_NAME, "150000", "11501",
               "https://sthjt.nmg.gov.cn", "0471-4631547",
               "负责全区生态环境监督管理，组织开展环境质量监测、污染源监管和环境影响评价审批。"),
    AgencySpec("nmg-jtyst", "内蒙古自治区交通运输厅", REGION, REGION_NAME, "150000", "11502",
               "https://jtyst.nmg.gov.cn", "0471-6650382",
               "负责全区公路、道路运输行业管理，组织高速公路运营服务和道路运输市场监管。"),
    AgencySpec("nmg-wsjkw", "内蒙古自治区卫生健康委员会", REGION, REGION_NAME, "150000", "11503",
               "https://wjw.nmg.gov.cn", "0471-6944403",
               "负责全区卫生健康事业管理，包括医疗机构监管、疾病预防控制和卫生健康统计。"),
    AgencySpec("nmg-jyt", "内蒙古自治区教育厅", REGION, REGION_NAME, "150000", "11504",
               "https://jyt.nmg.gov.cn", "0471-2856114",
               "负责全区各级各类教育的统筹规划和管理，发布学校名录和教育事业统计信息。"),
    AgencySpec("nmg-whlyt", "内蒙古自治区文化和旅游厅", REGION, REGION_NAME, "150000", "11505",
               "https://wlt.nmg.gov.cn", "0471-6284312",
               "负责全区文化和旅游工作，管理A级旅游景区、星级饭店、旅行社和公共文化设施。"),
    AgencySpec("nmg-scjgj", "内蒙古自治区市场监督管理局", REGION, REGION_NAME, "150000", "11506",
               "https://amr.nmg.gov.cn", "0471-4601257",
               "负责全区市场主体登记注册、食品安全监督抽检、产品质量和特种设备安全监管、计量管理。"),
    AgencySpec("nmg-qxj", "内蒙古自治区气象局", REGION, REGION_NAME, "150000", "11507",
               "https://nm.cma.gov.cn", "0471-6255416",
               "负责全区气象观测、天气预报预警、气候监测评估和环境气象服务。"),
    AgencySpec("nmg-mzt", "内蒙古自治区民政厅", REGION, REGION_NAME, "150000", "11508",
               "https://mzt.nmg.gov.cn", "0471-6940216",
               "负责社会组织登记管理、养老服务、婚姻登记、殡葬管理、社会救助和行政区划管理。"),
    AgencySpec("nmg-rst", "内蒙古自治区人力资源和社会保障厅", REGION, REGION_NAME, "150000", "11509",
               "https://rst.nmg.gov.cn", "0471-6636215",
               "负责全区就业创业、职业技能培训、社会保险和劳动关系工作。"),
    AgencySpec("nmg-zrzyt", "内蒙古自治区自然资源厅", REGION, REGION_NAME, "150000", "11510",
               "https://zrzy.nmg.gov.cn", "0471-6609028",
               "负责全区自然资源调查监测、矿业权管理、国土空间用途管制和测绘地理信息管理。"),
    AgencySpec("nmg-tjj", "内蒙古自治区统计局", REGION, REGION_NAME, "150000", "11511",
               "https://tj.nmg.gov.cn", "0471-4190231",
               "负责组织全区统计调查，发布国民经济和社会发展统计数据。"),
    AgencySpec("nmg-nmt", "内蒙古自治区农牧厅", REGION, REGION_NAME, "150000", "11512",
               "https://nmt.nmg.gov.cn", "0471-6652274",
               "负责全区种植业、畜牧业发展和农畜产品质量安全监管，发布农牧业生产和价格监测信息。"),
    AgencySpec("nmg-zjt", "内蒙古自治区住房和城乡建设厅", REGION, REGION_NAME, "150000", "11513",
               "https://zjt.nmg.gov.cn", "0471-6201350",
               "负责全区住房保障、城乡建设、建筑市场监管和住房公积金监督管理。"),
    AgencySpec("nmg-yjglt", "内蒙古自治区应急管理厅", REGION, REGION_NAME, "150000", "11514",
               "https://yjglt.nmg.gov.cn", "0471-6639413",
               "负责全区应急管理、安全生产综合监管、危险化学品安全监管和自然灾害救助。"),
    AgencySpec("nmg-fgw", "内蒙古自治区发展和改革委员会", REGION, REGION_NAME, "150000", "11515",
               "https://fgw.nmg.gov.cn", "0471-6944052",
               "负责全区国民经济和社会发展规划、重大项目管理、节能管理和社会信用体系建设。"),
    AgencySpec("nmg-kjt", "内蒙古自治区科学技术厅", REGION, REGION_NAME, "150000", "11516",
               "https://kjt.nmg.gov.cn", "0471-4503127",
               "负责全区科技创新体系建设、高新技术企业认定管理和科技成果转化。"),
    AgencySpec("hhht-jtysj", "呼和浩特市交通运输局", CITY, "呼和浩特市", "150100", "11601",
               "https://www.huhhot.gov.cn", "0471-5182640",
               "负责呼和浩特市城市公共交通、出租汽车、停车设施和新能源汽车充电设施行业管理。"),
    AgencySpec("hhht-sthjj", "呼和浩特市生态环境局", CITY, "呼和浩特市", "150100", "11602",
               "https://www.huhhot.gov.cn", "0471-6952317",
               "负责呼和浩特市生态环境监督管理和环境质量监测。"),
    AgencySpec("hhht-rsj", "呼和浩特市人力资源和社会保障局", CITY, "呼和浩特市", "150100", "11603",
               "https://www.huhhot.gov.cn", "0471-4605133",
               "负责呼和浩特市就业服务、人力资源市场和社会保障工作。"),
    AgencySpec("bt-sthjj", "包头市生态环境局", CITY, "包头市", "150200", "11601",
               "https://www.baotou.gov.cn", "0472-5153062",
               "负责包头市生态环境监督管理，发布环境空气质量日报和污染源监管信息。"),
    AgencySpec("bt-wsjkw", "包头市卫生健康委员会", CITY, "包头市", "150200", "11602",
               "https://www.baotou.gov.cn", "0472-5116324",
               "负责包头市医疗卫生服务体系建设、基层卫生和预防接种管理。"),
    AgencySpec("eeds-zjj", "鄂尔多斯市住房和城乡建设局", CITY, "鄂尔多斯市", "150600", "11601",
               "https://www.ordos.gov.cn", "0477-8587306",
               "负责鄂尔多斯市住房保障、房地产市场和物业服务行业管理。"),
    AgencySpec("eeds-scjgj", "鄂尔多斯市市场监督管理局", CITY, "鄂尔多斯市", "150600", "11602",
               "https://www.ordos.gov.cn", "0477-8599415",
               "负责鄂尔多斯市市场主体登记、药品零售和信用监管工作。"),
    AgencySpec("cf-whlyj", "赤峰市文化和旅游局", CITY, "赤峰市", "150400", "11601",
               "https://www.chifeng.gov.cn", "0476-8822618",
               "负责赤峰市文化和旅游工作，管理A级旅游景区和文物保护单位。"),
    AgencySpec("cf-sthjj", "赤峰市生态环境局", CITY, "赤峰市", "150400", "11602",
               "https://www.chifeng.gov.cn", "0476-8355204",
               "负责赤峰市生态环境监督管理和环境空气质量监测站点运行。"),
]

THEMES: list[tuple[str, str, str]] = [  # slug, name, description
    ("economy", "经济建设", "宏观经济、投资、价格和重大项目"),
    ("environment", "资源环境", "生态环境质量、污染源和自然资源"),
    ("transport", "道路交通", "公路、公交、停车和交通运输经营"),
    ("education", "教育科技", "学校、教育统计和科技创新"),
    ("health", "医疗卫生", "医疗机构、公共卫生和卫生统计"),
    ("employment", "社保就业", "就业服务、职业培训和社会保险"),
    ("credit", "信用服务", "“双公示”、信用承诺和信用评价"),
    ("market", "市场监管", "市场主体、食品药品和产品质量"),
    ("culture", "文化休闲", "旅游景区、文化设施和非物质文化遗产"),
    ("agriculture", "农业农村", "种植业、畜牧业和农畜产品"),
    ("housing", "城建住房", "住房保障、房地产和建筑市场"),
    ("safety", "公共安全", "应急避难、安全生产和防灾减灾"),
    ("weather", "气象服务", "气象观测、预报预警和气候"),
    ("organisations", "机构团体", "社会组织、养老和民政服务机构"),
    ("government", "政务服务", "政务服务事项、服务场所和热线"),
]

TIMELINESS = {
    F.REALTIME: "实时更新，数据延迟不超过1小时",
    F.DAILY: "每日更新，次日10时前发布前一日数据",
    F.WEEKLY: "每周一更新上周数据",
    F.MONTHLY: "每月10日前更新上月数据",
    F.QUARTERLY: "每季度结束后20个工作日内更新",
    F.SEMIANNUAL: "每半年更新一次",
    F.ANNUAL: "每年更新上一年度数据",
    F.IRREGULAR: "信息发生变化后10个工作日内更新",
}

# ---- legal texts cited by conditional and closed entries ----------------------
PDM = "《内蒙古自治区公共数据管理暂行办法》第二十一条"
PIPL = "《中华人民共和国个人信息保护法》"
DSL = "《中华人民共和国数据安全法》第二十一条"
SHARE_BASIS = "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）"
GOV_ONLY = "仅限全区各级政务部门为履行法定职责使用，经提供部门审核同意后通过自治区一体化数据共享交换平台获取"


@dataclass
class Res:
    fmt: str                                  # CSV, XLSX, JSON, PDF or API
    filename: str = ""                        # Chinese file name (files only)
    name: str = ""                            # display name; the file name without extension by default
    table: tuple[str, dict[str, Any]] | None = None  # generator and parameters; the entry's table by default
    encoding: str = "utf-8"                   # CSV only: "utf-8" or "gbk"
    wrapper: dict[str, Any] | None = None     # JSON only: {"...": ..., "data": [...]} instead of a bare array
    url: str = ""                             # API only
    pdf: tuple[str, str, list[str]] | None = None  # PDF only: title, subtitle, paragraphs
    description: str = ""


def csv(filename: str, encoding: str = "utf-8", table=None, **kw) -> Res:
    return Res("CSV", filename, table=table, encoding=encoding, **kw)


def xlsx(filename: str, table=None, **kw) -> Res:
    return Res("XLSX", filename, table=table, **kw)


def json(filename: str, table=None, wrapper: dict[str, Any] | None = None, **kw) -> Res:
    return Res("JSON", filename, table=table, wrapper=wrapper, **kw)


def api(name: str, url: str, description: str) -> Res:
    return Res("API", name=name, url=url, description=description)


def pdf(filename: str, title: str, subtitle: str, paragraphs: list[str], description: str = "") -> Res:
    return Res("PDF", filename, pdf=(title, subtitle, paragraphs), description=description)


@dataclass
class Entry:
    slug: str
    title: str
    summary: str
    theme: str
    agency: str
    freq: str
    updated: str                      # data_updated_at, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM"
    published: str                    # first publication date
    tags: list[str]
    start: str | None = None          # temporal coverage
    end: str | None = None
    table: tuple[str, dict[str, Any]] | None = None  # main table: gives the data items
    resources: list[Res] = field(default_factory=list)
    items: list[tuple[str, str, str]] | None = None  # explicit data items when there is no table
    open: str = OpenType.UNCONDITIONAL
    open_conditions: str = ""
    open_reason: str = ""
    open_legal_basis: str = ""
    share: str = ShareType.UNCONDITIONAL
    share_conditions: str = ""
    share_reason: str = ""
    share_legal_basis: str = ""
    share_scope: str = "全区各级政务部门"
    share_mode: str = "接口, 批量下载"
    classification: str = Classification.DEPARTMENTAL
    form: str = DataForm.STRUCTURED
    licence: str = "nmg-open-data-1.0"
    timeliness: str = ""
    collecting: str = ""              # collecting agency (信息资源采集部门); the agency by default
    popularity: float = 1.0           # scales the deterministic download count
    history: list[tuple[str, str, str, str]] = field(default_factory=list)  # (date, from, to, reason)
    related: str = ""


U, C, X = OpenType.UNCONDITIONAL, OpenType.CONDITIONAL, OpenType.CLOSED
UG = "微克/立方米"

ENTRIES: list[Entry] = []


def E(**kw: Any) -> Entry:
    entry = Entry(**kw)
    ENTRIES.append(entry)
    return entry


# =============================================================================
# 资源环境
# =============================================================================
E(slug="hhht-air-quality-realtime", title="呼和浩特市空气质量实时监测数据",
  summary="呼和浩特市国控环境空气质量自动监测站点逐小时监测数据，包括空气质量指数（AQI）、空气质量级别、首要污染物及"
          "PM2.5、PM10、二氧化硫、二氧化氮、臭氧、一氧化碳浓度。可通过接口获取最新时次数据，文件提供最近一日的小时数据。",
  theme="environment", agency="hhht-sthjj", freq=F.REALTIME, updated="2026-11-20 23:00", published="2023-06-12",
  tags=["空气质量", "AQI", "PM2.5", "环境监测", "实时数据"], start="2026-11-20", end="2026-11-20",
  table=("air_hourly", {"city": "呼和浩特市", "day": date(2026, 11, 20)}),
  resources=[csv("呼和浩特市空气质量监测数据2026年11月20日.csv"),
             api("空气质量实时数据接口", "https://data.nmg.example/api/air-quality/realtime?city=150100",
                 "返回各站点最新整点的监测数据（JSON），每小时更新，需使用开放平台应用密钥调用。")],
  collecting="呼和浩特市生态环境监测站", popularity=3.0, licence="cc-by-4.0",
  timeliness="每小时整点后20分钟内更新", related="包头市空气质量日报；内蒙古自治区环境空气质量月报")

E(slug="bt-air-quality-daily", title="包头市空气质量日报",
  summary="包头市城区国控监测站点环境空气质量日均值数据，按《环境空气质量指数（AQI）技术规定（试行）》（HJ 633-2012）"
          "计算空气质量指数，发布空气质量级别和首要污染物。",
  theme="environment", agency="bt-sthjj", freq=F.DAILY, updated="2026-11-20", published="2023-09-05",
  tags=["空气质量", "AQI", "PM2.5", "日报"], start="2026-10-01", end="2026-11-20",
  table=("air_daily", {"city": "包头市", "year": 2026, "month": 11, "days": 20}),
  resources=[csv("包头市空气质量日报2026年11月.csv", encoding="gbk"),
             xlsx("包头市空气质量日报2026年10月.xlsx", table=("air_daily", {"city": "包头市", "year": 2026, "month": 10}))],
  collecting="包头市环境监测站", popularity=1.8, timeliness="每日10时前发布前一日空气质量日报")

E(slug="nmg-air-quality-monthly", title="内蒙古自治区环境空气质量月报",
  summary="全区12个盟市环境空气质量月度评价结果，包括优良天数比例、PM2.5和PM10月均浓度、臭氧评价浓度、"
          "环境空气质量综合指数及排名，并附当月全区空气质量状况报告。",
  theme="environment", agency="nmg-sthjt", freq=F.MONTHLY, updated="2026-11-10", published="2022-03-15",
  tags=["空气质量", "月报", "综合指数", "盟市排名"], start="2026-01-01", end="2026-10-31",
  table=("air_monthly_region", {"year": 2026, "months": 10}),
  resources=[xlsx("全区盟市环境空气质量月报2026年1-10月.xlsx"),
             pdf("2026年10月全区环境空气质量状况.pdf", "Ambient Air Quality in Inner Mongolia, October 2026",
                 "Monthly report - Department of Ecology and Environment of Inner Mongolia Autonomous Region", [
                     "## Overview",
                     "In October 2026 the 12 leagues and cities of the autonomous region recorded on average 91.4 percent "
                     "of days with excellent or good air quality, 1.8 percentage points more than in October 2025.",
                     "The average PM2.5 concentration was 21 micrograms per cubic metre and the average PM10 "
                     "concentration 46 micrograms per cubic metre. Ozone was the primary pollutant on most polluted days.",
                     "## Ranking",
                     "Hulunbuir, Hinggan League and Xilingol League ranked best by the composite air quality index; "
                     "Wuhai, Alxa League and Bayannur ranked last, mainly because of dust transported in spring winds.",
                     "## Method",
                     "Evaluation follows HJ 633-2012 and HJ 663-2013. Data come from the national automatic monitoring "
                     "stations of each league and city. The table of this entry (XLSX) contains the monthly figures.",
                 ], description="当月全区环境空气质量状况报告")],
  collecting="内蒙古自治区环境监测总站", popularity=1.5, licence="cc-by-4.0")

E(slug="cf-air-quality-stations", title="赤峰市环境空气质量监测站点信息",
  summary="赤峰市国控、自治区控和市控环境空气质量自动监测站点的名称、编码、位置、监测项目和投运日期，"
          "用于查询空气质量数据对应的监测点位。",
  theme="environment", agency="cf-sthjj", freq=F.IRREGULAR, updated="2026-06-15", published="2024-04-22",
  tags=["空气质量", "监测站点", "地理位置"], start="2012-01-01", end="2026-06-15",
  table=("air_stations", {"city": "赤峰市"}),
  resources=[csv("赤峰市环境空气质量监测站点2026年6月.csv"), json("赤峰市环境空气质量监测站点2026年6月.json")],
  popularity=0.5)

E(slug="nmg-air-quality-forecast", title="内蒙古主要城市空气质量预报",
  summary="自治区气象局会同生态环境部门发布的12个盟市政府所在地未来7天空气质量预报，包括AQI范围、空气质量级别和首要污染物。",
  theme="weather", agency="nmg-qxj", freq=F.DAILY, updated="2026-11-20 16:00", published="2024-10-08",
  tags=["空气质量", "预报", "环境气象"], start="2026-11-21", end="2026-11-27",
  table=("air_forecast", {"start": date(2026, 11, 21), "days": 7}),
  resources=[json("内蒙古主要城市空气质量预报2026年11月20日发布.json",
                  wrapper={"title": "内蒙古主要城市空气质量预报", "issued": "2026-11-20T16:00:00+08:00"})],
  collecting="内蒙古自治区气象台", popularity=1.2, timeliness="每日16时发布未来7天预报")

E(slug="nmg-water-quality", title="全区地表水国控断面水质监测月报",
  summary="黄河干流、西辽河、嫩江、额尔古纳河及乌梁素海、岱海、呼伦湖等重点河湖国控断面的月度水质类别、"
          "水质目标达标情况和主要指标浓度（冰封期不监测）。",
  theme="environment", agency="nmg-sthjt", freq=F.MONTHLY, updated="2026-11-10", published="2022-05-18",
  tags=["水质", "地表水", "黄河", "环境监测"], start="2026-04-01", end="2026-10-31",
  table=("water_sections", {"year": 2026, "months": range(4, 11)}),
  resources=[csv("全区地表水国控断面水质2026年4-10月.csv")], collecting="内蒙古自治区环境监测总站", popularity=0.9)

E(slug="nmg-key-pollutant-units", title="内蒙古自治区重点排污单位名录",
  summary="按环境要素分类确定的年度重点排污单位名录，包括单位名称、统一社会信用代码、所在地区、行业类别和名录类别。",
  theme="environment", agency="nmg-sthjt", freq=F.ANNUAL, updated="2026-03-31", published="2023-04-10",
  tags=["重点排污单位", "污染源", "环境监管"], start="2026-01-01", end="2026-12-31",
  table=("pollutant_units", {"year": 2026, "n": 120}),
  resources=[xlsx("内蒙古自治区2026年重点排污单位名录.xlsx"), json("内蒙古自治区2026年重点排污单位名录.json")],
  popularity=0.8)

E(slug="nmg-pollutant-online-monitoring", title="重点排污单位自动监测数据",
  summary="重点排污单位废气排放口自动监测小时数据，包括二氧化硫、氮氧化物、颗粒物折算浓度、执行限值和超标标识。"
          "本资源为有条件开放，经审核同意的申请人可获取。",
  theme="environment", agency="nmg-sthjt", freq=F.WEEKLY, updated="2026-11-16", published="2024-08-26",
  tags=["污染源", "自动监测", "排放浓度"], start="2026-11-15", end="2026-11-15",
  table=("pollutant_online", {"day": date(2026, 11, 15), "units": 5}),
  resources=[csv("重点排污单位废气自动监测数据2026年11月15日.csv")],
  open=C, open_conditions="申请人应为依法登记的科研机构、高等院校或生态环境领域社会组织，说明数据用途并签订数据使用协议；"
                          "不得将数据用于商业目的，不得对单个企业作出评价性公开发布。",
  open_reason="逐时排放数据可推算企业产能和工艺运行参数，涉及企业商业秘密，需控制使用范围。",
  open_legal_basis=f"{PDM}；《企业事业单位环境信息依法披露管理办法》",
  share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY, share_reason="涉及企业商业秘密",
  share_legal_basis=SHARE_BASIS, share_mode="接口", collecting="内蒙古自治区生态环境监控中心", popularity=0.2)

E(slug="nmg-eia-approvals", title="建设项目环境影响评价文件审批结果",
  summary="自治区生态环境厅审批的建设项目环境影响报告书（表）审批结果，包括项目名称、建设单位、建设地点、审批文号和审批日期。",
  theme="environment", agency="nmg-sthjt", freq=F.MONTHLY, updated="2026-11-03", published="2023-02-20",
  tags=["环境影响评价", "审批", "建设项目"], start="2026-01-01", end="2026-10-31",
  table=("eia_approvals", {"year": 2026, "n": 60}),
  resources=[csv("建设项目环评审批结果2026年1-10月.csv", encoding="gbk")], popularity=0.7)

E(slug="nmg-ecology-bulletin", title="内蒙古自治区生态环境状况公报",
  summary="年度全区生态环境状况公报，介绍环境空气质量、地表水和地下水环境质量、草原和荒漠生态状况、声环境和辐射环境等情况。",
  theme="environment", agency="nmg-sthjt", freq=F.ANNUAL, updated="2026-06-05", published="2021-06-05",
  tags=["生态环境", "公报", "空气质量", "年度报告"], start="2025-01-01", end="2025-12-31",
  items=[("年度", NUMBER, "公报所属年度"), ("章节", STRING, "公报章节名称"), ("正文", STRING, "章节内容")],
  resources=[pdf("2025年内蒙古自治区生态环境状况公报.pdf", "Inner Mongolia Ecological Environment Bulletin 2025",
                 "Department of Ecology and Environment of Inner Mongolia Autonomous Region - June 2026", [
                     "## 1. Ambient air quality",
                     "In 2025 the share of days with excellent or good air quality in the 12 leagues and cities averaged "
                     "89.6 percent. The annual mean PM2.5 concentration was 24 micrograms per cubic metre, down 4.0 "
                     "percent on 2024. Sand and dust weather occurred on 9 days on average, mostly in March and April.",
                     "## 2. Surface water and groundwater",
                     "Of the 56 national surface water assessment sections, 78.6 percent reached class I to III. The "
                     "Yellow River main stream in the region remained at class II throughout the year.",
                     "## 3. Grassland and desert ecology",
                     "Grassland vegetation cover reached 45.2 percent. The area of desertified land continued to shrink "
                     "thanks to sand control along the Yellow River and in the Kubuqi and Mu Us deserts.",
                     "## 4. Noise and radiation",
                     "Daytime urban ambient noise averaged 53.1 dB(A). Environmental radiation stayed within natural "
                     "background levels.",
                 ])],
  form=DataForm.UNSTRUCTURED, popularity=1.1, share_mode="批量下载")

E(slug="nmg-mining-rights", title="自治区采矿权登记信息",
  summary="自治区本级及各盟市登记的采矿权信息，包括矿山名称、采矿权人、许可证号、开采矿种、开采方式、生产规模、"
          "矿区面积和有效期。",
  theme="environment", agency="nmg-zrzyt", freq=F.QUARTERLY, updated="2026-10-20", published="2023-07-14",
  tags=["采矿权", "矿产资源", "矿业权"], start="2016-01-01", end="2026-09-30",
  table=("mining_rights", {"n": 60}), resources=[csv("自治区采矿权登记信息2026年第三季度.csv")], popularity=0.9)

E(slug="nmg-land-supply", title="国有建设用地供应结果",
  summary="全区国有建设用地出让和划拨结果，包括项目名称、所在地区、土地用途、供地方式、面积、成交价格和合同签订日期。",
  theme="environment", agency="nmg-zrzyt", freq=F.MONTHLY, updated="2026-11-06", published="2023-03-28",
  tags=["土地供应", "国有建设用地", "出让"], start="2026-07-01", end="2026-10-31",
  table=("land_supply", {"year": 2026, "months": range(7, 11), "n": 90}),
  resources=[xlsx("国有建设用地供应结果2026年7-10月.xlsx")], popularity=0.8)

E(slug="nmg-basic-surveying", title="全区1:10000基础测绘成果",
  summary="全区1:10000比例尺数字线划图、数字高程模型和数字正射影像等基础测绘成果目录信息。成果属于涉密测绘成果，不向社会开放。",
  theme="environment", agency="nmg-zrzyt", freq=F.IRREGULAR, updated="2025-12-30", published="2024-03-01",
  tags=["基础测绘", "地理信息"], start="2018-01-01", end="2025-12-31",
  items=[("图幅编号", STRING, "1:10000 标准分幅编号"), ("成果类型", STRING, "数字线划图、数字高程模型、数字正射影像"),
         ("坐标系统", STRING, "2000 国家大地坐标系"), ("生产年份", NUMBER, ""), ("密级", STRING, "成果密级"),
         ("保管单位", STRING, "")],
  open=X, open_reason="成果属于涉密基础测绘成果，公开可能危害国家安全。",
  open_legal_basis="《中华人民共和国测绘法》；《中华人民共和国测绘成果管理条例》；《中华人民共和国保守国家秘密法》",
  share=ShareType.CONDITIONAL, share_conditions="按涉密测绘成果提供使用审批程序办理，仅限政务部门在涉密环境中使用",
  share_reason="涉密测绘成果", share_legal_basis="《中华人民共和国测绘成果管理条例》", share_mode="离线拷贝",
  share_scope="自治区本级政务部门", classification=Classification.BASIC, form=DataForm.UNSTRUCTURED)

# =============================================================================
# 道路交通
# =============================================================================
E(slug="hhht-bus-lines", title="呼和浩特市公交线路信息",
  summary="呼和浩特市城市公交线路基本信息，包括线路名称、线路类型、起点站、终点站、首末班时间、票价、线路长度、站点数和运营单位。",
  theme="transport", agency="hhht-jtysj", freq=F.QUARTERLY, updated="2026-10-12", published="2023-05-20",
  tags=["公交", "线路", "首末班时间", "票价"], start="2026-10-01", end="2026-12-31",
  table=("bus_lines", {"n": 62}),
  resources=[csv("呼和浩特市公交线路信息2026年第四季度.csv"), json("呼和浩特市公交线路信息2026年第四季度.json")],
  collecting="呼和浩特公交集团", popularity=2.6)

E(slug="hhht-bus-stops", title="呼和浩特市公交站点信息",
  summary="呼和浩特市城区公交站点名称、编号、所在道路、坐标位置、途经线路和候车亭设置情况。",
  theme="transport", agency="hhht-jtysj", freq=F.QUARTERLY, updated="2026-10-12", published="2023-05-20",
  tags=["公交", "站点", "地理位置"], start="2026-10-01", end="2026-12-31",
  table=("bus_stops", {"n": 280}), resources=[csv("呼和浩特市公交站点信息2026年第四季度.csv")],
  collecting="呼和浩特公交集团", popularity=1.9)

E(slug="hhht-bus-arrivals", title="呼和浩特市公交车辆实时到站信息接口",
  summary="通过接口提供呼和浩特市公交线路车辆实时位置和预计到站信息，供出行服务应用调用。",
  theme="transport", agency="hhht-jtysj", freq=F.REALTIME, updated="2026-11-20 23:55", published="2025-03-18",
  tags=["公交", "实时数据", "接口"], start="2025-03-18", end="2026-11-20",
  items=[("线路名称", STRING, ""), ("站点名称", STRING, ""), ("车辆编号", STRING, "车辆自编号，不含号牌"),
         ("预计到站时间", DATETIME, ""), ("距离站数", NUMBER, ""), ("数据更新时间", DATETIME, "")],
  resources=[api("公交实时到站查询接口", "https://data.nmg.example/api/hhht/bus/arrivals",
                 "按线路和站点查询车辆预计到站时间（JSON），每30秒更新，需使用开放平台应用密钥调用。")],
  collecting="呼和浩特公交集团", popularity=1.4, share_mode="接口", timeliness="实时更新，延迟不超过30秒")

E(slug="hhht-bus-passenger-flow", title="呼和浩特市公交线路客流统计",
  summary="呼和浩特市主要公交线路按日汇总的客流量、早晚高峰客流和电子支付占比，不含个人刷卡明细和出行轨迹。",
  theme="transport", agency="hhht-jtysj", freq=F.MONTHLY, updated="2026-11-05", published="2024-07-01",
  tags=["公交", "客流", "统计"], start="2026-10-01", end="2026-10-07",
  table=("bus_passenger_flow", {"start": date(2026, 10, 1), "days": 7, "lines": 12}),
  resources=[csv("呼和浩特市公交线路客流统计2026年10月第1周.csv")],
  open=C, open_conditions="申请人应说明研究或应用场景，承诺不与其他数据关联以识别个人出行，签订数据使用协议后获取。",
  open_reason="线路级客流与其他数据关联后存在推断个人出行规律的风险。",
  open_legal_basis=f"{PDM}；{PIPL}第七十三条", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="存在个人信息推断风险", share_legal_basis=SHARE_BASIS, collecting="呼和浩特公交集团", popularity=0.3,
  history=[("2026-03-10", X, C, "经脱敏处理仅保留线路级日汇总数据，不含刷卡记录和个人出行轨迹，经数据安全评估调整为有条件开放。")])

E(slug="hhht-parking-lots", title="呼和浩特市公共停车场信息",
  summary="呼和浩特市城区公共停车场和路内泊位的名称、类型、位置、泊位数、充电车位数、收费标准和开放时间。",
  theme="transport", agency="hhht-jtysj", freq=F.MONTHLY, updated="2026-11-02", published="2024-05-15",
  tags=["停车场", "泊位", "收费标准"], start="2026-10-31", end="2026-10-31",
  table=("parking_lots", {"n": 70}), resources=[xlsx("呼和浩特市公共停车场信息2026年10月.xlsx")], popularity=1.6,
  history=[("2025-09-01", C, U, "经数据安全评估，停车场位置、泊位和收费标准不涉及个人信息和商业秘密，调整为无条件开放。")])

E(slug="hhht-ev-charging", title="呼和浩特市公共充电设施分布",
  summary="呼和浩特市城区公共充电站位置、运营单位、快充和慢充桩数量、电费和服务费标准及开放时间。",
  theme="transport", agency="hhht-jtysj", freq=F.QUARTERLY, updated="2026-10-18", published="2024-09-10",
  tags=["充电桩", "新能源汽车", "地理位置"], start="2026-09-30", end="2026-09-30",
  table=("ev_charging", {"n": 60}),
  resources=[json("呼和浩特市公共充电设施2026年第三季度.json"), csv("呼和浩特市公共充电设施2026年第三季度.csv")],
  popularity=1.3)

E(slug="hhht-taxi-companies", title="呼和浩特市出租汽车经营企业名录",
  summary="呼和浩特市巡游出租汽车和网络预约出租汽车经营企业名称、统一社会信用代码、车辆数、经营地址和服务监督电话。",
  theme="transport", agency="hhht-jtysj", freq=F.ANNUAL, updated="2026-04-10", published="2023-04-25",
  tags=["出租汽车", "网约车", "企业名录"], start="2026-01-01", end="2026-03-31",
  table=("taxi_companies", {"n": 35}), resources=[csv("呼和浩特市出租汽车经营企业名录2026年.csv", encoding="gbk")],
  popularity=0.5)

E(slug="nmg-highway-service-areas", title="全区高速公路服务区信息",
  summary="全区高速公路服务区名称、所在高速、桩号、所在盟市及加油、充电、餐饮、住宿、汽车维修等服务设施情况。",
  theme="transport", agency="nmg-jtyst", freq=F.IRREGULAR, updated="2026-09-01", published="2023-08-08",
  tags=["高速公路", "服务区", "充电桩"], start="2026-09-01", end="2026-09-01",
  table=("service_areas", {"n": 50}),
  resources=[csv("全区高速公路服务区信息2026年9月.csv"), json("全区高速公路服务区信息2026年9月.json")], popularity=1.1)

E(slug="nmg-road-transport-licences", title="道路运输经营许可信息",
  summary="全区各级交通运输主管部门核发的道路运输经营许可信息，包括业户名称、统一社会信用代码、许可证号、经营范围和有效期。",
  theme="transport", agency="nmg-jtyst", freq=F.MONTHLY, updated="2026-11-04", published="2023-01-16",
  tags=["道路运输", "行政许可", "货运"], start="2026-09-01", end="2026-10-31",
  table=("transport_licences", {"year": 2026, "n": 120}),
  resources=[csv("道路运输经营许可信息2026年9-10月.csv", encoding="gbk")], popularity=0.6)

E(slug="nmg-driving-schools", title="机动车驾驶员培训机构名录",
  summary="全区机动车驾驶员培训机构名称、统一社会信用代码、地址、培训车型、教练车数量、质量信誉考核等级和服务电话。",
  theme="transport", agency="nmg-jtyst", freq=F.QUARTERLY, updated="2025-12-20", published="2023-06-30",
  tags=["驾校", "驾驶培训", "名录"], start="2025-10-01", end="2025-12-20",
  table=("driving_schools", {"n": 80}), resources=[xlsx("机动车驾驶员培训机构名录2025年第四季度.xlsx")], popularity=1.2)

E(slug="nmg-highway-traffic-flow", title="高速公路收费站交通流量",
  summary="全区主要高速公路收费站按日统计的入口、出口交通流量和客货车占比。",
  theme="transport", agency="nmg-jtyst", freq=F.MONTHLY, updated="2026-11-08", published="2024-11-11",
  tags=["高速公路", "交通流量", "收费站"], start="2026-10-01", end="2026-10-07",
  table=("traffic_flow", {"start": date(2026, 10, 1), "days": 7}),
  resources=[csv("高速公路收费站交通流量2026年10月1日-7日.csv")],
  open=C, open_conditions="申请人应为交通规划、科研或导航服务单位，说明用途并签订数据使用协议；不得转售或向第三方提供原始数据。",
  open_reason="收费站流量数据涉及路网运行安全和收费经营单位经营信息，需控制使用范围。",
  open_legal_basis=f"{PDM}；{DSL}", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="涉及经营单位经营信息", share_legal_basis=SHARE_BASIS, collecting="内蒙古高速公路联网收费中心",
  popularity=0.25)

E(slug="nmg-vehicle-positions", title="重点营运车辆卫星定位数据",
  summary="“两客一危”及重型货车等重点营运车辆的卫星定位轨迹数据。数据包含车辆号牌和行踪轨迹，不予开放。",
  theme="transport", agency="nmg-jtyst", freq=F.REALTIME, updated="2026-11-20 23:59", published="2024-02-26",
  tags=["营运车辆", "卫星定位"], start="2024-01-01", end="2026-11-20",
  items=[("车辆号牌", STRING, ""), ("车辆类型", STRING, ""), ("定位时间", DATETIME, ""), ("经度", NUMBER, ""),
         ("纬度", NUMBER, ""), ("速度(公里/小时)", NUMBER, ""), ("所属企业", STRING, "")],
  open=X, open_reason="数据包含车辆号牌与连续行踪轨迹，属于敏感个人信息，公开将侵害驾驶人员合法权益。",
  open_legal_basis=f"{PIPL}第二十八条；《道路运输车辆动态监督管理办法》",
  share=ShareType.CONDITIONAL, share_conditions="仅限公安、应急管理等部门在执法和应急处置中依法调取",
  share_reason="敏感个人信息", share_legal_basis=SHARE_BASIS, share_mode="接口", share_scope="自治区本级政务部门")

# =============================================================================
# 教育科技
# =============================================================================
E(slug="nmg-schools", title="全区中小学校名录",
  summary="全区普通中小学校名称、学校标识码、办学类型、举办者类型、所在地区、地址和联系电话。",
  theme="education", agency="nmg-jyt", freq=F.ANNUAL, updated="2026-09-15", published="2022-09-20",
  tags=["中小学", "学校名录", "基础教育"], start="2026-09-01", end="2027-08-31",
  table=("schools", {"n": 200}), resources=[csv("全区中小学校名录2026-2027学年.csv", encoding="gbk")],
  classification=Classification.BASIC, popularity=2.2)

E(slug="nmg-universities", title="内蒙古自治区普通高等学校名单",
  summary="自治区普通高等学校名称、主管部门、所在地、办学层次和办学性质。",
  theme="education", agency="nmg-jyt", freq=F.ANNUAL, updated="2026-06-20", published="2022-06-30",
  tags=["高等学校", "大学", "名单"], start="2026-06-01", end="2026-06-20",
  table=("universities", {}), resources=[xlsx("内蒙古自治区普通高等学校名单2026年.xlsx")], popularity=1.7)

E(slug="nmg-model-kindergartens", title="自治区示范幼儿园名单",
  summary="经认定的自治区级和盟市级示范幼儿园名称、所在地区、办园性质、班级数、地址和认定年份。",
  theme="education", agency="nmg-jyt", freq=F.ANNUAL, updated="2026-03-18", published="2023-03-20",
  tags=["幼儿园", "学前教育", "示范园"], start="2012-01-01", end="2025-12-31",
  table=("kindergartens", {"n": 60}), resources=[csv("自治区示范幼儿园名单2026年.csv")], popularity=0.9)

E(slug="nmg-education-statistics", title="全区教育事业发展统计数据",
  summary="分盟市、分学段的学校数、在校生数和专任教师数，来源于年度教育事业统计。",
  theme="education", agency="nmg-jyt", freq=F.ANNUAL, updated="2026-05-28", published="2023-05-30",
  tags=["教育统计", "在校生", "专任教师"], start="2024-09-01", end="2026-08-31",
  table=("education_stats", {"years": [2024, 2025]}), resources=[xlsx("全区教育事业发展统计数据2024-2025学年.xlsx")],
  classification=Classification.THEMATIC, popularity=0.8, licence="cc-by-4.0")

E(slug="nmg-student-records", title="中小学生学籍信息",
  summary="全区中小学生电子学籍信息，包含学生身份信息、就读学校、年级班级和监护人联系方式，不予开放。",
  theme="education", agency="nmg-jyt", freq=F.DAILY, updated="2026-11-20", published="2024-01-15",
  tags=["学籍", "学生"], start="2015-09-01", end="2026-11-20",
  items=[("学籍号", STRING, ""), ("姓名", STRING, ""), ("性别", STRING, ""), ("出生日期", DATE, ""),
         ("身份证件号", STRING, ""), ("就读学校", STRING, ""), ("年级班级", STRING, ""), ("监护人联系方式", STRING, "")],
  open=X, open_reason="数据为未成年人个人信息，属于敏感个人信息，不得公开。",
  open_legal_basis=f"{PIPL}第二十八条、第三十一条；《中华人民共和国未成年人保护法》第七十二条",
  share=ShareType.CONDITIONAL, share_conditions="仅限教育、公安、民政部门为办理入学、户籍、资助等法定事项核验使用",
  share_reason="未成年人敏感个人信息", share_legal_basis=SHARE_BASIS, share_mode="接口（核验）")

E(slug="nmg-hightech-enterprises", title="内蒙古自治区高新技术企业名单",
  summary="经认定的自治区高新技术企业名称、统一社会信用代码、所在盟市、技术领域、证书编号和发证日期。",
  theme="education", agency="nmg-kjt", freq=F.ANNUAL, updated="2026-01-20", published="2023-01-30",
  tags=["高新技术企业", "科技创新", "企业名单"], start="2025-12-01", end="2028-11-30",
  table=("hightech_enterprises", {"year": 2025, "n": 100}),
  resources=[csv("2025年认定高新技术企业名单.csv"), json("2025年认定高新技术企业名单.json")], popularity=1.3)

# =============================================================================
# 医疗卫生
# =============================================================================
E(slug="nmg-medical-institutions", title="全区医疗机构名录",
  summary="全区医院及专业公共卫生机构名称、机构类别、医院等级、经营性质、所在地区、地址、核定床位数和联系电话。",
  theme="health", agency="nmg-wsjkw", freq=F.QUARTERLY, updated="2026-10-15", published="2022-08-12",
  tags=["医院", "医疗机构", "名录"], start="2026-09-30", end="2026-09-30",
  table=("hospitals", {"n": 150}), resources=[csv("全区医疗机构名录2026年第三季度.csv")],
  classification=Classification.BASIC, popularity=2.4)

E(slug="bt-primary-care", title="包头市基层医疗卫生机构名录",
  summary="包头市社区卫生服务中心（站）和乡镇卫生院名称、所在旗县区、地址、床位数、家庭医生团队数和服务电话。",
  theme="health", agency="bt-wsjkw", freq=F.ANNUAL, updated="2026-04-08", published="2024-04-10",
  tags=["社区卫生", "基层医疗", "家庭医生"], start="2025-12-31", end="2025-12-31",
  table=("primary_care", {"city": "包头市", "n": 90}), resources=[xlsx("包头市基层医疗卫生机构名录2026年.xlsx")],
  popularity=0.9)

E(slug="bt-vaccination-clinics", title="包头市预防接种门诊信息",
  summary="包头市儿童、成人预防接种门诊和狂犬病暴露预防处置门诊名称、地址、接种时间和预约电话。",
  theme="health", agency="bt-wsjkw", freq=F.IRREGULAR, updated="2026-08-26", published="2024-06-03",
  tags=["预防接种", "疫苗", "门诊"], start="2026-08-26", end="2026-08-26",
  table=("vaccination_sites", {"city": "包头市", "n": 40}),
  resources=[csv("包头市预防接种门诊信息2026年8月.csv", encoding="gbk")], collecting="包头市疾病预防控制中心", popularity=1.0)

E(slug="nmg-notifiable-diseases", title="全区法定传染病疫情概况",
  summary="全区法定报告传染病分病种月度发病数、死亡数和发病率，按常住人口计算。",
  theme="health", agency="nmg-wsjkw", freq=F.MONTHLY, updated="2026-11-12", published="2022-02-18",
  tags=["传染病", "疫情", "公共卫生"], start="2026-01-01", end="2026-10-31",
  table=("disease_stats", {"year": 2026, "months": 10}), resources=[csv("全区法定传染病疫情概况2026年1-10月.csv")],
  collecting="内蒙古自治区综合疾病预防控制中心", classification=Classification.THEMATIC, popularity=0.9)

E(slug="nmg-health-statistics", title="内蒙古自治区卫生健康事业发展统计公报",
  summary="年度卫生健康事业发展统计公报及主要指标表，包括医疗卫生机构、床位、卫生人员、医疗服务和妇幼健康等指标。",
  theme="health", agency="nmg-wsjkw", freq=F.ANNUAL, updated="2026-07-10", published="2021-07-15",
  tags=["卫生统计", "公报", "年度报告"], start="2025-01-01", end="2025-12-31",
  table=("health_indicators", {"year": 2025}),
  resources=[xlsx("2025年卫生健康事业发展主要指标.xlsx"),
             pdf("2025年内蒙古自治区卫生健康事业发展统计公报.pdf", "Inner Mongolia Health Statistics Bulletin 2025",
                 "Health Commission of Inner Mongolia Autonomous Region - July 2026", [
                     "## Health resources",
                     "At the end of 2025 the region had about 24,900 medical and health institutions, including 820 "
                     "hospitals and 23,200 primary care institutions. Hospital beds reached 7.1 per 1,000 residents.",
                     "## Health workforce",
                     "Licensed (assistant) doctors numbered 3.5 per 1,000 residents and registered nurses 3.9 per 1,000.",
                     "## Medical services",
                     "Institutions handled about 115 million outpatient visits and 3.95 million inpatient discharges. "
                     "The average length of hospital stay fell to 8.8 days.",
                     "## Maternal and child health",
                     "Maternal mortality was 10.9 per 100,000 live births and infant mortality 3.4 per 1,000.",
                 ])],
  classification=Classification.THEMATIC, popularity=0.8, licence="cc-by-4.0")

E(slug="nmg-hospital-service-volume", title="三级医院医疗服务量统计",
  summary="全区三级医院按月统计的门急诊人次、出院人数、平均住院日、病床使用率和手术人次。",
  theme="health", agency="nmg-wsjkw", freq=F.MONTHLY, updated="2026-11-10", published="2025-02-14",
  tags=["医院", "医疗服务", "统计"], start="2026-07-01", end="2026-10-31",
  table=("hospital_service", {"year": 2026, "months": [7, 8, 9, 10], "n": 25}),
  resources=[csv("三级医院医疗服务量统计2026年7-10月.csv")],
  open=C, open_conditions="申请人应为卫生健康研究机构、高等院校或医疗保障相关单位，说明研究用途并签订数据使用协议；"
                          "研究成果公开发布前应报送提供部门。",
  open_reason="机构级医疗服务量涉及医院运营信息，单独发布可能被误读为医疗质量评价。",
  open_legal_basis=f"{PDM}；{DSL}", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="涉及医疗机构运营信息", share_legal_basis=SHARE_BASIS, popularity=0.2,
  history=[("2026-05-08", X, C, "经数据安全评估，机构级月度汇总数据不含患者信息，调整为有条件开放。")])

E(slug="nmg-electronic-medical-records", title="电子病历与居民电子健康档案数据",
  summary="医疗机构电子病历和居民电子健康档案数据，包含诊疗记录、检查检验结果等个人健康信息，不予开放。",
  theme="health", agency="nmg-wsjkw", freq=F.REALTIME, updated="2026-11-20 23:59", published="2024-01-15",
  tags=["电子病历", "健康档案"], start="2018-01-01", end="2026-11-20",
  items=[("患者主索引号", STRING, ""), ("就诊日期时间", DATETIME, ""), ("就诊机构", STRING, ""),
         ("诊断名称", STRING, ""), ("检查检验结果", STRING, ""), ("处方信息", STRING, "")],
  open=X, open_reason="数据为个人医疗健康信息，属于敏感个人信息，公开将严重侵害个人权益。",
  open_legal_basis=f"{PIPL}第二十八条；《中华人民共和国基本医疗卫生法》第九十二条；《医疗机构病历管理规定》",
  share=ShareType.CONDITIONAL, share_conditions="仅限医疗机构在患者授权下调阅，及卫生健康部门依法开展监管",
  share_reason="敏感个人信息", share_legal_basis=SHARE_BASIS, share_mode="接口（授权调阅）", form=DataForm.SEMI_STRUCTURED)

# =============================================================================
# 社保就业
# =============================================================================
E(slug="hhht-job-fairs", title="呼和浩特市招聘会信息",
  summary="呼和浩特市公共就业服务机构举办的现场和网络招聘会名称、日期、地点、形式、参会企业数和岗位数。",
  theme="employment", agency="hhht-rsj", freq=F.IRREGULAR, updated="2026-11-18", published="2024-02-20",
  tags=["招聘会", "就业服务", "岗位"], start="2026-01-01", end="2026-11-30",
  table=("job_fairs", {"city": "呼和浩特市", "year": 2026, "n": 45}), resources=[csv("呼和浩特市2026年招聘会信息.csv")],
  collecting="呼和浩特市公共就业服务中心", popularity=1.7)

E(slug="nmg-social-insurance-offices", title="全区社会保险经办机构信息",
  summary="自治区、盟市和部分旗县区社会保险经办机构名称、地址、咨询电话、办公时间和经办业务。",
  theme="employment", agency="nmg-rst", freq=F.IRREGULAR, updated="2026-05-09", published="2023-05-12",
  tags=["社会保险", "经办机构", "办事指南"], start="2026-05-09", end="2026-05-09",
  table=("social_insurance_offices", {}), resources=[csv("全区社会保险经办机构信息2026年5月.csv")], popularity=1.0)

E(slug="nmg-training-institutions", title="职业技能培训机构名录",
  summary="经人力资源社会保障部门审批的民办职业技能培训机构名称、统一社会信用代码、培训职业（工种）、办学许可证号和联系方式。",
  theme="employment", agency="nmg-rst", freq=F.ANNUAL, updated="2026-03-25", published="2023-03-30",
  tags=["职业培训", "技能培训", "名录"], start="2025-12-31", end="2025-12-31",
  table=("training_institutions", {"n": 90}), resources=[xlsx("职业技能培训机构名录2026年.xlsx")], popularity=0.8)

E(slug="nmg-minimum-wage", title="内蒙古自治区最低工资标准",
  summary="自治区历次调整的月最低工资标准和非全日制用工小时最低工资标准，按盟市和旗县（市、区）类别列示。",
  theme="employment", agency="nmg-rst", freq=F.IRREGULAR, updated="2024-10-01", published="2022-01-10",
  tags=["最低工资", "工资标准", "劳动关系"], start="2021-12-01", end="2026-11-21",
  table=("minimum_wage", {}),
  resources=[json("内蒙古自治区最低工资标准.json", wrapper={"title": "内蒙古自治区最低工资标准", "unit": "元"})],
  popularity=2.0)

E(slug="nmg-employment-statistics", title="全区城镇新增就业情况",
  summary="分盟市的城镇新增就业人数、失业人员再就业人数、就业困难人员实现就业人数和城镇登记失业率（本年累计）。",
  theme="employment", agency="nmg-rst", freq=F.QUARTERLY, updated="2026-10-22", published="2023-04-25",
  tags=["就业", "失业率", "统计"], start="2025-01-01", end="2026-09-30",
  table=("employment_stats", {"periods": [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]}),
  resources=[csv("全区城镇新增就业情况2025年至2026年第三季度.csv")], classification=Classification.THEMATIC, popularity=0.9)

E(slug="hhht-hr-agencies", title="呼和浩特市人力资源服务机构名录",
  summary="呼和浩特市取得人力资源服务许可的经营性人力资源服务机构名称、统一社会信用代码、许可证编号、服务范围和联系方式。",
  theme="employment", agency="hhht-rsj", freq=F.ANNUAL, updated="2026-02-26", published="2024-03-01",
  tags=["人力资源服务", "职业中介", "名录"], start="2017-01-01", end="2026-01-31",
  table=("hr_agencies", {"city": "呼和浩特市", "n": 50}),
  resources=[csv("呼和浩特市人力资源服务机构名录2026年.csv", encoding="gbk")], popularity=0.6)

E(slug="nmg-enterprise-insurance", title="参保单位社会保险缴费状态",
  summary="参保单位（法人）的参保险种、参保职工人数和缴费状态汇总，不含职工个人信息。",
  theme="employment", agency="nmg-rst", freq=F.MONTHLY, updated="2026-11-10", published="2025-06-16",
  tags=["社会保险", "参保单位", "缴费"], start="2026-10-01", end="2026-10-31",
  table=("enterprise_insurance", {"month": "2026-10", "n": 100}), resources=[csv("参保单位社会保险缴费状态2026年10月.csv")],
  open=C, open_conditions="申请人应为金融机构、招投标主管部门或依法开展信用服务的机构，经被查询单位授权或为履行法定职责查询，"
                          "签订数据使用协议。",
  open_reason="单位参保人数和缴费状态属于用人单位经营信息，未经授权公开可能损害其合法权益。",
  open_legal_basis=f"{PDM}；《中华人民共和国社会保险法》第八十一条", share=ShareType.CONDITIONAL,
  share_conditions=GOV_ONLY, share_reason="涉及用人单位经营信息", share_legal_basis=SHARE_BASIS, popularity=0.3)

E(slug="nmg-pension-recipients", title="基本养老保险待遇领取人员信息",
  summary="企业职工和城乡居民基本养老保险待遇领取人员及发放明细，包含个人身份和银行账户信息，不予开放。",
  theme="employment", agency="nmg-rst", freq=F.MONTHLY, updated="2026-11-05", published="2024-01-15",
  tags=["养老保险", "待遇发放"], start="2020-01-01", end="2026-10-31",
  items=[("社会保障号码", STRING, ""), ("姓名", STRING, ""), ("待遇类别", STRING, ""), ("月养老金(元)", NUMBER, ""),
         ("发放年月", STRING, ""), ("发放银行账号", STRING, "")],
  open=X, open_reason="数据包含个人身份、收入和金融账户信息，属于敏感个人信息。",
  open_legal_basis=f"{PIPL}第二十八条；《中华人民共和国社会保险法》第八十一条",
  share=ShareType.CONDITIONAL, share_conditions="仅限民政、医保、公安等部门为待遇资格认证和社会救助核对使用",
  share_reason="敏感个人信息", share_legal_basis=SHARE_BASIS, share_mode="接口（核验）")

# =============================================================================
# 信用服务
# =============================================================================
E(slug="nmg-admin-licensing", title="行政许可信息（“双公示”）",
  summary="全区各级行政机关作出的法人和非法人组织行政许可决定，包括行政相对人名称、统一社会信用代码、决定文书号、许可内容、"
          "决定日期、有效期和许可机关。",
  theme="credit", agency="nmg-fgw", freq=F.WEEKLY, updated="2026-11-16", published="2022-01-04",
  tags=["双公示", "行政许可", "信用信息"], start="2026-10-01", end="2026-11-13",
  table=("admin_licensing", {"start": date(2026, 10, 1), "end": date(2026, 11, 13), "n": 150}),
  resources=[csv("行政许可信息2026年10月1日-11月13日.csv")], collecting="内蒙古自治区公共信用信息中心",
  classification=Classification.THEMATIC, popularity=1.5)

E(slug="nmg-admin-penalties", title="行政处罚信息（“双公示”）",
  summary="全区各级行政机关对法人和非法人组织作出的行政处罚决定，包括违法行为类型、处罚类别、罚款金额、决定日期和处罚机关。"
          "对自然人的处罚信息不在本资源公开。",
  theme="credit", agency="nmg-fgw", freq=F.WEEKLY, updated="2026-11-16", published="2022-01-04",
  tags=["双公示", "行政处罚", "信用信息"], start="2026-07-01", end="2026-11-13",
  table=("admin_penalty", {"start": date(2026, 7, 1), "end": date(2026, 11, 13), "n": 100}),
  resources=[csv("行政处罚信息2026年7月1日-11月13日.csv", encoding="gbk")], collecting="内蒙古自治区公共信用信息中心",
  classification=Classification.THEMATIC, popularity=1.6,
  history=[("2024-06-15", C, U, "按照行政许可和行政处罚信息“双公示”要求，法人和非法人组织的行政处罚信息应依法向社会公开。")])

E(slug="nmg-credit-red-list", title="守信激励对象名单",
  summary="各部门认定的A级纳税人、海关高级认证企业、守合同重信用企业等守信激励对象名单。",
  theme="credit", agency="nmg-fgw", freq=F.MONTHLY, updated="2026-11-05", published="2023-07-03",
  tags=["守信激励", "红名单", "信用信息"], start="2025-04-01", end="2026-10-31",
  table=("credit_red_list", {"n": 60}),
  resources=[json("守信激励对象名单2026年10月.json", wrapper={"title": "守信激励对象名单", "as_of": "2026-10-31"})],
  collecting="内蒙古自治区公共信用信息中心", classification=Classification.THEMATIC, popularity=0.9)

E(slug="nmg-credit-evaluation", title="企业公共信用综合评价结果",
  summary="基于公共信用信息对全区企业开展的年度公共信用综合评价等级（A、B、C、D）。",
  theme="credit", agency="nmg-fgw", freq=F.ANNUAL, updated="2026-04-15", published="2025-04-20",
  tags=["信用评价", "企业信用"], start="2025-01-01", end="2025-12-31",
  table=("credit_evaluation", {"year": 2025, "n": 120}), resources=[csv("企业公共信用综合评价结果2025年度.csv")],
  open=C, open_conditions="申请人应为金融机构、行业协会或信用服务机构，用于授信审查、行业自律或经企业授权的信用服务；"
                          "签订数据使用协议，不得公开发布评价等级。",
  open_reason="评价结果为行政机关内部监管参考，公开发布可能对企业经营产生不当影响。",
  open_legal_basis=f"{PDM}；《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）",
  share=ShareType.CONDITIONAL, share_conditions="仅限各级政务部门在分级分类监管中使用", share_reason="监管参考信息",
  share_legal_basis=SHARE_BASIS, collecting="内蒙古自治区公共信用信息中心", classification=Classification.THEMATIC,
  popularity=0.3)

E(slug="nmg-credit-commitments", title="信用承诺信息",
  summary="市场主体在行政审批、容缺受理、信用修复等环节作出的信用承诺及履约状态。",
  theme="credit", agency="nmg-fgw", freq=F.MONTHLY, updated="2026-11-12", published="2024-01-22",
  tags=["信用承诺", "告知承诺", "信用信息"], start="2026-01-01", end="2026-11-10",
  table=("credit_commitments", {"n": 80}), resources=[xlsx("信用承诺信息2026年1-10月.xlsx")],
  collecting="内蒙古自治区公共信用信息中心", popularity=0.5)

# =============================================================================
# 市场监管
# =============================================================================
E(slug="nmg-enterprise-registration", title="内蒙古自治区企业登记信息",
  summary="全区登记的企业、农民专业合作社等市场主体的公开登记信息：企业名称、统一社会信用代码、企业类型、成立日期、"
          "注册资本、登记机关、住所所在地和经营状态。不含法定代表人等个人信息。",
  theme="market", agency="nmg-scjgj", freq=F.MONTHLY, updated="2026-11-08", published="2022-01-04",
  tags=["企业登记", "市场主体", "统一社会信用代码"], start="2000-01-01", end="2026-10-31",
  table=("enterprise_registration", {"cities": [], "start": date(2000, 1, 1), "end": date(2026, 10, 31), "n": 300}),
  resources=[csv("内蒙古自治区企业登记信息2026年10月.csv")], classification=Classification.BASIC, popularity=2.8)

E(slug="eeds-new-enterprises", title="鄂尔多斯市新设立企业登记信息",
  summary="鄂尔多斯市当月新设立企业的名称、统一社会信用代码、企业类型、成立日期、注册资本、登记机关和住所所在旗区。",
  theme="market", agency="eeds-scjgj", freq=F.MONTHLY, updated="2026-11-06", published="2024-02-05",
  tags=["企业登记", "新设企业", "统一社会信用代码"], start="2026-10-01", end="2026-10-31",
  table=("enterprise_registration", {"cities": ["鄂尔多斯市"], "start": date(2026, 10, 1), "end": date(2026, 10, 31),
                                     "n": 90, "status_mix": False}),
  resources=[xlsx("鄂尔多斯市新设立企业登记信息2026年10月.xlsx")], popularity=1.0)

E(slug="eeds-pharmacies", title="鄂尔多斯市药品零售企业名录",
  summary="鄂尔多斯市持有药品经营许可证的零售药店名称、许可证编号、经营方式、经营地址、联系电话、营业时间和医保定点情况。",
  theme="market", agency="eeds-scjgj", freq=F.QUARTERLY, updated="2026-10-09", published="2024-05-06",
  tags=["药店", "药品零售", "医保定点"], start="2026-09-30", end="2026-09-30",
  table=("pharmacies", {"city": "鄂尔多斯市", "n": 120}),
  resources=[csv("鄂尔多斯市药品零售企业名录2026年第三季度.csv", encoding="gbk")], popularity=1.4)

E(slug="nmg-food-sampling", title="食品安全监督抽检结果",
  summary="全区市场监管部门组织的食品安全监督抽检结果，包括食品名称、规格、生产日期、标称生产企业、被抽样单位、检验结果和不合格项目。",
  theme="market", agency="nmg-scjgj", freq=F.MONTHLY, updated="2026-11-14", published="2022-03-10",
  tags=["食品安全", "抽检", "不合格食品"], start="2026-10-01", end="2026-10-31",
  table=("food_sampling", {"year": 2026, "month": 10, "n": 150}), resources=[csv("食品安全监督抽检结果2026年10月.csv")],
  popularity=1.3)

E(slug="nmg-special-equipment", title="特种设备使用单位及检验信息",
  summary="电梯、锅炉、压力容器、起重机械等特种设备使用单位、设备数量、最近一次定期检验日期和检验结论。",
  theme="market", agency="nmg-scjgj", freq=F.MONTHLY, updated="2026-11-07", published="2024-10-15",
  tags=["特种设备", "电梯", "检验"], start="2025-11-01", end="2026-10-31",
  table=("special_equipment", {"n": 100}), resources=[csv("特种设备使用单位及检验信息2026年10月.csv")],
  open=C, open_conditions="申请人应为物业服务企业、保险机构或科研单位，用于设备安全管理、保险承保或研究，签订数据使用协议。",
  open_reason="设备分布和检验结论汇集后可能被用于针对性破坏或不正当竞争，需控制使用范围。",
  open_legal_basis=f"{PDM}；《中华人民共和国特种设备安全法》", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="涉及公共安全", share_legal_basis=SHARE_BASIS, collecting="内蒙古自治区特种设备检验研究院",
  popularity=0.2,
  history=[("2025-11-20", X, C, "去除设备注册代码和精确安装位置后，经数据安全评估调整为有条件开放。")])

E(slug="nmg-product-quality-sampling", title="产品质量监督抽查结果",
  summary="自治区产品质量监督抽查结果，包括产品名称、受检企业、所在盟市、抽查批次、合格批次和不合格项目。",
  theme="market", agency="nmg-scjgj", freq=F.QUARTERLY, updated="2026-10-28", published="2023-01-31",
  tags=["产品质量", "监督抽查"], start="2026-07-01", end="2026-09-30",
  table=("product_sampling", {"quarter": "2026年第三季度", "n": 60}),
  resources=[xlsx("产品质量监督抽查结果2026年第三季度.xlsx")], popularity=0.6)

E(slug="nmg-metrology-institutions", title="法定计量检定机构名录",
  summary="自治区依法设置和授权的法定计量检定机构名称、授权类别、证书编号、授权项目数、有效期和联系方式。",
  theme="market", agency="nmg-scjgj", freq=F.IRREGULAR, updated="2026-07-01", published="2023-07-05",
  tags=["计量", "检定机构"], start="2026-07-01", end="2026-07-01",
  table=("metrology_institutions", {}), resources=[json("法定计量检定机构名录2026年7月.json")], popularity=0.4)

E(slug="eeds-abnormal-operations", title="鄂尔多斯市经营异常名录",
  summary="鄂尔多斯市市场监管部门列入经营异常名录的企业名称、统一社会信用代码、列入原因、列入日期和作出决定机关。",
  theme="market", agency="eeds-scjgj", freq=F.MONTHLY, updated="2026-05-31", published="2024-02-05",
  tags=["经营异常", "企业信用"], start="2026-01-01", end="2026-05-29",
  table=("abnormal_operations", {"city": "鄂尔多斯市", "start": date(2026, 1, 2), "end": date(2026, 5, 29), "n": 80}),
  resources=[csv("鄂尔多斯市经营异常名录2026年1-5月.csv")], popularity=0.7)

# =============================================================================
# 文化休闲
# =============================================================================
E(slug="nmg-a-level-scenic-spots", title="内蒙古自治区A级旅游景区名录",
  summary="全区A级旅游景区名称、等级、所在地区、景区类型、开放时间、旺季门票价格和评定年份。",
  theme="culture", agency="nmg-whlyt", freq=F.IRREGULAR, updated="2026-08-18", published="2022-05-19",
  tags=["A级景区", "旅游", "景区名录"], start="2007-01-01", end="2026-08-18",
  table=("scenic_spots", {"cities": [], "n": 160}),
  resources=[xlsx("内蒙古自治区A级旅游景区名录2026年8月.xlsx"), csv("内蒙古自治区A级旅游景区名录2026年8月.csv")],
  popularity=2.5)

E(slug="cf-a-level-scenic-spots", title="赤峰市A级旅游景区名录",
  summary="赤峰市A级旅游景区名称、等级、所在旗县区、景区类型、开放时间和门票价格。",
  theme="culture", agency="cf-whlyj", freq=F.ANNUAL, updated="2026-05-20", published="2024-05-20",
  tags=["A级景区", "旅游", "赤峰"], start="2007-01-01", end="2026-05-20",
  table=("scenic_spots", {"cities": ["赤峰市"], "n": 40}),
  resources=[csv("赤峰市A级旅游景区名录2026年.csv", encoding="gbk")], popularity=1.1)

E(slug="nmg-star-hotels", title="星级饭店名录",
  summary="全区星级饭店名称、星级、所在盟市、地址、客房数和联系电话。",
  theme="culture", agency="nmg-whlyt", freq=F.ANNUAL, updated="2026-03-30", published="2023-03-31",
  tags=["星级饭店", "酒店", "住宿"], start="2026-03-30", end="2026-03-30",
  table=("star_hotels", {"n": 60}), resources=[csv("全区星级饭店名录2026年.csv")], popularity=0.8)

E(slug="nmg-travel-agencies", title="旅行社名录",
  summary="全区旅行社名称、旅行社业务经营许可证编号、统一社会信用代码、经营业务范围、所在盟市、地址和联系电话。",
  theme="culture", agency="nmg-whlyt", freq=F.QUARTERLY, updated="2026-10-16", published="2023-04-12",
  tags=["旅行社", "旅游", "名录"], start="2026-09-30", end="2026-09-30",
  table=("travel_agencies", {"n": 100}),
  resources=[json("全区旅行社名录2026年第三季度.json", wrapper={"title": "内蒙古自治区旅行社名录", "as_of": "2026-09-30"})],
  popularity=0.7)

E(slug="nmg-public-libraries", title="公共图书馆名录",
  summary="自治区、盟市和旗县级公共图书馆名称、评估定级、馆舍面积、藏书量、开放时间和地址。",
  theme="culture", agency="nmg-whlyt", freq=F.ANNUAL, updated="2026-04-23", published="2023-04-23",
  tags=["图书馆", "公共文化"], start="2025-12-31", end="2025-12-31",
  table=("public_libraries", {"n": 70}), resources=[xlsx("全区公共图书馆名录2026年.xlsx")], popularity=0.6)

E(slug="cf-cultural-relics", title="赤峰市文物保护单位名录",
  summary="赤峰市境内全国重点、自治区级、盟市级和旗县级文物保护单位名称、类别、时代、所在旗县区和公布年份。",
  theme="culture", agency="cf-whlyj", freq=F.IRREGULAR, updated="2026-02-12", published="2024-06-08",
  tags=["文物保护单位", "红山文化", "辽代遗址"], start="1986-01-01", end="2026-02-12",
  table=("cultural_relics", {"city": "赤峰市", "n": 45}), resources=[csv("赤峰市文物保护单位名录.csv")], popularity=0.7)

E(slug="nmg-intangible-heritage", title="非物质文化遗产代表性项目名录",
  summary="内蒙古自治区国家级和自治区级非物质文化遗产代表性项目名称、类别、级别、申报地区和公布批次。",
  theme="culture", agency="nmg-whlyt", freq=F.IRREGULAR, updated="2025-12-10", published="2023-06-10",
  tags=["非物质文化遗产", "长调", "那达慕"], start="2006-01-01", end="2025-12-10",
  table=("intangible_heritage", {}), resources=[csv("内蒙古自治区非物质文化遗产代表性项目名录.csv")], popularity=0.9)

E(slug="cf-tourism-statistics", title="赤峰市旅游接待情况统计",
  summary="赤峰市月度接待国内游客人次、国内旅游收入、接待入境游客人次及同比增长情况。",
  theme="culture", agency="cf-whlyj", freq=F.MONTHLY, updated="2025-06-30", published="2024-03-15",
  tags=["旅游统计", "游客", "旅游收入"], start="2023-07-01", end="2025-05-31",
  table=("tourism_stats", {"start": (2023, 7), "months": 23}), resources=[xlsx("赤峰市旅游接待情况统计2023年7月-2025年5月.xlsx")],
  popularity=0.4)

# =============================================================================
# 农业农村
# =============================================================================
E(slug="nmg-crop-production", title="主要农作物播种面积和产量",
  summary="分盟市的玉米、小麦、大豆、马铃薯、向日葵和水稻播种面积、总产量和单产。",
  theme="agriculture", agency="nmg-nmt", freq=F.ANNUAL, updated="2026-03-15", published="2023-03-20",
  tags=["农作物", "粮食产量", "种植业"], start="2024-01-01", end="2025-12-31",
  table=("crop_production", {"years": [2024, 2025]}), resources=[xlsx("主要农作物播种面积和产量2024-2025年.xlsx")],
  classification=Classification.THEMATIC, popularity=0.9, licence="cc-by-4.0")

E(slug="nmg-livestock", title="牲畜存栏出栏情况",
  summary="分盟市、分畜种的牛、羊、猪季末存栏数和本年累计出栏数。",
  theme="agriculture", agency="nmg-nmt", freq=F.QUARTERLY, updated="2026-10-25", published="2023-04-28",
  tags=["畜牧业", "存栏", "出栏"], start="2025-01-01", end="2026-09-30",
  table=("livestock", {"periods": [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]}),
  resources=[csv("牲畜存栏出栏情况2025年-2026年第三季度.csv")], popularity=0.7)

E(slug="nmg-model-cooperatives", title="农民专业合作社示范社名录",
  summary="国家级和自治区级农民专业合作社示范社名称、统一社会信用代码、所在地区、主营产品和认定年份。",
  theme="agriculture", agency="nmg-nmt", freq=F.ANNUAL, updated="2026-01-28", published="2023-02-10",
  tags=["农民专业合作社", "示范社"], start="2016-01-01", end="2025-12-31",
  table=("cooperatives", {"n": 120}), resources=[csv("农民专业合作社示范社名录2026年.csv", encoding="gbk")], popularity=0.6)

E(slug="nmg-agri-product-prices", title="重点农畜产品价格监测",
  summary="全区重点农畜产品和蔬菜的周度平均价格及环比变化，包括牛羊肉、猪肉、鸡蛋、生鲜乳、玉米、小麦和主要蔬菜。",
  theme="agriculture", agency="nmg-nmt", freq=F.WEEKLY, updated="2026-09-28", published="2024-04-01",
  tags=["农产品价格", "价格监测", "牛羊肉"], start="2026-06-29", end="2026-09-28",
  table=("agri_prices", {"first": date(2026, 6, 29), "weeks": 14}), resources=[csv("重点农畜产品价格监测2026年第三季度.csv")],
  popularity=1.0)

E(slug="nmg-geo-indication-products", title="农产品地理标志名录",
  summary="内蒙古自治区登记保护的农产品地理标志产品名称、证书编号、所在盟市、产品类别和登记年份。",
  theme="agriculture", agency="nmg-nmt", freq=F.IRREGULAR, updated="2025-11-20", published="2023-08-18",
  tags=["地理标志", "特色农产品"], start="2008-01-01", end="2025-11-20",
  table=("geo_indications", {}), resources=[json("内蒙古自治区农产品地理标志名录.json")], popularity=0.8)

E(slug="nmg-grassland-subsidy-households", title="草原生态保护补助奖励发放明细",
  summary="草原禁牧补助和草畜平衡奖励到户发放明细，包含农牧户身份和补助金额信息，不予开放；汇总情况见政策执行年报。",
  theme="agriculture", agency="nmg-nmt", freq=F.ANNUAL, updated="2026-06-30", published="2024-01-15",
  tags=["草原补奖", "惠农补贴"], start="2021-01-01", end="2025-12-31",
  items=[("户主姓名", STRING, ""), ("身份证件号", STRING, ""), ("所在嘎查村", STRING, ""), ("禁牧面积(亩)", NUMBER, ""),
         ("草畜平衡面积(亩)", NUMBER, ""), ("补助金额(元)", NUMBER, ""), ("发放日期", DATE, "")],
  open=X, open_reason="数据为农牧户个人身份和收入信息，到户明细已在嘎查村范围内公示，不宜向社会开放。",
  open_legal_basis=f"{PIPL}第十三条、第二十八条", share=ShareType.CONDITIONAL,
  share_conditions="仅限财政、审计、纪检监察部门开展资金监管使用", share_reason="个人信息", share_legal_basis=SHARE_BASIS,
  share_mode="批量下载")

# =============================================================================
# 城建住房
# =============================================================================
E(slug="eeds-rental-housing", title="鄂尔多斯市保障性租赁住房项目信息",
  summary="鄂尔多斯市保障性租赁住房项目名称、位置、建设运营单位、房源套数、户型面积、租金标准、供应对象和项目状态。",
  theme="housing", agency="eeds-zjj", freq=F.QUARTERLY, updated="2026-10-10", published="2024-07-22",
  tags=["保障性租赁住房", "人才公寓", "住房保障"], start="2026-09-30", end="2026-09-30",
  table=("rental_housing", {"city": "鄂尔多斯市", "n": 40}), resources=[csv("鄂尔多斯市保障性租赁住房项目2026年第三季度.csv")],
  popularity=1.2)

E(slug="eeds-presale-permits", title="鄂尔多斯市商品房预售许可信息",
  summary="鄂尔多斯市核发的商品房预售许可证信息，包括项目名称、开发企业、许可证号、预售楼栋、面积、套数和发证日期。",
  theme="housing", agency="eeds-zjj", freq=F.MONTHLY, updated="2026-11-04", published="2024-03-11",
  tags=["商品房", "预售许可", "房地产"], start="2026-01-01", end="2026-10-31",
  table=("presale_permits", {"city": "鄂尔多斯市", "year": 2026, "n": 60}),
  resources=[xlsx("鄂尔多斯市商品房预售许可信息2026年1-10月.xlsx")], popularity=0.9)

E(slug="nmg-construction-enterprises", title="建筑业企业资质信息",
  summary="自治区住房和城乡建设部门核发的建筑业企业资质信息，包括企业名称、统一社会信用代码、资质类别及等级、证书编号和有效期。",
  theme="housing", agency="nmg-zjt", freq=F.MONTHLY, updated="2026-11-09", published="2023-02-14",
  tags=["建筑业", "企业资质"], start="2026-01-01", end="2026-10-31",
  table=("construction_enterprises", {"year": 2026, "n": 150}), resources=[csv("建筑业企业资质信息2026年1-10月.csv")],
  popularity=0.8)

E(slug="nmg-old-community-renovation", title="城镇老旧小区改造计划",
  summary="年度城镇老旧小区改造计划项目清单，包括小区名称、建成年份、楼栋数、户数、建筑面积、改造类型和改造内容。",
  theme="housing", agency="nmg-zjt", freq=F.ANNUAL, updated="2025-04-30", published="2023-05-08",
  tags=["老旧小区改造", "城市更新"], start="2025-01-01", end="2025-12-31",
  table=("old_communities", {"year": 2025, "n": 100}), resources=[xlsx("2025年城镇老旧小区改造计划.xlsx")], popularity=0.7)

E(slug="eeds-property-management", title="鄂尔多斯市物业服务企业名录",
  summary="鄂尔多斯市物业服务企业名称、统一社会信用代码、在管项目数、在管面积、服务电话和信用等级。",
  theme="housing", agency="eeds-zjj", freq=F.ANNUAL, updated="2026-03-12", published="2024-03-11",
  tags=["物业服务", "企业名录"], start="2025-12-31", end="2025-12-31",
  table=("property_management", {"city": "鄂尔多斯市", "n": 50}), resources=[json("鄂尔多斯市物业服务企业名录2026年.json")],
  popularity=0.6)

E(slug="nmg-housing-fund-contributors", title="住房公积金缴存单位信息",
  summary="住房公积金缴存单位名称、缴存职工人数、缴存比例、月缴存额和缴存状态的单位级汇总，不含职工个人账户信息。",
  theme="housing", agency="nmg-zjt", freq=F.MONTHLY, updated="2026-11-10", published="2025-03-03",
  tags=["住房公积金", "缴存单位"], start="2026-10-01", end="2026-10-31",
  table=("housing_fund", {"month": "2026-10", "n": 100}), resources=[csv("住房公积金缴存单位信息2026年10月.csv")],
  open=C, open_conditions="申请人应为商业银行或依法开展信用服务的机构，经缴存单位授权或为贷款审查所需，签订数据使用协议。",
  open_reason="单位缴存人数和缴存额反映用人单位经营和薪酬信息，未经授权公开可能损害其合法权益。",
  open_legal_basis=f"{PDM}；《住房公积金管理条例》", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="涉及用人单位经营信息", share_legal_basis=SHARE_BASIS, collecting="各盟市住房公积金管理中心",
  popularity=0.2)

E(slug="eeds-housing-contracts", title="商品房买卖合同网签备案明细",
  summary="商品房买卖合同网签备案明细，包含买受人身份和成交价格信息，不予开放；成交量汇总数据另行发布。",
  theme="housing", agency="eeds-zjj", freq=F.DAILY, updated="2026-11-20", published="2024-03-11",
  tags=["网签备案", "商品房"], start="2019-01-01", end="2026-11-20",
  items=[("合同备案号", STRING, ""), ("买受人姓名", STRING, ""), ("证件号码", STRING, ""), ("房屋坐落", STRING, ""),
         ("建筑面积(平方米)", NUMBER, ""), ("成交价格(元)", NUMBER, ""), ("备案日期", DATE, "")],
  open=X, open_reason="数据包含买受人身份和财产信息，属于个人信息，公开将侵害个人合法权益。",
  open_legal_basis=f"{PIPL}第十三条、第二十八条", share=ShareType.CONDITIONAL,
  share_conditions="仅限税务、不动产登记、公安等部门依法核验使用", share_reason="个人信息", share_legal_basis=SHARE_BASIS,
  share_mode="接口（核验）")

# =============================================================================
# 公共安全
# =============================================================================
E(slug="nmg-emergency-shelters", title="全区应急避难场所",
  summary="全区应急避难场所名称、所在地区、地址、场所类型、有效避难面积、可容纳人数和坐标位置。",
  theme="safety", agency="nmg-yjglt", freq=F.ANNUAL, updated="2026-05-12", published="2023-05-12",
  tags=["应急避难场所", "防灾减灾", "地理位置"], start="2026-05-12", end="2026-05-12",
  table=("emergency_shelters", {"n": 90}),
  resources=[csv("全区应急避难场所2026年.csv"), json("全区应急避难场所2026年.json")], popularity=1.1)

E(slug="nmg-hazchem-licences", title="危险化学品经营许可信息",
  summary="全区危险化学品经营许可证核发信息，包括企业名称、统一社会信用代码、许可证编号、许可范围、经营方式和有效期。",
  theme="safety", agency="nmg-yjglt", freq=F.MONTHLY, updated="2026-11-06", published="2023-03-06",
  tags=["危险化学品", "经营许可", "安全生产"], start="2026-01-01", end="2026-10-31",
  table=("hazchem_licences", {"year": 2026, "n": 100}),
  resources=[csv("危险化学品经营许可信息2026年1-10月.csv", encoding="gbk")], popularity=0.6)

E(slug="nmg-safety-production-licences", title="安全生产许可证信息",
  summary="非煤矿山、危险化学品生产和烟花爆竹批发企业安全生产许可证信息。",
  theme="safety", agency="nmg-yjglt", freq=F.MONTHLY, updated="2026-11-06", published="2023-03-06",
  tags=["安全生产许可", "非煤矿山"], start="2026-01-01", end="2026-10-31",
  table=("safety_licences", {"year": 2026, "n": 80}), resources=[xlsx("安全生产许可证信息2026年1-10月.xlsx")],
  popularity=0.5)

E(slug="nmg-disaster-statistics", title="全区自然灾害灾情统计",
  summary="分盟市、分年度的主要自然灾害类型、受灾人口、农作物受灾面积、倒塌房屋和直接经济损失。",
  theme="safety", agency="nmg-yjglt", freq=F.ANNUAL, updated="2026-02-10", published="2023-02-15",
  tags=["自然灾害", "灾情统计", "防灾减灾"], start="2021-01-01", end="2025-12-31",
  table=("disaster_stats", {"years": [2021, 2022, 2023, 2024, 2025]}),
  resources=[json("全区自然灾害灾情统计2021-2025年.json", wrapper={"title": "全区自然灾害灾情统计", "unit_note": "见各字段名称"})],
  classification=Classification.THEMATIC, popularity=0.6)

E(slug="nmg-major-hazard-sources", title="危险化学品重大危险源信息",
  summary="危险化学品重大危险源名称、所属企业、危险化学品种类和储量、等级、精确位置和周边防护目标，不予开放。",
  theme="safety", agency="nmg-yjglt", freq=F.QUARTERLY, updated="2026-10-15", published="2023-03-06",
  tags=["重大危险源", "危险化学品"], start="2023-01-01", end="2026-09-30",
  items=[("重大危险源名称", STRING, ""), ("所属企业", STRING, ""), ("危险化学品名称", STRING, ""),
         ("设计储量(吨)", NUMBER, ""), ("重大危险源等级", STRING, "一级至四级"), ("经度", NUMBER, ""), ("纬度", NUMBER, ""),
         ("周边防护目标", STRING, "")],
  open=X, open_reason="重大危险源的精确位置、储量和防护目标信息公开后可能被用于危害公共安全。",
  open_legal_basis="《中华人民共和国安全生产法》；《危险化学品安全管理条例》；《中华人民共和国数据安全法》第二十一条",
  share=ShareType.CONDITIONAL, share_conditions="仅限应急管理、消防救援、公安和生态环境部门在监管和应急处置中使用",
  share_reason="涉及公共安全", share_legal_basis=SHARE_BASIS, share_scope="全区各级应急管理、消防救援、公安部门",
  history=[("2024-09-12", U, X, "经数据安全评估，重大危险源精确位置和储量信息涉及公共安全，调整为非开放。")])

# =============================================================================
# 气象服务
# =============================================================================
E(slug="nmg-daily-weather", title="全区主要城市逐日气象观测数据",
  summary="12个盟市政府所在地国家气象观测站逐日最高气温、最低气温、平均气温、降水量、平均风速、相对湿度和天气现象。",
  theme="weather", agency="nmg-qxj", freq=F.DAILY, updated="2026-11-20", published="2022-11-01",
  tags=["气温", "降水", "气象观测", "逐日数据"], start="2026-11-01", end="2026-11-20",
  table=("weather_daily", {"first": date(2026, 11, 1), "days": 20}), resources=[csv("全区主要城市逐日气象观测数据2026年11月.csv")],
  collecting="内蒙古自治区气象信息中心", licence="cc-by-4.0", popularity=2.0)

E(slug="nmg-weather-stations", title="国家气象观测站信息",
  summary="全区国家基准气候站、基本气象站和一般气象站的站名、区站号、所在地区、经纬度、海拔高度和站点类别。",
  theme="weather", agency="nmg-qxj", freq=F.IRREGULAR, updated="2026-01-05", published="2022-11-01",
  tags=["气象观测站", "站点信息"], start="2026-01-05", end="2026-01-05",
  table=("weather_stations", {}), resources=[csv("国家气象观测站信息2026年.csv")],
  collecting="内蒙古自治区气象信息中心", licence="cc-by-4.0", popularity=0.7)

E(slug="nmg-weather-warnings", title="气象灾害预警信号",
  summary="各级气象台发布的寒潮、大风、暴雪、道路结冰、沙尘暴等气象灾害预警信号。接口提供当前生效的预警，文件为近期预警样例。",
  theme="weather", agency="nmg-qxj", freq=F.REALTIME, updated="2026-11-20 22:00", published="2023-10-10",
  tags=["预警信号", "寒潮", "暴雪", "防灾减灾"], start="2026-10-11", end="2026-11-20",
  table=("weather_warnings", {"end": date(2026, 11, 20), "n": 40}),
  resources=[api("生效中的气象预警信号接口", "https://data.nmg.example/api/weather/warnings",
                 "返回当前生效的预警信号（JSON），发布后1分钟内更新。"),
             json("气象灾害预警信号2026年10-11月.json", wrapper={"title": "气象灾害预警信号", "source": "内蒙古自治区气象台"})],
  collecting="内蒙古自治区气象台", licence="cc-by-4.0", popularity=1.3)

E(slug="nmg-monthly-climate", title="各盟市月气候统计",
  summary="12个盟市月平均气温、气温距平、降水量、降水距平百分率和日照时数。",
  theme="weather", agency="nmg-qxj", freq=F.MONTHLY, updated="2026-11-03", published="2023-01-05",
  tags=["气候", "气温距平", "降水"], start="2026-01-01", end="2026-10-31",
  table=("monthly_climate", {"year": 2026, "months": 10}), resources=[xlsx("各盟市月气候统计2026年1-10月.xlsx")],
  collecting="内蒙古自治区气候中心", licence="cc-by-4.0", popularity=0.6)

E(slug="nmg-climate-bulletin", title="内蒙古自治区气候公报",
  summary="年度全区气候概况，包括气温、降水、日照特征和主要气象灾害及其影响。",
  theme="weather", agency="nmg-qxj", freq=F.ANNUAL, updated="2026-02-28", published="2022-02-28",
  tags=["气候公报", "年度报告"], start="2025-01-01", end="2025-12-31",
  items=[("年度", NUMBER, "公报所属年度"), ("章节", STRING, ""), ("正文", STRING, "")],
  resources=[pdf("2025年内蒙古自治区气候公报.pdf", "Inner Mongolia Climate Bulletin 2025",
                 "Inner Mongolia Meteorological Service - Climate Centre - February 2026", [
                     "## Temperature",
                     "The regional mean temperature in 2025 was 5.6 degrees Celsius, 0.8 degrees above the 1991-2020 "
                     "normal. Spring and autumn were markedly warmer than normal.",
                     "## Precipitation",
                     "Mean annual precipitation was 318 mm, about 5 percent above normal. Summer rainfall was unevenly "
                     "distributed, with drought in the west and heavy rain in the east in July.",
                     "## Sunshine",
                     "Annual sunshine duration averaged 2,950 hours.",
                     "## Extreme events",
                     "Main events were spring sand and dust storms, an early-summer drought in the west, a cold wave "
                     "with blizzards in November and hail in parts of the central region.",
                 ])],
  form=DataForm.UNSTRUCTURED, collecting="内蒙古自治区气候中心", licence="cc-by-4.0", popularity=0.8, share_mode="批量下载")

# =============================================================================
# 机构团体
# =============================================================================
E(slug="nmg-social-organisations", title="全区社会组织登记信息",
  summary="全区各级民政部门登记的社会团体、民办非企业单位和基金会名称、统一社会信用代码、类型、登记管理机关、"
          "成立登记日期、住所和登记状态。",
  theme="organisations", agency="nmg-mzt", freq=F.MONTHLY, updated="2026-11-10", published="2022-04-06",
  tags=["社会组织", "社会团体", "基金会"], start="1995-01-01", end="2026-10-31",
  table=("social_orgs", {"n": 200}), resources=[csv("全区社会组织登记信息2026年10月.csv")],
  classification=Classification.BASIC, popularity=1.2)

E(slug="nmg-elderly-care", title="养老机构名录",
  summary="全区养老机构名称、所在地区、地址、床位数、机构性质、收住对象和联系电话。",
  theme="organisations", agency="nmg-mzt", freq=F.QUARTERLY, updated="2026-10-14", published="2023-01-16",
  tags=["养老机构", "养老服务", "敬老院"], start="2026-09-30", end="2026-09-30",
  table=("elderly_care", {"n": 100}), resources=[xlsx("全区养老机构名录2026年第三季度.xlsx")], popularity=1.5)

E(slug="nmg-marriage-registries", title="婚姻登记机关信息",
  summary="全区旗县（市、区）婚姻登记处名称、地址、办公时间、咨询电话和跨省通办开展情况。",
  theme="organisations", agency="nmg-mzt", freq=F.IRREGULAR, updated="2026-02-14", published="2023-02-14",
  tags=["婚姻登记", "办事指南"], start="2026-02-14", end="2026-02-14",
  table=("marriage_registries", {}), resources=[csv("全区婚姻登记机关信息.csv")], popularity=0.9)

E(slug="nmg-admin-divisions", title="内蒙古自治区行政区划",
  summary="内蒙古自治区盟市和旗县（市、区）行政区划名称及代码（GB/T 2260），可作为其他数据的地区编码对照表。",
  theme="organisations", agency="nmg-mzt", freq=F.ANNUAL, updated="2026-01-10", published="2022-01-10",
  tags=["行政区划", "区划代码", "基础数据"], start="2025-12-31", end="2025-12-31",
  table=("admin_divisions", {}),
  resources=[json("内蒙古自治区行政区划代码.json", wrapper={"title": "内蒙古自治区行政区划代码", "standard": "GB/T 2260"}),
             csv("内蒙古自治区行政区划代码.csv")],
  classification=Classification.BASIC, popularity=2.1, licence="cc-by-4.0")

E(slug="nmg-funeral-facilities", title="殡葬服务机构名录",
  summary="全区殡仪馆、公益性公墓、经营性公墓和殡仪服务站名称、类型、所在地区、地址、服务电话和性质。",
  theme="organisations", agency="nmg-mzt", freq=F.IRREGULAR, updated="2026-04-02", published="2023-04-03",
  tags=["殡葬服务", "公墓"], start="2026-04-02", end="2026-04-02",
  table=("funeral_facilities", {"n": 60}), resources=[csv("全区殡葬服务机构名录.csv", encoding="gbk")], popularity=0.4)

E(slug="nmg-charities", title="慈善组织名录",
  summary="全区依法登记或认定的慈善组织名称、统一社会信用代码、认定日期、公开募捐资格、登记管理机关和业务范围。",
  theme="organisations", agency="nmg-mzt", freq=F.IRREGULAR, updated="2026-09-05", published="2023-09-05",
  tags=["慈善组织", "公开募捐"], start="2016-09-01", end="2026-09-05",
  table=("charities", {"n": 40}), resources=[json("全区慈善组织名录2026年9月.json")], popularity=0.5)

E(slug="nmg-subsistence-allowance", title="城乡最低生活保障对象名册",
  summary="城乡最低生活保障对象家庭成员、收入和保障金额信息，不予开放；按规定在居住地进行的公示不受影响。",
  theme="organisations", agency="nmg-mzt", freq=F.MONTHLY, updated="2026-11-05", published="2024-01-15",
  tags=["最低生活保障", "社会救助"], start="2020-01-01", end="2026-10-31",
  items=[("户主姓名", STRING, ""), ("身份证件号", STRING, ""), ("家庭人口数", NUMBER, ""), ("保障类别", STRING, ""),
         ("月保障金额(元)", NUMBER, ""), ("所在社区（嘎查村）", STRING, "")],
  open=X, open_reason="数据包含困难群众身份、家庭收入和健康状况等敏感个人信息。",
  open_legal_basis=f"{PIPL}第二十八条；《最低生活保障审核确认办法》", share=ShareType.CONDITIONAL,
  share_conditions="仅限人社、医保、教育、住建等部门为落实救助政策核对使用", share_reason="敏感个人信息",
  share_legal_basis=SHARE_BASIS, share_mode="接口（核验）")

# =============================================================================
# 经济建设
# =============================================================================
E(slug="nmg-gdp-quarterly", title="地区生产总值（季度）",
  summary="内蒙古自治区季度累计地区生产总值及三次产业增加值（现价）和按不变价格计算的同比增长速度。",
  theme="economy", agency="nmg-tjj", freq=F.QUARTERLY, updated="2026-10-24", published="2022-01-20",
  tags=["地区生产总值", "GDP", "宏观经济"], start="2020-01-01", end="2026-09-30",
  table=("gdp_quarterly", {"last": (2026, 3)}), resources=[xlsx("内蒙古地区生产总值2020年至2026年第三季度.xlsx")],
  classification=Classification.THEMATIC, licence="cc-by-4.0", popularity=2.3)

E(slug="nmg-cpi-monthly", title="居民消费价格指数",
  summary="全区居民消费价格总指数和八大类价格指数的月度同比、环比和累计指数。",
  theme="economy", agency="nmg-tjj", freq=F.MONTHLY, updated="2026-11-14", published="2022-01-14",
  tags=["CPI", "价格指数", "物价"], start="2026-01-01", end="2026-10-31",
  table=("cpi_monthly", {"year": 2026, "months": 10}), resources=[csv("居民消费价格指数2026年1-10月.csv")],
  collecting="国家统计局内蒙古调查总队", classification=Classification.THEMATIC, licence="cc-by-4.0", popularity=1.4)

E(slug="nmg-fixed-asset-investment", title="固定资产投资增长情况",
  summary="全区固定资产投资（不含农户）及分产业、民间投资、基础设施投资和房地产开发投资的累计同比增长速度。",
  theme="economy", agency="nmg-tjj", freq=F.MONTHLY, updated="2026-11-14", published="2022-01-20",
  tags=["固定资产投资", "投资", "宏观经济"], start="2025-01-01", end="2026-10-31",
  table=("fixed_investment", {"periods": [(2025, m) for m in range(2, 13)] + [(2026, m) for m in range(2, 11)]}),
  resources=[csv("固定资产投资增长情况2025年至2026年10月.csv")], classification=Classification.THEMATIC,
  licence="cc-by-4.0", popularity=0.9)

E(slug="nmg-statistical-bulletin", title="内蒙古自治区国民经济和社会发展统计公报",
  summary="年度国民经济和社会发展统计公报，涵盖综合、农牧业、工业和建筑业、服务业、固定资产投资、对外经济、"
          "财政金融、居民收入消费、教育科技、卫生社会保障和资源环境等内容。",
  theme="economy", agency="nmg-tjj", freq=F.ANNUAL, updated="2026-03-20", published="2021-03-20",
  tags=["统计公报", "宏观经济", "年度报告"], start="2025-01-01", end="2025-12-31",
  items=[("年度", NUMBER, "公报所属年度"), ("章节", STRING, ""), ("正文", STRING, "")],
  resources=[pdf("内蒙古自治区2025年国民经济和社会发展统计公报.pdf",
                 "Statistical Communique of Inner Mongolia on the 2025 National Economic and Social Development",
                 "Inner Mongolia Bureau of Statistics - March 2026", [
                     "## General",
                     "Preliminary accounting puts the gross regional product of 2025 at 2,782 billion yuan, up 5.6 percent "
                     "at constant prices. Primary industry contributed 11 percent, secondary industry 46 percent and "
                     "tertiary industry 43 percent of value added.",
                     "## Agriculture and animal husbandry",
                     "Grain output reached 41.2 million tonnes. Cattle and sheep numbers at year end stayed stable.",
                     "## Industry and energy",
                     "Value added of industrial enterprises above designated size grew 7.1 percent. Installed wind and "
                     "solar capacity exceeded 140 million kilowatts.",
                     "## Incomes",
                     "Per capita disposable income of residents grew 5.3 percent in real terms.",
                 ])],
  form=DataForm.UNSTRUCTURED, classification=Classification.THEMATIC, licence="cc-by-4.0", popularity=1.6,
  share_mode="批量下载")

E(slug="nmg-industrial-microdata", title="规模以上工业企业统计调查原始资料",
  summary="规模以上工业企业统计报表原始资料，能够识别单个统计调查对象，依法不予开放，也不在政务部门间共享。",
  theme="economy", agency="nmg-tjj", freq=F.MONTHLY, updated="2026-11-14", published="2024-01-15",
  tags=["统计调查", "工业企业"], start="2020-01-01", end="2026-10-31",
  items=[("统一社会信用代码", STRING, ""), ("单位详细名称", STRING, ""), ("工业总产值(千元)", NUMBER, ""),
         ("营业收入(千元)", NUMBER, ""), ("利润总额(千元)", NUMBER, ""), ("从业人员平均人数", NUMBER, ""),
         ("综合能源消费量(吨标准煤)", NUMBER, "")],
  open=X, open_reason="统计调查中获得的能够识别单个统计调查对象的资料，依法应当保密。",
  open_legal_basis="《中华人民共和国统计法》第九条、第二十五条；《中华人民共和国统计法实施条例》",
  share=ShareType.NONE, share_reason="统计调查对象的原始资料不得用于统计以外的目的",
  share_legal_basis="《中华人民共和国统计法》第九条", share_scope="", share_mode="")

E(slug="nmg-major-projects", title="自治区重大项目清单",
  summary="年度自治区重大项目清单，包括项目名称、建设地点、行业领域、建设性质、总投资、年度计划投资和建设起止年限。",
  theme="economy", agency="nmg-fgw", freq=F.ANNUAL, updated="2026-02-20", published="2023-02-22",
  tags=["重大项目", "投资", "新能源"], start="2026-01-01", end="2026-12-31",
  table=("major_projects", {"year": 2026, "n": 120}), resources=[xlsx("2026年自治区重大项目清单.xlsx")], popularity=1.4)

E(slug="nmg-energy-consumption", title="重点用能单位能源消费情况",
  summary="重点用能单位年度综合能源消费量、单位产值能耗和节能目标完成情况。",
  theme="economy", agency="nmg-fgw", freq=F.ANNUAL, updated="2026-05-15", published="2025-05-20",
  tags=["能耗", "节能", "重点用能单位"], start="2025-01-01", end="2025-12-31",
  table=("energy_consumption", {"year": 2025, "n": 80}), resources=[csv("重点用能单位能源消费情况2025年度.csv")],
  open=C, open_conditions="申请人应为节能研究机构、高等院校或第三方节能服务机构，说明研究用途并签订数据使用协议，"
                          "不得公开单个企业的能耗数据。",
  open_reason="企业能源消费数据可推算生产规模和工艺水平，涉及商业秘密。",
  open_legal_basis=f"{PDM}；《重点用能单位节能管理办法》", share=ShareType.CONDITIONAL, share_conditions=GOV_ONLY,
  share_reason="涉及企业商业秘密", share_legal_basis=SHARE_BASIS, popularity=0.2)

# =============================================================================
# 政务服务
# =============================================================================
E(slug="nmg-service-items", title="政务服务事项清单",
  summary="全区各级政务服务事项名称、事项编码、事项类型、实施主体、法定和承诺办结时限、收费情况和网上办理深度。",
  theme="government", agency="nmg-zwsjj", freq=F.IRREGULAR, updated="2026-09-20", published="2022-06-01",
  tags=["政务服务", "事项清单", "网上办理"], start="2026-09-20", end="2026-09-20",
  table=("service_items", {"n": 150}), resources=[csv("全区政务服务事项清单2026年9月.csv")],
  classification=Classification.BASIC, popularity=1.0)

E(slug="nmg-service-centers", title="全区政务服务中心名录",
  summary="自治区、盟市和旗县（市、区）政务服务中心名称、地址、办公时间、咨询电话、进驻部门数和服务窗口数。",
  theme="government", agency="nmg-zwsjj", freq=F.IRREGULAR, updated="2026-06-30", published="2022-06-01",
  tags=["政务服务中心", "办事大厅", "办事指南"], start="2026-06-30", end="2026-06-30",
  table=("service_centers", {}),
  resources=[csv("全区政务服务中心名录2026年6月.csv"), xlsx("全区政务服务中心名录2026年6月.xlsx")], popularity=1.3)

E(slug="nmg-12345-hotline", title="12345政务服务便民热线诉求统计",
  summary="12345政务服务便民热线按月、按诉求类别统计的受理量、办结量、办结率和满意率。",
  theme="government", agency="nmg-zwsjj", freq=F.MONTHLY, updated="2026-11-06", published="2023-02-08",
  tags=["12345热线", "诉求", "统计"], start="2026-01-01", end="2026-10-31",
  table=("hotline_stats", {"year": 2026, "months": 10}), resources=[xlsx("12345热线诉求统计2026年1-10月.xlsx")],
  collecting="内蒙古自治区12345政务服务便民热线中心", classification=Classification.THEMATIC, popularity=0.9)
