"""Raw UTF-8 in the request line that a server encoded twice (werkzeug's development server) is put back
to the client's bytes (portal/request_line.py); correct values are left alone."""
from __future__ import annotations

import pytest

from portal.request_line import undo_double_utf8


def wsgi(text: str) -> str:
    """What a correct server puts in the environ: the client's UTF-8 bytes, one character each."""
    return text.encode().decode("latin-1")


def doubled(text: str) -> str:
    """What werkzeug's development server puts there for raw bytes: latin-1 text encoded as UTF-8 again."""
    return wsgi(wsgi(text))


@pytest.mark.parametrize("text", ["q=空气质量", "q=空气质量&agency=hhht-sthjj&page=2", "/数据/x", "q=Ã©", "q=é"])
def test_doubly_encoded_values_are_put_back(text):
    assert undo_double_utf8(doubled(text)) == wsgi(text)


@pytest.mark.parametrize("text", ["q=空气质量", "q=%E7%A9%BA", "q=air", "/数据/x", "q=é"])
def test_correct_values_are_left_alone(text):
    assert undo_double_utf8(wsgi(text)) == wsgi(text)


def test_bytes_that_are_not_utf8_are_left_alone():
    raw = b"q=\xbf\xd5\xc6\xf8".decode("latin-1")  # 空气 in GBK, sent raw
    assert undo_double_utf8(raw) == raw and undo_double_utf8(wsgi(raw)) == wsgi(raw)


def test_the_app_reads_a_doubly_encoded_query(demo_client):
    r = demo_client.get("/api/v1/datasets", environ_overrides={"QUERY_STRING": doubled("q=空气质量&per_page=5")})
    assert r.status_code == 200
    results = r.get_json()["results"]
    assert results and all("空气质量" in e["title"] for e in results[:3])
