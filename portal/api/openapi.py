"""The OpenAPI 3 document of /api/v1, generated with apispec from the marshmallow schemas.

Routes of the native API register their operation with `routes.route`; routes of other API blueprints
under /api/v1 add theirs to EXTRA_OPERATIONS (the agency upload routes below), so a test can check
that every /api/v1 route is documented.
"""
from __future__ import annotations

import json
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from ..catalog.schemas import CheckIn, CheckListOut, CheckOut, EntryIn, EntryOut, ResourceOut, UploadIn, UploadOut
from . import schemas as s
from .routes import OPERATIONS, Operation

API_VERSION = "1.0.0"
STATUS_TEXT = {400: "Bad request (e.g. a NUL character in the address)", 401: "No valid API token",
               409: "Conflicts with the current state", 403: "Not allowed (the reason is in the message)",
               404: "Not found (unknown and non-public alike)", 413: "The upload is too large",
               422: "Invalid parameters (details per field)", 429: "Rate limit reached; see Retry-After",
               503: "Search is temporarily unavailable"}

_ID = {"dataset_id": "The entry's id.", "resource_id": "The resource's id."}
EXTRA_OPERATIONS: list[Operation] = [
    Operation("/api/v1/datasets/<dataset_id>/resources", "put", "catalog_api.upload_resource",
              "Upload a new file to an entry (agency staff)", "The request body is the file. Needs a read-write token.",
              tag="agency uploads", query=UploadIn, response=UploadOut, errors=(401, 403, 404, 413, 422, 429),
              auth=True, path_params={"dataset_id": _ID["dataset_id"]}),
    Operation("/api/v1/datasets/<dataset_id>/resources/<resource_id>", "put", "catalog_api.upload_version",
              "Upload a new version of a file (agency staff)", "Earlier versions stay stored. Needs a read-write token.",
              tag="agency uploads", query=UploadIn, response=UploadOut, errors=(401, 403, 404, 413, 422, 429),
              auth=True, path_params=dict(_ID)),
    Operation("/api/v1/datasets/<dataset_id>/resources/<resource_id>", "get", "catalog_api.resource_versions",
              "A file with all its versions (agency staff, authority, auditors)", "", tag="agency uploads",
              response=ResourceOut, errors=(401, 403, 404, 429), auth=True, path_params=dict(_ID)),
    Operation("/api/v1/datasets", "post", "catalog_api.create_entry",
              "Create a draft catalog entry (agency staff)",
              "The entry's fields, checked as on the console's form (share attribute rules included: SHARING.md "
              "§2.1); 422 names each field to correct. Needs a read-write token.", tag="agency entries",
              body=EntryIn, response=EntryOut, errors=(401, 403, 422, 429), auth=True, ok_status=201),
    Operation("/api/v1/datasets/<dataset_id>", "post", "catalog_api.update_entry",
              "Save an edit of a catalog entry (agency staff)",
              "All the entry's fields, checked as on the console's form; a published entry keeps its public "
              "version until the edit is approved. Needs a read-write token.", tag="agency entries",
              body=EntryIn, response=EntryOut, errors=(401, 403, 404, 409, 422, 429), auth=True, ok_status=201,
              path_params={"dataset_id": _ID["dataset_id"]}),
    Operation("/api/v1/datasets/<dataset_id>/checks", "post", "catalog_api.record_check",
              "Record the agency's confidentiality or disclosure review (agency staff)",
              "Before submitting an entry or a staged edit, the agency records its 保密审查 and 公开审查 of that "
              "content; the caller is the reviewer. A later edit asks for the review again; submission refuses "
              "(422) without them. Needs a read-write token.", tag="agency entries", body=CheckIn, response=CheckOut,
              errors=(401, 403, 404, 409, 422, 429), auth=True, ok_status=201,
              path_params={"dataset_id": _ID["dataset_id"]}),
    Operation("/api/v1/datasets/<dataset_id>/checks", "get", "catalog_api.list_checks",
              "The agency's recorded reviews of an entry (agency staff, authority, auditors)", "",
              tag="agency entries", response=CheckListOut, errors=(401, 403, 404, 429), auth=True,
              path_params={"dataset_id": _ID["dataset_id"]}),
    Operation("/api/v1/catalog.jsonl.gz", "get", "exports.catalog_dump",
              "The whole public catalog, or its changes, as gzipped JSON lines",
              "One JSON object per public entry (catalog fields, data items, tags, themes, agency, resources with "
              "download addresses and SHA-256), streamed. DCAT-AP 3 is at /catalog.ttl, /catalog.jsonld and "
              "/catalog.rdf.", tag="bulk", query=s.CatalogDumpIn, media_type="application/gzip", errors=(400, 429)),
]

# Where the portal's own address goes in the examples; `served()` puts the request's in its place.
BASE_URL = "https://portal.invalid"
# Runnable examples (the x-codeSamples that API tools show), tested by running them (tests/api/test_examples.py).
# Chinese in the query is percent-encoded by curl (-G --data-urlencode): servers refuse raw non-ASCII with 400.
CODE_SAMPLES: dict[tuple[str, str], list[str]] = {
    ("/api/v1/datasets", "get"): [f'curl -G "{BASE_URL}/api/v1/datasets" --data-urlencode "q=空气质量" -d per_page=5'],
    ("/api/v1/datasets/{slug}", "get"): [f'curl "{BASE_URL}/api/v1/datasets/<slug>"'],
    ("/api/v1/applications", "get"): [f'curl -H "Authorization: Bearer $TOKEN" "{BASE_URL}/api/v1/applications"'],
}

DESCRIPTION = (
    "Public catalog of the portal: search with the site's filters, facets, sorting and paging; entries, "
    "resources and downloads; agencies, themes, tags, annual open plans, the negative list and key figures. "
    "Reading needs no account. With an API token the caller submits and follows their own applications, "
    "rights complaints, corrections and reports (multipart/form-data with files as parts; a read-write token "
    "to submit). Every error has the body {\"error\": {\"code\", \"message\", \"details\"}}. "
    f"Paged lists take page (1 to 500) and per_page (1 to {s.MAX_PER_PAGE}, default {s.DEFAULT_PER_PAGE}). "
    "Rate limits apply per API token (sent as `Authorization: Bearer <token>`) or, without one, per client "
    "address; a 429 carries Retry-After and X-RateLimit-* headers. The CKAN-compatible Action API is at "
    "/api/3/action/<name>. Chinese and other non-ASCII characters must be percent-encoded in the address "
    "(q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F for 空气质量; curl does it with -G and --data-urlencode, as in the "
    "examples): the server refuses them raw with 400."
)


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _form_body(op: Operation) -> dict[str, Any]:
    """A submission: the fields of `op.body` as multipart/form-data (with the file parts) or as JSON (no files)."""
    name = op.body.__name__.removesuffix("Schema")
    multipart: dict[str, Any] = {"allOf": [{"$ref": f"#/components/schemas/{name}"}]}
    if op.files:
        multipart["allOf"].append({"type": "object", "properties": {
            part: {"type": "array", "items": {"type": "string", "format": "binary"}, "description": text}
            for part, text in op.files.items()}})
    content: dict[str, Any] = {"multipart/form-data": {"schema": multipart}}
    content["application/json"] = {"schema": op.body}
    return {"required": True, "content": content,
            "description": "Fields as multipart/form-data (files as parts, repeated for several) or, without files, "
                           "as a JSON object."}


def _operation(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.endpoint.replace(".", "_") + ("" if op.method == "get" else f"_{op.method}"),
                           "summary": op.summary, "tags": [op.tag]}
    if op.description:
        out["description"] = op.description
    params: list[dict[str, Any]] = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"},
                                     "description": text} for name, text in op.path_params.items()]
    if op.query is not None:
        params.append({"in": "query", "schema": op.query})
    if params:
        out["parameters"] = params
    if op.method == "put":
        out["requestBody"] = {"required": True, "description": "The file's bytes.",
                              "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    elif op.body is not None:
        out["requestBody"] = _form_body(op)
    ok = "201" if op.method == "put" else str(op.ok_status)
    if op.response is not None:
        content = {op.media_type: {"schema": op.response}}
    elif op.media_type == "application/json":
        content = {"application/json": {"schema": {"type": "object"}}}
    elif op.media_type == "*/*":  # a stored file in its own media type: any bytes, JSON files included
        content = {op.media_type: {"schema": {"description": "The file's bytes."}}}
    else:
        content = {op.media_type: {"schema": {"type": "string", "format": "binary"}}}
    out["responses"] = {ok: {"description": "OK", "content": content}}
    for status in sorted({*op.errors, 400}):  # every request is refused with 400 when it holds a NUL character
        response: dict[str, Any] = {"description": STATUS_TEXT.get(status, "Error"),
                                    "content": {"application/json": {"schema": "ErrorOut"}}}
        if status == 429:
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
                "X-RateLimit-Limit": {"description": "Requests allowed in the window.", "schema": {"type": "integer"}},
                "X-RateLimit-Remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"}},
                "X-RateLimit-Reset": {"description": "When the window resets (Unix time).", "schema": {"type": "integer"}},
            }
        out["responses"][str(status)] = response
    if op.auth:
        out["security"] = [{"token": []}]
    return out


def build_spec(app: Flask) -> dict[str, Any]:
    """The document for the app's /api/v1 routes (its server is the request's host)."""
    spec = APISpec(title=app.config["SITE_NAME"] + " API", version=API_VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
                   servers=[{"url": "/", "description": "this portal"}])
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer",
                                              "description": "An API token from the account page."})
    spec.components.schema("ErrorOut", schema=s.ErrorOut)
    for op in OPERATIONS:  # request bodies are referenced from multipart content by name
        if op.body is not None and op.body.__name__.removesuffix("Schema") not in spec.components.schemas:
            spec.components.schema(op.body.__name__.removesuffix("Schema"), schema=op.body)
    by_path: dict[str, dict[str, Any]] = {}
    for op in [*OPERATIONS, *EXTRA_OPERATIONS]:
        operation = by_path.setdefault(openapi_path(op.path), {})[op.method] = _operation(op)
        samples = CODE_SAMPLES.get((openapi_path(op.path), op.method))
        if samples:
            operation["x-codeSamples"] = [{"lang": "Shell", "label": "curl", "source": text} for text in samples]
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def served(document: str, base: str) -> str:
    """The document's JSON text with the portal's address (`base`, no trailing slash) in the examples."""
    return document.replace(BASE_URL, json.dumps(base)[1:-1])
