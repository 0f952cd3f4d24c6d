"""Property-based tests of /api/v1 from its own OpenAPI document: every documented operation, read or
write, is called with generated parameters and bodies, and every answer must be no server error, of a
documented status code and content type, and match the documented response schema.

The operations come from /api/v1/openapi.json itself, so an operation added to the document is
tested without touching this file. Generated path parameters are random strings (so mostly 404);
each case is therefore sent a second time with real identifiers from the demo catalog, so the
documented success answers are checked too. Write operations run against a demo catalog of their
own, with a read-write token of an agency's staff, so the shared read-only demo app stays as it was.
"""
from __future__ import annotations

import tempfile
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)
from sqlalchemy import select

from portal.extensions import db
from tests.conftest import build_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SPEC = "/api/v1/openapi.json"
READ_METHODS = {"get", "head", "options"}


def _real_values() -> dict[str, list[str]]:
    """Identifiers that exist in the demo catalog, per path-parameter name: public and non-public
    entries, files and links, open and conditional ones, so each documented answer can come up."""
    from portal.agencies.models import Agency
    from portal.catalog.models import Dataset, Resource

    datasets = db.session.execute(select(Dataset.id, Dataset.slug).order_by(Dataset.slug)).all()
    resources = db.session.execute(select(Resource.id, Resource.dataset_id).order_by(Resource.id)).all()
    agencies = db.session.scalars(select(Agency.slug).order_by(Agency.slug)).all()
    return {
        "slug": [d.slug for d in datasets] + list(agencies),
        "dataset_id": [str(d.id) for d in datasets],
        "resource_id": [str(r.id) for r in resources],
        "_pairs": [f"{r.dataset_id}/{r.id}" for r in resources],
    }


def _with_real_ids(case, real: dict[str, list[str]]) -> bool:
    """Replace the generated path parameters by real ones, picked from the generated values so the
    run stays deterministic; a dataset_id/resource_id pair is taken as one (a file of that entry)."""
    params = dict(case.path_parameters or {})
    if not params:
        return False
    pick = zlib.crc32(repr(sorted(params.items())).encode())
    if {"dataset_id", "resource_id"} <= set(params) and real["_pairs"]:
        params["dataset_id"], params["resource_id"] = real["_pairs"][pick % len(real["_pairs"])].split("/")
    for name in params:
        if name in ("dataset_id", "resource_id") and {"dataset_id", "resource_id"} <= set(params):
            continue
        values = real.get(name)
        if values:
            params[name] = values[pick % len(values)]
    case.path_parameters = params
    if case.media_type == "application/octet-stream" and {"filename", "format"} <= set(case.query or {}):
        # an upload: a small valid CSV file, so the upload itself can succeed too
        case.query = {**case.query, "filename": "schemathesis.csv", "format": "CSV"}
        case.body = "站点,PM2.5\n呼和浩特,35\n".encode()
    return True


def _token(app, email: str) -> str:
    from portal.accounts.models import User
    from portal.accounts.tokens import create_token

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        raw = create_token(user, "schemathesis", "read_write", 30)[1]
        db.session.remove()
    return raw


def _document() -> dict:
    """The OpenAPI document as the portal builds it (no data needed), read when the tests are collected
    so each operation becomes a test of its own."""
    from portal import create_app
    from portal.api.openapi import build_spec
    from portal.config import TestConfig, drop_test_schema

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(tmp))
        try:
            with app.app_context():
                return build_spec(app)
        finally:
            drop_test_schema(app.config)


# Loaded at collection rather than through schemathesis.pytest.from_fixture: that lazy loader sets
# pytest's private Node._nodeid, which pytest 9.2 no longer has.
DOCUMENT = _document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
# operations that change data or need a token: called with the agency staff's read-write token
WITH_TOKEN = {(method, path) for path, operations in DOCUMENT["paths"].items()
              for method, operation in operations.items() if method not in READ_METHODS or "security" in operation}
SETTINGS = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def read_ids(demo_app):
    with demo_app.app_context():
        real = _real_values()
        db.session.remove()
    return real


@pytest.fixture(scope="module")
def write_app(tmp_path_factory):
    """A demo catalog of its own for the operations that change data, and a read-write token of the
    staff of 呼和浩特市生态环境局 with the identifiers of that agency's entries and files."""
    from portal.catalog.models import Dataset, Resource
    from portal.demo import load_demo

    from portal.config import drop_test_schema

    app = build_app(tmp_path_factory.mktemp("schemathesis-writes"))
    with app.app_context():
        load_demo()
        real = _real_values()
        # only the entries of the token holder's agency can be uploaded to, so they are the real ones
        mine = db.session.execute(
            select(Dataset.id, Resource.id).join(Resource, Resource.dataset_id == Dataset.id)
            .where(Dataset.agency.has(slug="hhht-sthjj")).order_by(Resource.id)).all()
        real["_pairs"] = [f"{d}/{r}" for d, r in mine]
        real["dataset_id"] = sorted({str(d) for d, _ in mine})
        db.session.remove()
    token = _token(app, "hhht-env@demo.nmg.example")
    yield app, real, {"Authorization": f"Bearer {token}"}
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(app.config)


def _run(case, app, real: dict[str, list[str]], headers: dict[str, str]) -> None:
    # the generator asks for gzip like any HTTP library, but its WSGI transport hands the checks the bytes as
    # sent; the answers are compared uncompressed (tests/test_statics.py checks that gzip gives the same bytes)
    headers = {"Accept-Encoding": "identity", **headers}
    r = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    # 429 is documented, so the checks accept it; the test limits are far above this run's requests,
    # and a 429 here would mean the operation was not exercised at all
    assert r.status_code != 429
    if _with_real_ids(case, real):
        r = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
        assert r.status_code != 429


@SCHEMA.include(method=sorted(READ_METHODS)).parametrize()
@SETTINGS
def test_read_operations_answer_as_documented(case, demo_app, read_ids):
    _run(case, demo_app, read_ids, {})


@SCHEMA.include(lambda ctx: (ctx.operation.method.lower(), ctx.operation.path) in WITH_TOKEN).parametrize()
@SETTINGS
def test_write_operations_answer_as_documented(case, write_app):
    app, real, headers = write_app
    _run(case, app, real, headers)


def test_the_document_tested_is_the_one_served(demo_client):
    import json

    from portal.api.openapi import served

    # the same, with the portal's address (the test client's) in the examples
    assert demo_client.get(SPEC).get_json() == json.loads(served(json.dumps(DOCUMENT), "http://localhost"))


# ---- what the run found, pinned as plain tests ---------------------------------------------------
def test_a_nul_character_in_any_value_of_a_repeated_parameter_is_refused(demo_client):
    for query in ("format=CSV&format=X%00", "theme=%00", "open_type=a&open_type=b&open_type=%00c"):
        r = demo_client.get(f"/api/v1/datasets?{query}")
        assert r.status_code == 400, query
        assert r.get_json()["error"]["code"] == "bad_request"


def test_a_text_file_is_served_with_one_charset(demo_app, demo_client):
    from portal.catalog.models import Resource

    with demo_app.app_context():
        ids = db.session.scalars(select(Resource.id).where(Resource.media_type == "text/csv",
                                                           Resource.encoding.is_not(None)).order_by(Resource.id)).all()
        db.session.remove()
    rid = next(i for i in ids if demo_client.get(f"/api/v1/resources/{i}").get_json()["downloadable"])
    r = demo_client.get(f"/api/v1/resources/{rid}/download")
    assert r.status_code == 200 and r.data
    assert r.headers["Content-Type"].count("charset=") == 1 and r.headers["Content-Type"].startswith("text/csv")


def test_times_carry_their_offset(demo_client):
    body = demo_client.get("/api/v1/datasets?per_page=1").get_json()
    modified = body["results"][0]["modified_at"]
    assert modified.endswith("+00:00"), modified


def test_the_dump_lists_the_columns_of_files(demo_client):
    """On PostgreSQL the stored JSON text came back decoded, and the dump failed half-way."""
    import gzip
    import json

    r = demo_client.get("/api/v1/catalog.jsonl.gz")
    assert r.status_code == 200
    entries = [json.loads(line) for line in gzip.decompress(r.data).splitlines()]
    columns = [res["columns"] for entry in entries for res in entry["resources"] if res["columns"]]
    assert columns and all(isinstance(c, list) and all(isinstance(n, str) for n in c) for c in columns)
