"""Filter expressions (what CKAN's fq becomes), index-only fields and facet selection in the backend."""
from __future__ import annotations

from datetime import datetime

import pytest

from portal.search.base import AllOf, AnyOf, Match, Not, Range, SearchQuery
from tests.search.test_contract import FACETS, doc, ids, make_backend  # noqa: F401  (every backend)


@pytest.fixture()
def backend(make_backend):  # noqa: F811  (pytest passes the fixture imported above)
    b = make_backend(filter_fields=("tags", "licence", "name"))
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


def test_counts_of_index_only_fields_over_everything_follow_writes(backend):
    assert backend.search(SearchQuery(facet_fields=("tags",))).facets == {"tags": {"空气质量": 2, "日报": 1}}
    assert backend.search(SearchQuery(facet_fields=("licence",))).facets == {"licence": {"nmg": 3, "cc-by-4.0": 1}}
    changed = doc(3, "呼和浩特市公交线路", agency="hhht", theme="traffic", days_ago=5, tags=["日报"])
    changed.facets |= {"tags": ["日报"], "licence": ["nmg"], "name": ["slug-3"]}
    backend.index([changed])
    assert backend.search(SearchQuery(facet_fields=("tags",))).facets == {"tags": {"空气质量": 2, "日报": 2}}
    backend.remove(["id-2"])
    page = backend.search(SearchQuery(facet_fields=("tags", "agency")))
    assert page.total == 3 and page.facets == {"tags": {"空气质量": 1, "日报": 1}, "agency": {"hhht": 2, "eeds": 1}}
    assert backend.search(SearchQuery()).facets["agency"] == {"hhht": 2, "eeds": 1}


def test_remembered_counts_depend_on_the_expression_and_the_fields(backend):
    """The same words with other expressions, values or counted fields are other answers (a backend that
    remembers counts must key them on all of it)."""
    for _ in range(2):  # the second round may come from memory and must not differ
        a = backend.search(SearchQuery(text="空气质量", where=Match("agency", ("hhht",)), facet_fields=("agency",)))
        b = backend.search(SearchQuery(text="空气质量", where=Match("agency", ("bt",)), facet_fields=("agency",)))
        c = backend.search(SearchQuery(text="空气质量", where=Match("agency", ("bt",)), facet_fields=("tags",)))
        d = backend.search(SearchQuery(text="空气质量", where=Not(Match("agency", ("bt",))), facet_fields=("agency",)))
        e = backend.search(SearchQuery(where=Range(low=datetime(2026, 10, 20)), facet_fields=("theme",)))
        f = backend.search(SearchQuery(where=Range(low=datetime(2026, 10, 30)), facet_fields=("theme",)))
        assert (a.total, a.facets) == (1, {"agency": {"hhht": 1}})
        assert (b.total, b.facets) == (1, {"agency": {"bt": 1}})
        assert (c.total, c.facets) == (1, {"tags": {"空气质量": 1, "日报": 1}})
        assert (d.total, d.facets) == (1, {"agency": {"hhht": 1}})
        assert (e.total, e.facets) == (3, {"theme": {"env": 1, "traffic": 1, "health": 1}})
        assert (f.total, f.facets) == (1, {"theme": {"health": 1}})


def test_totals_without_counts_and_expressions_with_every_sort(backend):
    where = AnyOf((Match("format", ("PDF",)), Match("theme", ("health",)), Match("id", ("id-1",))))
    for sort, expected in [("modified", ["id-4", "id-2", "id-1"]), ("modified_asc", ["id-1", "id-2", "id-4"]),
                           ("title", None), ("downloads", None), ("relevance", ["id-4", "id-2", "id-1"])]:
        page = backend.search(SearchQuery(where=where, sort=sort, with_facets=False))
        assert page.total == 3 and page.facets == {}
        assert sorted(ids(page)) == ["id-1", "id-2", "id-4"]
        if expected:
            assert ids(page) == expected, sort
    page = backend.search(SearchQuery(where=where, sort="modified_asc", offset=1, limit=1))
    assert ids(page) == ["id-2"] and page.total == 3
    assert set(page.facets) == set(FACETS)


def test_words_that_match_nothing_give_empty_counts_of_the_asked_fields(backend):
    page = backend.search(SearchQuery(text="!!!", facet_fields=("tags", "theme")))
    assert page.total == 0 and page.facets == {"tags": {}, "theme": {}}

