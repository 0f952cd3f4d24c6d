"""A 1 GB upload streams to disk: memory does not grow with the file, and the stored bytes hash right."""
from __future__ import annotations

import hashlib
import io
import re
import resource

from portal.catalog.models import Resource
from portal.extensions import db
from tests import factories as f
from tests.conftest import login

GB = 1024 ** 3
HEADER = b"%PDF-1.7\n"
PATTERN = bytes(range(256)) * 4096  # 1 MiB of filler after the header


class Generated(io.RawIOBase):
    """A PDF header and then `size` bytes of filler, made on the fly and never held in memory."""

    def __init__(self, size: int):
        self.size, self.pos = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def readinto(self, buf) -> int:
        n = min(len(buf), self.size - self.pos, len(PATTERN))
        if n <= 0:
            return 0
        if self.pos < len(HEADER):
            data = (HEADER + PATTERN)[self.pos:self.pos + n]
        else:
            start = (self.pos - len(HEADER)) % 256
            data = PATTERN[start:start + n]
            if len(data) < n:
                n = len(data)
        buf[:n] = data
        self.pos += n
        return n


def expected_sha256(size: int) -> str:
    digest, stream = hashlib.sha256(), Generated(size)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def test_one_gigabyte_upload(app, users, client):
    ds = f.dataset("全区基础测绘成果")
    login(client, "staff@example.cn")
    url = f"/console/datasets/{ds.id}/upload"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    r = client.put(url, query_string={"filename": "测绘成果.pdf", "format": "PDF"}, input_stream=Generated(GB),
                   headers={"X-CSRFToken": token, "Content-Length": str(GB), "Content-Type": "application/pdf"})
    assert r.status_code == 201, r.get_data(as_text=True)[:500]
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"peak memory grew by {grown_mb:.0f} MB during a 1 GB upload"
    res = db.session.get(Resource, r.get_json()["resource"])
    assert res.size == GB
    assert res.sha256 == expected_sha256(GB)
