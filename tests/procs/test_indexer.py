"""The outbox when another process is applying: the change waits, `flask portal indexer` applies it;
`reindex --if-needed` notices an index that lacks public entries."""
from __future__ import annotations

from portal.catalog import indexing
from portal.search import SearchQuery, backend
from tests import factories as f


def test_change_waits_while_another_process_applies_then_the_indexer_applies_it(app):
    with indexing.indexer_lock(block=True) as held:  # as if another worker were applying
        assert held
        ds_id = f.dataset("乌海市葡萄种植基地名录").id
        assert backend().search(SearchQuery(text="葡萄")).total == 0
        assert indexing.pending_count() == 1
    out = app.test_cli_runner().invoke(args=["portal", "indexer", "--once"])
    assert out.exit_code == 0, out.output
    assert "applied 1 index changes" in out.output
    assert [h.id for h in backend().search(SearchQuery(text="葡萄")).hits] == [ds_id]
    assert indexing.pending_count() == 0


def test_the_next_applier_applies_what_waited(app):
    with indexing.indexer_lock(block=True):
        first = f.dataset("乌海市葡萄种植基地名录")
    second = f.dataset("乌海市葡萄酒庄名录")  # this change finds the lock free and applies both
    assert {h.id for h in backend().search(SearchQuery(text="葡萄")).hits} == {first.id, second.id}


def test_unpublished_entry_leaves_the_index_through_the_outbox(app):
    ds = f.dataset("乌海市葡萄种植基地名录")
    ds.state = "withdrawn"
    from portal.extensions import db

    db.session.commit()
    assert indexing.pending_count() == 1  # recorded with the change itself
    indexing.apply_pending()
    assert backend().search(SearchQuery(text="葡萄")).total == 0


def test_reindex_if_needed_rebuilds_an_incomplete_index(app):
    ds = f.dataset("乌海市葡萄种植基地名录")
    backend().remove([ds.id])  # the index lost an entry
    out = app.test_cli_runner().invoke(args=["portal", "reindex", "--if-needed"])
    assert "Indexed 1 public entries." in out.output
    assert backend().search(SearchQuery(text="葡萄")).total == 1
    out = app.test_cli_runner().invoke(args=["portal", "reindex", "--if-needed"])
    assert "Search index is current." in out.output


def test_a_request_that_changes_a_public_entry_applies_it(app, users, client):
    """An upload to a published entry changes its formats; the search facets follow at once."""
    import re

    from tests.conftest import login

    ds = f.dataset("乌海市葡萄种植基地名录")
    assert backend().search(SearchQuery(text="葡萄", filters={"format": ["JSON"]})).total == 0
    login(client, "staff@example.cn")
    url = f"/console/datasets/{ds.id}/upload"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    r = client.put(url, query_string={"filename": "基地.json", "format": "JSON"}, data='[{"基地": "海勃湾"}]'.encode(),
                   headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert r.status_code == 201, r.get_data(as_text=True)[:300]
    assert indexing.pending_count() == 0
    assert backend().search(SearchQuery(text="葡萄", filters={"format": ["JSON"]})).total == 1
