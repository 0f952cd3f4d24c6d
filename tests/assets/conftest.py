from __future__ import annotations

import pytest

from tests.catalog.test_review import publish, submitted  # noqa: F401  (the fixture `published` builds on)


@pytest.fixture()
def published(request):
    """The catalog tests' entry (a CSV of one row, monthly updates) published by the authority; returns
    (dataset, the agency staff's client, the authority's client)."""
    ds, staff, authority = request.getfixturevalue("submitted")
    publish(authority, ds.reviews[0].id)
    return ds, staff, authority
