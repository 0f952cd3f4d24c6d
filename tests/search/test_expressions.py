"""Filter expressions (what CKAN's fq becomes), index-only fields and facet selection in the backend."""
from __future__ import annotations

from datetime import datetime

import pytest

from portal.search.base import AllOf, AnyOf, Match, Not, Range, SearchQuery
from portal.search.whoosh import WhooshBackend
from tests.search.test_contract import FACETS, doc, ids


@pytest.fixture()
def backend(tmp_path):
    b = WhooshBackend(tmp_path / "index", FACETS, filter_fields=("tags", "licence", "name"))
    docs = [
        doc(1, "呼和浩特市空气质量实时监测数据", agency="hhht", days_ago=30, tags=["空气质量"]),
        doc(2, "包头市空气质量日报", agency="bt", days_ago=10, formats=("CSV", "PDF"), tags=["空气质量", "日报"]),
        doc(3, "呼和浩特市公交线路", agency="hhht", theme="traffic", days_ago=5),
        doc(4, "鄂尔多斯市药店名录", agency="eeds", theme="health", formats=("JSON",), days_ago=1),
    ]
    for d in docs:
        d.facets |= {"tags": list(d.tags), "licence": ["cc-by-4.0" if d.id == "id-4" else "nmg"],
                     "name": [f"slug-{d.id[3:]}"]}
    b.index(docs)
    return b


def found(backend, where, **kw):
    return sorted(ids(backend.search(SearchQuery(where=where, limit=100, **kw))))


def test_matches_on_facet_and_index_only_fields(backend):
    assert found(backend, Match("agency", ("hhht",))) == ["id-1", "id-3"]
    assert found(backend, Match("tags", ("空气质量",))) == ["id-1", "id-2"]
    assert found(backend, Match("licence", ("cc-by-4.0",))) == ["id-4"]
    assert found(backend, Match("name", ("slug-2", "slug-3"))) == ["id-2", "id-3"]
    assert found(backend, Match("id", ("id-4", "nope"))) == ["id-4"]
    assert found(backend, Match("tags", ("unknown",))) == []


def test_boolean_combinations(backend):
    assert found(backend, Not(Match("format", ("PDF",)))) == ["id-1", "id-3", "id-4"]
    assert found(backend, AllOf((Match("agency", ("hhht",)), Not(Match("theme", ("traffic",)))))) == ["id-1"]
    assert found(backend, AnyOf((Match("agency", ("eeds",)), Match("tags", ("日报",))))) == ["id-2", "id-4"]
    assert found(backend, AllOf(())) == ["id-1", "id-2", "id-3", "id-4"]
    assert found(backend, AnyOf(())) == []
    # an expression is AND-ed with the facet filters and the words
    assert found(backend, Not(Match("agency", ("bt",))), filters={"theme": ["env"]}) == ["id-1"]
    page = backend.search(SearchQuery(text="空气质量", where=Not(Match("agency", ("bt",)))))
    assert ids(page) == ["id-1"] and page.total == 1


def test_range_on_modification_time(backend):
    assert found(backend, Range(low=datetime(2026, 10, 25))) == ["id-3", "id-4"]
    assert found(backend, Range(high=datetime(2026, 10, 22))) == ["id-1", "id-2"]
    assert found(backend, Range(datetime(2026, 10, 20), datetime(2026, 10, 28))) == ["id-2", "id-3"]


def test_deleted_documents_stay_out_of_negations(backend):
    backend.remove(["id-4"])
    assert found(backend, Not(Match("agency", ("hhht",)))) == ["id-2"]


def test_facets_only_when_asked_and_index_only_fields_on_request(backend):
    default = backend.search(SearchQuery())
    assert set(default.facets) == set(FACETS)
    asked = backend.search(SearchQuery(facet_fields=("tags", "agency"), where=Match("theme", ("env",))))
    assert asked.facets == {"tags": {"空气质量": 2, "日报": 1}, "agency": {"hhht": 1, "bt": 1}}
    assert backend.search(SearchQuery(facet_fields=())).facets == {}


def test_oldest_first_sort(backend):
    assert ids(backend.search(SearchQuery(sort="modified_asc"))) == ["id-1", "id-2", "id-3", "id-4"]
