"""The real ckanapi command-line client against a live portal: action, dump datasets, dump organizations."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.agencies.models import Agency
from portal.catalog.models import Dataset
from portal.extensions import db

CKANAPI = str(Path(sys.executable).with_name("ckanapi"))


@pytest.fixture(scope="module")
def ckan_server(demo_app):
    """The demo portal served on a free port of 127.0.0.1 for this module, stopped afterwards."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def ckanapi(*args: str, timeout: float = 120) -> str:
    # dump starts worker processes by the command's name, so the virtualenv's bin goes first on PATH
    env = {**os.environ, "PATH": f"{Path(CKANAPI).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([CKANAPI, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def catalog(demo_app) -> dict[str, Dataset]:
    with demo_app.app_context():
        entries = {d.slug: d for d in db.session.scalars(select(Dataset)) if d.is_public}
        for d in entries.values():  # load what the comparisons read before the session closes
            d.agency, d.tags, d.resources, d.theme  # noqa: B018
        db.session.expunge_all()
        return entries


def test_action_package_search_with_q_and_fq(ckan_server, demo_client):
    out = ckanapi("action", "package_search", "q=空气质量", "fq=groups:environment -res_format:PDF",
                  "rows=50", "-r", ckan_server)
    result = json.loads(out)
    site = demo_client.get("/api/v1/datasets", query_string={"q": "空气质量", "theme": "environment", "per_page": 50})
    expected = [d["slug"] for d in site.get_json()["results"] if "PDF" not in d["formats"]]
    assert result["count"] == len(expected) > 0
    assert [p["name"] for p in result["results"]] == expected
    assert len(expected) < site.get_json()["total"]  # the negation removed something


def test_action_errors_come_back_as_ckanapi_errors(ckan_server):
    done = subprocess.run([CKANAPI, "action", "package_show", "id=no-such-entry", "-r", ckan_server],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "NotFound" in done.stderr + done.stdout


def test_dump_datasets_all_is_the_public_catalog(ckan_server, demo_app, tmp_path):
    out = tmp_path / "datasets.jsonl"
    ckanapi("dump", "datasets", "--all", "-q", "-O", str(out), "-r", ckan_server, timeout=300)
    dumped = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = catalog(demo_app)
    assert sorted(p["name"] for p in dumped) == sorted(entries)
    for p in dumped:
        ds = entries[p["name"]]
        assert p["name"].isascii()
        assert (p["id"], p["title"], p["notes"]) == (ds.id, ds.title, ds.summary)
        assert p["organization"]["name"] == ds.agency.slug
        assert sorted(t["name"] for t in p["tags"]) == sorted(t.name for t in ds.tags)
        assert [(r["id"], r["format"], r["hash"]) for r in p["resources"]] == [
            (r.id, r.format, f"sha256:{r.sha256}" if r.sha256 else "") for r in ds.resources]
        assert {e["key"]: e["value"] for e in p["extras"]}["code"] == ds.code


def test_dump_organizations_all_is_every_agency(ckan_server, demo_app, tmp_path):
    out = tmp_path / "organizations.jsonl"
    ckanapi("dump", "organizations", "--all", "-q", "-O", str(out), "-r", ckan_server, timeout=300)
    dumped = {o["name"]: o for o in (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
                                    if line.strip())}
    entries = catalog(demo_app)
    with demo_app.app_context():
        agencies = {a.slug: a.name for a in db.session.scalars(select(Agency))}
    assert set(dumped) == set(agencies)
    for slug, org in dumped.items():
        assert org["title"] == agencies[slug]
        assert org["package_count"] == sum(1 for d in entries.values() if d.agency.slug == slug)
