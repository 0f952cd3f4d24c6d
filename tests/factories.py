"""Small builders for catalog rows in service and HTTP tests."""
from __future__ import annotations

import io
import itertools
from datetime import datetime

from portal.agencies.models import Agency, RegionLevel
from portal.catalog import services
from portal.catalog.files import add_file_resource
from portal.catalog.models import DataItem, Dataset, DatasetState, OpenType, Tag, Theme
from portal.extensions import db

_seq = itertools.count(1)


def agency(name: str = "呼和浩特市生态环境局", slug: str | None = None, region: str = "呼和浩特市",
           level: str = RegionLevel.CITY) -> Agency:
    found = db.session.query(Agency).filter_by(name=name).first()
    if found:
        return found
    a = Agency(slug=slug or f"agency-{next(_seq)}", name=name, level=level, region=region, description="")
    db.session.add(a)
    return a


def theme(name: str = "资源环境", slug: str | None = None) -> Theme:
    found = db.session.query(Theme).filter_by(name=name).first()
    if found:
        return found
    t = Theme(slug=slug or f"theme-{next(_seq)}", name=name)
    db.session.add(t)
    return t


def dataset(title: str = "呼和浩特市空气质量监测数据", *, summary: str = "全市空气质量监测站点的小时数据。",
            open_type: str = OpenType.UNCONDITIONAL, state: str = DatasetState.PUBLISHED,
            agency_obj: Agency | None = None, theme_obj: Theme | None = None, tags: tuple[str, ...] = (),
            items: tuple[str, ...] = (), update_frequency: str = "monthly",
            data_updated_at: datetime | None = None, index: bool = True, **fields) -> Dataset:
    n = next(_seq)
    a = agency_obj or agency()
    ds = Dataset(slug=fields.pop("slug", f"ds-{n}"), code=fields.pop("code", f"15000000000/{n:05d}"), title=title,
                 summary=summary, agency=a, theme=theme_obj or theme(), region=a.region, region_level=a.level,
                 open_type=open_type, state=state, update_frequency=update_frequency,
                 published_at=datetime(2026, 1, 5) if state == DatasetState.PUBLISHED else None,
                 data_updated_at=data_updated_at or datetime.utcnow(), **fields)
    if open_type != OpenType.UNCONDITIONAL:
        ds.open_reason = ds.open_reason or "涉及个人信息"
        ds.open_legal_basis = ds.open_legal_basis or "《中华人民共和国个人信息保护法》第十三条"
        if open_type == OpenType.CONDITIONAL:
            ds.open_conditions = ds.open_conditions or "仅向具备数据安全保障能力的法人提供"
    for tag_name in tags:
        tag = db.session.query(Tag).filter_by(name=tag_name).first() or Tag(name=tag_name)
        ds.tags.append(tag)
    for pos, item in enumerate(items):
        ds.items.append(DataItem(position=pos, name=item, type="字符型"))
    db.session.add(ds)
    db.session.commit()
    if index:
        services.index_datasets([ds])
    return ds


def csv_resource(ds: Dataset, content: str = "站点,AQI\n新华广场,56\n", filename: str = "空气质量.csv",
                 encoding: str = "utf-8", fmt: str = "CSV"):
    res = add_file_resource(ds, io.BytesIO(content.encode(encoding)), name=filename.rsplit(".", 1)[0],
                            filename=filename, fmt=fmt)
    db.session.commit()
    services.index_datasets([ds])
    return res
