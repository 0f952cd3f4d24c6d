"""Tabular files for the delivery and query tests: a workbook or CSV of A's open entry, built in the test so the
expected rows are computed here, not read back from the portal."""
from __future__ import annotations

import io

from portal.catalog.files import add_file_resource
from portal.extensions import db

HEADER = ["站点", "监测时间", "AQI", "联系人电话"]
SITES = ["新华广场", "如意区", "赛罕区"]


def station_rows(n: int) -> list[list]:
    """n rows: the sites in turn, a day each, AQI 30.., a telephone number (never agreed)."""
    return [[SITES[i % 3], f"2026-03-{i % 28 + 1:02d}", 30 + i, f"138{i:08d}"] for i in range(n)]


def workbook(header: list, rows: list[list], extra_sheet: bool = True) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "监测数据"
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, stored as text
    if extra_sheet:  # a second sheet the entry does not describe: never delivered
        notes = wb.create_sheet("说明")
        notes.append(["联系人电话", "内部备注"])
        notes.append(["13800000000", "仅供内部"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def add_file(ds, data: bytes, filename: str, fmt: str):
    res = add_file_resource(ds, io.BytesIO(data), name=filename.rsplit(".", 1)[0], filename=filename, fmt=fmt)
    db.session.commit()
    return res


def csv_bytes(header: list, rows: list[list], encoding: str = "utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)
