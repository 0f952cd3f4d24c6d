"""Submission, the authority's review (5 workdays, two checks), publishing, edits of published entries."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from portal import workdays
from portal.audit.models import AuditEvent
from portal.catalog import review
from portal.catalog.models import Dataset, DatasetChange, Review
from portal.errors import Conflict
from portal.extensions import db
from portal.search import backend
from portal.search.base import SearchQuery
from tests import factories as f
from tests.catalog.test_console import ENTRY, create, put_file
from tests.conftest import login, post_form


@pytest.fixture()
def submitted(app, users, client):
    """A draft with a CSV, submitted by the staff; returns (dataset, staff client, authority client)."""
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    assert put_file(client, ds, "充电站名称,功率(千瓦)\n如意充电站,120\n".encode()).status_code == 201
    assert all(r.status_code == 302 for r in f.post_agency_checks(client, ds.id))
    assert post_form(client, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    authority = client.application.test_client()
    login(authority, "authority@example.cn")
    db.session.expire_all()
    return db.session.get(Dataset, ds.id), client, authority


def check(authority, review_id, which, note="已审查，不涉及国家秘密和个人信息。"):
    return post_form(authority, f"/review/{review_id}/check/{which}", {"note": note})


def decide(authority, review_id, action, comment=""):
    url = f"/review/{review_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', authority.get(url).get_data(as_text=True)).group(1)
    return authority.post(f"{url}/decide", data={"csrf_token": token, "action": action, "comment": comment})


def test_submission_is_due_in_five_workdays(submitted):
    ds, staff, authority = submitted
    r = ds.reviews[0]
    assert ds.state == "submitted"
    assert r.due_date == workdays.add_workdays(r.submitted_at, 5)
    html = authority.get("/review/").get_data(as_text=True)
    assert ENTRY["title"] in html and r.due_date.isoformat() in html
    assert r.due_date.isoformat() in staff.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    # a submitted entry cannot be edited or submitted again
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 409


def test_review_checks_then_publish_makes_it_searchable_and_downloadable(submitted, client):
    ds, staff, authority = submitted
    r = ds.reviews[0]
    resp = decide(authority, r.id, "approve")
    assert resp.status_code == 422  # both reviews must be on record first
    assert check(authority, r.id, "confidentiality", note="").status_code == 422
    assert check(authority, r.id, "confidentiality").status_code == 302
    assert check(authority, r.id, "disclosure").status_code == 302
    assert check(authority, r.id, "level", note="确认为一般数据。").status_code == 302
    assert decide(authority, r.id, "approve", "同意发布").status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.state == "published" and ds.published_at is not None
    anonymous = client.application.test_client()
    assert f'href="/dataset/{ds.slug}"' in anonymous.get("/dataset?q=充电桩").get_data(as_text=True)
    res = ds.resources[0]
    assert anonymous.get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code == 200
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(object_id=ds.id).order_by(AuditEvent.id)]
    assert actions[-4:] == ["dataset.submit", "review.confidentiality", "review.disclosure", "dataset.publish"]
    assert decide(authority, r.id, "approve").status_code == 409  # already decided


def test_return_with_comments_then_resubmit(submitted):
    ds, staff, authority = submitted
    r = ds.reviews[0]
    assert decide(authority, r.id, "return", "").status_code == 422  # a return needs its comment
    assert decide(authority, r.id, "return", "请补充更新时效").status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "returned"
    html = staff.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    assert "请补充更新时效" in html
    assert post_form(staff, f"/console/datasets/{ds.id}/edit",
                     {**ENTRY, "theme": "housing", "timeliness": "每月10日前更新"}).status_code == 302
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds.id))
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "submitted"
    assert len(db.session.get(Dataset, ds.id).reviews) == 2


def publish(authority, review_id):
    check(authority, review_id, "confidentiality")
    check(authority, review_id, "disclosure")
    check(authority, review_id, "level")
    assert decide(authority, review_id, "approve").status_code == 302


def test_edit_of_published_entry_stays_offline_until_approved(submitted, client):
    ds, staff, authority = submitted
    publish(authority, ds.reviews[0].id)
    anonymous = client.application.test_client()
    edited = {**ENTRY, "theme": "housing", "title": "呼和浩特市公共充电设施分布", "open_type": "conditional",
              "open_conditions": "限于新能源规划研究", "open_reason": "含运营企业经营信息",
              "open_legal_basis": "《内蒙古自治区公共数据管理暂行办法》第二十一条"}
    assert post_form(staff, f"/console/datasets/{ds.id}/edit", edited).status_code == 302
    page = anonymous.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert ENTRY["title"] in page and "公共充电设施" not in page  # the published version stays online
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds.id))
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    revision = db.session.get(Dataset, ds.id).reviews[0]
    assert revision.kind == "revision" and db.session.get(Dataset, ds.id).state == "published"
    publish(authority, revision.id)
    page = anonymous.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert "呼和浩特市公共充电设施分布" in page and "限于新能源规划研究" in page
    change = db.session.query(DatasetChange).filter_by(dataset_id=ds.id, field="open_type").one()
    assert (change.from_value, change.to_value) == ("unconditional", "conditional")
    assert "有条件开放" in page.split('id="history-heading"')[1]
    assert db.session.query(AuditEvent).filter_by(action="dataset.open_type_changed").count() == 1


def test_disallowed_transitions_are_conflicts():
    assert review.next_state("draft", "submit") == "submitted"
    for state, action in [("published", "submit"), ("draft", "approve"), ("returned", "approve"),
                          ("submitted", "unpublish"), ("withdrawn", "submit"), (None, "approve")]:
        with pytest.raises(Conflict):
            review.next_state(state, action)


def test_two_reviewers_at_once_one_wins(submitted, users):
    ds, staff, authority = submitted
    r = ds.reviews[0]
    check(authority, r.id, "confidentiality")
    check(authority, r.id, "disclosure")
    check(authority, r.id, "level")
    db.session.expire_all()
    mine = db.session.get(Review, r.id)
    mine.dataset  # loaded, as a request would have it
    other = Session(bind=db.engine)
    theirs = other.get(Review, r.id)
    theirs.state, theirs.comment = "returned", "另一位审核员退回"
    theirs.dataset.state = "returned"
    other.commit()
    other.close()
    with pytest.raises(Conflict):
        review.approve(mine, users["authority"])
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "returned"  # the first decision stands, nothing half-applied


def test_unpublish_removes_from_search(submitted):
    ds, staff, authority = submitted
    publish(authority, ds.reviews[0].id)
    assert backend().search(SearchQuery(text="充电桩")).total == 1
    assert 'action="/review/datasets/' in authority.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    assert post_form(authority, f"/review/datasets/{ds.id}/unpublish", {"reason": " "}).status_code == 422
    r = post_form(authority, f"/review/datasets/{ds.id}/unpublish", {"reason": "数据源停止采集"})
    assert r.status_code == 302
    assert backend().search(SearchQuery(text="充电桩")).total == 0
    assert client_status(authority, f"/dataset/{ds.slug}") == 404


def client_status(client, url):
    return client.get(url).status_code


def test_entered_calendar_year_sets_due_dates(app, users, client):
    login(client, "authority@example.cn")
    r = post_form(client, "/review/calendar?year=2031", {"year": "2031", "holidays": "2031-10-01 国庆节\n2031-10-02 国庆节",
                                                          "workdays": "2031-09-28 国庆节调休"})
    assert r.status_code == 302
    assert workdays.year_source(2031) == "entered"
    # Fri 26 + 5: Sun 28 (make-up day), Mon 29, Tue 30, (1–2 Oct off) Fri 3, Mon 6
    assert workdays.add_workdays(date(2031, 9, 26), 5) == date(2031, 10, 6)
    r = post_form(client, "/review/calendar?year=2031", {"year": "2031", "holidays": "2032-01-01 元旦", "workdays": ""})
    assert r.status_code == 422
    assert workdays.year_source(2031) == "entered"  # the bad input changed nothing


def files_on(html: str) -> dict[str, str]:
    """The reviewer's file links on a review page: link text -> address."""
    section = html.split('id="files-heading"')[1].split("</section>")[0]
    return {text.strip(): href.replace("&amp;", "&") for href, text in
            re.findall(r'<a class="button[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', section)}


def test_review_page_shows_the_entry_as_it_will_be_published_with_its_files(submitted, client):
    ds, staff, authority = submitted
    r = ds.reviews[0]
    html = authority.get(f"/review/{r.id}").get_data(as_text=True)
    info = html.split('id="submitted-heading"')[1].split("</section>")[0]
    # the public page's labels and value labels, not the raw keys and codes
    for shown in ("开放属性</th><td>无条件开放", "共享属性</th><td>无条件共享", "更新频率</th><td>每月",
                  "资源分类</th><td>部门信息资源", "主题</th><td>城建住房", "关键字</th><td>充电桩、新能源",
                  "行政区划</th><td>呼和浩特市 (盟市级)", "内蒙古自治区公共数据开放平台数据使用协议"):
        assert shown in info, shown
    for raw in (">open_type<", ">unconditional<", ">monthly<", ">housing<", ">licence_id<", "nmg-open-data-1.0<"):
        assert raw not in html, raw
    assert "充电站名称" in html.split('id="items-heading"')[1] and "单桩额定功率" in html
    # every file can be previewed and downloaded by the reviewer, though the entry is not published
    links = files_on(html)
    assert set(links) == {"预览", "下载"}
    preview = authority.get(links["预览"])
    assert preview.status_code == 200 and "如意充电站" in preview.get_data(as_text=True)
    download = authority.get(links["下载"])
    assert download.status_code == 200 and "如意充电站".encode() in download.data
    anonymous = client.application.test_client()
    for url in links.values():
        assert anonymous.get(url).status_code != 200
    assert anonymous.get(f"/dataset/{ds.slug}/resource/{ds.resources[0].id}/download").status_code == 404
    assert anonymous.get(f"/review/{r.id}").status_code == 302


def test_review_of_an_edit_marks_what_changes(submitted):
    ds, staff, authority = submitted
    publish(authority, ds.reviews[0].id)
    edited = {**ENTRY, "theme": "housing", "open_type": "conditional", "open_conditions": "限于新能源规划研究",
              "open_reason": "含运营企业经营信息", "open_legal_basis": "《数据安全法》第二十一条"}
    assert post_form(staff, f"/console/datasets/{ds.id}/edit", edited).status_code == 302
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds.id))
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    revision = db.session.get(Dataset, ds.id).reviews[0]
    html = authority.get(f"/review/{revision.id}").get_data(as_text=True)
    info = html.split('id="submitted-heading"')[1].split("</section>")[0]
    changed = dict(re.findall(r'<tr class="changed"><th scope="row">([^<]+)</th><td>([^<]*)</td>', info))
    assert changed == {"开放属性": "有条件开放", "开放条件": "限于新能源规划研究", "有条件开放或不予开放理由": "含运营企业经营信息",
                       "法律依据": "《数据安全法》第二十一条"}
    published = html.split('class="published-version"')[1].split("</details>")[0]
    assert "无条件开放" in published and "有条件开放" not in published
