"""Whoosh under several processes: 4 writer processes publish 50 entries each while 2 reader processes
search through the portal; every publish reaches the index and no reader ever gets an error."""
from __future__ import annotations

import multiprocessing as mp
import traceback
from datetime import datetime

from sqlalchemy import select

from portal.catalog import indexing
from portal.catalog.models import Dataset, DatasetState
from portal.extensions import db
from portal.search import SearchQuery, backend
from tests import factories as f
from tests.conftest import build_app

WRITERS, CHANGES, READERS = 4, 50, 2
WORD = "河套灌区"


def _writer(data_dir: str, ids: list[str], out, shared: dict) -> None:
    """One web worker's worth of publishing: change, commit, index_datasets — as review.publish does."""
    try:
        app = build_app(data_dir, **shared)
        with app.app_context():
            for ds_id in ids:
                ds = db.session.get(Dataset, ds_id)
                ds.state = DatasetState.PUBLISHED
                ds.published_at = datetime(2026, 11, 1)
                db.session.commit()
                indexing.index_datasets([ds])
                db.session.remove()
        out.put(("ok", len(ids)))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _reader(data_dir: str, stop, out, shared: dict) -> None:
    """A visitor searching again and again through the portal's pages."""
    requests, errors = 0, []
    try:
        app = build_app(data_dir, **shared)
        client = app.test_client()
        while not stop.is_set():
            for url in (f"/dataset?q={WORD}", "/dataset", f"/dataset?q={WORD}&sort=title"):
                r = client.get(url)
                requests += 1
                if r.status_code != 200:
                    errors.append(f"{url} -> {r.status_code}: {r.get_data(as_text=True)[:300]}")
        out.put(("ok", requests, errors))
    except BaseException:
        out.put(("error", requests, errors + [traceback.format_exc()]))


def test_four_writer_processes_and_two_readers(tmp_path):
    app = build_app(tmp_path)
    with app.app_context():
        ids = [f.dataset(f"巴彦淖尔市{WORD}水利统计第{i}号", state=DatasetState.DRAFT, index=False).id
               for i in range(WRITERS * CHANGES)]
        assert backend().search(SearchQuery(text=WORD)).total == 0
        db.session.remove()

    shared = {"TEST_SCHEMA": app.config["TEST_SCHEMA"]} if app.config.get("TEST_SCHEMA") else {}  # PostgreSQL
    ctx = mp.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    readers = [ctx.Process(target=_reader, args=(str(tmp_path), stop, out, shared)) for _ in range(READERS)]
    writers = [ctx.Process(target=_writer, args=(str(tmp_path), ids[w * CHANGES:(w + 1) * CHANGES], out, shared))
               for w in range(WRITERS)]
    for p in readers + writers:
        p.start()
    results = [out.get(timeout=600) for _ in writers]
    stop.set()
    results += [out.get(timeout=120) for _ in readers]
    for p in readers + writers:
        p.join(timeout=60)
        assert p.exitcode == 0

    writer_results = [r for r in results if len(r) == 2]
    reader_results = [r for r in results if len(r) == 3]
    assert [r[0] for r in writer_results] == ["ok"] * WRITERS, writer_results
    assert sum(r[1] for r in writer_results) == WRITERS * CHANGES
    assert all(r[0] == "ok" for r in reader_results), reader_results
    assert sum(r[1] for r in reader_results) > READERS  # the readers searched during the writes
    reader_errors = [e for r in reader_results for e in r[2]]
    assert reader_errors == []

    with app.app_context():
        assert indexing.pending_count() == 0  # nothing left waiting: every change was applied
        page = backend().search(SearchQuery(text=WORD, limit=WRITERS * CHANGES))
        assert page.total == WRITERS * CHANGES
        assert sorted(h.id for h in page.hits) == sorted(ids)
        assert backend().count() == WRITERS * CHANGES
        published = db.session.scalars(select(Dataset.id).where(Dataset.state == DatasetState.PUBLISHED)).all()
        assert len(published) == WRITERS * CHANGES
    client = app.test_client()
    html = client.get(f"/dataset?q={WORD}").get_data(as_text=True)
    assert "找到 200 条数据" in html
