"""Derivation benchmark: a 1,000,000-row CSV of about 100 MB (Chinese text, dates in Chinese forms, numbers
with thousands separators) read into Parquet by the portal (portal/tables: types inferred, converted, profiled)
and, in the same run, by DuckDB alone (read_csv with its own detection, COPY to Parquet). Each side runs in a
fresh process, so the peak memory (max RSS) is its own. Goals: portal ≤ 1.5× DuckDB's time, peak < 500 MB.

    /work/main/.venv/bin/python bench/derive.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["呼和浩特市新城区", "包头市昆都仑区", "鄂尔多斯市东胜区", "赤峰市红山区", "通辽市科尔沁区", "乌海市海勃湾区"]
KINDS = ["空气质量监测", "水质检测", "企业年报", "行政许可", "公共交通客流", "医疗机构执业登记"]


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(24)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("编号,地区,事项,登记日期,更新时间,金额,数量,是否公开,备注\n")
        for i in range(1, rows + 1):
            y, m, d = 2015 + i % 10, 1 + i % 12, 1 + i % 28
            date = (f"{y}年{m}月{d}日", f"{y}/{m}/{d}", f"{y}-{m:02d}-{d:02d}")[i % 3]
            amount = rnd.randint(0, 9_999_999) / 100
            fh.write(f'{i},{PLACES[i % 6]},{KINDS[i % 5]},{date},{y}-{m:02d}-{d:02d} {i % 24:02d}:{i % 60:02d}:00,'
                     f'"{amount:,.2f}",{rnd.randint(0, 5000)},{"是" if i % 3 else "否"},'
                     f'{KINDS[(i * 3) % 6][:2]}{i % 100}号\n')  # a short text: the file stays about 100 MB


CHILD_PORTAL = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from flask import Flask
from flask_babel import Babel
from portal.tables.derive import derive_file
from portal.tables.profile import profile_parquet
app = Flask("bench"); Babel(app)
with app.app_context():
    t, c = time.perf_counter(), time.process_time()
    d = derive_file(Path({src!r}), "CSV", Path({work!r}))
    derived, cpu = time.perf_counter() - t, time.process_time() - c
    profile_parquet(d.parquet, d.columns, Path({work!r}))
    total = time.perf_counter() - t
print(json.dumps({{"derive": derived, "with_profile": total, "rows": d.row_count, "cpu": cpu,
                  "types": {{c["name"]: str(c["type"]) for c in d.columns}},
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}, ensure_ascii=False))
"""
CHILD_DUCKDB = """
import json, resource, time
import duckdb
con = duckdb.connect(":memory:", config={{"threads": 2}})
con.execute("SET enable_progress_bar = false")
t, c = time.perf_counter(), time.process_time()
con.execute("COPY (SELECT * FROM read_csv({src!r})) TO {out!r} (FORMAT parquet, COMPRESSION zstd)")
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.csv"
        t = time.perf_counter()
        generate(src, args.rows)
        print(f"generated {args.rows:,} rows, {src.stat().st_size / 1024 ** 2:.1f} MB in {time.perf_counter() - t:.1f} s")
        (Path(tmp) / "work").mkdir()
        duck = run(CHILD_DUCKDB.format(src=str(src), out=str(Path(tmp) / "duck.parquet")))
        portal = run(CHILD_PORTAL.format(root=str(ROOT), src=str(src), work=str(Path(tmp) / "work")))
    print(f"DuckDB alone (read_csv → Parquet): {duck['seconds']:.2f} s, peak {duck['peak_mb']:.0f} MB, "
          f"CPU {duck['cpu']:.1f} s")
    print(f"portal derivation: {portal['derive']:.2f} s ({portal['derive'] / duck['seconds']:.2f}×), "
          f"with the profile {portal['with_profile']:.2f} s ({portal['with_profile'] / duck['seconds']:.2f}×), "
          f"peak {portal['peak_mb']:.0f} MB, {portal['rows']:,} rows, derivation CPU {portal['cpu']:.1f} s "
          f"({portal['cpu'] / duck['cpu']:.2f}× DuckDB's CPU)")
    print("types:", portal["types"])


if __name__ == "__main__":
    main()
