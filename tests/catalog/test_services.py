"""Catalog services called directly: visibility, update status, search params, figures, negative list."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.catalog import downloads, queries, services
from portal.catalog import search as catalog_search
from portal.catalog.models import OpenType
from portal.errors import BadRequest, Forbidden, NotFound
from portal.search.text import title_sort_key
from tests import factories as f


def params(query: dict):
    args = MultiDict(query)
    return catalog_search.parse_search_params(args, args.getlist, 20)


def test_update_status_follows_frequency():
    now = datetime(2026, 11, 21)
    ds = type("D", (), {})()
    ds.published_at = None
    for freq, age_days, overdue in [("daily", 2, False), ("daily", 4, True), ("monthly", 30, False),
                                    ("monthly", 40, True), ("annual", 300, False), ("annual", 400, True),
                                    ("irregular", 4000, False)]:
        ds.update_frequency, ds.data_updated_at = freq, now - timedelta(days=age_days)
        assert services.update_status(ds, now).overdue is overdue, (freq, age_days)


def test_parse_search_params_defaults_and_limits():
    p = params({})
    assert (p.q, p.sort, p.page, p.filters) == ("", "modified", 1, {})
    p = params({"q": "  空气质量 ", "agency": ["a", "a", " b "]})
    assert (p.q, p.sort, p.filters) == ("空气质量", "relevance", {"agency": ["a", "b"]})
    assert len(params({"q": "字" * 10000}).q) == 200
    for bad in ({"page": "0"}, {"page": "x"}, {"page": "501"}, {"sort": "price"}):
        with pytest.raises(BadRequest):
            params(bad)


def test_search_rechecks_the_database(app):
    ds = f.dataset("呼和浩特市空气质量")
    ds.state = "draft"  # unpublished, but the index still has it (as if an indexer lagged)
    from portal.extensions import db

    db.session.commit()
    result = catalog_search.search(params({"q": "空气质量"}))
    assert result.datasets == []


def test_get_public_dataset_and_downloadable_resource(app):
    open_ds = f.dataset()
    res = f.csv_resource(open_ds)
    assert queries.get_public_dataset(open_ds.slug) is open_ds
    served = downloads.downloadable_resource(res.id)
    assert (served.id, served.dataset_slug, served.storage_key) == (res.id, open_ds.slug, res.storage_key)
    with pytest.raises(NotFound):
        queries.get_public_dataset("missing")
    cond = f.dataset(open_type=OpenType.CONDITIONAL)
    with pytest.raises(Forbidden):
        downloads.downloadable_resource(f.csv_resource(cond).id)


def test_a_download_decided_inside_a_transaction_counts_its_uncommitted_changes(app):
    """Called while the session holds uncommitted changes (a quarantine just added), the decision reads
    through the session, not on the side connection, which could not see them."""
    from portal.catalog.models import QuarantinedFile
    from portal.errors import UnavailableForLegalReasons
    from portal.extensions import db

    res = f.csv_resource(f.dataset())
    res_id, sha256 = res.id, res.sha256
    db.session.add(QuarantinedFile(sha256=sha256, reason="权利人投诉", source="complaint:1"))
    with pytest.raises(UnavailableForLegalReasons):  # in the transaction that added it
        downloads.downloadable_resource(res_id)
    db.session.rollback()
    assert downloads.downloadable_resource(res_id).id == res_id
    db.session.commit()
    db.session.add(QuarantinedFile(sha256=sha256, reason="权利人投诉", source="complaint:2"))  # only added
    with pytest.raises(UnavailableForLegalReasons):
        downloads.downloadable_resource(res_id)
    db.session.rollback()


def test_figures_and_negative_list(app):
    a = f.dataset(download_count=5)
    f.csv_resource(a)
    f.dataset(open_type=OpenType.CONDITIONAL, download_count=3)
    f.dataset(open_type=OpenType.CLOSED)
    f.dataset(state="draft", download_count=100)
    fig = queries.figures()
    assert (fig.datasets, fig.files, fig.downloads) == (3, 1, 8)
    assert sorted(d.open_type for d in queries.negative_list()) == ["closed", "conditional"]


def test_title_sort_key_is_pinyin():
    keys = [title_sort_key(t) for t in ["呼和浩特", "阿拉善", "包头"]]
    assert sorted(keys) == [keys[1], keys[2], keys[0]]
