"""The demo catalog: counts, open types, real files, search, determinism, valid codes, overdue entries.

Self-contained: each module builds its own apps in temporary directories and loads the demo.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.agencies.models import Agency, RegionLevel
from portal.catalog.models import Dataset, DatasetState, OpenType, Resource, ResourceKind, Theme
from portal.catalog.services import update_status
from portal import config
from portal.demo import DemoAlreadyLoaded, load_demo
from portal.demo.files import is_valid_uscc, uscc_check_digit
from portal.extensions import db
from portal.search import backend
from portal.search.base import SearchQuery
from portal.storage import storage

REFERENCE = datetime(2026, 11, 21)  # the date the demo content was composed against


def _fresh_app(path):
    app = create_app(config.TestConfig(path))
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = _fresh_app(tmp_path_factory.mktemp("demo-a"))
    with app.app_context():
        app.config["DEMO_SUMMARY"] = load_demo()
        db.session.remove()
    return app


@pytest.fixture()
def ctx(demo):
    with demo.app_context():
        yield demo
        db.session.remove()


def _datasets():
    return list(db.session.scalars(select(Dataset)))


def _sha_set():
    return {r.sha256 for r in db.session.scalars(select(Resource).where(Resource.kind == ResourceKind.FILE))}


def _records(res: Resource) -> list[dict]:
    data = storage().path(res.storage_key).read_bytes()
    if res.format == "CSV":
        text = data.decode("gb18030" if res.encoding == "gbk" else "utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    if res.format == "JSON":
        doc = json.loads(data)
        return doc if isinstance(doc, list) else doc["data"]
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_summary_line(ctx):
    summary = ctx.config["DEMO_SUMMARY"]
    assert re.fullmatch(r"\d+ agencies, \d+ entries, \d+ resources, \d+ demo accounts", summary)
    n_agencies = db.session.query(Agency).count()
    assert summary.startswith(f"{n_agencies} agencies, {len(_datasets())} entries")


def test_counts_levels_themes_and_open_types(ctx):
    agencies = list(db.session.scalars(select(Agency)))
    assert len(agencies) >= 12
    assert {a.level for a in agencies} >= {RegionLevel.REGION, RegionLevel.CITY}
    datasets = _datasets()
    assert len(datasets) >= 80
    assert all(d.state == DatasetState.PUBLISHED for d in datasets)
    assert len({d.theme_id for d in datasets}) >= 12
    assert db.session.query(Theme).count() >= 12
    assert {d.open_type for d in datasets} == {OpenType.UNCONDITIONAL, OpenType.CONDITIONAL, OpenType.CLOSED}
    assert sum(d.open_type == OpenType.UNCONDITIONAL for d in datasets) > len(datasets) * 0.7
    assert len({d.slug for d in datasets}) == len({d.code for d in datasets}) == len(datasets)
    assert all(re.fullmatch(r"15\d{9}/\d{5}", d.code) and d.slug.isascii() for d in datasets)


def test_entries_are_complete_and_consistent_with_their_agency(ctx):
    for d in _datasets():
        assert d.published_at and d.data_updated_at and d.temporal_start and d.temporal_end, d.slug
        assert d.region == d.agency.region and d.region_level == d.agency.level, d.slug
        assert d.items and d.tags and d.timeliness and d.collecting_agency and d.approving_agency, d.slug
        assert all(i.type in {"字符型", "数值型", "日期型", "日期时间型"} for i in d.items), d.slug
        kinds = [c.kind for c in d.changes]
        assert "published" in kinds, d.slug
        if d.share_type != "unconditional":
            assert d.share_reason and d.share_legal_basis, d.slug
        # fixed content dates, not the time of loading
        assert max(d.published_at, d.data_updated_at, d.modified_at, d.created_at) < REFERENCE, d.slug
    reclassified = [c for d in _datasets() for c in d.changes if c.kind == "reclassified"]
    assert len(reclassified) >= 3
    assert all(c.field == "open_type" and c.from_value and c.to_value and c.reason for c in reclassified)


def test_conditional_and_closed_entries_state_their_grounds(ctx):
    datasets = _datasets()
    conditional = [d for d in datasets if d.open_type == OpenType.CONDITIONAL]
    closed = [d for d in datasets if d.open_type == OpenType.CLOSED]
    assert len(conditional) >= 8 and len(closed) >= 6
    for d in conditional:
        assert d.open_conditions and d.open_reason and d.open_legal_basis, d.slug
        assert any(r.kind == ResourceKind.FILE for r in d.resources), d.slug  # served to approved applicants
    for d in closed:
        assert d.open_reason and d.open_legal_basis, d.slug
        assert not d.resources, d.slug


def test_formats_encodings_and_file_sizes(ctx):
    resources = list(db.session.scalars(select(Resource)))
    assert {r.format for r in resources} >= {"CSV", "XLSX", "JSON", "PDF", "API"}
    assert {r.encoding for r in resources if r.format == "CSV"} >= {"gbk", "utf-8"}
    assert any((r.row_count or 0) > 50 for r in resources)
    assert sum(r.size for r in resources) < 5 * 1024 * 1024
    for r in resources:
        if r.kind == ResourceKind.LINK:
            assert r.url.startswith("https://") and ".example/" in r.url
            continue
        assert re.search(r"[\u4e00-\u9fff]", r.filename), r.filename  # Chinese file names
        data = storage().path(r.storage_key).read_bytes()
        if r.format == "PDF":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        if r.format in ("CSV", "XLSX", "JSON"):
            assert 20 <= r.row_count <= 300, r.filename
            assert r.columns == [i.name for i in r.dataset.items], r.filename


def test_files_carry_no_personal_fields(ctx):
    personal = ("姓名", "法定代表人", "负责人", "联系人", "身份证")
    for r in db.session.scalars(select(Resource).where(Resource.kind == ResourceKind.FILE)):
        assert not any(p in c for c in r.columns for p in personal), (r.filename, r.columns)


def test_search_finds_air_quality_entries_from_several_agencies(ctx):
    page = backend().search(SearchQuery(text="空气质量", limit=100))
    hits = [db.session.get(Dataset, h.id) for h in page.hits]
    assert len({d.agency_id for d in hits}) >= 2
    assert any(d.slug == "hhht-air-quality-realtime" for d in hits)
    narrowed = backend().search(SearchQuery(text="空气质量", filters={"agency": ["bt-sthjj"]}, limit=100))
    assert narrowed.total >= 1
    assert all(db.session.get(Dataset, h.id).agency.slug == "bt-sthjj" for h in narrowed.hits)


def test_every_uscc_in_the_files_has_a_valid_check_digit(ctx):
    checked = 0
    for r in db.session.scalars(select(Resource).where(Resource.format.in_(["CSV", "XLSX", "JSON"]))):
        for record in _records(r):
            for column, value in record.items():
                if "统一社会信用代码" in column:
                    assert is_valid_uscc(value), (r.filename, value)
                    checked += 1
    assert checked > 500
    code = "91150102MA0N4X2K" + "0"
    assert is_valid_uscc(code + uscc_check_digit(code))
    assert not is_valid_uscc(code + uscc_check_digit("91150102MA0N4X2K1"))


def test_some_entries_are_overdue_and_most_are_not(ctx):
    datasets = _datasets()
    assert any(update_status(d).overdue for d in datasets)
    for slug in ("cf-tourism-statistics", "eeds-abnormal-operations", "nmg-driving-schools"):
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug))
        assert update_status(ds).overdue, slug
    overdue_at_reference = [d.slug for d in datasets if update_status(d, now=REFERENCE).overdue]
    assert sorted(overdue_at_reference) == sorted([  # exactly the ones content.py makes overdue on purpose
        "cf-tourism-statistics", "eeds-abnormal-operations", "nmg-driving-schools", "nmg-agri-product-prices",
        "nmg-old-community-renovation"])


def test_demo_accounts_log_in_with_the_readme_password_and_data_users_may_complain(ctx):
    from portal.accounts.models import User
    from portal.demo.accounts import DEMO_PASSWORD, DEMO_USERS
    from portal.feedback.safeguards import is_established
    from tests.conftest import IsolatedClient, login

    for email, *_rest in DEMO_USERS:
        login(IsolatedClient(ctx, ctx.response_class), email, DEMO_PASSWORD)
    for email in ("citizen@demo.nmg.example", "company@demo.nmg.example"):
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.email_confirmed_at is not None and is_established(user)  # verified, served at once
    assert DEMO_PASSWORD in (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_loading_twice_is_refused_without_changes(ctx):
    before = len(_datasets())
    with pytest.raises(DemoAlreadyLoaded):
        load_demo()
    db.session.rollback()
    assert len(_datasets()) == before


def test_deterministic_and_reuses_existing_agencies_and_themes(demo, tmp_path):
    with demo.app_context():
        first = _sha_set()
    other = _fresh_app(tmp_path)
    with other.app_context():
        db.session.add(Theme(slug="economy", name="经济建设", position=1))
        db.session.add(Agency(slug="nmg-tjj", name="内蒙古自治区统计局", level="region", region="内蒙古自治区"))
        db.session.commit()
        load_demo()
        assert _sha_set() == first
        assert db.session.query(Theme).filter_by(name="经济建设").count() == 1
        assert db.session.query(Agency).filter_by(slug="nmg-tjj").count() == 1
        db.session.remove()


def test_the_demo_has_an_open_and_an_overdue_catalog_update_trigger(ctx):
    """The catalog update list (OVERSIGHT §1) is not empty in the demo: 自治区生态环境厅's staff see one trigger
    on time with one of its two entries answered, and one overdue; the answered entry's page shows the line."""
    from portal.demo.accounts import DEMO_PASSWORD
    from tests.conftest import IsolatedClient, login

    client = IsolatedClient(ctx, ctx.response_class)
    login(client, "nmg-env@demo.nmg.example", DEMO_PASSWORD)
    page = client.get("/console/catalog-updates/").get_data(as_text=True)
    rows = page[page.index('id="triggers"'):].split("<tr")[2:]
    assert len(rows) == 2 and "已超期" in rows[0] and "环境影响评价" in rows[0]
    assert "已超期" not in rows[1] and "1 / 2" in rows[1]
    public = client.get("/dataset/nmg-water-quality").get_data(as_text=True)
    assert "水质监测条目无需变更" in public
