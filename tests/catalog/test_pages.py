"""Home, dataset, resource preview, agencies and negative-list pages over HTTP."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime

from openpyxl import Workbook

from portal.catalog.files import add_file_resource
from portal.catalog.models import DatasetChange, OpenType
from portal.extensions import db
from tests import factories as f


def text(r) -> str:
    return r.get_data(as_text=True)


def test_home_shows_search_themes_figures_and_lists(app, client):
    ds = f.dataset("呼和浩特市空气质量实时监测数据", download_count=42)
    f.csv_resource(ds)
    f.dataset("包头市公交线路", theme_obj=f.theme("道路交通", slug="traffic"), download_count=7)
    f.dataset("未发布条目", state="draft")
    html = text(client.get("/"))
    assert 'role="search"' in html and 'name="q"' in html
    assert re.search(r"<dt>[^<]+</dt><dd>2</dd>", html)        # two public entries
    assert re.search(r"<dt>[^<]+</dt><dd>49</dd>", html)       # 42 + 7 downloads
    assert 'href="/dataset?theme=traffic"' in html and "道路交通" in html
    assert "未发布条目" not in html
    popular = html.split('id="popular-heading"')[1]
    assert popular.index("呼和浩特市空气质量实时监测数据") < popular.index("包头市公交线路")


def test_dataset_page_shows_every_field_items_resources_history_citation(app, client):
    ds = f.dataset("呼和浩特市空气质量实时监测数据", items=("监测站点名称", "AQI"), tags=("空气", "环境"),
                   timeliness="每小时更新", share_scope="全区各级政务部门", share_modes=["api"],
                   collecting_agency="呼和浩特市环境监测站", approving_agency="呼和浩特市生态环境局",
                   related="包头市空气质量日报")
    res = f.csv_resource(ds, "站点,AQI\n新华广场,56\n", filename="空气质量.csv")
    db.session.add(DatasetChange(dataset=ds, kind="reclassified", summary="开放属性调整", field="open_type",
                                 from_value="conditional", to_value="unconditional", reason="经评估可无条件开放"))
    db.session.commit()
    html = text(client.get(f"/dataset/{ds.slug}"))
    for value in (ds.code, "监测站点名称", "AQI", "空气", "每小时更新", "全区各级政务部门", "呼和浩特市环境监测站",
                  "包头市空气质量日报", "经评估可无条件开放", "无条件开放", "badge-unconditional",
                  f"/dataset/{ds.slug}/resource/{res.id}/download", "CSV"):
        assert value in html, value
    citation = html.split('id="citation-heading"')[1][:600]
    assert ds.agency.name in citation and ds.title in citation and datetime.now().strftime("%Y-%m-%d") in citation


def test_times_are_shown_in_china_time(app, client):
    """Stored times are UTC; pages show Beijing time, so 17:30 UTC is already the next day."""
    ds = f.dataset("呼和浩特市空气质量实时监测数据")
    res = f.csv_resource(ds)
    ds.published_at = datetime(2026, 5, 3, 17, 30)
    res.updated_at = datetime(2026, 5, 3, 15, 59)  # 23:59 in Beijing: still the same day
    db.session.add(DatasetChange(dataset=ds, kind="reclassified", summary="开放属性调整",
                                 at=datetime(2026, 5, 3, 17, 30)))
    db.session.commit()
    html = text(client.get(f"/dataset/{ds.slug}"))
    assert '<th scope="row">发布日期</th><td>2026-05-04</td>' in html
    assert "<td>2026-05-03</td>" in html  # the file's last update
    assert '2026-05-04 01:30</time> — 开放属性调整' in html


def test_overdue_entry_is_marked(app, client):
    old = f.dataset("过期条目", update_frequency="monthly", data_updated_at=datetime(2025, 1, 1))
    fresh = f.dataset("新鲜条目", update_frequency="monthly", data_updated_at=datetime.utcnow())
    assert "badge-overdue" in text(client.get(f"/dataset/{old.slug}"))
    assert "badge-overdue" not in text(client.get(f"/dataset/{fresh.slug}"))


def test_conditional_entry_shows_conditions_and_apply_no_download(app, client):
    ds = f.dataset("机动车排放检验数据", open_type=OpenType.CONDITIONAL, open_conditions="仅限科研用途")
    res = f.csv_resource(ds)
    html = text(client.get(f"/dataset/{ds.slug}"))
    assert "仅限科研用途" in html and ds.open_legal_basis in html
    assert "申请" in html
    assert f"/resource/{res.id}/download" not in html


def test_closed_entry_shows_reason_and_basis_and_no_files(app, client):
    ds = f.dataset("涉密测绘成果", open_type=OpenType.CLOSED, open_reason="涉及国家秘密",
                   open_legal_basis="《中华人民共和国保守国家秘密法》")
    html = text(client.get(f"/dataset/{ds.slug}"))
    assert "涉及国家秘密" in html and "《中华人民共和国保守国家秘密法》" in html
    assert 'id="resources-heading"' not in html


def test_preview_csv_first_50_rows(app, client):
    ds = f.dataset()
    content = "序号,站点\n" + "".join(f"{i},站点{i}\n" for i in range(1, 121))
    res = f.csv_resource(ds, content, encoding="gbk")
    html = text(client.get(f"/dataset/{ds.slug}/resource/{res.id}"))
    rows = re.findall(r"<tr><td>(\d+)</td>", html)
    assert rows == [str(i) for i in range(1, 51)]
    assert "站点50" in html and "站点51" not in html
    assert "120" in html  # total rows named


def test_preview_xlsx_and_json(app, client):
    ds = f.dataset()
    wb = Workbook()
    ws = wb.active
    ws.append(["学校名称", "学段"])
    for i in range(60):
        ws.append([f"第{i}中学", "初中"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    xlsx = add_file_resource(ds, buf, name="学校", filename="学校.xlsx", fmt="XLSX")
    js = add_file_resource(ds, io.BytesIO(json.dumps({"data": [{"景区": "大召寺", "等级": "4A"}]},
                                                     ensure_ascii=False).encode()),
                           name="景区", filename="景区.json", fmt="JSON")
    db.session.commit()
    assert xlsx.row_count == 60 and xlsx.columns == ["学校名称", "学段"]
    html = text(client.get(f"/dataset/{ds.slug}/resource/{xlsx.id}"))
    assert "第49中学" in html and "第50中学" not in html
    html = text(client.get(f"/dataset/{ds.slug}/resource/{js.id}"))
    assert "大召寺" in html and "4A" in html


def test_agencies_and_agency_page(app, client):
    a = f.agency("呼和浩特市交通运输局", slug="hhht-jt")
    f.dataset("呼和浩特市公交线路", agency_obj=a)
    f.dataset("呼和浩特市出租车", agency_obj=a, state="draft")
    html = text(client.get("/agency"))
    assert "呼和浩特市交通运输局" in html and 'href="/agency/hhht-jt"' in html
    html = text(client.get("/agency/hhht-jt"))
    assert "呼和浩特市公交线路" in html and "呼和浩特市出租车" not in html
    assert client.get("/agency/nope").status_code == 404


def test_negative_list_lists_conditional_and_closed_filterable(app, client):
    a = f.agency("自治区公安厅", slug="gat", region="内蒙古自治区", level="region")
    f.dataset("开放条目")
    f.dataset("有条件条目", open_type=OpenType.CONDITIONAL, open_conditions="限定用途")
    f.dataset("非开放条目", open_type=OpenType.CLOSED, agency_obj=a, open_reason="涉及公共安全")
    html = text(client.get("/negative-list"))
    assert "有条件条目" in html and "非开放条目" in html and "开放条目</a>" not in html.replace("有条件条目</a>", "").replace("非开放条目</a>", "")
    assert "限定用途" in html and "涉及公共安全" in html
    html = text(client.get("/negative-list?agency=gat"))
    assert "非开放条目" in html and "有条件条目" not in html


def test_language_switch_to_english_and_back(app, client):
    html = text(client.get("/"))
    assert "数据目录" in html
    r = client.get("/lang/en?next=/dataset")
    assert r.status_code == 302 and r.headers["Location"] == "/dataset"
    html = text(client.get("/dataset"))
    assert 'lang="en"' in html and "Data catalog" in html and "数据目录" not in html
    client.get("/lang/zh_CN?next=https://evil.example/")
    assert "数据目录" in text(client.get("/"))


def test_error_pages_are_chinese_pages(app, client):
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert "<title>" in text(r) and "返回首页" in text(r)


def test_security_headers_on_pages_and_downloads(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds)
    for url in ("/", f"/dataset/{ds.slug}", f"/dataset/{ds.slug}/resource/{res.id}/download", "/missing"):
        r = client.get(url)
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_script_in_catalog_text_is_inert(app, client):
    ds = f.dataset("<script>alert('x')</script>空气", summary="<img src=x onerror=alert(1)>")
    for url in (f"/dataset/{ds.slug}", "/dataset?q=空气", "/"):
        html = text(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
