"""The /api/v1 blueprint and its route registry: every route is declared with its query and response
schemas (`route`), from which the OpenAPI document is generated (portal/api/openapi.py). The public reads
(v1.py) and the caller's own cases (cases.py) both register here; neither imports the other."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields

from ..errors import Invalid
from .limits import api_limit
from .services import Page

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
api_limit(bp)


@dataclass
class Operation:
    """One documented route: what the OpenAPI document says about it."""

    path: str
    method: str
    endpoint: str
    summary: str
    description: str = ""
    tag: str = "catalog"
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    media_type: str = "application/json"
    errors: tuple[int, ...] = ()
    auth: bool = False
    path_params: dict[str, str] = field(default_factory=dict)
    body: type[Schema] | None = None                     # POST: the form fields (multipart or JSON)
    files: dict[str, str] = field(default_factory=dict)  # POST: file parts of a multipart body, with their meaning
    ok_status: int = 200


OPERATIONS: list[Operation] = []


def route(rule: str, *, summary: str, tag: str, query: type[Schema] | None = None,
          response: type[Schema] | None = None, errors: tuple[int, ...] = (), media_type: str = "application/json",
          path_params: dict[str, str] | None = None, method: str = "get", body: type[Schema] | None = None,
          files: dict[str, str] | None = None, auth: bool = False) -> Callable:
    """Register a route and its OpenAPI operation together, so none can go undocumented.

    GET by default; `method="post"` with `body` (and `files` for the file parts of a multipart body)
    for submissions, which answer 201. `auth` marks routes that need an API token."""
    def decorate(fn: Callable) -> Callable:
        bp.add_url_rule(rule, view_func=fn, methods=[method.upper()])
        OPERATIONS.append(Operation(path=bp.url_prefix + rule, method=method, endpoint=f"{bp.name}.{fn.__name__}",
                                    summary=summary, description=" ".join((fn.__doc__ or "").split()), tag=tag,
                                    query=query, response=response, media_type=media_type,
                                    errors=tuple(sorted({*errors, 429})), auth=auth, path_params=path_params or {},
                                    body=body, files=files or {}, ok_status=201 if method == "post" else 200))
        return fn
    return decorate


def load_args(schema: type[Schema]) -> dict[str, Any]:
    """Query parameters through their schema (repeated parameters for list fields); 422 when invalid."""
    inst = schema()
    data: dict[str, Any] = {}
    for name, fld in inst.fields.items():
        if isinstance(fld, fields.List):
            if name in request.args:
                data[name] = request.args.getlist(name)
        elif name in request.args:
            data[name] = request.args[name]
    try:
        return inst.load(data)
    except ValidationError as exc:
        raise Invalid(_("Some query parameters are not valid."), exc.messages)


def paged(page: Page, **extra: Any) -> dict[str, Any]:
    return {"total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
            "results": list(page.results), **extra}
