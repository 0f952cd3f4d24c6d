"""Classification and grading (分类分级, OVERSIGHT.md §4): the level rules on every path, the authority's
confirmation at review, history and audit of a change, and the level kept off every public channel."""
from __future__ import annotations

import gzip

import pytest

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange
from portal.extensions import db
from tests import factories as f
from tests.catalog.test_console import ENTRY, create
from tests.catalog.test_review import check, decide, publish, submitted  # noqa: F401 (fixture)
from tests.conftest import PASSWORD, build_app, login, post_form

IMPORTANT_CLOSED = {"data_level": "important", "data_category": "生态环境", "open_type": "closed",
                    "open_reason": "涉及重点排污单位在线监测数据", "open_legal_basis": "《中华人民共和国数据安全法》第二十一条",
                    "share_type": "conditional", "share_conditions": "限于生态环境执法", "share_reason": "涉及企业排放信息",
                    "share_legal_basis": "《中华人民共和国数据安全法》第二十一条", "share_basis_kind": "law"}


@pytest.fixture()
def staff(app, users, client):
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    return users["agency_staff"]


def test_o5_important_data_unconditionally_open_or_core_data_is_refused_on_the_form(staff, client):
    """O5: saving E as 重要数据 with open type unconditional: 422; as 核心数据: 422 (the console form)."""
    r = create(client, data_level="important")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="f-open_type-error"' in html and "重要数据" in html
    assert 'id="f-share_type-error"' in html  # nor unconditionally shared
    r = create(client, data_level="important", open_type="conditional", open_conditions="限于科研",
               open_reason="重要数据", open_legal_basis="《数据安全法》")
    assert r.status_code == 422 and 'id="f-open_type-error"' in r.get_data(as_text=True)  # closed only
    r = create(client, data_level="core")
    assert r.status_code == 422
    assert 'id="f-data_level-error"' in r.get_data(as_text=True) and "核心数据" in r.get_data(as_text=True)
    assert db.session.query(Dataset).count() == 0  # nothing half-written
    assert create(client, **IMPORTANT_CLOSED).status_code == 302
    ds = db.session.query(Dataset).one()
    assert (ds.data_level, ds.data_category, ds.grading_rule_version) == ("important", "生态环境", "2024")
    assert ds.level_confirmed_at is None
    # editing E (now saved) to unconditional open is refused the same way
    r = post_form(client, f"/console/datasets/{ds.id}/edit",
                  {**ENTRY, **IMPORTANT_CLOSED, "theme": "housing", "open_type": "unconditional"})
    assert r.status_code == 422 and 'id="f-open_type-error"' in r.get_data(as_text=True)
    # a sub-grade only for general data, and only from the list
    assert create(client, code="X/1", slug="x-1", data_grade="二级").status_code == 302
    assert create(client, code="X/2", slug="x-2", data_grade="九级").status_code == 422
    r = create(client, code="X/3", slug="x-3", data_grade="二级", **IMPORTANT_CLOSED)
    assert r.status_code == 422 and 'id="f-data_grade-error"' in r.get_data(as_text=True)
    assert create(client, code="X/4", slug="x-4", data_category="不存在的领域").status_code == 422


def test_o5_the_same_rules_through_the_api(app, users, client):
    """O5 through the agency API: 422 naming the field, nothing saved."""
    f.theme("城建住房", slug="housing")
    db.session.commit()
    token = create_token(users["agency_staff"], "rw", "read_write", 30)[1]
    headers = {"Authorization": f"Bearer {token}"}
    body = {k: v for k, v in ENTRY.items() if not k.startswith("items-")}
    body.update(theme="housing", data_level="important")
    r = client.post("/api/v1/datasets", json=body, headers=headers)
    assert r.status_code == 422 and "open_type" in r.get_data(as_text=True)
    r = client.post("/api/v1/datasets", json={**body, "data_level": "core"}, headers=headers)
    assert r.status_code == 422 and "data_level" in r.get_data(as_text=True)
    assert db.session.query(Dataset).count() == 0
    r = client.post("/api/v1/datasets", json={**body, **IMPORTANT_CLOSED}, headers=headers)
    assert r.status_code == 201
    assert r.get_json()["data_level"] == "important" and r.get_json()["level_confirmed_at"] is None


def test_the_authority_confirms_the_level_at_review(submitted):  # noqa: F811
    """Approve is refused until the authority has confirmed the level the agency proposed."""
    ds, staff, authority = submitted
    r = ds.reviews[0]
    check(authority, r.id, "confidentiality")
    check(authority, r.id, "disclosure")
    page = authority.get(f"/review/{r.id}").get_data(as_text=True)
    assert 'id="check-level"' in page and "一般数据" in page
    refused = decide(authority, r.id, "approve", "同意发布")
    assert refused.status_code == 422 and "须认定部门提出的数据级别" in refused.get_data(as_text=True)
    assert db.session.get(Dataset, ds.id).state == "submitted"
    assert check(authority, r.id, "level", note="").status_code == 422
    assert check(authority, r.id, "level", note="经认定为一般数据。").status_code == 302
    assert decide(authority, r.id, "approve", "同意发布").status_code == 302
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.state == "published" and ds.level_confirmed_at is not None
    event = db.session.query(AuditEvent).filter_by(action="review.level_confirmed").one()
    assert event.reason == "经认定为一般数据。" and event.details["data_level"] == "general"
    level_line = staff.get(f"/console/datasets/{ds.id}").get_data(as_text=True).split('id="data-level"')[1]
    level_line = level_line.split("</p>")[0]
    assert "一般数据" in level_line and "尚未" not in level_line and ds.level_confirmed_at.strftime("%Y") in level_line


def test_changing_a_confirmed_level_needs_a_reason_and_leaves_history_and_audit(submitted, client):  # noqa: F811
    ds, staff, authority = submitted
    publish(authority, ds.reviews[0].id)
    edit = {**ENTRY, **IMPORTANT_CLOSED, "theme": "housing"}
    r = post_form(staff, f"/console/datasets/{ds.id}/edit", edit)
    assert r.status_code == 422 and 'id="f-level_reason-error"' in r.get_data(as_text=True)
    reason = "含重点排污单位实时排放数据，按分级规则认定为重要数据"
    assert post_form(staff, f"/console/datasets/{ds.id}/edit", {**edit, "level_reason": reason}).status_code == 302
    assert all(r.status_code == 302 for r in f.post_agency_checks(staff, ds.id))
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    revision = db.session.get(Dataset, ds.id).reviews[0]
    assert "重要数据" in authority.get(f"/review/{revision.id}").get_data(as_text=True)
    publish(authority, revision.id)
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.data_level == "important" and ds.level_confirmed_at is not None
    line = db.session.query(DatasetChange).filter_by(dataset_id=ds.id, kind="regraded").one()
    assert (line.from_value, line.to_value, line.reason) == ("general", "important", reason)
    # proposed by the agency's staff, applied by the authority's approval
    assert (line.details["proposed_by"], line.details["by"]) == ("staff@example.cn", "authority@example.cn")
    event = db.session.query(AuditEvent).filter_by(action="dataset.level_changed", object_id=ds.id).one()
    assert event.reason == reason and event.details["to"]["data_level"] == "important"
    assert event.details["was_confirmed"] is True and event.details["proposed_by"] == "staff@example.cn"
    assert event.actor_label and event.at is not None  # who and when
    # the public history does not show it; the console of the agency, the authority and auditors does show the level
    anonymous = client.application.test_client()
    public = anonymous.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert reason not in public and "重要数据" not in public
    auditor = client.application.test_client()
    login(auditor, "auditor@example.cn")
    assert "重要数据" in auditor.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    other = client.application.test_client()
    login(other, "staff2@example.cn")
    assert other.get(f"/console/datasets/{ds.id}").status_code == 403


def _important_entry(users) -> Dataset:
    ds = f.dataset("呼和浩特市重点排污单位名录", agency_obj=users["agency_staff"].agency, data_level="important",
                   data_category="能源", open_type="closed", share_type="conditional", slug="hhht-polluters")
    db.session.commit()
    return ds


def test_the_level_is_on_no_public_channel(app, users, client):
    ds = _important_entry(users)
    channels = {
        "page": client.get(f"/dataset/{ds.slug}"),
        "api": client.get(f"/api/v1/datasets/{ds.slug}"),
        "ckan": client.get(f"/api/3/action/package_show?id={ds.slug}"),
        "dcat": client.get(f"/dataset/{ds.slug}.ttl"),
        "dcat-catalog": client.get("/catalog.jsonld"),
        "search": client.get("/api/v1/datasets"),
    }
    dump = client.get("/api/v1/catalog.jsonl.gz")
    assert dump.status_code == 200
    channels_text = {name: r.get_data(as_text=True) for name, r in channels.items()}
    channels_text["dump"] = gzip.decompress(dump.get_data()).decode()
    for name, r in channels.items():
        assert r.status_code == 200, name
    assert ds.title in channels_text["page"] and ds.slug in channels_text["dump"]
    for name, text in channels_text.items():
        for secret in ("重要数据", "data_level", "能源", "data_category", "grading_rule"):
            assert secret not in text, (name, secret)


def test_with_level_public_the_entry_page_shows_it(tmp_path):
    app = build_app(tmp_path, LEVEL_PUBLIC="1")
    with app.app_context():
        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        ds = f.dataset("呼和浩特市重点排污单位名录", agency_obj=agency, data_level="important",
                       open_type="closed", share_type="conditional", slug="hhht-polluters")
        db.session.commit()
        page = app.test_client().get(f"/dataset/{ds.slug}").get_data(as_text=True)
        assert 'id="data-level"' in page and "重要数据" in page
        db.session.remove()


def test_other_level_rules_are_read_by_every_path(tmp_path):
    """A portal that accepts core data closed and lets important data open on conditions."""
    rules = {"core": {"open_type": ["closed"], "share_type": ["none"]},
             "important": {"open_type": ["conditional", "closed"], "share_type": ["conditional", "none"]},
             "general": {}}
    app = build_app(tmp_path, LEVEL_RULES=rules)
    with app.app_context():
        from portal.accounts.services import create_staff_user

        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        f.theme("城建住房", slug="housing")
        db.session.commit()
        create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff",
                          agency.slug)
        db.session.commit()
        client = app.test_client()
        login(client, "staff@example.cn")
        conditional = {"open_type": "conditional", "open_conditions": "限于科研", "open_reason": "涉及企业排放信息",
                       "open_legal_basis": "《数据安全法》"}
        assert create(client, **{**IMPORTANT_CLOSED, **conditional}).status_code == 302
        core = {**IMPORTANT_CLOSED, "data_level": "core", "code": "C/1", "slug": "c-1", "share_type": "none"}
        assert create(client, **core).status_code == 302
        r = create(client, **{**core, "code": "C/2", "slug": "c-2", "share_type": "conditional"})
        assert r.status_code == 422 and 'id="f-share_type-error"' in r.get_data(as_text=True)
        db.session.remove()


def test_a_bad_level_rule_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_LEVEL_RULES"):
        build_app(tmp_path, LEVEL_RULES={"secret": None})
