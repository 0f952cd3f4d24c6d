#!/usr/bin/env python
"""CKAN package_search through the HTTP stack vs the search service it calls, on a synthetic catalog.

    .venv/bin/python bench/ckan_search.py [--size 100000] [--queries 300] [--seed 1] [--repeat 2]
                                          [--dir DIR] [--keep] [--wait-idle S] [--json]

The catalog and the queries are bench/search.py's (same builder, same seed, same query list); the
catalog is built and indexed in child processes (`bench/search.py --stage gen|build`), or an existing
one is reused with --dir (e.g. one kept by `bench/search.py --keep`). Then, in one process, every query
is run in pairs, alternating which goes first, so that load from other processes hits both alike:

  service   `catalog.search.search(SearchParams(q, per_page=10, offset=0, facet_fields=()))` — what
            package_search asks of the service for CKAN's defaults (10 rows, no facet.field);
  ckan      GET /api/3/action/package_search?q=… through the Flask test client: routing, rate limiter,
            login manager, parameter coercion, the same service call, ten CKAN package dicts, JSON.

and then, as a second pair, the same queries with a filter and facets:

  service   + where=Match(agency, …) and facet_fields=(agency, tags, format);
  ckan      + fq=organization:<slug> -res_format:PDF and facet.field=["organization","tags","res_format"].

The site's own service call (20 rows, the six sidebar facets) is measured too, as bench/search.py does,
for reference. Timings are wall clock per call; `db.session.remove()` runs after each call, untimed.
median and p95 pool every round (numpy, linear interpolation). The target: ckan p95 at most 20 ms above
the service's p95 for the same query. The access event each API call commits (R2018 §24) is also
timed alone, as part of what the HTTP path adds.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_search)

TARGET_EXTRA_MS = 20.0
FILTER_AGENCIES = ["nmg-sthjt", "hhht-sthjj", "bt-jtysj", "ordos-scjgj", "cf-sthjj", "nmg-wjw"]


def _child(args: list[str]) -> dict:
    """A stage of bench/search.py in its own process (its memory and cold start are its own)."""
    import subprocess

    cmd = [sys.executable, str(ROOT / "bench" / "search.py")] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        raise SystemExit(f"stage failed: {' '.join(args)} (exit {proc.returncode})")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")][-1]
    return json.loads(line[len("BENCH-RESULT "):])


def measure(data_dir: Path, n_queries: int, seed: int, repeat: int, wait_idle: float) -> dict:
    from portal import create_app
    from portal.catalog import search as catalog_search
    from portal.catalog.search import SearchParams
    from portal.config import TestConfig
    from portal.audit import services as audit
    from portal.extensions import db
    from portal.search import AllOf, Match, Not

    queries = bench_search.synth_queries(n_queries, seed)
    # The page cache is off: every call does the whole search (repeats would otherwise be cache hits).
    app = create_app(TestConfig(data_dir, PAGE_CACHE_SECONDS=0))
    client = app.test_client()
    samples: dict[str, list[float]] = {k: [] for k in ("service", "ckan", "service_fq", "ckan_fq", "site_service",
                                                        "access_log")}
    loads: dict[str, list[float]] = {"plain": [], "filtered": []}
    mismatches: list[str] = []

    def timed(fn):
        t = time.perf_counter()
        out = fn()
        ms = (time.perf_counter() - t) * 1000
        db.session.remove()
        return ms, out

    def log_call():
        """What the API adds after each answer: one access event, committed."""
        audit.record_access("api", 200, detail=f"GET /api/3/action/package_search?q={q}")
        db.session.commit()

    def service(q, agency=None):
        where = None if agency is None else AllOf((Match("agency", (agency,)), Not(Match("format", ("PDF",)))))
        facets = () if agency is None else ("agency", "tags", "format")
        return lambda: catalog_search.search(SearchParams(q=q, sort="relevance", per_page=10, offset=0, where=where,
                                                          facet_fields=facets)).total

    def ckan(q, agency=None):
        params = {"q": q}
        if agency is not None:
            params |= {"fq": f"organization:{agency} -res_format:PDF",
                       "facet.field": '["organization","tags","res_format"]'}

        def call():
            r = client.get("/api/3/action/package_search", query_string=params)
            assert r.status_code == 200, r.get_data(as_text=True)[:300]
            return r.get_json()["result"]["count"]
        return call

    with app.app_context():
        t = time.perf_counter()
        catalog_search.search(SearchParams(q=queries[0]))  # cold start: jieba, facet arrays
        first_ms = (time.perf_counter() - t) * 1000
        db.session.remove()
        for q in queries[:20]:  # warm-up
            timed(service(q))
            timed(ckan(q))
        for rnd in range(repeat):
            if wait_idle:
                bench_search._wait_idle(wait_idle)
            with bench_search._Contention() as load:
                for i, q in enumerate(queries):
                    pair = [("service", service(q)), ("ckan", ckan(q))]
                    if (i + rnd) % 2:
                        pair.reverse()
                    totals = {}
                    for name, fn in pair:
                        ms, totals[name] = timed(fn)
                        samples[name].append(ms)
                    if totals["service"] != totals["ckan"]:
                        mismatches.append(f"{q!r}: service {totals['service']} ckan {totals['ckan']}")
                    ms, _ = timed(lambda: catalog_search.search(SearchParams(q=q, per_page=20)).total)
                    samples["site_service"].append(ms)
                    with app.test_request_context("/api/3/action/package_search", query_string={"q": q}):
                        ms, _ = timed(log_call)
                    samples["access_log"].append(ms)
            loads["plain"].append(load.other_cores)
            bench_search._log(f"round {rnd + 1}: other processes used {load.other_cores:.2f} cores")
            with bench_search._Contention() as load:
                for i, q in enumerate(queries):
                    agency = FILTER_AGENCIES[i % len(FILTER_AGENCIES)]
                    pair = [("service_fq", service(q, agency)), ("ckan_fq", ckan(q, agency))]
                    if (i + rnd) % 2:
                        pair.reverse()
                    totals = {}
                    for name, fn in pair:
                        ms, totals[name] = timed(fn)
                        samples[name].append(ms)
                    if totals["service_fq"] != totals["ckan_fq"]:
                        mismatches.append(f"{q!r} fq {agency}: service {totals['service_fq']} ckan {totals['ckan_fq']}")
            loads["filtered"].append(load.other_cores)
    stats = {k: bench_search._stats(v) for k, v in samples.items()}
    return {"queries": len(queries), "repeat": repeat, "first_query_ms": first_ms, "stats": stats,
            "other_cores": loads, "mismatches": mismatches, "peak_rss_mb": bench_search._peak_rss_mb()}


def report(size: int, result: dict, machine: dict) -> str:
    s = result["stats"]
    lines = [f"CKAN package_search benchmark — {size:,} entries, {result['queries']} queries x {result['repeat']} rounds; "
             f"{machine['cores']} cores, {machine['cpu']}, Python {machine['python']}, commit {machine['commit']}", ""]
    rows = [("search service, as package_search calls it (10 rows, no facets)", "service"),
            ("package_search over HTTP (q)", "ckan"),
            ("search service + agency filter, 3 facets", "service_fq"),
            ("package_search over HTTP (q, fq, facet.field)", "ckan_fq"),
            ("for reference: the site's service call (20 rows, 6 facets)", "site_service"),
            ("part of the HTTP path: the access event of the call, committed", "access_log")]
    for label, key in rows:
        lines.append(f"  {label:<66} median {s[key]['median']:7.1f} ms   p95 {s[key]['p95']:7.1f} ms")
    for plain, http in (("service", "ckan"), ("service_fq", "ckan_fq")):
        extra = s[http]["p95"] - s[plain]["p95"]
        verdict = "met" if extra <= TARGET_EXTRA_MS else "NOT met"
        lines.append(f"  p95 over the service ({http}): {extra:+.1f} ms (target +{TARGET_EXTRA_MS:.0f} ms: {verdict})")
    lines.append(f"  first (cold) query {result['first_query_ms']:.0f} ms; peak RSS {result['peak_rss_mb']:.0f} MB; "
                 f"other processes used {result['other_cores']} cores during the rounds")
    lines.append(f"  totals equal in both paths: {'yes' if not result['mismatches'] else result['mismatches'][:5]}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--dir", help="an existing catalog directory (portal.db + index) to measure; nothing is built")
    p.add_argument("--keep", action="store_true", help="keep the catalog built in a temporary directory")
    p.add_argument("--wait-idle", type=float, default=0, metavar="S",
                   help="before each round, wait up to S seconds for other processes to go quiet")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    machine = bench_search._machine()
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix=f"portal-ckan-bench-{args.size}-"))
    try:
        if not args.dir:
            common = ["--dir", str(work), "--seed", str(args.seed)]
            _child(["--stage", "gen", "--size", str(args.size)] + common)
            _child(["--stage", "build"] + common)
        result = measure(work, args.queries, args.seed, args.repeat, args.wait_idle)
    finally:
        if not args.dir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    out = {"machine": machine, "size": args.size, "result": result,
           "command": " ".join([".venv/bin/python", "bench/ckan_search.py"] + (argv or sys.argv[1:]))}
    print(json.dumps(out, ensure_ascii=False, indent=2) if args.json else report(args.size, result, machine))
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
