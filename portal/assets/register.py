"""The register of public-data assets the authority compiles for its level (R2024 §43「汇总登记本级公共数据资产」),
and its export for the registration platform (登记平台), CSV and XLSX, the columns named as the registration
practice names them (《公共数据资源登记管理暂行办法》: 登记主体, 数据资源名称, 数据量, 更新频率 …)."""
from __future__ import annotations

import io
from typing import Any, Iterator

from sqlalchemy import select

from ..agencies.models import Agency
from ..catalog import vocab
from ..catalog.grading import LEVEL_LABELS
from ..extensions import db
from ..spreadsheet import csv_line, safe_cell
from .models import STATE_LABELS, DataAsset
from .services import ON_REGISTER

# The export's columns, in the platform's words (the header row is the same in every language).
COLUMNS = ("登记编号", "登记日期", "数据资源名称", "数据资源摘要", "登记主体", "登记主体层级", "目录编码",
           "数据量（条）", "数据量（字节）", "更新频率", "数据分级", "开放属性", "共享属性", "是否纳入授权运营范围",
           "登记状态")


def entries(level: str = "") -> list[DataAsset]:
    """The registered assets (also those awaiting a change registration), by holder and code; `level`: only
    holders of that administrative level."""
    stmt = (select(DataAsset).join(Agency, Agency.id == DataAsset.agency_id)
            .where(DataAsset.state.in_(ON_REGISTER)).order_by(Agency.name, DataAsset.registration_code))
    if level:
        stmt = stmt.where(Agency.level == level)
    return list(db.session.scalars(stmt))


def _labels(values: list[str], labels: dict) -> str:
    return "、".join(str(vocab.label(labels, v)) for v in values)


def row(asset: DataAsset) -> list[Any]:
    level = LEVEL_LABELS.get(asset.data_level, asset.data_level)
    return [asset.registration_code, asset.registered_on.isoformat() if asset.registered_on else "", asset.name,
            asset.summary, asset.agency.name, str(vocab.label(vocab.REGION_LEVEL_LABELS, asset.agency.level)),
            "、".join(asset.codes), asset.rows, asset.bytes,
            str(vocab.label(vocab.FREQUENCY_LABELS, asset.update_frequency)), str(level),
            _labels(asset.open_types, vocab.OPEN_TYPE_LABELS), _labels(asset.share_types, vocab.SHARE_TYPE_LABELS),
            "是" if asset.in_operation_scope else "否", str(STATE_LABELS.get(asset.state, asset.state))]


def csv_lines(level: str = "") -> Iterator[str]:
    yield "\ufeff" + csv_line(COLUMNS)
    for asset in entries(level):
        yield csv_line(row(asset))


def xlsx(level: str = "") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("公共数据资源登记")
    sheet.append(list(COLUMNS))
    for asset in entries(level):
        sheet.append([safe_cell(v) if isinstance(v, str) else v for v in row(asset)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
