#!/usr/bin/env python
"""Search benchmark: a synthetic Chinese catalog, the real index rebuild, the portal's own search service.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--queries 300] [--seed 1] [--json]

For every size the work runs in three fresh processes, so that each memory peak and the cold
first query are those of a process doing only that job:

  gen    build a fresh SQLite catalog in a temporary directory with SQLAlchemy Core bulk inserts
         (agencies, themes, tags, entries, data items, resources; every entry published);
  build  `portal.catalog.indexing.reindex_all()` — the real rebuild path (ORM load, pinyin sort key,
         jieba tokenising, Whoosh writer) — timed; index size on disk; peak RSS of that process;
  query  the first (cold) query, then every query through `catalog.search.search(SearchParams(q, per_page=20))`
         (backend + database re-check + labelled facets), with and without facet counts, the backend
         alone with and without facets, filtered and browse queries, a per-stage breakdown, and a
         brute-force check that the reported totals are exact.

"Service, no facets" wraps the backend so it receives with_facets=False (the service has no such switch;
its two label SELECTs still run). Timings are wall clock (perf_counter) per call; median and p95 (numpy,
linear interpolation) pool every round. Peak memory is ru_maxrss of the stage's process. CPU used by other
processes during each measurement is read from /proc/stat and printed, since the machine may be shared.

The data and the queries depend only on --seed. Nothing outside the temporary directory is written,
apart from --out.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# ---------------------------------------------------------------------------------------------
# Vocabulary (Inner Mongolia public data)
# ---------------------------------------------------------------------------------------------
REGION_NAME = "内蒙古自治区"
CITIES = ["呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市",
          "乌兰察布市", "兴安盟", "锡林郭勒盟", "阿拉善盟"]
REGIONS = [REGION_NAME] + CITIES  # 13 regions
REGION_WEIGHTS = [20, 12, 10, 4, 8, 7, 9, 6, 5, 5, 4, 5, 3]
DISTRICTS = {
    "呼和浩特市": ["新城区", "回民区", "玉泉区", "赛罕区", "土默特左旗", "托克托县"],
    "包头市": ["东河区", "昆都仑区", "青山区", "九原区", "固阳县"],
    "乌海市": ["海勃湾区", "海南区", "乌达区"],
    "赤峰市": ["红山区", "松山区", "元宝山区", "宁城县", "克什克腾旗"],
    "通辽市": ["科尔沁区", "开鲁县", "库伦旗", "奈曼旗"],
    "鄂尔多斯市": ["东胜区", "康巴什区", "达拉特旗", "准格尔旗", "伊金霍洛旗"],
    "呼伦贝尔市": ["海拉尔区", "满洲里市", "牙克石市", "扎兰屯市", "额尔古纳市"],
    "巴彦淖尔市": ["临河区", "五原县", "磴口县", "乌拉特前旗"],
    "乌兰察布市": ["集宁区", "丰镇市", "卓资县", "察哈尔右翼前旗"],
    "兴安盟": ["乌兰浩特市", "阿尔山市", "科尔沁右翼前旗", "突泉县"],
    "锡林郭勒盟": ["锡林浩特市", "二连浩特市", "多伦县", "正蓝旗"],
    "阿拉善盟": ["阿拉善左旗", "阿拉善右旗", "额济纳旗"],
}
CITY_SLUGS = ["hhht", "bt", "wh", "cf", "tl", "ordos", "hlbe", "bynr", "wlcb", "xam", "xlgl", "alsm"]

# kind -> (slug, region-level agency name)
REGION_AGENCIES = {
    "env": ("sthjt", "内蒙古自治区生态环境厅"),
    "transport": ("jtyst", "内蒙古自治区交通运输厅"),
    "health": ("wjw", "内蒙古自治区卫生健康委员会"),
    "education": ("jyt", "内蒙古自治区教育厅"),
    "tourism": ("whlyt", "内蒙古自治区文化和旅游厅"),
    "market": ("scjgj", "内蒙古自治区市场监督管理局"),
    "weather": ("qxj", "内蒙古自治区气象局"),
    "hr": ("rst", "内蒙古自治区人力资源和社会保障厅"),
    "civil": ("mzt", "内蒙古自治区民政厅"),
    "agri": ("nmt", "内蒙古自治区农牧厅"),
    "natres": ("zrzyt", "内蒙古自治区自然资源厅"),
    "forestry": ("lcj", "内蒙古自治区林业和草原局"),
    "housing": ("zjt", "内蒙古自治区住房和城乡建设厅"),
    "stats": ("tjj", "内蒙古自治区统计局"),
    "finance": ("czt", "内蒙古自治区财政厅"),
    "medins": ("ybj", "内蒙古自治区医疗保障局"),
    "emergency": ("yjglt", "内蒙古自治区应急管理厅"),
    "water": ("slt", "内蒙古自治区水利厅"),
    "energy": ("nyj", "内蒙古自治区能源局"),
    "police": ("gat", "内蒙古自治区公安厅"),
}
# kinds every league/city also has its own agency for: 12 x 3 + 20 = 56 agencies
CITY_AGENCIES = {"env": ("sthjj", "生态环境局"), "transport": ("jtysj", "交通运输局"),
                 "market": ("scjgj", "市场监督管理局")}

THEMES = [("jingji", "经济建设"), ("ziyuan", "资源环境"), ("jiaoyu", "教育科技"), ("jiaotong", "道路交通"),
          ("shehui", "社会发展"), ("anquan", "公共安全"), ("caishui", "财税金融"), ("yiliao", "医疗卫生"),
          ("wenhua", "文化休闲"), ("shebao", "社保就业"), ("chengjian", "城建住房"), ("nongye", "农业农村"),
          ("shenghuo", "生活服务"), ("jigou", "机构团体")]

# topic, agency kind, theme slug, tags, data items
TOPICS = [
    ("空气质量", "env", "ziyuan", ["环境", "空气"], ["监测站点", "PM2.5浓度", "PM10浓度", "二氧化硫", "臭氧", "空气质量指数", "监测时间"]),
    ("水质监测", "env", "ziyuan", ["环境", "水环境"], ["断面名称", "水质类别", "溶解氧", "氨氮", "化学需氧量", "监测时间"]),
    ("污染源", "env", "ziyuan", ["环境", "企业"], ["企业名称", "排放口编号", "污染物种类", "排放浓度", "执行标准"]),
    ("公交线路", "transport", "jiaotong", ["出行", "交通"], ["线路名称", "起点站", "终点站", "首班时间", "末班时间", "票价"]),
    ("公交站点", "transport", "jiaotong", ["出行", "交通", "地理位置"], ["站点名称", "经度", "纬度", "途经线路"]),
    ("道路运输", "transport", "jiaotong", ["交通", "企业"], ["经营业户名称", "经营许可证号", "经营范围", "车辆数"]),
    ("停车场", "housing", "jiaotong", ["出行", "城市管理", "地理位置"], ["停车场名称", "地址", "泊位数", "收费标准", "经度", "纬度"]),
    ("充电桩", "energy", "jiaotong", ["出行", "能源", "地理位置"], ["充电站名称", "充电桩数量", "快充数量", "慢充数量", "运营单位", "地址"]),
    ("药店", "medins", "yiliao", ["医疗", "民生"], ["药店名称", "地址", "联系电话", "医保定点", "营业时间"]),
    ("医院", "health", "yiliao", ["医疗", "公共服务"], ["医院名称", "医院等级", "地址", "床位数", "联系电话"]),
    ("医保定点机构", "medins", "yiliao", ["医疗", "社保"], ["机构名称", "机构类别", "定点编码", "地址"]),
    ("学校", "education", "jiaoyu", ["教育", "公共服务"], ["学校名称", "学段", "地址", "办学性质", "在校生人数"]),
    ("幼儿园", "education", "jiaoyu", ["教育", "民生"], ["幼儿园名称", "办园性质", "班级数", "地址", "联系电话"]),
    ("景区", "tourism", "wenhua", ["旅游", "文化"], ["景区名称", "景区等级", "地址", "开放时间", "门票价格"]),
    ("图书馆", "tourism", "wenhua", ["文化", "公共服务"], ["图书馆名称", "藏书量", "开放时间", "地址"]),
    ("企业登记", "market", "jingji", ["企业", "市场主体"], ["企业名称", "统一社会信用代码", "法定代表人", "注册资本", "成立日期", "登记机关"]),
    ("个体工商户", "market", "jingji", ["企业", "市场主体"], ["字号名称", "经营者", "经营场所", "经营范围", "登记日期"]),
    ("食品安全抽检", "market", "anquan", ["安全", "食品"], ["样品名称", "生产企业", "抽样日期", "检验结果", "不合格项目"]),
    ("气象", "weather", "ziyuan", ["天气"], ["站点名称", "气温", "降水量", "风速", "风向", "相对湿度", "观测时间"]),
    ("天气预报", "weather", "shenghuo", ["天气", "出行"], ["预报日期", "最高气温", "最低气温", "天气现象", "风力"]),
    ("就业", "hr", "shebao", ["就业", "民生"], ["岗位名称", "招聘单位", "招聘人数", "薪资范围", "工作地点"]),
    ("社会保险", "hr", "shebao", ["社保", "民生"], ["险种", "参保人数", "缴费基数", "统计年度"]),
    ("社会组织", "civil", "jigou", ["社会组织"], ["组织名称", "登记证号", "业务主管单位", "成立登记日期", "法定代表人"]),
    ("养老机构", "civil", "shehui", ["民生", "养老"], ["机构名称", "床位数", "地址", "联系电话", "运营性质"]),
    ("农产品价格", "agri", "nongye", ["农业", "价格"], ["品种", "规格", "单位", "价格", "采集日期", "市场名称"]),
    ("畜牧业", "agri", "nongye", ["农业", "统计"], ["牲畜存栏", "牲畜出栏", "肉类产量", "奶类产量", "统计年度"]),
    ("草原", "forestry", "ziyuan", ["环境", "生态"], ["草原类型", "面积", "植被覆盖度", "监测年度"]),
    ("不动产登记", "natres", "chengjian", ["不动产"], ["登记类型", "办理数量", "办理时限", "统计月份"]),
    ("公共厕所", "housing", "shenghuo", ["城市管理", "地理位置", "公共服务"], ["名称", "地址", "开放时间", "经度", "纬度"]),
    ("住房公积金", "housing", "caishui", ["社保", "民生"], ["缴存人数", "缴存额", "提取额", "贷款发放额", "统计月份"]),
    ("统计年鉴", "stats", "jingji", ["统计"], ["指标名称", "指标值", "计量单位", "统计年度"]),
    ("财政预算", "finance", "caishui", ["财政"], ["预算科目", "预算数", "执行数", "年度"]),
    ("应急避难场所", "emergency", "anquan", ["安全", "地理位置"], ["场所名称", "可容纳人数", "面积", "地址", "经度", "纬度"]),
    ("水库", "water", "ziyuan", ["水利"], ["水库名称", "总库容", "所在河流", "管理单位"]),
    ("电力", "energy", "jingji", ["能源", "统计"], ["发电量", "用电量", "装机容量", "统计月份"]),
    ("交通违法", "police", "anquan", ["安全", "交通"], ["违法地点", "违法行为", "处罚结果", "违法时间"]),
]
SUFFIXES = ["监测数据", "信息", "统计", "名录", "日报", "月报", "年度统计", "基本信息", "分布", "目录", "明细",
            "实时数据", "汇总表"]
COMMON_ITEMS = ["序号", "行政区划代码", "数据更新时间", "备注"]
COMMON_TAGS = ["公共服务", "民生", "统计", "城市管理", "开放数据"]
USES = ["城市规划", "公众出行", "学术研究", "便民服务", "企业经营分析", "政策评估", "应急管理", "社会治理"]
SOURCES = ["业务系统", "统计调查", "在线监测设备", "行政审批记录", "年度报表", "现场核查"]
FREQUENCIES = [("realtime", "实时"), ("daily", "每日"), ("weekly", "每周"), ("monthly", "每月"),
               ("quarterly", "每季度"), ("semiannual", "每半年"), ("annual", "每年"), ("irregular", "不定期")]
FREQ_WEIGHTS = [5, 12, 6, 25, 15, 5, 20, 12]
OPEN_TYPES = [("unconditional", 70), ("conditional", 20), ("closed", 10)]
FORMATS = [("CSV", 40), ("XLSX", 25), ("JSON", 15), ("XML", 8), ("API", 10), ("PDF", 5), ("SHP", 3), ("DOCX", 2)]
MEDIA = {"CSV": "text/csv", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "JSON": "application/json", "XML": "application/xml", "PDF": "application/pdf",
         "SHP": "application/zip", "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# words that never occur in the synthetic catalog (queries that must return nothing)
NO_HIT = ["量子计算", "火星探测", "潜水艇", "区块链", "冰川", "芯片", "海洋渔业", "航天发射", "珊瑚礁", "地铁"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def agencies() -> list[dict]:
    """56 agencies: 20 at autonomous-region level, 3 per league/city."""
    rows, n = [], 0
    for kind, (slug, name) in REGION_AGENCIES.items():
        n += 1
        rows.append(dict(id=n, slug=f"nmg-{slug}", name=name, level="region", region=REGION_NAME, kind=kind))
    for city, cslug in zip(CITIES, CITY_SLUGS):
        for kind, (slug, suffix) in CITY_AGENCIES.items():
            n += 1
            rows.append(dict(id=n, slug=f"{cslug}-{slug}", name=city + suffix, level="city", region=city, kind=kind))
    return rows


def synth_catalog(size: int, seed: int):
    """Deterministic rows for every table, as lists of dicts for bulk inserts."""
    rng = random.Random(seed * 1_000_003 + size)
    ag = agencies()
    by_kind_region = {(a["kind"], a["region"]): a for a in ag}
    theme_ids = {slug: i + 1 for i, (slug, _) in enumerate(THEMES)}
    tag_names = sorted({t for topic in TOPICS for t in topic[3]} | set(COMMON_TAGS))
    tag_ids = {name: i + 1 for i, name in enumerate(tag_names)}
    base = datetime(2019, 1, 1)
    span = (datetime(2026, 1, 1) - base).total_seconds()
    datasets, items, resources, links = [], [], [], []
    for n in range(1, size + 1):
        region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
        topic, kind, theme, ttags, titems = rng.choice(TOPICS)
        suffix = rng.choice(SUFFIXES)
        agency = by_kind_region.get((kind, region)) or by_kind_region[(kind, REGION_NAME)]
        place = region
        if region != REGION_NAME and rng.random() < 0.35:
            place = region + rng.choice(DISTRICTS[region])
        elif region == REGION_NAME and rng.random() < 0.3:
            place = "全区"
        year = f"{rng.randint(2015, 2025)}年" if rng.random() < 0.3 else ""
        title = f"{place}{year}{topic}{suffix}"
        freq, freq_label = rng.choices(FREQUENCIES, weights=FREQ_WEIGHTS)[0]
        chosen_items = rng.sample(titems, k=min(len(titems), rng.randint(3, 6))) + rng.sample(COMMON_ITEMS, k=rng.randint(1, 2))
        y0 = rng.randint(2010, 2022)
        sentences = [
            f"本数据集由{agency['name']}提供，收录{place}范围内的{topic}{suffix}，"
            f"包括{'、'.join(chosen_items[:3])}等{len(chosen_items)}个数据项。",
            f"数据{freq_label}更新，时间范围为{y0}年至{rng.randint(y0 + 1, 2025)}年，来源于{rng.choice(SOURCES)}。",
        ]
        if rng.random() < 0.6:
            sentences.append(f"可用于{rng.choice(USES)}和{rng.choice(USES)}等场景。")
        if rng.random() < 0.3:
            other = rng.choice(TOPICS)[0]
            sentences.append(f"相关数据请参阅{region}{other}{rng.choice(SUFFIXES)}。")
        modified = base + timedelta(seconds=rng.random() * span)
        published = modified - timedelta(days=rng.randint(0, 400))
        open_type = _weighted(rng, OPEN_TYPES)
        ds_id = _uuid(rng)
        datasets.append(dict(
            id=ds_id, slug=f"bench-{n:06d}", code=f"15{rng.randint(0, 9999):04d}00000/{n:06d}", title=title,
            summary="".join(sentences), classification="departmental", theme_id=theme_ids[theme],
            agency_id=agency["id"], region=region, region_level="region" if region == REGION_NAME else "city",
            open_type=open_type, state="published", update_frequency=freq,
            open_reason="" if open_type == "unconditional" else "涉及个人信息",
            open_legal_basis="" if open_type == "unconditional" else "《中华人民共和国个人信息保护法》第十三条",
            open_conditions="仅向具备数据安全保障能力的法人提供" if open_type == "conditional" else "",
            published_at=published, data_updated_at=modified, created_at=published - timedelta(days=3),
            modified_at=modified, download_count=int(rng.paretovariate(1.2) * 10) - 10,
        ))
        for pos, name in enumerate(chosen_items):
            items.append(dict(dataset_id=ds_id, position=pos, name=name, type="字符型", description=""))
        for tag in sorted(set(rng.sample(ttags, k=min(len(ttags), rng.randint(1, 2))) + rng.sample(COMMON_TAGS, k=rng.randint(0, 2)))):
            links.append(dict(dataset_id=ds_id, tag_id=tag_ids[tag]))
        for pos in range(rng.randint(1, 3)):
            fmt = _weighted(rng, FORMATS)
            link = fmt == "API"
            resources.append(dict(
                id=_uuid(rng), dataset_id=ds_id, position=pos, name=f"{title}（{pos + 1}）", description="",
                kind="link" if link else "file", format=fmt,
                url=f"https://data.example.org/api/{n}" if link else "",
                filename="" if link else f"{n}-{pos}.{fmt.lower()}", storage_key="",
                media_type="application/json" if link else MEDIA[fmt], size=0 if link else rng.randint(2_000, 5_000_000),
                sha256="", encoding="utf-8" if fmt == "CSV" else "", row_count=None, columns=[], download_count=0,
                created_at=published, updated_at=modified,
            ))
    themes = [dict(id=theme_ids[slug], slug=slug, name=name, description="", position=i) for i, (slug, name) in enumerate(THEMES)]
    tags = [dict(id=i, name=name) for name, i in tag_ids.items()]
    ag_rows = [{k: v for k, v in a.items() if k != "kind"} | {"description": "", "website": "", "contact": ""} for a in ag]
    return dict(agencies=ag_rows, themes=themes, tags=tags, datasets=datasets, items=items, resources=resources, links=links)


def synth_queries(n: int, seed: int) -> list[str]:
    """Mixed one- and two-word queries from the catalog vocabulary; about 10% contain a word never indexed."""
    rng = random.Random(seed * 7919 + 17)
    topics = [t[0] for t in TOPICS]
    short_regions = [r[:-1] if r.endswith("市") else r for r in CITIES]  # 包头, 鄂尔多斯, 兴安盟 ...
    items = sorted({i for t in TOPICS for i in t[4]})
    tags = sorted({t for topic in TOPICS for t in topic[3]})
    districts = [d for ds in DISTRICTS.values() for d in ds]
    one_pool = sorted(set(topics + REGIONS + short_regions + SUFFIXES + items + tags + districts[:20]))
    two_makers = [
        lambda: f"{rng.choice(REGIONS + short_regions)} {rng.choice(topics)}",
        lambda: f"{rng.choice(topics)} {rng.choice(SUFFIXES)}",
        lambda: f"{rng.choice(topics)} {rng.choice(items)}",
        lambda: f"{rng.choice(topics)} {rng.choice(topics)}",
        lambda: f"{rng.choice(tags)} {rng.choice(REGIONS)}",
        lambda: f"{rng.choice(districts)} {rng.choice(topics)}",
    ]
    n_nohit = max(1, round(n * 0.10))
    n_two = (n - n_nohit) // 2
    n_one = n - n_nohit - n_two
    out: dict[str, None] = {}
    for q in rng.sample(one_pool, k=min(n_one, len(one_pool))):
        out[q] = None
    while len(out) < n_one:  # pool smaller than asked: fill with two-word ones
        out[rng.choice(two_makers)()] = None
    while len(out) < n_one + n_two:
        out[rng.choice(two_makers)()] = None
    while len(out) < n:
        word = rng.choice(NO_HIT)
        out[word if rng.random() < 0.5 else f"{rng.choice(REGIONS + topics)} {word}"] = None
    queries = list(out)
    rng.shuffle(queries)
    return queries


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _cpu_ticks() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan"), float("nan")
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / hz, steal / hz


class _Contention:
    """How many cores other processes kept busy (on average) while the block ran, and hypervisor steal."""

    def __enter__(self):
        self._busy, self._steal = _cpu_ticks()
        self._own = sum(os.times()[:2]) + sum(os.times()[2:4])
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self._t
        busy, steal = _cpu_ticks()
        own = sum(os.times()[:2]) + sum(os.times()[2:4]) - self._own
        self.other_cores = max(0.0, (busy - self._busy - own) / wall) if wall > 0 else 0.0
        self.steal_cores = max(0.0, (steal - self._steal) / wall) if wall > 0 else 0.0
        return False


def _wait_idle(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (up to max_wait s) until other processes use under `threshold` cores over 3 s; the load seen last."""
    deadline = time.monotonic() + max_wait
    while True:
        with _Contention() as c:
            time.sleep(3)
        if c.other_cores < threshold or time.monotonic() >= deadline:
            return c.other_cores
        waited = int(max_wait - (deadline - time.monotonic()))
        if waited % 30 < 3:
            _log(f"waiting for a quieter machine: other processes use {c.other_cores:.1f} cores")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _stats(ms: list[float]) -> dict:
    import numpy as np

    if not ms:
        return {"n": 0}
    a = np.asarray(ms)
    return {"n": len(ms), "median": float(np.median(a)), "p95": float(np.percentile(a, 95)),
            "mean": float(a.mean()), "max": float(a.max())}


def _app(data_dir: Path):
    from portal import create_app
    from portal.config import TestConfig

    return create_app(TestConfig(data_dir))


def _emit(result: dict) -> None:
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------------------------------------
# stage: gen
# ---------------------------------------------------------------------------------------------
def stage_gen(data_dir: Path, size: int, seed: int, analyze: bool = False) -> dict:
    from sqlalchemy import insert, text

    from portal.agencies.models import Agency
    from portal.catalog.models import DataItem, Dataset, Resource, Tag, Theme, dataset_tags
    from portal.extensions import db

    t0 = time.perf_counter()
    rows = synth_catalog(size, seed)
    t_synth = time.perf_counter() - t0
    app = _app(data_dir)
    t1 = time.perf_counter()
    with app.app_context():
        db.create_all()
        chunk = 20_000
        for model, key in ((Agency, "agencies"), (Theme, "themes"), (Tag, "tags"), (Dataset, "datasets"),
                           (DataItem, "items"), (Resource, "resources"), (dataset_tags, "links")):
            data = rows[key]
            for i in range(0, len(data), chunk):
                db.session.execute(insert(model), data[i:i + chunk])
        db.session.commit()
        db.session.remove()
        if analyze:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    t_insert = time.perf_counter() - t1
    counts = {k: len(v) for k, v in rows.items()}
    _log(f"gen {size}: synthesised in {t_synth:.1f}s, inserted {counts} in {t_insert:.1f}s")
    return {"synth_s": t_synth, "insert_s": t_insert, "rows": counts, "sqlite_analyze": analyze,
            "db_mb": (data_dir / "portal.db").stat().st_size / 2**20 if (data_dir / "portal.db").exists() else None}


# ---------------------------------------------------------------------------------------------
# stage: build
# ---------------------------------------------------------------------------------------------
def _build_breakdown(build_s: float, commit_s: float, parallel: bool = False, batch: int = 500) -> dict:
    """After the timed build, re-run its parts one at a time (warm caches, so approximate): the batched
    ORM load reindex_all does, search_doc() (with the pinyin sort key), and jieba over the indexed text."""
    from sqlalchemy import func, select, text

    from portal.catalog import indexing
    from portal.catalog.models import Dataset
    from portal.extensions import db
    from portal.search.text import part_words, title_sort_key

    t_select = t_load = t_doc = t_pinyin = t_tok = 0.0
    last_id = ""
    while True:
        t = time.perf_counter()
        # the same page query as reindex_all: walk the primary key, visibility checked per row
        db.session.scalars(select(Dataset.id).where(Dataset.id > last_id).order_by(Dataset.id).limit(batch)).all()
        t_select += time.perf_counter() - t
        t = time.perf_counter()
        rows = db.session.scalars(select(Dataset).where(Dataset.id > last_id).order_by(Dataset.id).limit(batch)).all()
        t_load += time.perf_counter() - t
        if not rows:
            break
        docs = []
        for ds in rows:
            if not ds.is_public:
                continue
            t = time.perf_counter()
            docs.append(indexing.search_doc(ds))
            t_doc += time.perf_counter() - t
            t = time.perf_counter()
            title_sort_key(ds.title)
            t_pinyin += time.perf_counter() - t
        t = time.perf_counter()
        for doc in docs:
            for name, part in doc.parts().items():
                part_words(name, part)
        t_tok += time.perf_counter() - t
        last_id = rows[-1].id
        db.session.expunge_all()
    n = db.session.scalar(select(func.count()).select_from(Dataset)) or 0
    plan = " / ".join(r[3] for r in db.session.execute(text(
        "EXPLAIN QUERY PLAN SELECT id FROM datasets WHERE id > '' ORDER BY id LIMIT 500")))
    parts = {
        "entry load: reindex_all's page SELECTs + selectin loads": t_load,
        "  of which the id-page SELECT alone": t_select,
        "search_doc() per entry": t_doc,
        "  of which the pinyin title sort key": t_pinyin,
        "jieba segmenting (text.part_words of the 5 parts)": t_tok,
        "writer.commit (flush, merge; waits for writer processes)": commit_s,
    }
    if not parallel:  # with writer processes the parts overlap, so no remainder can be derived
        parts["rest: Whoosh add_document etc. (by difference)"] = build_s - t_load - t_doc - t_tok - commit_s
    _log("build breakdown: " + "; ".join(f"{k.strip()} {v:.1f}s" for k, v in parts.items()))
    return {"parts": parts, "entries": n, "page_query_plan": plan}


def stage_build(data_dir: Path, breakdown: bool = False) -> dict:
    from whoosh.writing import SegmentWriter

    from portal.catalog import indexing
    from portal.extensions import db

    try:
        from whoosh.multiproc import MpWriter
    except ImportError:  # pragma: no cover
        MpWriter = None

    app = _app(data_dir)
    commit_s = [0.0]
    depth = [0]
    originals = [(cls, cls.__dict__["commit"]) for cls in (SegmentWriter, MpWriter) if cls is not None]

    def timed(orig):
        def timed_commit(self, *args, **kwargs):  # one call per build: no measurable overhead
            depth[0] += 1
            t = time.perf_counter()
            try:
                return orig(self, *args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:  # outermost only (MpWriter.commit may call SegmentWriter.commit)
                    commit_s[0] += time.perf_counter() - t
        return timed_commit

    for cls, orig in originals:
        cls.commit = timed(orig)
    with app.app_context():
        rss_before = _rss_mb()
        cpu0 = os.times()
        with _Contention() as load:
            t0 = time.perf_counter()
            n = indexing.reindex_all()
            build_s = time.perf_counter() - t0
        cpu1 = os.times()
        for cls, orig in originals:
            cls.commit = orig
        peak = _peak_rss_mb()
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        cpu_self = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        cpu_children = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
        db.session.remove()
        index_dir = Path(app.config["SEARCH_INDEX_DIR"])
        count = app.extensions["search"].count()
        extra = _build_breakdown(build_s, commit_s[0], parallel=cpu_children > 1.0) if breakdown else None
        db.session.remove()
    size = _dir_size(index_dir)
    files = sum(1 for p in index_dir.rglob("*") if p.is_file())
    _log(f"build: {n} docs in {build_s:.1f}s, index {size / 2**20:.1f} MB in {files} files, "
         f"peak RSS {peak:.0f} MB (largest writer child {peak_children:.0f} MB; RSS {rss_before:.0f} MB before "
         f"reindex_all); CPU {cpu_self:.0f} s here + {cpu_children:.0f} s in child processes; "
         f"other processes used {load.other_cores:.2f} cores meanwhile")
    return {"docs": n, "index_count": count, "build_s": build_s, "index_bytes": size, "index_files": files,
            "rss_before_mb": rss_before, "peak_rss_mb": peak, "peak_rss_children_mb": peak_children,
            "cpu_self_s": cpu_self, "cpu_children_s": cpu_children, "other_cores": load.other_cores,
            "steal_cores": load.steal_cores, "commit_s": commit_s[0], "breakdown": extra}


# ---------------------------------------------------------------------------------------------
# stage: query
# ---------------------------------------------------------------------------------------------
class _NoFacetBackend:
    """Wraps the configured backend so the service asks for no facet counts (bench-only switch)."""

    def __init__(self, inner):
        self.inner = inner

    def search(self, query):
        query.with_facets = False
        return self.inner.search(query)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class _Stages:
    """Class-level timing wrappers around the search stages (installed only for the breakdown loop)."""

    def __init__(self):
        self.times: dict[str, float] = defaultdict(float)
        self._undo = []

    def _wrap(self, owner, name, label, consume=False):
        orig = getattr(owner, name)
        times = self.times

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                out = orig(*args, **kwargs)
                if consume:
                    out = iter(list(out))
                return out
            finally:
                times[label] += time.perf_counter() - t

        setattr(owner, name, wrapper)
        self._undo.append((owner, name, orig))

    def install(self):
        from portal.catalog import search as catalog_search
        from portal.search.whoosh.backend import WhooshBackend

        self._wrap(WhooshBackend, "search", "backend.search (all)")
        self._wrap(WhooshBackend, "_filter_mask", "filter mask")
        self._wrap(WhooshBackend, "_match_words", "match + BM25 (numpy)")
        self._wrap(WhooshBackend, "_postings", "  of which: posting lists (cache or read)")
        self._wrap(WhooshBackend, "_top", "top 20 (numpy)")
        self._wrap(WhooshBackend, "_facets", "facet counts (numpy)")
        self._wrap(catalog_search, "_facets", "service: facet labels (2 SELECTs)")
        self._wrap(type(catalog_search.db.session), "scalars", "service: DB re-check (load 20 entries)", consume=True)
        return self

    def uninstall(self):
        for owner, name, orig in reversed(self._undo):
            setattr(owner, name, orig)
        self._undo.clear()


def _brute_force(docs: list[dict], query: str, filters: dict[str, list[str]]) -> int:
    """Count matching entries by scanning every entry: every query term must be one of the index words
    (portal.search.text.part_words, from the portal's one segmenter) of one of the five text parts; a
    substring pre-check skips entries that cannot match."""
    from portal.search.text import part_words, query_terms

    terms = query_terms(query)
    if not terms:
        return 0
    count = 0
    for d in docs:
        if any(d[f] not in v for f, v in filters.items()):
            continue
        if not all(t in d["lower"] for t in terms):
            continue
        tokens = d.get("tokens")
        if tokens is None:
            tokens = set()
            for name, text in d["fields"].items():
                tokens.update(part_words(name, text))
            d["tokens"] = tokens
        if all(t in tokens for t in terms):
            count += 1
    return count


def _load_docs() -> list[dict]:
    """Every entry's indexed text fields and filter values, straight from the database (Core, no ORM)."""
    from sqlalchemy import select

    from portal.agencies.models import Agency
    from portal.catalog.models import DataItem, Dataset, Tag, Theme, dataset_tags
    from portal.extensions import db

    tags, items = defaultdict(list), defaultdict(list)
    for ds_id, name in db.session.execute(select(dataset_tags.c.dataset_id, Tag.name).join(Tag, Tag.id == dataset_tags.c.tag_id)):
        tags[ds_id].append(name)
    for ds_id, name in db.session.execute(select(DataItem.dataset_id, DataItem.name).order_by(DataItem.position)):
        items[ds_id].append(name)
    docs = []
    stmt = (select(Dataset.id, Dataset.title, Dataset.summary, Agency.name, Agency.slug, Theme.slug)
            .join(Agency, Agency.id == Dataset.agency_id).join(Theme, Theme.id == Dataset.theme_id)
            .where(Dataset.state == "published"))
    for ds_id, title, summary, agency_name, agency_slug, theme_slug in db.session.execute(stmt):
        fields = {"title": title, "summary": summary, "tags": " ".join(sorted(tags[ds_id])), "agency": agency_name,
                  "items": " ".join(items[ds_id])}
        docs.append({"id": ds_id, "fields": fields, "lower": "\n".join(fields.values()).lower(),
                     "agency": agency_slug, "theme": theme_slug})
    return docs


def stage_query(data_dir: Path, n_queries: int, seed: int, warmup: int, verify: int, profile: bool,
                repeat: int = 1, wait_idle: float = 0) -> dict:
    from portal.catalog import search as catalog_search
    from portal.catalog.search import SearchParams
    from portal.extensions import db
    from portal.search import SearchQuery

    queries = synth_queries(n_queries, seed)
    words = [len(q.split()) for q in queries]
    app = _app(data_dir)
    out: dict = {"queries": len(queries), "one_word": words.count(1), "two_word": words.count(2)}
    with app.app_context():
        backend = app.extensions["search"]

        def service(q="", filters=None, sort="relevance", page=1):
            t = time.perf_counter()
            res = catalog_search.search(SearchParams(q=q, filters=filters or {}, sort=sort, page=page, per_page=20))
            ms = (time.perf_counter() - t) * 1000
            db.session.remove()  # as at the end of a request
            return ms, res

        # cold: a fresh process's first search loads jieba and builds the per-segment facet arrays
        rss0 = _rss_mb()
        ms, res = service(queries[0])
        out["first_query_ms"] = ms
        out["rss_after_first_mb"] = _rss_mb()
        out["rss_before_first_mb"] = rss0
        _log(f"query: first (cold) query {queries[0]!r}: {ms:.0f} ms, RSS {rss0:.0f} -> {_rss_mb():.0f} MB")
        for q in queries[:warmup]:
            service(q)
            backend.search(SearchQuery(text=q, limit=20, with_facets=False))

        # the four measured loops, each over every query
        # (repeated `repeat` times, the mode order rotating each round; samples of all rounds pooled)
        modes: dict[str, list[float]] = defaultdict(list)
        totals: dict[str, list[int]] = defaultdict(list)
        hits: dict[str, list[int]] = defaultdict(list)
        loads: dict[str, list[float]] = defaultdict(list)

        def run(mode, fn):
            ms_list = []
            with _Contention() as load:
                for q in queries:
                    ms, total, n = fn(q)
                    ms_list.append(ms)
                    totals[mode].append(total)
                    hits[mode].append(n)
            modes[mode] += ms_list
            loads[mode].append(load.other_cores)
            s = _stats(ms_list)
            _log(f"query: {mode:<24} median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms "
                 f"(other processes: {load.other_cores:.2f} cores)")

        def svc(q):
            ms, res = service(q)
            return ms, res.total, len(res.datasets)

        def svc_nofacets(q):
            app.extensions["search"] = _NoFacetBackend(backend)
            try:
                ms, res = service(q)
            finally:
                app.extensions["search"] = backend
            return ms, res.total, len(res.datasets)

        def be(with_facets):
            def fn(q):
                t = time.perf_counter()
                page = backend.search(SearchQuery(text=q, limit=20, with_facets=with_facets))
                return (time.perf_counter() - t) * 1000, page.total, len(page.hits)
            return fn

        order = [("service, facets", svc), ("service, no facets", svc_nofacets),
                 ("backend, facets", be(True)), ("backend, no facets", be(False))]
        for r in range(repeat):
            if wait_idle:
                _wait_idle(wait_idle)
            for mode, fn in order[r % 4:] + order[:r % 4]:
                run(mode, fn)
        out["repeat"] = repeat
        out["modes"] = {m: _stats(modes[m]) | {"other_cores": statistics.mean(loads[m])} for m, _ in order}
        svc_ms = modes["service, facets"]
        all_words = words * repeat
        out["by_words"] = {f"service, facets, {k}-word": _stats([m for m, w in zip(svc_ms, all_words) if w == k]) for k in (1, 2)}
        svc_tot = totals["service, facets"][:len(queries)]
        from portal.search.text import query_terms

        n = len(queries)
        out["per_query"] = [
            {"q": q, "words": w, "terms": len(query_terms(q)), "total": t}
            | {m: statistics.median(modes[m][i::n]) for m, _ in order}
            for i, (q, w, t) in enumerate(zip(queries, words, svc_tot))]
        out["peak_rss_mb_after_loops"] = _peak_rss_mb()
        out["zero_hit_queries"] = sum(1 for t in svc_tot if t == 0)
        out["totals"] = {"min": min(svc_tot), "median": statistics.median(svc_tot), "max": max(svc_tot)}

        # consistency: same total in every mode; a full first page unless fewer matched
        problems = []
        for i, q in enumerate(queries * repeat):
            ts = {m: totals[m][i] for m in totals}
            if len(set(ts.values())) != 1:
                problems.append(f"{q!r}: totals differ {ts}")
            for m in totals:
                if hits[m][i] != min(20, totals[m][i]):
                    problems.append(f"{q!r} [{m}]: {hits[m][i]} hits for total {totals[m][i]}")

        # filtered queries (a value picked from the facet sidebar of the unfiltered search) and browsing
        rng = random.Random(seed)
        with_hits = [q for q, t in zip(queries, svc_tot) if t > 0]
        extra: dict[str, dict] = {}
        filtered_cases = []

        def measure(name, calls):
            first_ms, _ = service(**calls[0])
            ms_list = [service(**c)[0] for c in calls]
            extra[name] = _stats(ms_list) | {"first_ms": first_ms}
            _log(f"query: {name:<36} median {extra[name]['median']:.1f} ms, p95 {extra[name]['p95']:.1f} ms "
                 f"(first call {first_ms:.1f} ms)")

        for field in ("agency", "theme"):
            calls = []
            for q in rng.sample(with_hits, k=min(60, len(with_hits))):
                _, res = service(q)
                facet = next(f for f in res.facets if f.name == field)
                value = rng.choice(facet.values).value
                calls.append({"q": q, "filters": {field: [value]}})
            filtered_cases += calls
            measure(f"q + {field} filter", calls)
        measure("browse, sort=modified", [{"sort": "modified", "page": p} for p in range(1, 51)])
        measure("browse + theme, sort=modified",
                [{"sort": "modified", "filters": {"theme": [THEMES[i % len(THEMES)][0]]}} for i in range(50)])
        measure("browse, sort=downloads", [{"sort": "downloads", "page": p} for p in range(1, 51)])
        measure("browse, sort=title", [{"sort": "title", "page": p} for p in range(1, 51)])
        measure("q, sort=modified", [{"q": q, "sort": "modified"} for q in with_hits[:50]])
        out["extra"] = extra

        # where the time goes (service path, facets on): class-level timers, a separate loop
        stages = _Stages().install()
        per_words = {1: defaultdict(list), 2: defaultdict(list)}
        try:
            for q, w in zip(queries, words):
                stages.times.clear()
                ms, _ = service(q)
                for k, v in stages.times.items():
                    per_words[w][k].append(v * 1000)
                per_words[w]["service total"].append(ms)
        finally:
            stages.uninstall()
        out["breakdown"] = {f"{w}-word": {k: _stats(v) for k, v in d.items()} for w, d in per_words.items()}

        if profile:
            import cProfile
            import io
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for q in queries:
                service(q)
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
            out["profile"] = buf.getvalue()

        # exact totals: brute-force scan over the catalog for a seeded sample of queries
        if verify:
            t = time.perf_counter()
            docs = _load_docs()
            vrng = random.Random(seed + 1)
            sample = vrng.sample(range(len(queries)), k=min(verify, len(queries)))
            checked = []
            for i in sample:
                expected = _brute_force(docs, queries[i], {})
                checked.append((queries[i], svc_tot[i], expected))
            for call in vrng.sample(filtered_cases, k=min(max(2, verify // 4), len(filtered_cases))):
                _, res = service(**call)
                expected = _brute_force(docs, call["q"], call["filters"])
                checked.append((f"{call['q']} | {call['filters']}", res.total, expected))
            for label, got, expected in checked:
                if got != expected:
                    problems.append(f"{label!r}: total {got}, brute force {expected}")
            out["verified"] = [{"query": q, "total": g, "brute_force": e} for q, g, e in checked]
            _log(f"query: brute-force check of {len(checked)} totals in {time.perf_counter() - t:.0f}s: "
                 f"{sum(1 for _, g, e in checked if g == e)} exact")
        out["problems"] = problems
        out["peak_rss_mb"] = _peak_rss_mb()  # includes the brute-force check's token sets
    return out


# ---------------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------------
TARGETS = {10_000: 15.0, 100_000: 100.0}  # p95 ms, service path with facets
BUILD_TARGET_S = {100_000: 240.0}


def _child(args: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve())] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        raise SystemExit(f"stage failed: {' '.join(args)} (exit {proc.returncode})")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")][-1]
    return json.loads(line[len("BENCH-RESULT "):])


def _machine() -> dict:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "portal"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", False
    import hashlib
    import platform

    # which search code was measured, even when portal/ has uncommitted changes
    digest = hashlib.sha256()
    for path in sorted((ROOT / "portal" / "search").rglob("*.py")) + [ROOT / "portal" / "catalog" / n
                                                                 for n in ("search.py", "indexing.py")]:
        digest.update(path.read_bytes())
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "commit": commit + (" (portal/ has uncommitted changes)" if dirty else ""),
            "search_code_sha256": digest.hexdigest()[:12],
            "date": time.strftime("%Y-%m-%d")}


def _fmt_table(results: list[dict], machine: dict) -> str:
    lines = [f"Search benchmark — {machine['cores']} cores, {machine['cpu']}, {machine['memory']}, "
             f"Python {machine['python']}, commit {machine['commit']}, "
             f"portal/search/**/*.py + catalog/search.py, indexing.py sha256 {machine['search_code_sha256']}", ""]
    for r in results:
        size, g, b, q = r["size"], r["gen"], r["build"], r["query"]
        lines.append(f"== {size:,} entries ({g['rows']['items']:,} data items, {g['rows']['resources']:,} resources, "
                     f"{g['rows']['links']:,} tag links; {q['queries']} queries: {q['one_word']} one-word, "
                     f"{q['two_word']} two-word, {q['zero_hit_queries']} with no hits) ==")
        lines.append(f"  catalog insert (not timed as build)   {g['insert_s']:8.1f} s   (SQLite {g['db_mb']:.0f} MB"
                     + (", ANALYZE run: what-if" if g.get("sqlite_analyze") else "") + ")")
        lines.append(f"  index build, reindex_all()            {b['build_s']:8.1f} s   ({b['docs']:,} docs; other processes "
                     f"used {b.get('other_cores', float('nan')):.2f} cores meanwhile)")
        if b.get("breakdown"):
            for k, v in b["breakdown"]["parts"].items():
                lines.append(f"    {k:<58}{v:7.1f} s")
            lines.append("    (parts re-run apart after the build, in one process"
                         + ("; the build ran writer processes in parallel, so these overlap in it"
                            if b.get("cpu_children_s", 0) > 1.0 else "")
                         + f"; query plan of the page SELECT: {b['breakdown']['page_query_plan']})")
        else:
            lines.append(f"    of which writer.commit (flush, merge, optimize)    {b.get('commit_s', float('nan')):7.1f} s")
        lines.append(f"  index size on disk                    {b['index_bytes'] / 2**20:8.1f} MB  ({b['index_files']} files)")
        lines.append(f"  peak RSS, build process               {b['peak_rss_mb']:8.0f} MB  (RSS {b['rss_before_mb']:.0f} MB before reindex_all)")
        if b.get("cpu_children_s", 0) > 1.0:
            lines.append(f"  peak RSS, largest writer child        {b['peak_rss_children_mb']:8.0f} MB  (build CPU: "
                         f"{b['cpu_self_s']:.0f} s main + {b['cpu_children_s']:.0f} s in writer processes)")
        lines.append(f"  peak RSS, query process               {q['peak_rss_mb_after_loops']:8.0f} MB  (after the measured loops)")
        lines.append(f"  first query, cold process             {q['first_query_ms']:8.0f} ms  (jieba load + facet arrays)")
        lines.append("")
        lines.append(f"  {'latency (ms)':<38}{'median':>8}{'p95':>8}{'mean':>8}{'max':>8}{'n':>6}  other load")
        rows = list(q["modes"].items()) + list(q["by_words"].items()) + list(q["extra"].items())
        for name, s in rows:
            other = f"  {s['other_cores']:.2f} cores" if "other_cores" in s else ""
            first = f"  (first call {s['first_ms']:.0f} ms)" if "first_ms" in s else ""
            lines.append(f"  {name:<38}{s['median']:8.1f}{s['p95']:8.1f}{s['mean']:8.1f}{s['max']:8.1f}{s['n']:6d}{other}{first}")
        lines.append("")
        lines.append(f"  {'stage, service + facets (ms)':<46}{'1-word med/p95':>16}{'2-word med/p95':>16}")
        keys = list(q["breakdown"].get("1-word", {}) | q["breakdown"].get("2-word", {}))
        for k in keys:
            cells = []
            for w in ("1-word", "2-word"):
                s = q["breakdown"].get(w, {}).get(k)
                cells.append(f"{s['median']:7.1f}/{s['p95']:<7.1f}" if s and s.get("n") else f"{'-':>15}")
            lines.append(f"  {k:<46}{cells[0]:>16}{cells[1]:>16}")
        lines.append("")
        slow = sorted(q["per_query"], key=lambda r: -r["service, facets"])[:8]
        lines.append("  slowest queries, service + facets (median of rounds):")
        lines += [f"    {r['service, facets']:7.0f} ms  {r['q']}  ({r['terms']} terms after jieba, {r['total']:,} hits)" for r in slow]
        lines.append("")
        target = TARGETS.get(size)
        p95 = q["modes"]["service, facets"]["p95"]
        if target is not None:
            lines.append(f"  target p95 with facets <= {target:.0f} ms: {p95:.1f} ms -> {'MET' if p95 <= target else 'NOT MET'}")
        bt = BUILD_TARGET_S.get(size)
        if bt is not None:
            lines.append(f"  target build <= {bt / 60:.0f} min: {b['build_s']:.0f} s -> {'MET' if b['build_s'] <= bt else 'NOT MET'}")
        ok = sum(1 for v in q.get("verified", []) if v["total"] == v["brute_force"])
        lines.append(f"  exact totals: {ok}/{len(q.get('verified', []))} brute-force checks equal; "
                     f"{len(q['problems'])} problems" + ("" if not q["problems"] else ":"))
        lines += [f"    {p}" for p in q["problems"][:20]]
        if q.get("profile"):
            lines += ["", "  cProfile, service + facets loop (cumulative):"] + ["    " + ln for ln in q["profile"].splitlines()[:45]]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000", help="comma-separated catalog sizes (default 10000,100000)")
    p.add_argument("--queries", type=int, default=300, help="number of mixed one/two-word queries (default 300)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=int, default=20, help="queries run before measuring (default 20)")
    p.add_argument("--verify", type=int, default=12, help="queries whose total is checked by brute force (default 12)")
    p.add_argument("--repeat", type=int, default=2, help="rounds of each measured query loop, pooled (default 2)")
    p.add_argument("--wait-idle", type=float, default=0, metavar="S",
                   help="before the build and each query round, wait up to S seconds for other processes to go quiet")
    p.add_argument("--build-breakdown", action="store_true",
                   help="after the timed build, re-run its parts apart (ORM load, search_doc, jieba) to show where it goes")
    p.add_argument("--profile", action="store_true", help="also cProfile the service loop and print the top functions")
    p.add_argument("--sqlite-analyze", action="store_true",
                   help="what-if: run SQLite ANALYZE after loading the catalog (the portal does not do this itself)")
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    p.add_argument("--out", help="also write the JSON results to this file")
    p.add_argument("--workdir", help="directory for the temporary catalogs (default: system temp)")
    p.add_argument("--keep", action="store_true", help="keep the temporary catalogs and indexes")
    p.add_argument("--stage", choices=["gen", "build", "query"],
                   help="run one stage alone in this process, on --dir (e.g. the queries on a catalog kept with --keep)")
    p.add_argument("--dir", help="catalog directory for --stage")
    p.add_argument("--size", type=int, help="number of entries for --stage gen")
    args = p.parse_args(argv)

    if args.stage:
        data_dir = Path(args.dir)
        if args.stage == "gen":
            _emit(stage_gen(data_dir, args.size, args.seed, args.sqlite_analyze))
        elif args.stage == "build":
            _emit(stage_build(data_dir, args.build_breakdown))
        else:
            _emit(stage_query(data_dir, args.queries, args.seed, args.warmup, args.verify, args.profile,
                              args.repeat, args.wait_idle))
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.queries < 200:
        _log(f"note: {args.queries} queries; the targets are defined over at least 200")
    machine = _machine()
    results = []
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"portal-bench-{size}-", dir=args.workdir))
        _log(f"size {size:,}: catalog in {work}")
        try:
            common = ["--dir", str(work), "--seed", str(args.seed)]
            gen = _child(["--stage", "gen", "--size", str(size)] + common + (["--sqlite-analyze"] if args.sqlite_analyze else []))
            if args.wait_idle:
                _wait_idle(args.wait_idle)
            build = _child(["--stage", "build"] + common + (["--build-breakdown"] if args.build_breakdown else []))
            qargs = ["--stage", "query", "--queries", str(args.queries), "--warmup", str(args.warmup),
                     "--verify", str(args.verify), "--repeat", str(args.repeat), "--wait-idle", str(args.wait_idle)] + (["--profile"] if args.profile else []) + common
            query = _child(qargs)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        results.append({"size": size, "gen": gen, "build": build, "query": query})
    report = {"machine": machine, "command": " ".join([".venv/bin/python", "bench/search.py"] + sys.argv[1:]),
              "results": results}
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else _fmt_table(results, machine))
    failed = any(r["query"]["problems"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
