"""A saved search: the search page's query and filters, kept as its normalised query string, and read
against one entry when that entry changes (the search index is not asked inside the change's flush)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from ..catalog.filters import FILTERS, FILTERS_BY_NAME
from ..catalog.models import Dataset

MAX_LENGTH = 500


def normalise(args: list[tuple[str, str]]) -> str:
    """The query string of a search (q and the facet filters, in a fixed order; paging and sorting dropped)."""
    q = next((v.strip() for k, v in args if k == "q" and v.strip()), "")
    kept = [("q", q)] if q else []
    for definition in FILTERS:
        values = sorted({v.strip() for k, v in args if k == definition.name and v.strip()})
        kept.extend((definition.name, v) for v in values)
    return urlencode(kept)[:MAX_LENGTH]


def parts(key: str) -> tuple[str, dict[str, list[str]]]:
    q, filters = "", {}
    for k, v in parse_qsl(key):
        if k == "q":
            q = v
        elif k in FILTERS_BY_NAME:
            filters.setdefault(k, []).append(v)
    return q, filters


def matches(key: str, ds: Dataset) -> bool:
    """Whether the entry is one the saved search finds: every filter holds (values of one filter combine
    with OR, as on the search page) and every word of the query is in its title, summary or tags."""
    q, filters = parts(key)
    for name, wanted in filters.items():
        try:
            have = {str(v) for v in FILTERS_BY_NAME[name].values(ds) if v}
        except AttributeError:
            return False
        if name == "format":
            have, wanted = {h.upper() for h in have}, [w.upper() for w in wanted]
        if not have & set(wanted):
            return False
    text = " ".join([ds.title or "", ds.summary or "", *(t.name for t in ds.tags)]).lower()
    return all(word in text for word in q.lower().split())
