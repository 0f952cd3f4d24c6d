#!/usr/bin/env python
"""Bulk dump benchmark: /api/v1/catalog.jsonl.gz over a synthetic catalog, through the whole HTTP stack.

    .venv/bin/python bench/dump.py [--size 100000] [--seed 1] [--rounds 2] [--workdir DIR] [--keep]

  gen     `bench/search.py --stage gen` builds the same deterministic synthetic catalog the search
          benchmark uses (SQLite, SQLAlchemy Core bulk inserts, every entry published), in its own process;
          then every file resource gets a storage key and a SHA-256 (metadata only: no bytes are stored),
          so the dump writes download URLs and checksums as for real files.
  dump    in a fresh process per round: create the app, GET /api/v1/catalog.jsonl.gz with the Flask test
          client (routing, rate limiter, streaming response, access log) and consume the streamed body
          chunk by chunk into a file, timed with perf_counter from the request to the last byte; the
          process's CPU time (user + system) over the same span and the CPU other processes used meanwhile
          (from /proc/stat) are given too, since the machine may be shared.
          Cold rounds first delete the kept dump ($PORTAL_DATA_DIR/exports), so they generate it from the
          database; the warm round then gets the kept file of the same catalog version.
          Peak memory is the process's ru_maxrss (resident set, includes the interpreter and the app),
          given with the RSS just before the request; tracemalloc is not used (it slows the dump several-fold).
          Afterwards (not timed) the file is decompressed and every line parsed and counted.
  changes the change feed (modified_since) after 1% of the entries were withdrawn and 1% changed: its time and
          the number of tombstones.

Targets (issue 6): the full dump of 100,000 entries in under 15 s with peak memory under 250 MB.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _emit(result: dict) -> None:
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def _child(script: Path, args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, str(script)] + args, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        raise SystemExit(f"stage failed: {script.name} {' '.join(args)} (exit {proc.returncode})")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")][-1]
    return json.loads(line[len("BENCH-RESULT "):])


def _app(data_dir: Path):
    from portal import create_app
    from portal.config import TestConfig

    return create_app(TestConfig(data_dir))


def stage_files(data_dir: Path) -> dict:
    """Give every file resource a storage key and a SHA-256 (no bytes stored)."""
    from sqlalchemy import text

    from portal.extensions import db

    app = _app(data_dir)
    with app.app_context():
        n = db.session.execute(text(
            "UPDATE resources SET storage_key = 'bench/' || id, sha256 = lower(hex(randomblob(32))) "
            "WHERE kind = 'file'")).rowcount
        db.session.commit()
    return {"file_resources": n}


def _cpu_ticks() -> float:
    """Busy CPU seconds of the whole machine so far, from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = (f + [0] * 7)[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _get(client, url: str, out: Path) -> tuple[float, int, int, dict]:
    t0 = time.perf_counter()
    resp = client.get(url)
    size = chunks = 0
    with open(out, "wb") as fh:
        for chunk in resp.response:  # the streamed body, as a WSGI server would send it
            fh.write(chunk)
            size += len(chunk)
            chunks += 1
    resp.close()
    elapsed = time.perf_counter() - t0
    assert resp.status_code == 200, resp.status_code
    return elapsed, size, chunks, dict(resp.headers)


def _count(path: Path) -> tuple[int, int, int]:
    lines = deleted = raw = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            raw += len(line.encode())
            entry = json.loads(line)
            lines += 1
            deleted += entry["deleted"]
    return lines, deleted, raw


def stage_dump(data_dir: Path, cold: bool) -> dict:
    if cold:
        shutil.rmtree(data_dir / "exports", ignore_errors=True)
    app = _app(data_dir)
    client = app.test_client()
    rss_before = _rss_mb()
    out = data_dir / "catalog.jsonl.gz"
    with app.app_context():
        busy0, own0 = _cpu_ticks(), sum(os.times()[:2])
        elapsed, size, chunks, headers = _get(client, "/api/v1/catalog.jsonl.gz", out)
        busy, own = _cpu_ticks() - busy0, sum(os.times()[:2]) - own0
    peak = _peak_mb()
    lines, deleted, raw = _count(out)
    return {"cold": cold, "seconds": elapsed, "cpu_s": own, "other_cores": max(0.0, (busy - own) / elapsed),
            "entries": lines, "entries_per_s": lines / elapsed, "gzip_mb": size / 2**20,
            "json_mb": raw / 2**20, "chunks": chunks, "deleted": deleted, "rss_before_mb": rss_before,
            "peak_rss_mb": peak, "header_entries": int(headers.get("X-Catalog-Entries", -1))}


def stage_changes(data_dir: Path) -> dict:
    """Withdraw 1% and touch 1% of the entries, then time the change feed since just before."""
    from sqlalchemy import text

    from portal.extensions import db

    app = _app(data_dir)
    client = app.test_client()
    with app.app_context():
        since = db.session.execute(text("SELECT max(modified_at) FROM datasets")).scalar()
        db.session.execute(text("UPDATE datasets SET state = 'withdrawn', modified_at = :now "
                                "WHERE rowid % 100 = 0"), {"now": "2030-01-01 00:00:00.000000"})
        db.session.execute(text("UPDATE datasets SET modified_at = :now WHERE rowid % 100 = 1"),
                           {"now": "2030-01-01 00:00:00.000000"})
        db.session.commit()
        db.session.remove()
        rss_before = _rss_mb()
        out = data_dir / "changes.jsonl.gz"
        elapsed, size, chunks, _ = _get(client, "/api/v1/catalog.jsonl.gz?modified_since=2029-12-31T00:00:00Z", out)
    lines, deleted, _raw = _count(out)
    return {"seconds": elapsed, "entries": lines, "tombstones": deleted, "rss_before_mb": rss_before,
            "peak_rss_mb": _peak_mb(), "previous_newest": str(since)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rounds", type=int, default=2,
                   help="cold full dumps (generated from the database), each in a fresh process (default 2); "
                        "one warm round (the kept file) follows")
    p.add_argument("--workdir", help="directory for the temporary catalog (default: system temp)")
    p.add_argument("--keep", action="store_true", help="keep the temporary catalog")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--stage", choices=["files", "dump", "warm", "changes"], help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.stage:
        data_dir = Path(args.dir)
        stages = {"files": stage_files, "dump": lambda d: stage_dump(d, True),
                  "warm": lambda d: stage_dump(d, False), "changes": stage_changes}
        _emit(stages[args.stage](data_dir))
        return 0

    work = Path(tempfile.mkdtemp(prefix=f"portal-dump-{args.size}-", dir=args.workdir))
    me = Path(__file__).resolve()
    try:
        _log(f"building a catalog of {args.size:,} entries in {work}")
        gen = _child(me.parent / "search.py", ["--stage", "gen", "--dir", str(work), "--size", str(args.size),
                                               "--seed", str(args.seed)])
        files = _child(me, ["--stage", "files", "--dir", str(work)])
        rounds = []
        for i in range(args.rounds + 1):
            r = _child(me, ["--stage", "dump" if i < args.rounds else "warm", "--dir", str(work)])
            _log(f"{'cold' if r['cold'] else 'warm'} round: {r['entries']:,} entries in {r['seconds']:.2f} s "
                 f"({r['entries_per_s']:,.0f}/s, CPU {r['cpu_s']:.1f} s, other processes {r['other_cores']:.1f} "
                 f"cores), peak RSS {r['peak_rss_mb']:.0f} MB")
            assert r["entries"] == args.size == r["header_entries"], r
            rounds.append(r)
        changes = _child(me, ["--stage", "changes", "--dir", str(work)])
        result = {"size": args.size, "seed": args.seed, "gen": gen, "files": files, "rounds": rounds,
                  "changes": changes, "python": sys.version.split()[0], "cores": os.cpu_count(),
                  "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                           text=True).stdout.strip()}
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(f"catalog: {args.size:,} entries, {gen['rows']['resources']:,} resources "
                  f"({files['file_resources']:,} files, metadata only), SQLite {gen['db_mb']:.0f} MB")
            for r in rounds:
                print(f"full dump, {'cold' if r['cold'] else 'warm'}: {r['seconds']:.2f} s, "
                      f"{r['entries_per_s']:,.0f} entries/s, CPU {r['cpu_s']:.2f} s, other processes "
                      f"{r['other_cores']:.2f} cores, {r['gzip_mb']:.1f} MB gzip ({r['json_mb']:.0f} MB JSON), "
                      f"{r['chunks']:,} chunks, peak RSS {r['peak_rss_mb']:.0f} MB "
                      f"(RSS before the request {r['rss_before_mb']:.0f} MB)")
            print(f"change feed (1% withdrawn, 1% changed): {changes['entries']:,} lines "
                  f"({changes['tombstones']:,} tombstones) in {changes['seconds']:.2f} s, "
                  f"peak RSS {changes['peak_rss_mb']:.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
