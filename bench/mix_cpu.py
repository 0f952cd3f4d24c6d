"""CPU time per request of the load mix in one process, without gunicorn (Flask test client).

    .venv/bin/python bench/mix_cpu.py --workdir DIR      # DIR: a work directory bench/load.py kept

Replays the mix of bench/load.py (same weights and URL lists, a fixed random order) on the catalog that
`bench/load.py --workdir DIR` built, with a fresh per-process page cache, and prints the CPU time
(time.process_time) per request, overall and per kind. On a VM whose speed moves from run to run,
compare two commits by running them alternately, several pairs.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", required=True)
    p.add_argument("--requests", type=int, default=8000)
    args = p.parse_args(argv)
    work = Path(args.workdir)
    unlimited = "10000000/minute"
    os.environ.update({"PORTAL_DATA_DIR": str(work / "data"), "PORTAL_SECRET_KEY": "bench-secret",
                       "PORTAL_PAGE_CACHE_URI": "none", "PORTAL_RATELIMIT_SEARCH": unlimited,
                       "PORTAL_RATELIMIT_DOWNLOAD": unlimited, "PORTAL_RATELIMIT_API": unlimited})
    from load import MIX, mix_urls

    from portal import create_app

    urls = mix_urls(json.loads((work / "catalog.json").read_text()))
    order = random.Random(2)
    kinds, weights = zip(*MIX)
    sequence = [(k, order.choice(urls[k])) for k in order.choices(kinds, weights, k=args.requests)]
    client = create_app().test_client()
    cpu: dict[str, float] = collections.defaultdict(float)
    count: collections.Counter = collections.Counter()
    for kind, url in sequence:
        t = time.process_time()
        r = client.get(url)
        r.close()
        cpu[kind] += time.process_time() - t
        count[kind] += 1
        if r.status_code != 200:
            raise SystemExit(f"{url}: {r.status_code}")
    result = {"ms_per_request": round(sum(cpu.values()) / args.requests * 1000, 3),
              "by_kind": {k: round(cpu[k] / count[k] * 1000, 2) for k in kinds}}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
