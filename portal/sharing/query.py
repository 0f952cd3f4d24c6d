"""Online query (在线查询, mode `query`, SHARING.md §3.3): a named user of a grant reads the granted table page by
page, showing and filtering only the agreed data items, instead of downloading it. `ShareGrant.covers` decides
(through grants.require: 403 with the reason, logged); every query answered, and every one refused, is an
access event of kind `share` with the grant's number (§5). Each answer carries the grant's purpose and the
ban on onward transfer (R2024 §20). The reading itself is tabular.scan, one function.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Mapping

from flask_babel import gettext as _

from ..catalog.models import Resource
from ..errors import Conflict, Invalid
from ..storage import storage
from . import grants, tabular
from .models import ShareGrant
from .schemas import QueryIn, load

MODE = "query"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Table:
    """A granted table the user may query: its header and the agreed columns, in the file's order."""

    grant: ShareGrant
    resource: Resource
    header: list[str]
    agreed: list[str]


@dataclass(frozen=True)
class Answer:
    table: Table
    fields: list[str]
    rows: list[list[str]]
    total: int
    page: int
    pages: int
    filters: list[tuple[str, str, str]]
    page_size: int = PAGE_SIZE

    @property
    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.fields, row)) for row in self.rows]


def _refused(grant: ShareGrant, res: Resource, exc: Invalid | Conflict) -> None:
    grants.log_use(grant, res.id, exc.status, f"{MODE}: {exc.message}")


def table(grant: ShareGrant, resource_id: str, user: Any) -> Table:
    """The table `user` may query under the grant now: 404, a logged 403 saying why (state, user, file, mode,
    period), a logged 409 for a file that is no table or whose header holds no agreed item."""
    res = grants.require(grant, resource_id, user, MODE)
    try:
        if not tabular.is_tabular(res):
            raise Conflict(_("Only CSV and XLSX files can be queried online; this file is %(format)s.",
                             format=res.format), {"refused": "format"})
        header, keep = tabular.agreed_header(grant, res, storage().path(res.storage_key))
    except Conflict as exc:
        _refused(grant, res, exc)
        raise
    return Table(grant, res, header, [header[i] for i in keep])


def _column(t: Table, name: str, field: str) -> str:
    if name in t.agreed:
        return name
    if name in t.header:
        raise Invalid(_("“%(name)s” is not among the data items agreed in the grant.", name=name),
                      {field: _("“%(name)s” is not among the data items agreed in the grant.", name=name)})
    raise Invalid(_("“%(name)s” is no column of this table.", name=name),
                  {field: _("“%(name)s” is no column of this table.", name=name)})


def _filters(t: Table, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    ops, values = data["filter_op"], data["filter_value"]
    out = []
    for n, name in enumerate(data["filter_column"]):
        if name.strip():
            out.append((_column(t, name.strip(), "filter_column"), ops[n] if n < len(ops) else "eq",
                        values[n] if n < len(values) else ""))
    return out


def answer(t: Table, values: Mapping[str, Any]) -> Answer:
    """One page of the table: the chosen agreed columns, the rows passing every filter, the total; 422 naming
    the field for bad input (page below 1, a column unknown or not agreed). Logged either way."""
    grant, res = t.grant, t.resource
    try:
        data = load(QueryIn(), values)
        shown = [_column(t, c.strip(), "columns") for c in data["columns"] if c.strip()] or list(t.agreed)
        filters = _filters(t, data)
    except Invalid as exc:
        _refused(grant, res, exc)
        raise
    page = data["page"]
    rows, total = tabular.scan(res, storage().path(res.storage_key), [t.header.index(c) for c in shown],
                               [tabular.Filter(t.header.index(c), op, v) for c, op, v in filters],
                               (page - 1) * PAGE_SIZE, PAGE_SIZE)
    grants.log_use(grant, res.id, 200, f"{MODE}: page {page}, {total} rows")
    return Answer(t, shown, rows, total, page, max(1, ceil(total / PAGE_SIZE)), filters)


def dump(a: Answer) -> dict[str, Any]:
    """The API's answer (schemas.QueryOut)."""
    g = a.table.grant
    return {"grant": g.id, "resource": a.table.resource.id, "fields": a.fields, "agreed": a.table.agreed,
            "records": a.records, "total": a.total, "page": a.page, "pages": a.pages, "page_size": a.page_size,
            "purpose": g.purpose, "notice": grants.notice(g)}
