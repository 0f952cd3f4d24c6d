"""Annual open plans: drafting, publishing, progress computed from the catalog, and who may do what."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

import portal.plans.models  # noqa: F401  (tables in db.metadata before create_all)
from portal.audit.models import AuditEvent
from portal.catalog.models import DatasetState, OpenType
from portal.errors import Conflict, Forbidden, Invalid
from portal.extensions import db
from portal.plans import services
from portal.plans.models import OpenPlan, PlanItem, PlanState
from portal.plans.services import ItemData
from tests import factories as f
from tests.conftest import login, post_form

TODAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def plans_app(app, monkeypatch):
    """Register the plans blueprint and tables on the test app until the factory does it; fix 'today'."""
    if "plans" not in app.blueprints:
        from portal.plans.views import bp

        app.register_blueprint(bp)
    db.create_all()
    monkeypatch.setattr(services, "china_today", lambda: TODAY)
    return app


def text(r) -> str:
    return r.get_data(as_text=True)


def entry(title: str, *, agency_obj=None, state: str = DatasetState.DRAFT, open_type: str = OpenType.UNCONDITIONAL,
          published_at: datetime | None = None):
    ds = f.dataset(title, agency_obj=agency_obj, state=state, open_type=open_type, index=False)
    ds.published_at = published_at
    db.session.commit()
    return ds


def publish_entry(ds, at: datetime, open_type: str | None = None) -> None:
    """What the catalog review does when it approves an entry (published_at is stored in UTC)."""
    ds.state = DatasetState.PUBLISHED
    ds.published_at = at
    if open_type:
        ds.open_type = open_type
    db.session.commit()


def item(target: date, open_type: str = OpenType.UNCONDITIONAL, ds=None, new_title: str = "", **flags) -> ItemData:
    return ItemData(target_open_type=open_type, target_date=target, dataset_id=ds.id if ds else None,
                    new_title=new_title, **flags)


def actions(plan_id: int) -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).filter_by(object_type="open_plan", object_id=str(plan_id))
            .order_by(AuditEvent.id)]


# ---- services ------------------------------------------------------------------------
def test_plan_created_published_and_progress_computed_for_every_state(app, users):
    staff = users["agency_staff"]
    agency = staff.agency
    on_time, late, pending, overdue = (entry(t, agency_obj=agency) for t in (
        "呼和浩特市空气质量监测数据", "呼和浩特市水质监测数据", "呼和浩特市噪声监测数据", "呼和浩特市排污许可信息"))
    loosened = entry("呼和浩特市重点排污单位名录", agency_obj=agency, open_type=OpenType.CLOSED)
    too_tight = entry("呼和浩特市危险废物经营许可", agency_obj=agency, open_type=OpenType.CLOSED)

    plan = services.create_plan(2026, staff, agency)
    assert plan.state == PlanState.DRAFT and plan.agency_id == agency.id
    services.update_priorities(plan, "优先开放生态环境监测类数据。", staff)
    services.add_item(plan, item(date(2026, 6, 30), ds=on_time, livelihood=True), staff)
    services.add_item(plan, item(date(2026, 3, 31), ds=late, urgent_demand=True), staff)
    services.add_item(plan, item(date(2026, 12, 31), ds=pending), staff)
    services.add_item(plan, item(date(2026, 6, 30), ds=overdue, commercial_value=True), staff)
    services.add_item(plan, item(date(2026, 9, 30), OpenType.CONDITIONAL, ds=loosened), staff)
    services.add_item(plan, item(date(2026, 5, 31), OpenType.UNCONDITIONAL, ds=too_tight), staff)
    services.add_item(plan, item(date(2026, 8, 31), new_title="呼和浩特市土壤环境质量数据"), staff)
    services.publish_plan(plan, staff)
    assert plan.state == PlanState.PUBLISHED and plan.published_at is not None

    publish_entry(on_time, datetime(2026, 6, 30, 8, 0))                         # 16:00 in China, on the day
    publish_entry(late, datetime(2026, 3, 31, 17, 0))                           # 01:00 on 1 April in China
    publish_entry(loosened, datetime(2026, 9, 1), OpenType.UNCONDITIONAL)       # more open than the target
    publish_entry(too_tight, datetime(2026, 5, 1), OpenType.CONDITIONAL)        # less open than the target
    created = entry("呼和浩特市土壤环境质量数据", agency_obj=agency)              # the new entry, created later
    publish_entry(created, datetime(2026, 9, 2))

    by_title = {i.title: i for i in plan.items}
    assert services.item_progress(by_title[on_time.title], TODAY) == "opened_on_time"
    assert services.item_progress(by_title[late.title], TODAY) == "opened_late"
    assert services.item_progress(by_title[pending.title], TODAY) == "pending"
    assert services.item_progress(by_title[overdue.title], TODAY) == "overdue"
    assert services.item_progress(by_title[overdue.title], date(2026, 6, 30)) == "pending"  # due today: not late yet
    assert services.item_progress(by_title[loosened.title], TODAY) == "opened_on_time"
    assert services.item_progress(by_title[too_tight.title], TODAY) == "overdue"
    new_item = by_title["呼和浩特市土壤环境质量数据"]
    assert services.item_progress(new_item, date(2026, 8, 1)) == "opened_late"  # opened 2 Sep, due 31 Aug
    assert services.item_entry(new_item).id == created.id

    progress = services.plan_progress(plan, TODAY)
    assert progress.total == 7 and progress.opened == 4  # on time, late, loosened, new title
    assert progress.completion == pytest.approx(4 / 7) and progress.completion_percent == 57
    assert progress.count("overdue") == 2 and progress.count("pending") == 1

    assert actions(plan.id) == ["plan.create", "plan.priorities"] + ["plan.item.add"] * 7 + ["plan.publish"]
    publish_event = db.session.query(AuditEvent).filter_by(action="plan.publish").one()
    assert publish_event.actor_id == staff.id and publish_event.details["items"] == 7


def test_withdrawn_or_unpublished_entries_do_not_count_as_opened(app, users):
    staff = users["agency_staff"]
    ds = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    plan = services.create_plan(2026, staff, staff.agency)
    services.add_item(plan, item(date(2026, 12, 31), ds=ds), staff)
    it = plan.items[0]
    assert services.item_progress(it, TODAY) == "pending"
    publish_entry(ds, datetime(2026, 2, 1))
    assert services.item_progress(it, TODAY) == "opened_on_time"
    ds.state = DatasetState.WITHDRAWN
    db.session.commit()
    assert services.item_progress(it, TODAY) == "pending"
    assert services.item_progress(it, date(2027, 1, 1)) == "overdue"


def test_new_title_matches_only_entries_of_the_plans_agency(app, users):
    staff, other = users["agency_staff"], users["other_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    services.add_item(plan, item(date(2026, 6, 30), new_title="机动车排放检验数据"), staff)
    elsewhere = entry("机动车排放检验数据", agency_obj=other.agency)
    publish_entry(elsewhere, datetime(2026, 3, 1))
    assert services.item_entry(plan.items[0]) is None
    assert services.item_progress(plan.items[0], TODAY) == "overdue"
    # The regional plan counts an entry of that title in any agency.
    regional = services.create_plan(2026, users["authority"])
    services.add_item(regional, item(date(2026, 6, 30), new_title="全区企业信用信息"), users["authority"])
    publish_entry(entry("全区企业信用信息", agency_obj=other.agency), datetime(2026, 4, 1))
    assert services.item_progress(regional.items[0], TODAY) == "opened_on_time"


def test_completion_rate_of_an_empty_plan_is_zero(app, users):
    plan = services.create_plan(2026, users["agency_staff"], users["agency_staff"].agency)
    progress = services.plan_progress(plan, TODAY)
    assert progress.total == 0 and progress.completion == 0 and progress.completion_percent == 0


def test_who_may_create_which_plan(app, users):
    staff, other, authority = users["agency_staff"], users["other_staff"], users["authority"]
    with pytest.raises(Forbidden):
        services.create_plan(2026, other, staff.agency)          # another agency's plan
    with pytest.raises(Forbidden):
        services.create_plan(2026, staff)                        # the regional plan is the authority's
    with pytest.raises(Forbidden):
        services.create_plan(2026, authority, staff.agency)      # an agency writes its own
    for role in ("data_user", "auditor"):
        with pytest.raises(Forbidden):
            services.create_plan(2026, users[role])
        with pytest.raises(Forbidden):
            services.create_plan(2026, users[role], staff.agency)
    regional = services.create_plan(2026, authority)
    assert regional.agency_id is None and regional.is_regional
    with pytest.raises(Conflict):                                # one regional plan per year (NULL agency)
        services.create_plan(2026, users["admin"])
    services.create_plan(2026, staff, staff.agency)
    with pytest.raises(Conflict):
        services.create_plan(2026, staff, staff.agency)
    services.create_plan(2027, staff, staff.agency)
    with pytest.raises(Invalid) as exc:
        services.create_plan(1999, staff, staff.agency)
    assert "year" in exc.value.details
    assert db.session.query(OpenPlan).count() == 3
    assert [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("plan.%"))] == \
        ["plan.create"] * 3


def test_only_the_owner_edits_a_plan(app, users):
    staff, other = users["agency_staff"], users["other_staff"]
    ds = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    plan = services.create_plan(2026, staff, staff.agency)
    for actor in (other, users["authority"], users["auditor"], users["data_user"]):
        with pytest.raises(Forbidden):
            services.add_item(plan, item(date(2026, 6, 30), ds=ds), actor)
        with pytest.raises(Forbidden):
            services.update_priorities(plan, "x", actor)
        with pytest.raises(Forbidden):
            services.publish_plan(plan, actor)
    regional = services.create_plan(2026, users["authority"])
    with pytest.raises(Forbidden):
        services.update_priorities(regional, "x", staff)
    assert plan.items == [] and plan.priorities == ""


def test_item_rules(app, users):
    staff, other = users["agency_staff"], users["other_staff"]
    own = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    foreign = entry("包头市空气质量监测数据", agency_obj=other.agency)
    already_open = entry("呼和浩特市水质监测数据", agency_obj=staff.agency, state=DatasetState.PUBLISHED,
                         published_at=datetime(2025, 5, 1))
    plan = services.create_plan(2026, staff, staff.agency)

    def invalid(data: ItemData) -> dict:
        with pytest.raises(Invalid) as exc:
            services.add_item(plan, data, staff)
        return exc.value.details

    assert "dataset_id" in invalid(item(date(2026, 6, 30)))                                   # neither
    assert "new_title" in invalid(item(date(2026, 6, 30), ds=own, new_title="新条目"))         # both
    assert "dataset_id" in invalid(item(date(2026, 6, 30), ds=foreign))                       # other agency's
    assert "dataset_id" in invalid(item(date(2026, 6, 30), ds=already_open))                  # nothing to plan
    assert "target_date" in invalid(item(date(2027, 1, 15), ds=own))                          # not the plan's year
    assert "target_date" in invalid(item(None, ds=own))
    assert "target_open_type" in invalid(item(date(2026, 6, 30), OpenType.CLOSED, ds=own))
    assert "new_title" in invalid(item(date(2026, 6, 30), new_title=already_open.title))     # pick it instead
    # a closed-at-conditional entry may be planned to become unconditional
    services.add_item(plan, item(date(2026, 6, 30), ds=own), staff)
    assert "dataset_id" in invalid(item(date(2026, 9, 30), ds=own))                          # already in the plan
    assert len(plan.items) == 1 and actions(plan.id) == ["plan.create", "plan.item.add"]


def test_update_and_remove_items_while_draft_and_a_published_plan_is_fixed(app, users):
    staff = users["agency_staff"]
    ds = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    plan = services.create_plan(2026, staff, staff.agency)
    with pytest.raises(Conflict):
        services.publish_plan(plan, staff)                        # no items yet
    first = services.add_item(plan, item(date(2026, 6, 30), ds=ds), staff)
    second = services.add_item(plan, item(date(2026, 8, 31), new_title="呼和浩特市土壤环境质量数据"), staff)
    assert [i.position for i in plan.items] == [1, 2]
    services.update_item(first, item(date(2026, 10, 31), OpenType.CONDITIONAL, ds=ds, livelihood=True), staff)
    assert first.target_date == date(2026, 10, 31) and first.target_open_type == "conditional" and first.livelihood
    services.remove_item(second, staff)
    assert [i.id for i in plan.items] == [first.id]
    assert db.session.query(PlanItem).count() == 1
    services.publish_plan(plan, staff)
    with pytest.raises(Conflict):
        services.add_item(plan, item(date(2026, 6, 30), new_title="另一条目"), staff)
    with pytest.raises(Conflict):
        services.update_item(first, item(date(2026, 12, 31), ds=ds), staff)
    with pytest.raises(Conflict):
        services.remove_item(first, staff)
    with pytest.raises(Conflict):
        services.update_priorities(plan, "改动", staff)
    with pytest.raises(Conflict):
        services.publish_plan(plan, staff)
    assert actions(plan.id) == ["plan.create", "plan.item.add", "plan.item.add", "plan.item.update",
                                "plan.item.remove", "plan.publish"]


def test_a_change_racing_another_on_the_same_plan_is_a_conflict(app, users):
    from sqlalchemy import update

    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    services.add_item(plan, item(date(2026, 6, 30), new_title="呼和浩特市土壤环境质量数据"), staff)
    # a colleague's change committed meanwhile (this session still holds the old row version)
    db.session.execute(update(OpenPlan).where(OpenPlan.id == plan.id)
                       .values(row_version=OpenPlan.row_version + 1), execution_options={"synchronize_session": False})
    with pytest.raises(Conflict):
        services.publish_plan(plan, staff)
    db.session.expire_all()
    assert db.session.get(OpenPlan, plan.id).state == "draft"
    assert actions(plan.id) == ["plan.create", "plan.item.add"]  # the refused publish left no event


def test_public_plans_regional_first_then_agencies_by_name_and_years(app, users):
    staff, other, authority = users["agency_staff"], users["other_staff"], users["authority"]
    plans = [services.create_plan(2026, staff, staff.agency), services.create_plan(2026, other, other.agency),
             services.create_plan(2026, authority), services.create_plan(2025, authority)]
    draft = services.create_plan(2027, authority)
    for plan, actor in zip(plans, (staff, other, authority, authority)):
        services.add_item(plan, item(date(plan.year, 6, 30), new_title=f"条目{plan.id}"), actor)
        services.publish_plan(plan, actor)
    services.add_item(draft, item(date(2027, 6, 30), new_title="草稿条目"), authority)
    year = services.public_plans(2026, TODAY)
    # 包头 (bāo) sorts before 呼和浩特 (hū) by pinyin
    assert [p.plan.agency.name if p.plan.agency else None for p in year.plans] == \
        [None, "包头市生态环境局", "呼和浩特市生态环境局"]
    assert year.total == 3 and year.opened == 0 and year.completion_percent == 0
    assert services.years() == [2026, 2025]
    assert services.public_plans(2027, TODAY).plans == []


# ---- HTTP -------------------------------------------------------------------------------
def create_over_http(client, year: int) -> int:
    r = post_form(client, "/console/plans", {"year": str(year)})
    assert r.status_code == 302, text(r)[-1500:]
    match = re.search(r"/console/plans/(\d+)$", r.headers["Location"])
    assert match
    return int(match.group(1))


def add_over_http(client, plan_id: int, **fields):
    data = {"action": "add_item", "dataset_id": "", "new_title": "", "target_open_type": "unconditional",
            "target_date": "", "note": ""}
    data.update(fields)
    return post_form(client, f"/console/plans/{plan_id}", data)


def test_staff_creates_adds_items_publishes_and_the_public_page_shows_progress(app, client, users):
    staff = users["agency_staff"]
    air = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    water = entry("呼和浩特市水质监测数据", agency_obj=staff.agency, open_type=OpenType.CLOSED)
    entry("包头市空气质量监测数据", agency_obj=users["other_staff"].agency)
    login(client, staff.email)

    page = text(client.get("/console/plans"))
    assert 'id="new-plan-form"' in page and 'name="year"' in page
    plan_id = create_over_http(client, 2026)
    page = text(client.get(f"/console/plans/{plan_id}"))
    options = re.findall(r'<option[^>]*value="([^"]*)"', page.split('id="dataset_id"')[1].split("</select>")[0])
    assert set(options) == {"", air.id, water.id}  # only the agency's own entries

    r = post_form(client, f"/console/plans/{plan_id}", {"action": "priorities", "priorities": "优先开放民生类数据。"})
    assert r.status_code == 302
    r = add_over_http(client, plan_id, dataset_id=air.id, target_date="2026-06-30", livelihood="y",
                      note="按季度更新")
    assert r.status_code == 302, text(r)[-3000:]
    r = add_over_http(client, plan_id, dataset_id=water.id, target_date="2026-05-31", target_open_type="conditional")
    assert r.status_code == 302
    r = add_over_http(client, plan_id, new_title="呼和浩特市土壤环境质量数据", target_date="2026-12-31",
                      urgent_demand="y", commercial_value="y")
    assert r.status_code == 302
    plan = db.session.get(OpenPlan, plan_id)
    assert [(i.dataset_id, i.new_title) for i in plan.items] == \
        [(air.id, ""), (water.id, ""), (None, "呼和浩特市土壤环境质量数据")]
    assert plan.items[0].livelihood and not plan.items[0].urgent_demand and plan.items[0].note == "按季度更新"
    assert plan.items[2].urgent_demand and plan.items[2].commercial_value
    assert plan.priorities == "优先开放民生类数据。"

    # Not public while a draft.
    assert 'data-plan="%d"' % plan_id not in text(client.get("/plans/2026"))
    r = post_form(client, f"/console/plans/{plan_id}", {"action": "publish"})
    assert r.status_code == 302
    db.session.expire_all()  # the requests ran in their own sessions
    assert db.session.get(OpenPlan, plan_id).state == "published"
    assert actions(plan_id) == ["plan.create", "plan.priorities", "plan.item.add", "plan.item.add",
                                "plan.item.add", "plan.publish"]

    publish_entry(air, datetime(2026, 6, 1))  # opened before its target date; water stays closed
    anonymous = app.test_client()
    r = anonymous.get("/plans")
    assert r.status_code == 302 and r.headers["Location"].endswith("/plans/2026")
    r = anonymous.get("/plans/2026")
    assert r.status_code == 200
    html = text(r)
    section = html.split(f'id="plan-{plan_id}"')[1]
    assert "呼和浩特市生态环境局" in section and "优先开放民生类数据。" in section
    assert f'href="/dataset/{air.slug}"' in section             # public entry linked
    assert f'href="/dataset/{water.slug}"' not in section       # draft entry named, not linked
    assert re.findall(r'data-progress="([a-z_]+)"', section) == ["opened_on_time", "overdue", "pending"]
    assert 'class="plan-progress progress-opened_on_time"' in section
    assert 'data-completion="33"' in section                    # 1 of 3
    assert re.search(r'plan-completion-overall" data-completion="33"', html)
    assert 'data-flag="livelihood"' in section and 'data-flag="commercial_value"' in section
    assert 'badge-conditional' in section and 'aria-current="page"' in html.split('class="year-switch"')[1]
    assert '<th scope="col">' in section and '<th scope="row">' in section


def test_a_published_plan_is_not_edited_409(app, client, users):
    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    first = services.add_item(plan, item(date(2026, 6, 30), new_title="呼和浩特市土壤环境质量数据"), staff)
    services.publish_plan(plan, staff)
    login(client, staff.email)
    url = f"/console/plans/{plan.id}"
    page = text(client.get(url))
    assert 'id="item-form"' not in page and 'value="remove_item"' not in page and 'id="publish-form"' not in page
    for data in ({"action": "priorities", "priorities": "改动"},
                 {"action": "add_item", "new_title": "新条目", "target_open_type": "unconditional",
                  "target_date": "2026-06-30"},
                 {"action": "add_item", "target_date": "not a date"},
                 {"action": "remove_item", "item_id": str(first.id)},
                 {"action": "publish"}):
        assert post_form(client, url, data).status_code == 409, data
    db.session.expire_all()
    assert len(db.session.get(OpenPlan, plan.id).items) == 1
    assert actions(plan.id)[-1] == "plan.publish"


def test_publishing_an_empty_plan_is_refused_409(app, client, users):
    login(client, users["agency_staff"].email)
    plan_id = create_over_http(client, 2026)
    r = post_form(client, f"/console/plans/{plan_id}", {"action": "publish"})
    assert r.status_code == 409 and 'role="alert"' in text(r)
    assert db.session.get(OpenPlan, plan_id).state == "draft"


def test_staff_remove_an_item_with_a_post_form(app, client, users):
    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    services.add_item(plan, item(date(2026, 6, 30), new_title="甲"), staff)
    second = services.add_item(plan, item(date(2026, 6, 30), new_title="乙"), staff)
    login(client, staff.email)
    page = text(client.get(f"/console/plans/{plan.id}"))
    assert page.count('value="remove_item"') == 2
    r = post_form(client, f"/console/plans/{plan.id}", {"action": "remove_item", "item_id": str(second.id)})
    assert r.status_code == 302
    db.session.expire_all()
    assert [i.new_title for i in db.session.get(OpenPlan, plan.id).items] == ["甲"]
    assert actions(plan.id)[-1] == "plan.item.remove"
    r = post_form(client, f"/console/plans/{plan.id}", {"action": "remove_item", "item_id": "99999"})
    assert r.status_code == 404


def test_other_agencys_staff_get_403(app, client, users):
    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    login(client, users["other_staff"].email)
    url = f"/console/plans/{plan.id}"
    assert client.get(url).status_code == 403
    # The CSRF token comes from the console list, which this user may see.
    html = text(client.get("/console/plans"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    for data in ({"action": "priorities", "priorities": "x"}, {"action": "publish"},
                 {"action": "add_item", "new_title": "x", "target_date": "2026-06-30",
                  "target_open_type": "unconditional"}):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403
    assert f'data-plan="{plan.id}"' not in html  # not listed either
    assert db.session.get(OpenPlan, plan.id).priorities == ""


def test_data_user_gets_403_and_anonymous_is_sent_to_login(app, client, users):
    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    for url in ("/console/plans", f"/console/plans/{plan.id}"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    login(client, users["data_user"].email)
    for url in ("/console/plans", f"/console/plans/{plan.id}"):
        assert client.get(url).status_code == 403
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get("/plans"))).group(1)
    assert client.post("/console/plans", data={"year": "2026", "csrf_token": token}).status_code == 403
    assert client.post(f"/console/plans/{plan.id}", data={"action": "publish", "csrf_token": token}
                       ).status_code == 403
    assert db.session.query(OpenPlan).count() == 1


def test_auditor_reads_every_plan_but_may_not_post(app, client, users):
    staff = users["agency_staff"]
    plan = services.create_plan(2026, staff, staff.agency)
    services.add_item(plan, item(date(2026, 12, 31), new_title="呼和浩特市土壤环境质量数据"), staff)
    login(client, users["auditor"].email)
    r = client.get("/console/plans")
    assert r.status_code == 200
    html = text(r)
    assert f'data-plan="{plan.id}"' in html and 'id="new-plan-form"' not in html
    r = client.get(f"/console/plans/{plan.id}")
    assert r.status_code == 200
    html = text(r)
    assert "呼和浩特市土壤环境质量数据" in html and 'data-progress="pending"' in html
    assert 'id="item-form"' not in html and 'id="publish-form"' not in html and 'value="remove_item"' not in html
    assert post_form(client, "/console/plans", {"year": "2027"}).status_code == 403
    assert post_form(client, f"/console/plans/{plan.id}", {"action": "publish"}).status_code == 403
    assert db.session.query(OpenPlan).count() == 1 and db.session.get(OpenPlan, plan.id).state == "draft"


def test_authority_creates_the_regional_plan_with_any_agencys_entries(app, client, users):
    staff, other = users["agency_staff"], users["other_staff"]
    own = entry("呼和浩特市空气质量监测数据", agency_obj=staff.agency)
    foreign = entry("包头市空气质量监测数据", agency_obj=other.agency)
    agency_plan = services.create_plan(2026, staff, staff.agency)
    login(client, users["authority"].email)
    plan_id = create_over_http(client, 2026)
    plan = db.session.get(OpenPlan, plan_id)
    assert plan.agency_id is None
    page = text(client.get(f"/console/plans/{plan_id}"))
    assert own.id in page and foreign.id in page
    r = add_over_http(client, plan_id, dataset_id=foreign.id, target_date="2026-09-30")
    assert r.status_code == 302
    assert post_form(client, f"/console/plans/{plan_id}", {"action": "publish"}).status_code == 302
    # a second regional plan for the same year is a conflict, shown on the form
    r = post_form(client, "/console/plans", {"year": "2026"})
    assert r.status_code == 409 and 'id="year-error"' in text(r)
    # the authority reads the agency's draft, but does not change it
    assert client.get(f"/console/plans/{agency_plan.id}").status_code == 200
    assert post_form(client, f"/console/plans/{agency_plan.id}", {"action": "publish"}).status_code == 403
    html = text(client.get("/plans/2026"))
    assert 'data-agency="regional"' in html and f'data-plan="{plan_id}"' in html
    assert actions(plan_id) == ["plan.create", "plan.item.add", "plan.publish"]
    # agency staff do not touch the regional plan
    staff_client = app.test_client()
    login(staff_client, staff.email)
    assert staff_client.get(f"/console/plans/{plan_id}").status_code == 403


@pytest.mark.parametrize("fields,error_id", [
    ({"target_date": "2026-13-45", "new_title": "新条目"}, "target_date-error"),
    ({"target_date": "", "new_title": "新条目"}, "target_date-error"),
    ({"target_date": "2026-06-30"}, "dataset_id-error"),                                   # no entry, no title
    ({"target_date": "2027-06-30", "new_title": "新条目"}, "target_date-error"),            # outside the year
    ({"target_date": "2026-06-30", "dataset_id": "no-such-entry"}, "dataset_id-error"),
    ({"target_date": "2026-06-30", "new_title": "x" * 301}, "new_title-error"),
])
def test_bad_item_input_is_422_with_field_messages_and_nothing_stored(app, client, users, fields, error_id):
    login(client, users["agency_staff"].email)
    plan_id = create_over_http(client, 2026)
    before = db.session.query(AuditEvent).count()
    r = add_over_http(client, plan_id, **fields)
    assert r.status_code == 422
    html = text(r)
    assert f'id="{error_id}"' in html and 'class="error-summary"' in html
    assert db.session.query(PlanItem).count() == 0 and db.session.query(AuditEvent).count() == before


def test_item_of_another_agency_is_422(app, client, users):
    foreign = entry("包头市空气质量监测数据", agency_obj=users["other_staff"].agency)
    login(client, users["agency_staff"].email)
    plan_id = create_over_http(client, 2026)
    r = add_over_http(client, plan_id, dataset_id=foreign.id, target_date="2026-06-30")
    assert r.status_code == 422 and 'id="dataset_id-error"' in text(r)
    assert db.session.query(PlanItem).count() == 0


@pytest.mark.parametrize("year", ["", "abc", "1800"])
def test_bad_year_is_422_and_nothing_stored(app, client, users, year):
    login(client, users["agency_staff"].email)
    r = post_form(client, "/console/plans", {"year": year})
    assert r.status_code == 422 and 'id="year-error"' in text(r)
    assert db.session.query(OpenPlan).count() == 0


def test_year_pages_without_plans_show_an_empty_state(app, client, users):
    r = client.get("/plans")
    assert r.status_code == 200 and 'class="empty-state' in text(r)
    r = client.get("/plans/2031")
    assert r.status_code == 200 and 'class="empty-state' in text(r)
    # a draft does not make a year public
    staff = users["agency_staff"]
    plan = services.create_plan(2031, staff, staff.agency)
    services.add_item(plan, item(date(2031, 6, 30), new_title="草稿条目"), staff)
    r = client.get("/plans/2031")
    assert r.status_code == 200 and 'class="empty-state' in text(r) and "草稿条目" not in text(r)
    assert client.get("/plans").status_code == 200
