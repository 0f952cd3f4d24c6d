"""Deterministic file encoders for the demo catalog: CSV (UTF-8 or GBK), XLSX, JSON, PDF.

Every encoder returns bytes that depend only on its input: XLSX archives get fixed timestamps
(openpyxl stamps the save time into docProps/core.xml and into each zip member), and the PDF
is written by hand with a fixed creation date. The same table therefore always hashes to the
same SHA-256, which the demo test checks.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .. import spreadsheet

# Data item types as the catalog records them (信息项类型).
STRING, NUMBER, DATE, DATETIME = "字符型", "数值型", "日期型", "日期时间型"

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_STAMP = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Col:
    """One column of a generated table, which is also one data item (信息项) of its entry."""

    name: str
    type: str = STRING
    description: str = ""


@dataclass
class Table:
    columns: list[Col]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.header, row)) for row in self.rows]


# ---- 统一社会信用代码 (GB 32100-2015) -----------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # 组织机构代码 (GB 11714-1997)


def uscc_check_digit(first17: str) -> str:
    """The 18th character of a unified social credit code, computed over the first 17."""
    if len(first17) != 17:
        raise ValueError("a USCC body has 17 characters")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Whether an 18-character code has valid characters and a correct GB 32100 check digit."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    return uscc_check_digit(code[:17]) == code[17]


def org_code_check_digit(body8: str) -> str:
    """Check digit of the 9-character organisation code embedded in a USCC (positions 9-17)."""
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55  # A=10 ... Z=35
    remainder = 11 - sum(value(c) * w for c, w in zip(body8, ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_uscc(rng, division: str, dept: str = "9", kind: str = "1") -> str:
    """A well-formed, fictional USCC: 登记管理部门码 + 机构类别码 + 行政区划码 + 组织机构代码 + 校验码.

    dept/kind: 9/1 企业, 9/2 个体工商户, 9/3 农民专业合作社, 5/1 社会团体, 5/2 民办非企业单位, 5/3 基金会.
    """
    letters = "ABCDEFGHJKLMNPQRTUWXY"
    if rng.random() < 0.6:  # codes issued since 2015 carry an "MA" prefix in the organisation code
        body = "MA" + "".join(rng.choice("0123456789" + letters) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = dept + kind + division + body + org_code_check_digit(body)
    return first17 + uscc_check_digit(first17)


# ---- encoders -----------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def csv_bytes(table: Table, encoding: str = "utf-8") -> bytes:
    """CSV with a header row and CRLF line ends, as spreadsheet users expect; encoding 'utf-8' or 'gbk'."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue().encode(encoding)


def json_bytes(table: Table, wrapper: dict[str, Any] | None = None) -> bytes:
    """A JSON array of records, or {**wrapper, "data": [...]} when a wrapper is given.

    The wrapper must hold no list before "data": readers take the first list as the records.
    """
    records = [{k: v for k, v in rec.items()} for rec in table.records()]
    doc: Any = records if wrapper is None else {**wrapper, "total": len(records), "data": records}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def xlsx_bytes(table: Table, sheet: str = "数据") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append(table.header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append([v.isoformat() if isinstance(v, (date, datetime)) else v for v in row])
    for i, col in enumerate(table.columns, start=1):
        width = max([len(col.name)] + [len(_text(r[i - 1])) for r in table.rows[:100]])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(8, width * 2 + 2))
    ws.freeze_panes = "A2"
    wb.properties.creator = "内蒙古自治区公共数据开放平台"
    wb.properties.created = datetime(2026, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an Office archive with fixed member timestamps and a fixed modification date."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content)
    return out.getvalue()


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines or [""]


def pdf_bytes(title: str, paragraphs: list[str], subtitle: str = "", created: str = "20260101000000") -> bytes:
    """A one-page A4 PDF with Latin text in the standard Helvetica font (no embedded font needed).

    Paragraphs starting with "## " are set as headings. Text that does not fit the page is cut.
    """
    ops = ["BT", "/F2 18 Tf", "56 780 Td", f"({_pdf_escape(title)}) Tj"]
    y = 780
    if subtitle:
        ops += ["/F1 11 Tf", "0 -22 Td", f"({_pdf_escape(subtitle)}) Tj"]
        y -= 22
    ops += ["0 -14 Td"]
    y -= 14
    for para in paragraphs:
        heading = para.startswith("## ")
        lines = [para[3:]] if heading else _wrap(para, 92)
        ops.append("/F2 12 Tf" if heading else "/F1 10 Tf")
        step = 20 if heading else 14
        for i, line in enumerate(lines):
            delta = step if i == 0 else 14
            if y - delta < 60:
                break
            ops += [f"0 -{delta} Td", f"({_pdf_escape(line)}) Tj"]
            y -= delta
    ops += ["ET", "0.5 w 56 50 m 539 50 l S",
            "BT /F1 8 Tf 56 38 Td (Inner Mongolia Public Data Open Platform - demonstration data, not official "
            "statistics) Tj ET"]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        ("<< /Title (" + _pdf_escape(title) + ") /Producer (Inner Mongolia Public Data Open Platform) "
         f"/CreationDate (D:{created}Z) /ModDate (D:{created}Z) >>").encode("latin-1"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n".encode())
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
