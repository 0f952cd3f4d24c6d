"""A change registration names the edited fields by their labels (the catalog's), not their codes: on the asset's
page, in the notice and in the asset API (OVERSIGHT §9, O10's flow)."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.inbox.models import Message
from portal.extensions import db
from tests.assets.test_assets import auth, publish_edit, registered_asset


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_change_needed_notice_and_the_api_name_fields_by_label(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    asset_id = registered_asset(api, users, ds, monkeypatch)
    publish_edit(staff, authority, ds, update_frequency="daily")
    answer = api.get(f"/api/v1/assets/{asset_id}", headers=auth(users["agency_staff"])).get_json()
    assert answer["changed_fields"] == ["update_frequency"] and answer["changed_labels"] == ["更新频率"]
    assert "更新频率" in answer["note"] and "update_frequency" not in answer["note"]
    page = staff.get(f"/assets/{asset_id}").get_data(as_text=True)
    notice = page.split('id="change-needed"')[1].split("</p>")[0]
    assert "更新频率" in visible(notice) and "update_frequency" not in visible(notice)
    told = db.session.scalars(select(Message).where(Message.kind == "asset.change_needed")).all()
    assert told and all("更新频率" in m.body and "update_frequency" not in m.body for m in told)
