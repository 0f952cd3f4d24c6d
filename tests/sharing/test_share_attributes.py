"""The share attribute of an entry (SHARING.md §2.1): its rules on every path (the console's form and the
agency API read the one schema, EntryIn), the authority's 核定 at review, reclassification, and the migration
of the old free-text share mode."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange
from portal.extensions import db
from tests import factories as f
from tests.conftest import login, post_form

ROOT = Path(__file__).resolve().parents[2]
FORM = {"title": "呼和浩特市公共充电桩分布", "summary": "全市公共充电桩的位置、功率与运营单位。", "code": "15010011702/00031",
        "slug": "hhht-charging-piles", "classification": "departmental", "theme": "housing", "tags": "充电桩、新能源",
        "region": "呼和浩特市", "region_level": "city", "data_form": "structured", "open_type": "unconditional",
        "share_type": "unconditional", "update_frequency": "monthly", "licence_id": "nmg-open-data-1.0",
        "items-0-name": "充电站名称", "items-0-type": "字符型", "items-0-description": "",
        "items-1-name": "运营单位", "items-1-type": "字符型", "items-1-description": ""}
NOT_SHARED = {"share_type": "none", "share_reason": "涉及企业商业秘密", "share_legal_basis": "《中华人民共和国数据安全法》第三十八条",
              "share_basis_kind": "law"}
CONDITIONAL = {"share_type": "conditional", "share_reason": "涉及企业商业秘密", "share_basis_kind": "law",
               "share_legal_basis": "《中华人民共和国数据安全法》第三十八条", "share_conditions": "仅限政务部门为履行法定职责使用"}


@pytest.fixture()
def staff(app, users, client):
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    return users["agency_staff"]


def _as_json(form: dict) -> dict:
    """The form's fields as the API takes them: data items as a list of objects, modes as a list."""
    body = {k: v for k, v in form.items() if not k.startswith("items-")}
    rows: dict[int, dict] = {}
    for key, value in form.items():
        if key.startswith("items-"):
            _, n, name = key.split("-")
            rows.setdefault(int(n), {})[name] = value
    body["items"] = [rows[n] for n in sorted(rows)]
    return body


class Console:
    """Creating an entry through the console's form."""
    name = "console"

    def __init__(self, client, user):
        self.client = client

    def create(self, **changes):
        r = post_form(self.client, "/console/datasets/new", {**FORM, **changes})
        return r.status_code, r.get_data(as_text=True)

    @staticmethod
    def names_error(body: str, field: str) -> bool:
        return f'id="f-{field}-error"' in body


class Api:
    """Creating an entry through the agency API with a read-write token."""
    name = "api"

    def __init__(self, client, user):
        self.client = client
        self.token = create_token(user, "rw", "read_write", 30)[1]

    def create(self, **changes):
        r = self.client.post("/api/v1/datasets", json=_as_json({**FORM, **changes}),
                             headers={"Authorization": f"Bearer {self.token}"})
        return r.status_code, r.get_data(as_text=True)

    @staticmethod
    def names_error(body: str, field: str) -> bool:
        import json

        return field in json.loads(body)["error"]["details"]


CREATED = {"console": 302, "api": 201}


@pytest.fixture(params=[Console, Api], ids=["console", "api"])
def channel(request, staff, client):
    return request.param(client, staff)


def _refused(channel, field: str, **changes) -> str:
    status, body = channel.create(**changes)
    assert status == 422, body[-1500:]
    assert channel.names_error(body, field), body[-1500:]
    assert db.session.query(Dataset).count() == 0  # nothing half-written
    return body


def _accepted(channel, **changes) -> Dataset:
    status, body = channel.create(**changes)
    assert status == CREATED[channel.name], body[-1500:]
    return db.session.query(Dataset).filter_by(code=FORM["code"]).one()


# ---- S13 ---------------------------------------------------------------------------------------------
def test_s13_console_refuses_not_shared_basic_and_thematic_and_a_rules_basis_unless_configured(staff, client, app):
    """S13: on the console, `basic`+`none` or `thematic`+`none` is 422; `departmental`+`none` with basis kind
    规章 is 422 unless PORTAL_SHARE_BASIS_KINDS accepts it."""
    console = Console(client, staff)
    body = _refused(console, "share_type", classification="basic", **NOT_SHARED)
    assert "基础信息资源不得列为不予共享" in body and "《内蒙古自治区政务信息资源共享管理暂行办法》第十四条" in body  # cited
    body = _refused(console, "share_type", classification="thematic", **NOT_SHARED)
    assert "主题信息资源不得列为不予共享" in body and "《内蒙古自治区政务信息资源共享管理暂行办法》第十四条" in body
    rules = {**NOT_SHARED, "share_basis_kind": "rules", "share_legal_basis": "《内蒙古自治区公共数据管理办法》第二十一条"}
    body = _refused(console, "share_basis_kind", classification="departmental", **rules)
    assert "法律、行政法规、地方性法规" in body and "第二十一条第二款" in body  # the kinds accepted, by name
    app.config["SHARE_BASIS_KINDS"] = ("law", "administrative_regulation", "local_regulation", "rules")
    ds = _accepted(console, classification="departmental", **rules)
    assert (ds.share_type, ds.share_basis_kind) == ("none", "rules")


# ---- each rule of §2.1, through the console's form and the API ---------------------------------------
def test_rule1_sharing_is_unconditional_by_default(channel, client):
    """Rule 1 (R2024 §21): the new-entry form proposes unconditional sharing; the API takes an entry without a
    share type as unconditional."""
    if channel.name == "console":
        page = client.get("/console/datasets/new").get_data(as_text=True)
        assert '<option value="unconditional" selected>' in page
        ds = _accepted(channel)
    else:
        status, body = channel.client.post("/api/v1/datasets", json={
            k: v for k, v in _as_json(FORM).items() if k != "share_type"},
            headers={"Authorization": f"Bearer {channel.token}"}).status_code, None
        assert status == 201
        ds = db.session.query(Dataset).filter_by(code=FORM["code"]).one()
    assert ds.share_type == "unconditional" and ds.share_basis_kind == ""


@pytest.mark.parametrize("changes,field", [
    ({**CONDITIONAL, "share_basis_kind": ""}, "share_basis_kind"),
    ({**NOT_SHARED, "share_basis_kind": ""}, "share_basis_kind"),
    ({**NOT_SHARED, "share_reason": ""}, "share_reason"),
    ({**NOT_SHARED, "share_legal_basis": ""}, "share_legal_basis"),
    ({**CONDITIONAL, "share_conditions": ""}, "share_conditions"),
    ({**CONDITIONAL, "share_basis_kind": "policy"}, "share_basis_kind"),
    ({**CONDITIONAL, "share_basis_kind": "rules"}, "share_basis_kind"),
    ({**CONDITIONAL, "share_basis_kind": "regulation"}, "share_basis_kind"),
    ({"share_modes": ["api", "fax"]}, "share_modes"),
])
def test_rule2_restrictions_need_reason_basis_and_an_accepted_basis_kind(channel, changes, field):
    """Rule 2 (R2024 §21「应当说明理由」): conditional and refused sharing name reason, legal basis and its kind,
    one of PORTAL_SHARE_BASIS_KINDS (by default 法律, 行政法规, 地方性法规)."""
    _refused(channel, field, **changes)


def test_rule2_a_configured_policy_basis_and_the_share_modes_are_kept(channel, app):
    """Rule 2: a policy paper is accepted once configured (R2018 §14(一)); the modes are stored as codes."""
    app.config["SHARE_BASIS_KINDS"] = ("law", "policy")
    ds = _accepted(channel, **{**CONDITIONAL, "share_basis_kind": "policy",
                               "share_legal_basis": "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）"},
                   share_modes=["query", "api"])
    assert (ds.share_basis_kind, ds.share_modes) == ("policy", ["api", "query"])
    assert ds.share_assessed_at is not None


def test_rule3_a_basic_resource_is_never_refused_and_conditional_only_as_configured(channel, app):
    """Rule 3 (R2018 §14(二), WH §8(二)): `basic`+`none` is refused; `basic`+`conditional` is refused with
    PORTAL_SHARE_BASIC_CONDITIONAL=forbid, and with `confirm` needs conditions naming restricted data items."""
    _refused(channel, "share_type", classification="basic", **NOT_SHARED)
    _refused(channel, "share_conditions", classification="basic", **CONDITIONAL)  # names no data item
    app.config["SHARE_BASIC_CONDITIONAL"] = "forbid"
    _refused(channel, "share_type", classification="basic",
             **{**CONDITIONAL, "share_conditions": "运营单位一项仅限市场监管部门使用"})
    app.config["SHARE_BASIC_CONDITIONAL"] = "confirm"
    ds = _accepted(channel, classification="basic", **{**CONDITIONAL, "share_conditions": "运营单位一项仅限市场监管部门使用"})
    assert (ds.classification, ds.share_type) == ("basic", "conditional")


def test_rule4_thematic_never_refused_departmental_may_be(channel):
    """Rule 4 (R2018 §14(三)): a thematic resource is never `none`; a departmental one may be, under rule 2."""
    _refused(channel, "share_type", classification="thematic", **NOT_SHARED)
    ds = _accepted(channel, classification="departmental", **NOT_SHARED)
    assert ds.share_type == "none"


def test_api_refuses_without_a_write_token_and_names_fields_of_bad_shapes(staff, client, app):
    """The agency API: a read-only token is 403; data items that are not objects are 422 naming the field."""
    ro = create_token(staff, "ro", "read", 30)[1]
    r = client.post("/api/v1/datasets", json=_as_json(FORM), headers={"Authorization": f"Bearer {ro}"})
    assert r.status_code == 403
    rw = create_token(staff, "rw", "read_write", 30)[1]
    r = client.post("/api/v1/datasets", json={**_as_json(FORM), "items": ["充电站名称"]},
                    headers={"Authorization": f"Bearer {rw}"})
    assert r.status_code == 422 and "items" in r.get_json()["error"]["details"]
    assert db.session.query(Dataset).count() == 0


# ---- the authority's 核定 and reclassification (rules 3 and 5) ---------------------------------------
def _submit_and_check(client, authority, ds) -> int:
    assert all(r.status_code == 302 for r in f.post_agency_checks(client, ds.id))
    assert post_form(client, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    review_id = db.session.get(Dataset, ds.id).reviews[0].id
    for check in ("confidentiality", "disclosure", "level"):
        assert post_form(authority, f"/review/{review_id}/check/{check}", {"note": "已审查"}).status_code == 302
    return review_id


def test_rule3_a_conditional_basic_resource_is_published_only_with_the_authoritys_confirmation(staff, client, app,
                                                                                           users):
    """Rule 3: approving a basic resource shared on conditions needs the authority's 核定 note (R2018 §14(一));
    with it the entry is published and not listed as breaking the rules."""
    from portal.sharing.catalog import violations

    ds = _accepted(Console(client, staff), classification="basic",
                   **{**CONDITIONAL, "share_conditions": "运营单位一项仅限市场监管部门使用"})
    authority = app.test_client()
    login(authority, "authority@example.cn")
    review_id = _submit_and_check(client, authority, ds)
    r = post_form(authority, f"/review/{review_id}/decide", {"action": "approve", "comment": ""})
    assert r.status_code == 422 and "核定" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "submitted"
    r = post_form(authority, f"/review/{review_id}/decide", {"action": "approve", "comment": "经核定，运营单位一项有条件共享"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "published"
    assert violations() == []


def test_rule5_a_share_type_change_is_a_reviewed_reclassification(staff, client, app):
    """Rule 5: changing a published entry's share type waits for review like any edit, then is recorded in its
    history and the audit log, and the share attribute counts as assessed anew."""
    ds = f.dataset("呼和浩特市公共充电桩分布", agency_obj=staff.agency, items=("充电站名称", "运营单位"),
                   share_type="unconditional",
                   share_modes=["api"])
    before = ds.share_assessed_at
    edit = {**FORM, "code": ds.code, "slug": ds.slug, "theme": ds.theme.slug, **CONDITIONAL}
    assert post_form(client, f"/console/datasets/{ds.id}/edit", edit).status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.share_type == "unconditional" and ds.pending["share_type"] == "conditional"  # still public as it was
    authority = app.test_client()
    login(authority, "authority@example.cn")
    review_id = _submit_and_check(client, authority, ds)
    assert post_form(authority, f"/review/{review_id}/decide", {"action": "approve", "comment": "同意"}).status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert (ds.share_type, ds.share_basis_kind, ds.share_modes) == ("conditional", "law", [])
    change = db.session.query(DatasetChange).filter_by(dataset_id=ds.id, kind="reclassified").one()
    assert (change.field, change.from_value, change.to_value) == ("share_type", "unconditional", "conditional")
    assert db.session.query(AuditEvent).filter_by(action="dataset.share_type_changed", object_id=ds.id).count() == 1
    assert ds.share_assessed_at is not None and ds.share_assessed_at != before
    page = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    for shown in ("有条件共享", "共享依据类别", "法律", "《中华人民共和国数据安全法》第三十八条", "共享属性评估时间"):
        assert shown in page, shown


def test_the_form_shows_the_new_fields_with_chinese_labels(staff, client):
    page = client.get("/console/datasets/new").get_data(as_text=True)
    for shown in ("共享依据类别", "共享方式", "接口", "批量下载", "在线查询", "前置机/系统对接", "规章", "政策文件"):
        assert shown in page, shown
    assert 'name="share_modes"' in page and 'name="share_basis_kind"' in page


# ---- the migration ------------------------------------------------------------------------------------
def _flask_db(url: str, tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "x", "PORTAL_DATABASE_URL": url}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _database(tmp_path: Path) -> str:
    from tests.test_migrations import _empty_database

    return _empty_database("postgresql" if os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql")
                           else "sqlite", tmp_path)


def test_migration_converts_share_modes_sets_basis_kinds_and_reports_violations(tmp_path):
    """0015_share_attributes: the free-text share mode becomes codes, conditional and refused entries get the
    kind of their basis, published entries breaking §2.1 are reported (and stay published); downgrade
    writes the text back."""
    from datetime import datetime

    from sqlalchemy import MetaData, Table, create_engine, inspect, select, text

    from tests.test_migrations import _drop_database

    url = _database(tmp_path)
    try:
        _flask_db(url, tmp_path, "upgrade", "0014_one_suspension")
        engine = create_engine(url)
        day = datetime(2026, 3, 2, 8, 0)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO agencies (id, slug, name, level, region, description, website, contact) "
                              "VALUES (1, 'nmg-zrzyt', '自治区自然资源厅', 'region', '内蒙古自治区', '', '', '')"))
            conn.execute(text("INSERT INTO themes (id, slug, name, description, position) "
                              "VALUES (1, 'environment', '生态环境', '', 0)"))
            rows = [  # slug, classification, share type, share mode, legal basis, state
                ("survey", "basic", "conditional", "离线拷贝", "《中华人民共和国测绘成果管理条例》", "published"),
                ("census", "thematic", "none", "", "《中华人民共和国统计法》第九条", "published"),
                ("pollution", "departmental", "conditional", "接口（核验）",
                 "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）", "published"),
                ("buses", "departmental", "unconditional", "接口, 批量下载", "", "published"),
                ("local", "departmental", "none", "前置机", "《内蒙古自治区大数据发展促进条例》第二十条", "draft"),
                ("fax", "departmental", "unconditional", "传真", "", "published"),
            ]
            datasets = Table("datasets", MetaData(), autoload_with=engine)
            for n, (slug, cls, share, mode, basis, state) in enumerate(rows):
                values = {c.name: _filler(c) for c in datasets.c if not c.nullable and c.name != "id"}
                values.update(id=f"id-{slug}", slug=slug, code=f"c{n}", title=f"条目{slug}", classification=cls,
                              share_type=share, share_mode=mode, share_legal_basis=basis, state=state,
                              theme_id=1, agency_id=1, created_at=day, modified_at=day,
                              pending={"share_mode": "批量下载", "share_type": "conditional",
                                       "share_legal_basis": "《中华人民共和国统计法》"} if slug == "buses" else None)
                conn.execute(datasets.insert().values(**values))
        report = _flask_db(url, tmp_path, "upgrade")
        assert "share_mode" not in {c["name"] for c in inspect(engine).get_columns("datasets")}
        datasets = Table("datasets", MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            got = {r.slug: (r.share_modes, r.share_basis_kind, r.share_assessed_at, r.state) for r in conn.execute(
                select(datasets.c.slug, datasets.c.share_modes, datasets.c.share_basis_kind,
                       datasets.c.share_assessed_at, datasets.c.state))}
            pending = conn.execute(select(datasets.c.pending).where(datasets.c.slug == "buses")).scalar_one()
        assert got == {
            "survey": (["offline"], "administrative_regulation", None, "published"),
            "census": ([], "law", None, "published"),
            "pollution": (["api", "query"], "policy", None, "published"),
            "buses": (["api", "download"], "", None, "published"),
            "local": (["offline"], "local_regulation", None, "draft"),
            "fax": ([], "", None, "published")}
        assert pending == {"share_modes": ["download"], "share_type": "conditional", "share_basis_kind": "law",
                           "share_legal_basis": "《中华人民共和国统计法》"}
        assert "4 published entries break the share-attribute rules" in report
        for slug in ("survey", "census", "pollution", "fax"):
            assert f"  {slug} (" in report, report
        assert "buses (" not in report and "local (" not in report
        _flask_db(url, tmp_path, "downgrade", "0014_one_suspension")
        datasets = Table("datasets", MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            back = dict(conn.execute(select(datasets.c.slug, datasets.c.share_mode)).all())
        assert back == {"survey": "前置机/系统对接", "census": "", "pollution": "接口、在线查询", "buses": "接口、批量下载",
                        "local": "前置机/系统对接", "fax": ""}
        engine.dispose()
    finally:
        _drop_database(url)


def _filler(column):
    """A value for a NOT NULL column the test does not care about."""
    from datetime import datetime

    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric

    t = column.type
    if isinstance(t, (DateTime, Date)):
        return datetime(2026, 3, 2)
    if isinstance(t, Boolean):
        return False
    if isinstance(t, (Integer, Numeric)):
        return 0
    if isinstance(t, JSON):
        return []
    return ""
