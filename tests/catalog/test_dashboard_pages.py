"""The console dashboard a page at a time: counts by state, pages of entries newest change first (a stable
order), page links, one state's entries, and an empty state."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from portal.catalog.models import DatasetState
from portal.extensions import db
from portal.models import Agency
from tests import factories as f
from tests.conftest import login


def _entries(page: str) -> list[str]:
    section = page.split('id="entries"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="/console/datasets/[^"]+">([^<]+)</a>', section)


def _many(users, n_published: int = 27, n_draft: int = 3) -> None:
    agency = db.session.query(Agency).filter_by(slug="hhht-sthjj").one()
    start = datetime(2026, 9, 1, 8)
    for i in range(n_published + n_draft):
        state = DatasetState.PUBLISHED if i < n_published else DatasetState.DRAFT
        ds = f.dataset(f"条目{i:02d}", agency_obj=agency, state=state, index=False)
        ds.modified_at = start + timedelta(hours=i)
    db.session.commit()


def test_authority_dashboard_pages_through_every_entry_newest_change_first(client, users):
    _many(users)
    login(client, "authority@example.cn")
    first = client.get("/console/")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert re.search(r'data-count="published">27<', page) and re.search(r'data-count="draft">3<', page)
    one = _entries(page)
    assert one == [f"条目{i:02d}" for i in range(29, 4, -1)]  # 25 a page, newest change first
    assert 'href="/console/?page=2"' in page and 'rel="next"' in page
    two = _entries(client.get("/console/?page=2").get_data(as_text=True))
    assert two == [f"条目{i:02d}" for i in range(4, -1, -1)]
    assert sorted(one + two) == sorted(f"条目{i:02d}" for i in range(30))  # each once: a stable order
    assert _entries(client.get("/console/?page=2").get_data(as_text=True)) == two


def test_one_state_has_its_own_pages(client, users):
    _many(users)
    login(client, "authority@example.cn")
    page = client.get("/console/?state=draft").get_data(as_text=True)
    assert _entries(page) == ["条目29", "条目28", "条目27"]
    assert 'class="pagination"' not in page  # one page only
    assert 'href="/console/?state=published#entries-heading"' in page
    published = client.get("/console/?state=published&page=2").get_data(as_text=True)
    assert _entries(published) == ["条目01", "条目00"]
    assert 'href="/console/?state=published&amp;page=1"' in published


def test_past_the_last_page_and_bad_parameters(client, users):
    _many(users, 2, 0)
    login(client, "authority@example.cn")
    beyond = client.get("/console/?page=9").get_data(as_text=True)
    assert 'id="entries-empty"' in beyond and 'href="/console/?page=1"' in beyond and _entries(beyond) == []
    assert client.get("/console/?state=lost").status_code == 422
    assert client.get("/console/?page=0").status_code == 422
    assert client.get("/console/?page=x").status_code == 422


def test_empty_dashboard_says_so(client, users):
    login(client, "staff@example.cn")
    page = client.get("/console/").get_data(as_text=True)
    assert 'id="entries-empty"' in page and _entries(page) == []
    assert re.search(r'data-count="published">0<', page)


def test_agency_staff_count_and_page_only_their_own_entries(client, users):
    _many(users, 3, 0)
    other = db.session.query(Agency).filter_by(slug="bt-sthjj").one()
    f.dataset("包头的条目", agency_obj=other, index=False)
    login(client, "staff@example.cn")
    page = client.get("/console/").get_data(as_text=True)
    assert re.search(r'data-count="published">3<', page) and "包头的条目" not in page
    assert _entries(page) == ["条目02", "条目01", "条目00"]


def test_review_queue_pages_earliest_due_first(client, users):
    from datetime import date

    from portal.catalog.models import Review

    agency = db.session.query(Agency).filter_by(slug="hhht-sthjj").one()
    for i in range(27):
        ds = f.dataset(f"待审{i:02d}", agency_obj=agency, state=DatasetState.SUBMITTED, index=False)
        db.session.add(Review(dataset=ds, kind="publish", snapshot={"title": f"待审{i:02d}"},
                              due_date=date(2026, 10, 1) + timedelta(days=i), submitted_at=datetime(2026, 9, 1)))
    db.session.commit()
    login(client, "authority@example.cn")

    def titles(url: str) -> list[str]:
        return re.findall(r'<a href="/review/\d+">(待审\d\d)</a>', client.get(url).get_data(as_text=True))
    first = client.get("/review/").get_data(as_text=True)
    assert titles("/review/") == [f"待审{i:02d}" for i in range(25)]
    assert 'href="/review/?page=2"' in first
    assert titles("/review/?page=2") == ["待审25", "待审26"]
    assert 'id="queue-beyond"' in client.get("/review/?page=5").get_data(as_text=True)
    assert client.get("/review/?page=-1").status_code == 422


def test_empty_review_queue_says_so(client, users):
    login(client, "authority@example.cn")
    page = client.get("/review/").get_data(as_text=True)
    assert 'class="empty-state"' in page and 'id="review-queue"' not in page and 'class="pagination"' not in page
