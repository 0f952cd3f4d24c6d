#!/usr/bin/env python
"""PostgreSQL search backend benchmark on the same synthetic catalog and queries as bench/search.py.

    .venv/bin/python scripts/services.py run -- .venv/bin/python bench/search_pg.py [--sizes 10000,100000]

(`make bench-pg`.) `scripts/services.py run` starts a throw-away PostgreSQL 15 (with RUM) on 127.0.0.1;
`--url postgresql+psycopg://…` points at another server instead. For every size:

  build  a fresh database; `PostgresBackend.bulk_index()` of the catalog's SearchDocs (jieba in 2
         processes, batched upserts, ANALYZE), timed; table + index size;
  gin    the same rows copied into a second table with a GIN index instead of RUM (the fallback when
         the extension is missing), built apart;
  query  the backend alone, `backend.search(SearchQuery(text=q, limit=20, with_facets=…))`, for the
         300 mixed queries of bench/search.py, with and without facets, on RUM and on GIN; then
         filtered (q + agency) and browse (no q: newest, downloads, title) queries. "First time" is a
         new backend object: its first query also loads the facet arrays (once per search generation
         and process); that query is one of the 300 timed, and printed apart.

The database re-check and facet labels of the service path add about 5 ms (see the Whoosh figures).
Totals and facet counts of the RUM and GIN runs are compared query by query (they must be equal).
Timings are wall clock per call; median and p95 pool two rounds. The load average is printed, since
the machine may be shared; the PostgreSQL server's own CPU is part of each query.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

FACETS = ("theme", "agency", "open_type", "format", "frequency", "region")
TARGET_MS = {100_000: 30.0}


def search_docs(size: int, seed: int):
    """The catalog of bench/search.py as the SearchDocs the portal would index (published entries)."""
    from portal.search.text import title_sort_key
    from portal.search.base import SearchDoc

    cat = bench.synth_catalog(size, seed)
    agencies = {a["id"]: a for a in cat["agencies"]}
    themes = {t["id"]: t["slug"] for t in cat["themes"]}
    tags = {t["id"]: t["name"] for t in cat["tags"]}
    items, links, formats = {}, {}, {}
    for it in cat["items"]:
        items.setdefault(it["dataset_id"], []).append(it["name"])
    for ln in cat["links"]:
        links.setdefault(ln["dataset_id"], []).append(tags[ln["tag_id"]])
    for r in cat["resources"]:
        fs = formats.setdefault(r["dataset_id"], [])
        if r["format"] not in fs:
            fs.append(r["format"])
    for d in cat["datasets"]:
        ag = agencies[d["agency_id"]]
        yield SearchDoc(
            id=d["id"], title=d["title"], summary=d["summary"], tags=links.get(d["id"], []), agency=ag["name"],
            items=items.get(d["id"], []),
            facets={"theme": [themes[d["theme_id"]]], "agency": [ag["slug"]], "open_type": [d["open_type"]],
                    "format": formats.get(d["id"], []), "frequency": [d["update_frequency"]], "region": [d["region"]]},
            modified=d["modified_at"], downloads=d["download_count"], title_sort=title_sort_key(d["title"]))


def _db(base_url: str, name: str):
    import psycopg
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    u = make_url(base_url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return create_engine(u.set(database=name))


def _drop(base_url: str, name: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(base_url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _size_mb(engine, schema: str) -> float:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.scalar(text(f"SELECT pg_total_relation_size('{schema}.search_documents')")) / 2**20


def _timed(fn, rounds: list[list]) -> tuple[list[float], list]:
    ms, pages = [], []
    for args in rounds:
        t = time.perf_counter()
        page = fn(*args)
        ms.append((time.perf_counter() - t) * 1000)
        pages.append(page)
    return ms, pages


def run_size(base_url: str, size: int, seed: int, n_queries: int, procs: int) -> dict:
    from sqlalchemy import text

    from portal.search.base import SearchQuery
    from portal.search.postgres.backend import PostgresBackend

    name = f"bench_{size}_{uuid.uuid4().hex[:6]}"
    engine = _db(base_url, name)
    out: dict = {"size": size}
    try:
        rum = PostgresBackend(lambda: engine, FACETS)
        assert rum.uses_rum(), "the rum extension is not available; install postgresql-15-rum"
        t = time.perf_counter()
        n = rum.bulk_index(search_docs(size, seed), procs=procs)
        out["build_s"] = time.perf_counter() - t
        assert n == size
        out["size_mb_rum"] = _size_mb(engine, "public")
        bench._log(f"{size:,}: RUM build {out['build_s']:.1f} s, {out['size_mb_rum']:.0f} MB")

        with engine.begin() as conn:  # the GIN fallback on the same rows
            conn.execute(text("CREATE SCHEMA gin"))
            conn.execute(text("CREATE TABLE gin.search_documents (LIKE public.search_documents INCLUDING ALL EXCLUDING INDEXES)"))
            conn.execute(text("ALTER TABLE gin.search_documents ADD PRIMARY KEY (id)"))
            t = time.perf_counter()
            conn.execute(text("INSERT INTO gin.search_documents SELECT * FROM public.search_documents"))
            from portal.search.postgres.schema import index_ddl, layout_ddl

            conn.execute(text(layout_ddl("gin.search_documents")))  # the same words
            conn.execute(text("SET LOCAL search_path = gin, public"))
            for ddl in index_ddl(rum=False):
                conn.execute(text(ddl))
            conn.execute(text("ANALYZE gin.search_documents"))
            out["gin_copy_and_index_s"] = time.perf_counter() - t
        from sqlalchemy import create_engine

        gin_engine = create_engine(engine.url, connect_args={"options": "-c search_path=gin,public"})
        gin = PostgresBackend(lambda: gin_engine, FACETS, allow_rum=False)
        assert not gin.uses_rum()
        out["size_mb_gin"] = _size_mb(engine, "gin")

        queries = bench.synth_queries(n_queries, seed)
        for q in queries[:20]:  # warm-up
            rum.search(SearchQuery(text=q))
            gin.search(SearchQuery(text=q))
        modes = {}
        pages_by = {}
        for label, make in (("RUM", lambda: PostgresBackend(lambda: engine, FACETS)),
                            ("GIN + ts_rank", lambda: PostgresBackend(lambda: gin_engine, FACETS, allow_rum=False))):
            backend = make()  # a fresh process: no facet counts remembered, no facet arrays loaded yet
            ms, pages = _timed(lambda q: backend.search(SearchQuery(text=q, limit=20)), [(q,) for q in queries])
            modes[f"{label}, facets, first time (counted)"] = bench._stats(ms)
            out.setdefault("first_query_ms", {})[label] = ms[0]  # includes loading the facet arrays
            pages_by[label] = [(p.total, p.facets) for p in pages]
            ms, _ = _timed(lambda q: backend.search(SearchQuery(text=q, limit=20)), [(q,) for q in queries])
            modes[f"{label}, facets, repeated (counts remembered)"] = bench._stats(ms)
            ms, _ = _timed(lambda q: backend.search(SearchQuery(text=q, limit=20, with_facets=False)),
                           [(q,) for q in queries] * 2)
            modes[f"{label}, no facets"] = bench._stats(ms)
            bench._log(f"{size:,}: {label} p95 facets first time {modes[f'{label}, facets, first time (counted)']['p95']:.1f} ms")
        modes["_pages"] = pages_by
        ref, other = modes.pop("_pages").values()
        mismatches = sum(1 for a, b in zip(ref, other) if a != b)
        # filtered and browse queries (RUM backend, with facets)
        agencies = sorted(next(iter([rum.search(SearchQuery()).facets["agency"]])))
        filtered = [(SearchQuery(text=q, filters={"agency": [agencies[i % len(agencies)]]}),)
                    for i, q in enumerate(queries[:100])]
        fresh = PostgresBackend(lambda: engine, FACETS)
        ms, _ = _timed(fresh.search, filtered)
        modes["RUM, q + agency filter, facets, first time"] = bench._stats(ms)
        for sort in ("modified", "downloads", "title"):
            ms, _ = _timed(rum.search, [(SearchQuery(sort=sort, offset=(i % 5) * 20),) for i in range(60)])
            modes[f"browse (no q), sort={sort}, facets"] = bench._stats(ms)
        fresh = PostgresBackend(lambda: engine, FACETS)
        ms, _ = _timed(fresh.search, [(SearchQuery(text=q, sort="modified"),) for q in queries[:100]])
        modes["RUM, q sorted by modified, facets, first time"] = bench._stats(ms)
        totals = [p.total for p, in [(rum.search(SearchQuery(text=q, with_facets=False)),) for q in queries]]
        out.update(modes=modes, rum_gin_mismatches=mismatches, queries=len(queries),
                   zero_hit_queries=sum(1 for t in totals if t == 0), median_hits=sorted(totals)[len(totals) // 2])
        gin_engine.dispose()
    finally:
        engine.dispose()
        _drop(base_url, name)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--procs", type=int, default=2, help="jieba processes for the build (default 2)")
    p.add_argument("--url", default=os.environ.get("PORTAL_TEST_DATABASE_URL"),
                   help="a PostgreSQL database to create the bench databases from (default: scripts/services.py's)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if not args.url:
        p.error("no PostgreSQL: run under `scripts/services.py run --` or pass --url")
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        results.append(run_size(args.url, size, args.seed, args.queries, args.procs))
    report = {"command": " ".join(["bench/search_pg.py"] + sys.argv[1:]), "loadavg": os.getloadavg(),
              "results": results}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        print(f"\n{r['size']:,} entries: build {r['build_s']:.1f} s (RUM table + indexes {r['size_mb_rum']:.0f} MB; "
              f"GIN copy {r['size_mb_gin']:.0f} MB, indexed in {r['gin_copy_and_index_s']:.1f} s)")
        print(f"  {r['queries']} queries, {r['zero_hit_queries']} without hits, median hits {r['median_hits']:,}; "
              f"RUM vs GIN totals+facets differing: {r['rum_gin_mismatches']}")
        print("  first query of a fresh backend (loads the facet arrays; part of the first-time figures): "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in r["first_query_ms"].items()))
        for mode, s in r["modes"].items():
            print(f"  {mode:52s} median {s['median']:7.1f} ms   p95 {s['p95']:7.1f} ms   (n={s['n']})")
        target = TARGET_MS.get(r["size"])
        if target:
            p95 = r["modes"]["RUM, facets, first time (counted)"]["p95"]
            print(f"  target p95 with facets <= {target:.0f} ms: {p95:.1f} ms -> {'MET' if p95 <= target else 'NOT MET'}")
    print(f"\nload average at the end: {report['loadavg']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
