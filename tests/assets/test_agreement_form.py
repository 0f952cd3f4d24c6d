"""The authority enters an operation agreement on a form (OVERSIGHT §10) read by the API's schema, AgreementIn:
the same fields, errors at each field, nothing written on error."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.operation.models import OperationAgreement
from portal.operation.schemas import AgreementIn
from tests.assets.test_assets import registered_asset
from tests.assets.test_operation import agreement_body, operator
from tests.conftest import login, post_form
from tests.factories import uscc


def agreements() -> int:
    return db.session.scalar(select(func.count(OperationAgreement.id)))


def test_the_authority_enters_an_agreement_on_the_form(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    registered_asset(api, users, ds, monkeypatch)
    op = operator()
    page = client.application.test_client()
    login(page, users["authority"].email)
    listing = page.get("/operation/").get_data(as_text=True)
    assert 'id="new-agreement"' in listing
    html = page.get("/operation/new").get_data(as_text=True)
    form = html[html.index('id="agreement-form"'):html.index("</form>", html.index('id="agreement-form"'))]
    names = set(re.findall(r'name="([a-z_]+)"', form)) - {"csrf_token"}
    assert names == set(AgreementIn().fields)  # one schema: the form asks exactly what the API takes
    # errors at their fields, nothing written
    good = uscc()
    body = agreement_body(op, ds, purpose="", uscc=good[:-1] + ("0" if good[-1] != "0" else "1"), end="2026-13-01")
    r = post_form(page, "/operation/new", body)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    for name in ("purpose", "uscc", "end"):
        assert f'id="error-{name}"' in html, name
    assert 'value="内蒙古数据运营有限公司"' in html and "专区内加工" in html  # what was typed is kept
    assert agreements() == 0
    r = post_form(page, "/operation/new", agreement_body(op, ds, report_every_days="30"))
    assert r.status_code == 302, r.get_data(as_text=True)
    a = db.session.scalars(select(OperationAgreement)).one()
    assert r.headers["Location"].endswith(f"/operation/{a.id}")
    assert (a.operator_id, a.codes, a.state, a.report_every_days) == (op.id, [ds.code], "draft", 30)
    assert "新能源汽车充电服务产品开发" in page.get(f"/operation/{a.id}").get_data(as_text=True)


def test_only_the_authority_has_the_form(published, users, client):
    for who in ("agency_staff", "auditor"):
        page = client.application.test_client()
        login(page, users[who].email)
        assert page.get("/operation/new").status_code == 403
        assert post_form(page, "/operation/new", {"purpose": "x"}).status_code == 403
    r = page.get("/operation/")  # the auditor reads the list, without the link
    assert r.status_code == 200 and 'id="new-agreement"' not in r.get_data(as_text=True)
    assert agreements() == 0
