"""Builders shared by the complaint, correction and report tests."""
from __future__ import annotations

import hashlib
import io
import re

from tests.conftest import post_form

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CSV = "站点,AQI\n新华广场,56\n如意河,48\n".encode()
REASON = "经核实，投诉所涉数据为公开的机构信息，不涉及个人信息。"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def complain(client, ds, *, right="personal_information", resources=None, files=None, description=None, **extra):
    """File a complaint through the form, as a browser does (multipart with the CSRF token)."""
    data = {"right": right, "description": description if description is not None else
            "第3行包含本人的姓名和手机号码，未经同意公开。", **extra}
    data["resources"] = resources if resources is not None else [r.id for r in ds.resources]
    data["evidence"] = files if files is not None else [(io.BytesIO(PDF), "身份证明.pdf")]
    return post_form(client, f"/dataset/{ds.slug}/complaint", data, content_type="multipart/form-data")


def decide(client, complaint_id, outcome, reason=REASON):
    """The agency's decision, sent from the complaint's page."""
    return post_from(client, f"/complaints/{complaint_id}", f"/complaints/{complaint_id}/decide",
                     {"outcome": outcome, "reason": reason})


def post_from(client, page_url, action_url, data, **kwargs):
    """POST to action_url with the CSRF token of the page at page_url."""
    html = client.get(page_url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return client.post(action_url, data={**data, "csrf_token": match.group(1) if match else ""}, **kwargs)


def complaint_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(re.search(r"/complaints/(\d+)", response.headers["Location"]).group(1))
