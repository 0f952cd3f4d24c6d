"""Reaching the sharing pages without typing an address (SHARING.md §6): the 数据共享 group of the console
home for agency staff, the authority and auditors, and the 申请共享 / 申请核实比对 action a published entry's
page offers to staff of another agency only. Over HTTP, asserting on what each user sees."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.conftest import login
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request

CASES = ["requests", "demands", "verifications", "errors", "disputes", "notices", "catalog", "responsibility",
         "negative", "figures"]
TEXTS = {"requests": "共享申请与授权", "demands": "需求申请", "verifications": "核实比对", "catalog": "共享目录",
         "violations": "不符合共享属性规则的条目", "officers": "共享专员"}


def _links(page: str) -> dict[str, tuple[str, str]]:
    """The 数据共享 group's links: {key: (address, text)}."""
    group = re.search(r'<nav class="console-group" id="sharing-nav".*?</nav>', page, re.S)
    assert group, "no 数据共享 group on the page"
    assert "数据共享" in group.group(0)
    return {key: (href, text) for key, href, text in
            re.findall(r'id="sharing-(\w+)" href="([^"]+)">([^<]+)</a>', group.group(0))}


def _action(page: str) -> tuple[str, str] | None:
    """The entry page's sharing action: (address, text), or None."""
    found = re.search(r'id="sharing-action-link" href="([^"]+)">([^<]+)</a>', page)
    return (found.group(1).replace("&amp;", "&"), found.group(2)) if found else None


@pytest.mark.parametrize("who, extra", [("b_staff", []), ("b_officer", []),
                                        ("authority", ["violations", "officers"]), ("auditor", ["violations"])])
def test_console_home_links_every_sharing_page_the_user_may_open(app, parties, as_user, who, extra):
    """Agency staff, the authority and auditors reach every sharing list from the console home (§6); the
    list of entries breaking the sharing rules is for overseers, naming share officers for the authority."""
    client = as_user(parties[who])
    links = _links(client.get("/console/").get_data(as_text=True))
    assert list(links) == CASES + extra
    for key, (href, text) in links.items():  # in Chinese, and every link opens for this user
        assert text == TEXTS.get(key, text) and re.search("[\u4e00-\u9fff]", text), (key, text)
        r = client.get(href)
        assert r.status_code == 200, (key, href, r.status_code)
    assert "violations" not in links or links["violations"][0] == "/sharing/lists/violations"
    assert "officers" not in links or links["officers"][0] == "/console/share-officers"


def test_data_users_and_the_public_are_offered_no_sharing_page(app, parties):
    """The sharing plane is between agencies: a data user's and a visitor's pages link none of it."""
    f.data_user("citizen@example.cn")
    user = app.test_client()
    login(user, "citizen@example.cn")
    visitor = app.test_client()
    for client in (user, visitor):
        for path in ("/", f"/dataset/{parties['conditional'].slug}", f"/dataset/{parties['none'].slug}"):
            page = client.get(path).get_data(as_text=True)
            assert 'id="sharing-nav"' not in page and 'id="sharing-action' not in page, path
            assert "/sharing/requests" not in page and "/sharing/verifications" not in page
    assert user.get("/console/").status_code in (302, 403)


def test_another_agencys_officer_sees_request_sharing_on_a_conditional_entry_and_it_opens_the_form(
        app, parties, as_user):
    """S1/S2 start here: B's share officer finds A's entry and asks for it from its page."""
    for entry in ("conditional", "open"):
        ds = parties[entry]
        client = as_user(parties["b_officer"])
        page = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
        href, text = _action(page)
        assert text == "申请共享" and href == f"/sharing/requests/new?dataset={ds.slug}"
        assert "由本单位共享专员提出" not in page
        form = client.get(href)
        assert form.status_code == 200 and ds.title in form.get_data(as_text=True)


def test_a_not_shared_entry_offers_verification_instead(app, parties, as_user):
    """For a 不予共享 entry the page leads to 核实比对 (§3.5), not to a share request."""
    ds = parties["none"]
    client = as_user(parties["b_officer"])
    href, text = _action(client.get(f"/dataset/{ds.slug}").get_data(as_text=True))
    assert text == "申请核实比对" and href == f"/sharing/verifications/new?dataset={ds.id}"
    assert client.get(href).status_code == 200


def test_other_staff_of_the_requesting_agency_see_the_action_and_that_the_officer_files_it(app, parties, as_user):
    client = as_user(parties["b_staff"])
    page = client.get(f"/dataset/{parties['conditional'].slug}").get_data(as_text=True)
    assert _action(page)[1] == "申请共享" and "由本单位共享专员提出" in page


@pytest.mark.parametrize("who", ["a_officer", "a_staff", "authority", "auditor"])
def test_the_providing_agency_and_the_overseers_see_no_sharing_action_on_the_entry(app, parties, as_user, who):
    """An agency does not ask itself for its own data; the authority and auditors do not request."""
    client = as_user(parties[who])
    for entry in ("open", "conditional", "none"):
        page = client.get(f"/dataset/{parties[entry].slug}").get_data(as_text=True)
        assert client.get(f"/dataset/{parties[entry].slug}").status_code == 200
        assert _action(page) is None and 'id="sharing-action' not in page


def test_the_requests_page_points_the_officer_to_the_catalog_not_to_an_address(app, parties, as_user):
    page = as_user(parties["b_officer"]).get("/sharing/requests").get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="how-to-request">.*?</p>', page, re.S).group(0)
    assert 'href="/sharing/catalog"' in hint and "申请共享" in hint and "?dataset=" not in hint


def test_the_delivery_page_leads_each_officer_to_the_filings_that_follow_a_grant(app, parties, as_user, monkeypatch):
    """From a grant's page: the requesting officer reports an error in the data received (§3.6); the providing
    officer gives notice that sharing stops or changes (§3.8); other staff are offered neither."""
    freeze(monkeypatch, "2026-03-02")
    client = as_user(parties["b_officer"])
    assert ask(client, parties, "open", start="2026-03-02", end="2026-12-31").status_code == 302
    grant = last_request().grant
    grant_id, dataset_id = grant.id, grant.dataset_id
    links = {}
    for who in ("b_officer", "a_officer", "b_staff"):
        page = as_user(parties[who]).get(f"/sharing/grants/{grant_id}").get_data(as_text=True)
        links[who] = {key: (href.replace("&amp;", "&"), text) for key, href, text in
                      re.findall(r'id="([\w-]+)-link" href="([^"]+)">([^<]+)</a>', page)}
    assert links["b_officer"] == {"report-error": (f"/sharing/errors/new?grant={grant_id}", "报告数据错误")}
    assert links["a_officer"] == {"notice": (f"/sharing/notices/new?dataset={dataset_id}", "发出停止或变更共享通知")}
    assert links["b_staff"] == {}
    assert as_user(parties["b_officer"]).get(links["b_officer"]["report-error"][0]).status_code == 200
    assert as_user(parties["a_officer"]).get(links["a_officer"]["notice"][0]).status_code == 200
