"""Legal bases as data: pages and decisions cite the regulations in force for the deployment, by purpose;
a Shanxi city's rule (SZ) appears only where a deployment chose it; refusals never end in 。。."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from portal import create_app
from portal.catalog.models import OpenType
from portal.config import TestConfig as _TestConfig, drop_test_schema
from portal.extensions import db
from portal.inbox.models import Message
from portal.legal import PURPOSES, chinese_number
from portal.legal.registry import PACKAGED, load_registry
from portal.opening import workflow
from portal.opening.models import Application
from tests import factories as f
from tests.conftest import build_app, login, post_form

R2024_28_2 = "《内蒙古自治区公共数据管理暂行办法》第二十八条第二款"
SZ_25_3 = "《朔州市政务数据资源共享和开放管理办法（试行）》第二十五条第三款"
REPO = Path(__file__).resolve().parents[2]


def test_article_numbers_are_written_as_in_the_documents():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 28, 54, 100, 105, 110, 125)] == \
        ["一", "十", "十一", "二十", "二十八", "五十四", "一百", "一百零五", "一百一十", "一百二十五"]


# ---- the registry -------------------------------------------------------------------------------
def test_default_registry_binds_inner_mongolia_only(app):
    reg = app.extensions["legal"]
    assert [r.code for r in reg.in_force] == ["R2024", "R2018"]
    assert [r.code for r in reg.repealed] == ["R2021"]  # repealed by R2024 §54, listed but never cited
    cited = {p: reg.cite(p) for p in PURPOSES}
    assert {c.regulation.code for c in cited.values() if c} <= {"R2024", "R2018"}
    assert cited["application_answer"].key == "R2024 §28(2)" and cited["application_answer"].figure is None
    assert cited["catalog_review"].key == "R2024 §11(2)" and cited["catalog_review"].sets(5)
    assert cited["access_log_retention"].key == "R2018 §24"
    assert all(cited.values()), [p for p, c in cited.items() if not c]


def test_chosen_order_decides_which_regulation_prevails(tmp_path):
    reg = load_registry({"DATA_DIR": str(tmp_path), "REGULATIONS": "SZ"})
    assert reg.cite("application_answer").key == "SZ §25(3)" and reg.cite("application_answer").sets(10)
    assert reg.cite("application_approval") is None  # SZ says nothing on the approval's content
    assert reg.cite("complaint_suspension") is None
    both = load_registry({"DATA_DIR": str(tmp_path), "REGULATIONS": "R2024,SZ"})
    assert both.cite("application_answer").key == "R2024 §28(2)"
    assert both.cite("application_refusal").key == "R2024 §28(2)"


def test_a_deployment_file_replaces_the_packaged_one_and_faults_stop_the_start(tmp_path):
    (tmp_path / "regulations.toml").write_text('''
[[regulation]]
code = "SX"
title = "某省公共数据条例"
region = "某省"
[[regulation.article]]
number = 31
text = "申请开放公共数据的，应当在十五个工作日内答复。"
cites = [{ purpose = "application_answer", figure = 15 }]
''', encoding="utf-8")
    reg = load_registry({"DATA_DIR": str(tmp_path), "REGULATIONS": "SX"})
    assert reg.cite("application_answer").text() == "《某省公共数据条例》第三十一条" and reg.cite("application_answer").sets(15)
    with pytest.raises(ValueError, match="R2024"):
        load_registry({"DATA_DIR": str(tmp_path), "REGULATIONS": "R2024"})
    (tmp_path / "regulations.toml").write_text('''
[[regulation]]
code = "SX"
title = "某省公共数据条例"
[[regulation.article]]
number = 1
cites = [{ purpose = "no_such_purpose" }]
''', encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_purpose"):
        load_registry({"DATA_DIR": str(tmp_path), "REGULATIONS": "SX"})
    config = _TestConfig(tmp_path / "other", REGULATIONS="R2024,XX")
    try:
        with pytest.raises(ValueError, match="XX"):
            create_app(config)
    finally:
        drop_test_schema(vars(config))


def test_seeded_articles_are_the_published_texts():
    import tomllib

    data = tomllib.loads(PACKAGED.read_text(encoding="utf-8"))
    r2024 = next(r for r in data["regulation"] if r["code"] == "R2024")
    art28 = next(a for a in r2024["article"] if a["number"] == 28)
    assert "不同意开放的，应当说明理由，并提供相应的法律、法规依据" in art28["text"]
    assert "应当立即中止开放并进行核实" in art28["text"]
    sz = next(r for r in data["regulation"] if r["code"] == "SZ")
    assert sz["region"] == "山西省朔州市"


def test_no_page_text_names_a_regulation_itself():
    """Citations come from the registry: no template or translation carries one of its own."""
    from babel.messages.pofile import read_po

    for path in (REPO / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "§" not in text and "朔州" not in text, path
    catalog = read_po((REPO / "portal/translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb"))
    for m in catalog:
        if m.id:
            text = m.string if isinstance(m.string, str) else " ".join(m.string)  # plural forms are a tuple
            assert "§" not in str(m.id) and not re.search(r"朔州|办法第|第[一二三四五六七八九十]+条", text), m.id


# ---- pages of a default deployment ----------------------------------------------------------------
@pytest.fixture()
def entry(app, users):
    agency = f.agency("呼和浩特市生态环境局")
    ds = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, agency_obj=agency,
                   items=("排污单位名称", "排放浓度"), slug="paiwu")
    f.csv_resource(ds, "排污单位名称,排放浓度\n某热电厂,35\n", filename="排污监测.csv")
    return ds


def client_for(app, email):
    c = app.test_client()
    login(c, email)
    return c


def submit(app, ds):
    user = client_for(app, "user@example.cn")
    today = workflow.today()
    r = post_form(user, f"/dataset/{ds.slug}/apply", {
        "scenario": "开发企业环保合规风险评估产品，供银行信贷审查使用。", "items": ["排污单位名称"],
        "records_scope": "2025年全年", "provision_methods": ["download"], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=90)).isoformat(), "security_measures": "内网存放，专人管理，到期删除。",
        "commit_truth": "y", "commit_compliance": "y", "commit_security": "y", "action": "submit"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return db.session.scalars(db.select(Application).order_by(Application.id.desc())).first(), user


def refuse(app, a, reason, basis):
    staff = client_for(app, "staff@example.cn")
    html = staff.get(f"/applications/{a.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    r = staff.post(f"/applications/{a.id}/decide",
                   data={"action": "refuse", "reason": reason, "legal_basis": basis, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return staff


def test_applications_of_a_default_deployment_cite_inner_mongolia_never_shuozhou(app, entry):
    user = client_for(app, "user@example.cn")
    pages = {"form": user.get("/dataset/paiwu/apply"), "entry": user.get("/dataset/paiwu")}
    a, user = submit(app, entry)
    staff = client_for(app, "staff@example.cn")
    pages["console"] = staff.get("/console/applications")
    pages["case"] = staff.get(f"/applications/{a.id}")
    for name, r in pages.items():
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and "朔州" not in html, name
    form = pages["form"].get_data(as_text=True)
    # R2024 requires the answer; the 10 working days are the portal's setting, and say so
    # (the article is named once, after the sentence on the decision, which it also governs)
    assert "数据提供部门应当答复申请，本平台设定的答复期限为自收到申请之日起 10 个工作日。" in form
    assert re.search(r"不同意的，说明理由和法律、法规依据（<a [^>]*href=\"/legal#R2024-28\"[^>]*>"
                     + re.escape(R2024_28_2) + "</a>）。", form)
    assert "本平台设定的答复期限为自收到申请之日起 10 个工作日。已超期和即将到期的申请已标出。" in \
        pages["console"].get_data(as_text=True)
    entry_html = pages["entry"].get_data(as_text=True)
    assert "使用时限和安全保障措施。数据提供部门应当答复申请（" in entry_html and R2024_28_2 in entry_html
    assert "《内蒙古自治区公共数据管理暂行办法》第五十条" in pages["case"].get_data(as_text=True)


def test_a_refusal_shows_its_basis_and_never_a_double_stop(app, entry):
    a, user = submit(app, entry)
    refuse(app, a, "申请用途超出开放条件。", "《中华人民共和国个人信息保护法》第十三条。")
    html = user.get(f"/applications/{a.id}").get_data(as_text=True)
    assert "。。" not in html and "朔州" not in html
    timeline = html[html.index('id="timeline"'):]
    assert "理由：申请用途超出开放条件。依据：《中华人民共和国个人信息保护法》第十三条。" in timeline
    procedure = re.search(r'id="decision-procedure">(.*?)</p>', html, re.S).group(1)
    assert R2024_28_2 in procedure and 'href="/legal#R2024-28"' in procedure
    notice = db.session.scalars(db.select(Message).where(Message.kind == "application.refused")).one()
    assert notice.body == ("理由：申请用途超出开放条件。依据：《中华人民共和国个人信息保护法》第十三条。"
                           f"办理依据：{R2024_28_2}。")
    inbox = user.get("/inbox").get_data(as_text=True)
    assert "。。" not in inbox
    a2, _user = submit(app, entry)  # without stops of their own, each part still ends with one
    refuse(app, a2, "申请用途超出开放条件", "《中华人民共和国个人信息保护法》第十三条")
    html = user.get(f"/applications/{a2.id}").get_data(as_text=True)
    assert "理由：申请用途超出开放条件。依据：《中华人民共和国个人信息保护法》第十三条。" in html
    from portal.audit.models import AuditEvent

    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "application.refuse")).first()
    assert event.details["procedure"] == "R2024 §28(2)"


def test_english_pages_cite_in_english(app, entry):
    user = client_for(app, "user@example.cn")
    user.get("/lang/en")
    form = user.get("/dataset/paiwu/apply").get_data(as_text=True)
    assert "Inner Mongolia Public Data Measures (2024), art. 28(2)" in form and "朔州" not in form
    assert "this portal sets the period at 10 working days" in form


# ---- a deployment that chose SZ -----------------------------------------------------------------------
@contextmanager
def deployment(data_dir, **settings):
    """A portal configured as another deployment, with its own database (dropped after)."""
    app = build_app(data_dir, **settings)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_test_schema(app.config)


@pytest.fixture()
def sz_app(tmp_path):
    with deployment(tmp_path, REGULATIONS="SZ", SITE_NAME="朔州市政务数据开放平台") as app:
        yield app


def test_a_deployment_that_chose_sz_cites_it_where_it_governs(sz_app):
    from portal.accounts.services import create_staff_user

    agency = f.agency("朔州市大数据中心", slug="sz-dsj", region="朔州市")
    db.session.commit()
    create_staff_user("staff@example.cn", "经办人", "Test-Passw0rd!", "agency_staff", agency.slug)
    staff = client_for(sz_app, "staff@example.cn")
    console = staff.get("/console/applications").get_data(as_text=True)
    # SZ fixes the 10 working days itself, so the period is cited to it
    assert f"数据提供部门自收到申请之日起 10 个工作日内答复（" in console and SZ_25_3 in console
    assert "内蒙古" not in console
    legal = sz_app.test_client().get("/legal").get_data(as_text=True)
    assert "《朔州市政务数据资源共享和开放管理办法（试行）》" in legal and "朔数政办发〔2021〕2号" in legal
    assert "内蒙古自治区公共数据管理暂行办法" not in legal


def test_a_setting_other_than_the_articles_figure_is_the_portals(tmp_path):
    with deployment(tmp_path, REGULATIONS="SZ", APPLICATION_WORKDAYS=15) as app, app.test_request_context("/"):
        html = app.jinja_env.from_string(
            '{% from "opening/macros.html" import answer_deadline %}{{ answer_deadline() }}').render()
        assert "本平台设定的答复期限为自收到申请之日起 15 个工作日" in html and SZ_25_3 in html


# ---- the legal page ---------------------------------------------------------------------------------
def test_legal_page_lists_the_regulations_in_force_and_what_cites_them(client):
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/legal" id="footer-legal">', home)
    r = client.get("/legal")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    sections = re.findall(r'class="regulation" data-code="(\w+)"', html)
    assert sections == ["R2024", "R2018"]
    assert "《内蒙古自治区公共数据管理暂行办法》" in html and "内政发〔2024〕19号" in html
    assert "《内蒙古自治区政务信息资源共享管理暂行办法》" in html and "内政发〔2018〕23号" in html
    assert 'id="R2024-28"' in html and "应当立即中止开放并进行核实" in html
    assert 'id="R2018-24"' in html and "记录数据保留时间不少于2年" in html
    assert "朔州" not in html and "乌海" not in html
    repealed = html[html.index('id="repealed"'):]
    assert "《内蒙古自治区政务数据资源管理办法》" in repealed and 'href="/legal#R2024-54"' in repealed
    rows = dict(re.findall(r'<tr data-purpose="(\w+)">(.*?)</tr>', html, re.S))
    assert set(rows) == set(PURPOSES)
    assert R2024_28_2 in rows["application_answer"] and 'data-fixed="setting"' in rows["application_answer"]
    assert 'data-fixed="regulation"' in rows["catalog_review"]  # R2024 §11 fixes the 5 working days
    client.get("/lang/en")
    assert "Regulations in force" in client.get("/legal").get_data(as_text=True)
