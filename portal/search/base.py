"""The SearchBackend protocol and the plain data it speaks; no backend type leaks past this module."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol


@dataclass
class SearchDoc:
    """What the index knows about one public catalog entry."""

    id: str
    title: str
    summary: str
    tags: list[str]
    agency: str
    items: list[str]
    facets: dict[str, list[str]]  # facet field -> values (theme, agency, open_type, format, ...)
    modified: datetime
    downloads: int
    title_sort: str  # a key that sorts Chinese titles by pinyin

    def parts(self) -> dict[str, str]:
        """The text of each part the index weighs apart, by name (search.text.part_words takes the name)."""
        return {"title": self.title, "tags": " ".join(self.tags), "agency": self.agency,
                "items": " ".join(self.items), "summary": self.summary}


SORTS = ("relevance", "modified", "downloads", "title", "modified_asc")


# A filter expression beyond the facet filters (the CKAN `fq` translator builds these): every node is
# evaluated over the whole index as a vector operation, like the facet filters.
@dataclass(frozen=True)
class Match:
    """The entry has at least one of these values in the field (a facet field, an index-only field, or "id")."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Range:
    """The entry's last modification lies within [low, high] (either end open when None)."""

    low: datetime | None = None
    high: datetime | None = None


@dataclass(frozen=True)
class Not:
    expr: "Expr"


@dataclass(frozen=True)
class AllOf:
    exprs: tuple["Expr", ...]


@dataclass(frozen=True)
class AnyOf:
    exprs: tuple["Expr", ...]


Expr = Match | Range | Not | AllOf | AnyOf


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # OR within a field, AND across fields
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    with_facets: bool = True
    where: Expr | None = None                     # AND-ed with the filters
    facet_fields: tuple[str, ...] | None = None   # None: the backend's facet fields


@dataclass
class SearchHit:
    id: str
    score: float | None = None


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]  # field -> value -> count, within the filtered results


class SearchUnavailable(Exception):
    """The backend cannot answer now (index missing or locked beyond the retry budget)."""


class SearchBackend(Protocol):
    def index(self, docs: Iterable[SearchDoc]) -> None: ...

    def bulk_index(self, docs: Iterable[SearchDoc], clear: bool = True, procs: int = 1) -> int: ...

    def remove(self, ids: Iterable[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchPage: ...

    def clear(self) -> None: ...

    def count(self) -> int: ...

    def needs_rebuild(self) -> bool: ...
