"""Search behind the SearchBackend protocol, chosen by PORTAL_SEARCH_BACKEND."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask import current_app

from .base import AllOf, AnyOf, Expr, Match, Not, Range  # noqa: F401
from .base import SearchBackend, SearchDoc, SearchHit, SearchPage, SearchQuery, SearchUnavailable  # noqa: F401


def load_backend(config: Mapping[str, Any], facet_fields: Iterable[str], filter_fields: Iterable[str]) -> SearchBackend:
    """The backend config names, indexing the fields the app factory gives (the catalog's filter registry:
    the search machinery knows no domain)."""
    name = config.get("SEARCH_BACKEND", "whoosh")
    if name == "whoosh":
        from .whoosh.backend import WhooshBackend

        return WhooshBackend(config["SEARCH_INDEX_DIR"], facet_fields, filter_fields)
    if name == "postgres":
        from ..extensions import db
        from .postgres.backend import PostgresBackend

        return PostgresBackend(lambda: db.engine, facet_fields, filter_fields=filter_fields)
    raise ValueError(f"unknown PORTAL_SEARCH_BACKEND {name!r}")


def backend() -> SearchBackend:
    return current_app.extensions["search"]
