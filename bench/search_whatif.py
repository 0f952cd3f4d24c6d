#!/usr/bin/env python
"""What-if measurements behind the suggestions in bench/README.md ("Search"), on a catalog kept by
`bench/search.py --keep --workdir DIR`. Nothing in portal/ is changed; the database is copied first.

    .venv/bin/python bench/search_whatif.py DIR/portal-bench-100000-XXXX [--queries 300] [--seed 1]

1. SQLite plans of the two statements that scale with the catalog (the service's re-check of the hit ids,
   and reindex_all's page query), as the portal issues them, with `+state` (index on state not used),
   and after ANALYZE (on a copy of the database).
2. The backend as it is, against a numpy sketch that keeps per-term posting arrays (docnums and weights,
   read once from Whoosh and cached) and scores BM25F with vector operations: it must give the same exact
   totals and facet counts, with no second pass over the postings and no per-posting Python.
"""
from __future__ import annotations

import argparse
import math
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from search import _stats, synth_queries  # noqa: E402  (bench/search.py)


def _fmt(ms: list[float]) -> str:
    s = _stats(ms)
    return f"median {s['median']:7.1f} ms   p95 {s['p95']:7.1f} ms"


def sqlite_plans(db_path: Path) -> None:
    print("1. SQLite: the statements whose cost grows with the catalog")
    tmp = Path(tempfile.mkdtemp(prefix="whatif-db-"))
    try:
        copy = tmp / "portal.db"
        shutil.copy(db_path, copy)
        con = sqlite3.connect(copy)
        ids = [r[0] for r in con.execute("SELECT id FROM datasets ORDER BY random() LIMIT 400")]
        marks = ",".join("?" * 20)
        recheck = ("SELECT datasets.* FROM datasets LEFT JOIN agencies ON agencies.id = datasets.agency_id "
                   "LEFT JOIN themes ON themes.id = datasets.theme_id WHERE {state} AND datasets.id IN (" + marks + ")")
        page = "SELECT datasets.* FROM datasets WHERE {state} AND datasets.id > ? ORDER BY datasets.id LIMIT 500"
        starts = [r[0] for r in con.execute("SELECT id FROM datasets ORDER BY random() LIMIT 10")]

        def run(label: str, state: str) -> None:
            ms_r, ms_p = [], []
            for k in range(20):
                t = time.perf_counter()
                con.execute(recheck.format(state=state), ids[k * 20:(k + 1) * 20]).fetchall()
                ms_r.append((time.perf_counter() - t) * 1000)
            for s in starts:
                t = time.perf_counter()
                con.execute(page.format(state=state), (s,)).fetchall()
                ms_p.append((time.perf_counter() - t) * 1000)
            plan_r = con.execute("EXPLAIN QUERY PLAN " + recheck.format(state=state), ids[:20]).fetchall()[0][3]
            plan_p = " / ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + page.format(state=state), (starts[0],)))
            print(f"   {label:<26} re-check of 20 ids: median {statistics.median(ms_r):6.2f} ms  [{plan_r}]")
            print(f"   {'':<26} reindex page of 500: median {statistics.median(ms_p):6.2f} ms  [{plan_p}]")

        run("as issued", "datasets.state = 'published'")
        run("+state (no state index)", "+datasets.state = 'published'")
        con.execute("ANALYZE")
        con.commit()
        con.close()
        con = sqlite3.connect(copy)
        run("after ANALYZE", "datasets.state = 'published'")
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def searcher_fields(backend) -> list[str]:
    return [f for f in backend._current_searcher().reader().indexed_field_names() if f != "id"]


def backend_variants(index_dir: Path, n_queries: int, seed: int) -> None:
    from portal.catalog.filters import FACET_FIELDS
    from portal.search import SearchQuery
    from portal.search.whoosh import backend as W
    from portal.search.text import query_terms

    print(f"2. Backend (no database), facets on, {n_queries} mixed queries, one pass each")
    backend = W.WhooshBackend(index_dir, FACET_FIELDS)
    backend.search(SearchQuery(text="空气质量"))  # warm: jieba, facet arrays
    queries = synth_queries(n_queries, seed)

    def timed(fn):
        ms, out = [], []
        for q in queries:
            t = time.perf_counter()
            out.append(fn(q))
            ms.append((time.perf_counter() - t) * 1000)
        return ms, out

    ms_a, res_a = timed(lambda q: backend.search(SearchQuery(text=q, limit=20)))
    print(f"   as is: docs_for_query + Searcher.search over field(s) {', '.join(searcher_fields(backend))}"
          f"   {_fmt(ms_a)}")

    searcher = backend._current_searcher()
    reader = searcher.reader()
    n = reader.doc_count_all()
    t = time.perf_counter()
    fields = [f for f in reader.indexed_field_names() if f != "id"]  # the text field(s) of the current schema
    lengths = {f: np.array([reader.doc_field_length(d, f, 0) for d in range(n)], dtype=np.float64) for f in fields}
    average = {f: (reader.field_length(f) / n) or 1.0 for f in fields}
    print(f"   numpy sketch: field-length arrays built once in {(time.perf_counter() - t) * 1000:.0f} ms")
    cache: dict[tuple[str, str], tuple | None] = {}

    def postings(field: str, term: str):
        key = (field, term)
        if key not in cache:
            if key in reader:
                m = reader.postings(field, term)
                ids, weights = [], []
                while m.is_active():
                    ids.append(m.id())
                    weights.append(m.weight())
                    m.next()
                cache[key] = (np.array(ids, dtype=np.int64), np.array(weights), reader.doc_frequency(field, term))
            else:
                cache[key] = None
        return cache[key]

    k1, b = 1.2, 0.75

    def sketch(q: str):
        view = backend._view
        mask = view.live.copy()
        score = np.zeros(n)
        for term in query_terms(q):
            hit = np.zeros(n, dtype=bool)
            for field in fields:
                p = postings(field, term)
                if p is None:
                    continue
                ids, tf, df = p
                hit[ids] = True
                idf = math.log(n / (df + 1)) + 1
                score[ids] += idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths[field][ids] / average[field]))
            mask &= hit
        docs = np.flatnonzero(mask)
        top = docs[np.argsort(-score[docs], kind="stable")[:20]]
        return int(mask.sum()), [view.ids[d] for d in top], backend._facets(view, mask, backend.default_facets)

    ms_c1, _ = timed(sketch)
    print(f"   numpy sketch, empty posting cache   {_fmt(ms_c1)}   ({len(cache)} posting lists cached after)")
    ms_c2, res_c = timed(sketch)
    print(f"   numpy sketch, warm posting cache    {_fmt(ms_c2)}")
    totals = sum(1 for a, c in zip(res_a, res_c) if a.total == c[0])
    facets = sum(1 for a, c in zip(res_a, res_c) if a.facets == c[2])
    overlap = [len({h.id for h in a.hits} & set(c[1])) / len(a.hits) for a, c in zip(res_a, res_c) if a.hits]
    print(f"   sketch vs as is: totals equal {totals}/{len(queries)}, facet counts equal {facets}/{len(queries)}, "
          f"same top-20 entries: mean {statistics.mean(overlap):.3f}, min {min(overlap):.2f} (a sketch of BM25F, not Whoosh's code)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("catalog", help="a directory kept by bench/search.py --keep (holds portal.db and index/)")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    root = Path(args.catalog)
    sqlite_plans(root / "portal.db")
    backend_variants(root / "index", args.queries, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
