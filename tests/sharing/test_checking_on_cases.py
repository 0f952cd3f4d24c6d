"""While an error check is open on an entry (SHARING.md §3.6; R2018 §21), the request and grant pages of that
entry show 校核中 and the rule that citizens' matters go on (照常办理), citing the article through the legal
registry; once answered, the pages no longer say so."""
from __future__ import annotations

from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request

CHECKING, GOES_ON = "校核中", "照常办理"


def test_request_and_grant_pages_show_the_open_check_and_that_matters_go_on(parties, as_user, monkeypatch):
    """B holds a grant on A's entry; B's officer reports a suspected error on 2026-06-08: B's and A's request and
    grant pages show 校核中 and 照常办理 with the regulation's citation; another entry's request does not; after
    A's answer, neither page does."""
    freeze(monkeypatch, "2026-06-01")
    b = as_user(parties["b_officer"])
    assert ask(b, parties, "open", start="2026-06-01", end="2026-12-31").status_code == 302
    req = last_request()
    assert ask(b, parties, "conditional").status_code == 302
    other = last_request()
    pages = (f"/sharing/requests/{req.id}", f"/sharing/grants/{req.grant.id}")
    for url in pages:
        assert 'id="checking"' not in b.get(url).get_data(as_text=True)

    freeze(monkeypatch, "2026-06-08")
    r = post_form(b, "/sharing/errors/new", {"grant": req.grant.id, "discovered_on": "2026-06-05", "location": "AQI",
                                            "evidence": "2026-05-31 新华广场 AQI 为负数"})
    assert r.status_code == 302
    report_url = r.headers["Location"]
    for user in ("b_staff", "a_officer"):
        client = as_user(parties[user])
        for url in pages:
            page = client.get(url).get_data(as_text=True)
            box = page.split('id="checking"')[1].split("</div>")[0]
            assert CHECKING in box and GOES_ON in box, (user, url)
            assert "/legal#R2018-21" in box, box
    assert 'id="checking"' not in as_user(parties["b_officer"]).get(f"/sharing/requests/{other.id}").get_data(as_text=True)

    freeze(monkeypatch, "2026-06-10")
    a = as_user(parties["a_officer"])
    r = post_form(a, report_url + "/answer", {"outcome": "correct", "answer": "数据无误，负值为传感器标记"})
    assert r.status_code == 302, r.get_data(as_text=True)[-800:]
    for url in pages:
        assert 'id="checking"' not in a.get(url).get_data(as_text=True)
