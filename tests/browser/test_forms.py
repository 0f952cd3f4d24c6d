"""Form details only a browser shows: the upload's cancel button appears only while an upload runs, and a
field with an error gets its red border (computed style, so stylesheet specificity is what is tested)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.accounts.models import User
from portal.catalog.models import Dataset, DatasetState, Resource
from portal.demo.accounts import DEMO_PASSWORD
from portal.extensions import db

RED = "rgb(168, 35, 42)"  # --red
STAFF = "hhht-env@demo.nmg.example"


def log_in(page, base, email, password=DEMO_PASSWORD):
    page.goto(base + "/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def border(locator) -> tuple[str, str]:
    return tuple(locator.evaluate("e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).borderTopWidth]"))


def test_cancel_button_is_hidden_until_an_upload_runs(live_server, page, demo_app, tmp_path):
    with demo_app.app_context():
        agency_id = db.session.scalar(db.select(User.agency_id).where(User.email == STAFF))
        ds = db.session.scalars(db.select(Dataset).where(Dataset.agency_id == agency_id,
                                                         Dataset.state == DatasetState.PUBLISHED,
                                                         Dataset.open_type != "closed")).first()
        dataset_id, files = ds.id, db.session.query(Resource).filter_by(dataset_id=ds.id).count()
    log_in(page, live_server, STAFF)
    page.wait_for_url(re.compile(r"/$|/console"))
    page.goto(f"{live_server}/console/datasets/{dataset_id}/upload")
    cancel = page.locator("#cancel-upload")
    assert cancel.evaluate("e => e.hidden") is True
    assert cancel.evaluate("e => getComputedStyle(e).display") == "none"
    expect(cancel).to_be_hidden()

    # a slowed link keeps the upload running long enough to see the button, then cancel it
    path = tmp_path / "大文件.csv"
    path.write_text("站点,AQI\n" + "新华广场,56\n" * 40000, encoding="utf-8")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": 32 * 1024})
    page.locator("#f-file").set_input_files(str(path))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(cancel).to_be_visible()
    assert cancel.evaluate("e => getComputedStyle(e).display") == "inline-block"
    cancel.click()
    expect(page.locator("#upload-error")).to_have_text("已取消上传，未保存任何内容。")
    expect(cancel).to_be_hidden()
    with demo_app.app_context():
        assert db.session.query(Resource).filter_by(dataset_id=dataset_id).count() == files


def test_a_field_with_an_error_gets_a_red_border(live_server, page):
    page.goto(live_server + "/login")
    password = page.get_by_label("密码")
    assert border(password)[0] != RED
    log_in(page, live_server, STAFF, "not-the-password")
    expect(page.locator(".field.has-error")).to_have_count(1)
    page.wait_for_load_state("load")  # the stylesheet applied, not only the page's HTML parsed
    password = page.get_by_label("密码")
    assert password.get_attribute("aria-invalid") == "true"
    assert border(password) == (RED, "2px")
    assert border(page.get_by_label("电子邮箱"))[0] != RED  # only the field in error
