"""Bytes sent for the home page (demo catalog) and the stylesheet, with and without gzip.

    .venv/bin/python bench/page_size.py

Builds the demo catalog in a temporary data directory, asks for each address twice through the app (with
`Accept-Encoding: gzip` and without) and prints the sizes; nothing is asserted.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="portal-pagesize-") as tmp:
        os.environ["PORTAL_DATA_DIR"] = tmp
        os.environ.setdefault("PORTAL_SECRET_KEY", "bench-only-secret-key-bench-only-secret")
        from portal import create_app
        from portal.demo import load_demo
        from portal.extensions import db

        app = create_app()
        with app.app_context():
            db.create_all()
            load_demo()
        client = app.test_client()
        home = client.get("/").get_data(as_text=True)
        css = re.search(r'href="(/static/css/[^"]+)"', home).group(1)
        print("| address | uncompressed bytes | gzip bytes | ratio |")
        print("|---|---|---|---|")
        for path in ("/", css):
            plain = client.get(path)
            packed = client.get(path, headers={"Accept-Encoding": "gzip"})
            assert packed.headers.get("Content-Encoding") == "gzip", path
            print(f"| `{path}` | {len(plain.data):,} | {len(packed.data):,} | {len(packed.data) / len(plain.data):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
