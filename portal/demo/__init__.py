"""The demo catalog: realistic, deterministic, free of personal data.

`load_demo()` creates the agencies, themes and catalog entries that `content.py` reads from the
data files in data/, generates the files behind them (tables_*.py, encoded by files.py), stores
them through the catalog's resource service and rebuilds the search index.

Re-running: agencies and themes that already exist (same slug or name) are reused, so loading
into a portal that has its own agencies does not fail. If any demo entry (same slug or catalog
code) is already present, nothing is written and `DemoAlreadyLoaded` (a click error, shown as a
plain message by `flask portal demo`) is raised.
"""
from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import current_app
from sqlalchemy import func, or_, select

from ..agencies.models import Agency, RegionLevel
from ..catalog.files import add_file_resource, add_link_resource
from ..catalog.models import Dataset, DatasetChange, DatasetState, DataItem, OpenType, Resource, ResourceKind, Tag, Theme
from ..catalog.indexing import reindex_all
from ..extensions import db
from .accounts import load_demo_users
from .applications import load_demo_applications
from .sharing_cases import load_demo_sharing_cases
from .sharing import load_demo_sharing
from .oversight import load_demo_oversight
from . import content, tables_env, tables_life, tables_market, tables_social, tables_transport  # noqa: F401 (registers tables)
from .common import TABLES
from .files import Table, csv_bytes, json_bytes, pdf_bytes, xlsx_bytes

BEIJING = timedelta(hours=8)  # content times are Beijing time; the database stores naive UTC

OPEN_LABELS = {OpenType.UNCONDITIONAL: "无条件开放", OpenType.CONDITIONAL: "有条件开放", OpenType.CLOSED: "非开放"}


class DemoAlreadyLoaded(click.ClickException):
    """The demo entries are already in the catalog."""


def load_demo() -> str:
    """Load the demo catalog into the current app's database and index; returns a one-line summary."""
    _refuse_if_loaded()
    agencies = {spec.slug: _agency(spec) for spec in content.AGENCIES}
    themes = {slug: _theme(slug, name, description, position)
              for position, (slug, name, description) in enumerate(content.THEMES, start=1)}
    tags: dict[str, Tag] = {}
    serials: dict[str, int] = {}
    tables: dict[str, Table] = {}
    n_resources = 0
    for entry in content.ENTRIES:
        spec = next(a for a in content.AGENCIES if a.slug == entry.agency)
        serials[spec.slug] = serials.get(spec.slug, 0) + 1
        code = f"{spec.division}{spec.code}/{serials[spec.slug]:05d}"
        ds = _dataset(entry, code, agencies[entry.agency], themes[entry.theme], tags, tables)
        n_resources += _resources(ds, entry, tables)
    n_users = load_demo_users(current_app.config["IDENTIFIER_KEY"])
    db.session.flush()
    load_demo_applications()
    db.session.commit()
    load_demo_sharing()  # after the commit: the sharing services commit each step
    load_demo_sharing_cases()  # the other sharing cases, one at least in every state of their tables
    load_demo_oversight()  # open plans, answered complaints/corrections/reports, access events: the statistics
    reindex_all()
    return (f"{len(agencies)} agencies, {len(content.ENTRIES)} entries, {n_resources} resources, "
            f"{n_users} demo accounts")


# ---- helpers --------------------------------------------------------------------
def _refuse_if_loaded() -> None:
    slugs = [e.slug for e in content.ENTRIES]
    found = db.session.scalar(select(func.count(Dataset.id)).where(Dataset.slug.in_(slugs)))
    if found:
        raise DemoAlreadyLoaded(f"The demo catalog is already loaded ({found} demo entries present); nothing changed.")


def _agency(spec: content.AgencySpec) -> Agency:
    existing = db.session.scalar(select(Agency).where(or_(Agency.slug == spec.slug, Agency.name == spec.name)))
    if existing is not None:
        return existing
    agency = Agency(slug=spec.slug, name=spec.name, level=spec.level, region=spec.region,
                    description=spec.description, website=spec.website, contact=spec.contact)
    db.session.add(agency)
    return agency


def _theme(slug: str, name: str, description: str, position: int) -> Theme:
    existing = db.session.scalar(select(Theme).where(or_(Theme.slug == slug, Theme.name == name)))
    if existing is not None:
        return existing
    theme = Theme(slug=slug, name=name, description=description, position=position)
    db.session.add(theme)
    return theme


def _tag(name: str, cache: dict[str, Tag]) -> Tag:
    if name not in cache:
        with db.session.no_autoflush:
            tag = db.session.scalar(select(Tag).where(Tag.name == name))
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        cache[name] = tag
    return cache[name]


def _when(text: str) -> datetime:
    """A Beijing date ("YYYY-MM-DD", taken as 10:00) or date-time ("YYYY-MM-DD HH:MM") as naive UTC."""
    local = datetime.fromisoformat(text if " " in text else f"{text} 10:00")
    return local - BEIJING


def _table(name: str, params: dict[str, Any], slug: str, cache: dict[str, Table]) -> Table:
    """The generated table for (generator, params); seeded by the entry so its files never change."""
    key = f"{slug}|{name}|{sorted((k, repr(v)) for k, v in params.items())}"
    if key not in cache:
        cache[key] = TABLES[name](random.Random(key), **params)
    return cache[key]


def _dataset(entry: content.Entry, code: str, agency: Agency, theme: Any, tags: dict[str, Tag],
             tables: dict[str, Table]) -> Dataset:
    published = _when(entry.published)
    updated = _when(entry.updated)
    reclassified = [_when(h[0]) for h in entry.history]
    modified = max([published, updated] + reclassified)
    if entry.history and entry.history[-1][2] != entry.open:
        raise ValueError(f"{entry.slug}: the last reclassification must end at the current open type")
    spec = next(a for a in content.AGENCIES if a.slug == entry.agency)
    ds = Dataset(
        slug=entry.slug, code=code, title=entry.title, summary=entry.summary, classification=entry.classification,
        agency=agency, theme=theme, collecting_agency=entry.collecting or agency.name,
        approving_agency=agency.name if spec.level == RegionLevel.REGION else f"{spec.region}政务服务与数据管理局",
        region=spec.region, region_level=spec.level,
        temporal_start=date.fromisoformat(entry.start) if entry.start else None,
        temporal_end=date.fromisoformat(entry.end) if entry.end else None,
        data_form=entry.form, share_type=entry.share, share_conditions=entry.share_conditions,
        share_reason=entry.share_reason, share_legal_basis=entry.share_legal_basis, share_scope=entry.share_scope,
        share_basis_kind=entry.share_basis_kind, share_modes=list(entry.share_modes), share_assessed_at=published,
        open_type=entry.open, open_conditions=entry.open_conditions,
        open_reason=entry.open_reason, open_legal_basis=entry.open_legal_basis, update_frequency=entry.freq,
        timeliness=entry.timeliness or content.TIMELINESS[entry.freq], related=entry.related,
        licence_id=entry.licence, state=DatasetState.PUBLISHED, published_at=published, data_updated_at=updated,
        download_count=0, created_at=published - timedelta(days=7, hours=3), modified_at=modified,
    )
    ds.tags = [_tag(name, tags) for name in entry.tags]
    if entry.table:
        name, params = entry.table
        columns = [(c.name, c.type, c.description) for c in _table(name, params, entry.slug, tables).columns]
    else:
        columns = list(entry.items or [])
    ds.items = [DataItem(position=i, name=n, type=t, description=d) for i, (n, t, d) in enumerate(columns)]
    first_open = entry.history[0][1] if entry.history else entry.open
    ds.changes = [DatasetChange(at=published, kind="published", summary=f"目录条目经审核发布（{OPEN_LABELS[first_open]}）",
                                details={"open_type": str(first_open), "code": code})]
    for (when, old, new, reason), at in zip(entry.history, reclassified):
        ds.changes.append(DatasetChange(
            at=at, kind="reclassified", summary=f"开放类型由{OPEN_LABELS[old]}调整为{OPEN_LABELS[new]}",
            field="open_type", from_value=str(old), to_value=str(new), reason=reason))
    db.session.add(ds)
    return ds


def _resources(ds: Dataset, entry: content.Entry, tables: dict[str, Table]) -> int:
    made: list[Resource] = []
    for res in entry.resources:
        if res.fmt == "API":
            made.append(add_link_resource(ds, name=res.name, url=res.url, fmt="API", description=res.description))
            continue
        data, description = _encode(res, entry, tables)
        name = res.name or res.filename.rsplit(".", 1)[0]
        made.append(add_file_resource(ds, io.BytesIO(data), name=name, filename=res.filename, fmt=res.fmt,
                                      description=res.description or description))
    for r in made:
        r.created_at = ds.published_at
        r.updated_at = ds.data_updated_at
    _downloads(ds, entry, [r for r in made if r.kind == ResourceKind.FILE])
    return len(made)


def _encode(res: content.Res, entry: content.Entry, tables: dict[str, Table]) -> tuple[bytes, str]:
    if res.fmt == "PDF":
        stamp = _when(entry.updated).strftime("%Y%m%d%H%M%S")
        return (pdf_bytes(res.pdf["title"], res.pdf["paragraphs"], res.pdf["subtitle"], created=stamp),
                "PDF 文档（英文版摘要）")
    name, params = res.table or entry.table
    table = _table(name, params, entry.slug, tables)
    if res.fmt == "CSV":
        label = "GBK 编码，可直接用旧版 Excel 打开" if res.encoding == "gbk" else "UTF-8 编码"
        return csv_bytes(table, res.encoding), f"CSV 文件，{label}，共 {len(table.rows)} 行"
    if res.fmt == "XLSX":
        return xlsx_bytes(table), f"Excel 工作簿，共 {len(table.rows)} 行"
    if res.fmt == "JSON":
        shape = "对象，记录在 data 字段中" if res.wrapper else "记录数组"
        return json_bytes(table, res.wrapper), f"JSON {shape}，共 {len(table.rows)} 条"
    raise ValueError(f"{entry.slug}: unknown resource format {res.fmt}")


def _downloads(ds: Dataset, entry: content.Entry, files: list[Resource]) -> None:
    """Plausible, varied and deterministic download counts; the entry's count is the sum of its files'."""
    rng = random.Random(f"downloads|{entry.slug}")
    if ds.open_type == OpenType.CLOSED or not files:
        total = 0 if ds.open_type == OpenType.CLOSED else int(rng.lognormvariate(4.5, 0.6) * entry.popularity)
    elif ds.open_type == OpenType.CONDITIONAL:
        total = rng.randint(3, 40)  # approved applicants only
    else:
        total = int(rng.lognormvariate(5.4, 0.7) * entry.popularity) + rng.randint(0, 40)
    ds.download_count = total
    remaining = total
    for i, r in enumerate(files):
        share = remaining if i == len(files) - 1 else int(remaining * rng.uniform(0.55, 0.8))
        r.download_count = share
        remaining -= share
