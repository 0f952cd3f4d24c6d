"""Each feedback input is described once (feedback/schemas.py): the API's bodies and the OpenAPI document are
those schemas, the pages read the same schema from the form, and both channels get the domain's refusals.
What each channel says of a value over a limit of what may be sent stays as it was: the API refuses it first
with the schema's own message, the page lets the domain's rule speak."""
from __future__ import annotations

import io

import pytest

from portal.accounts.tokens import create_token
from portal.api import schemas as api_schemas
from portal.extensions import db
from portal.feedback import schemas
from portal.feedback.models import Correction, Report
from tests import factories as f
from tests.conftest import login, post_form
from tests.feedback.helpers import PNG


def test_the_api_reads_the_domains_schemas(app):
    assert (api_schemas.ComplaintIn, api_schemas.CorrectionIn, api_schemas.ReportIn) == (
        schemas.ComplaintIn, schemas.CorrectionIn, schemas.ReportIn)
    spec = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert spec["ReportIn"]["properties"]["accused"]["maxLength"] == 300
    assert spec["ComplaintIn"]["required"] == ["dataset"]


def test_read_strips_texts_and_refuses_in_the_forms_order(app):
    with app.test_request_context():
        data, errors = schemas.ComplaintIn().read({"dataset": "d", "right": "other", "right_other": "  名誉权 ",
                                                   "description": " x ", "resources": ["a"]})
        assert (data["right_other"], data["description"], errors) == ("名誉权", "x", {})
        schema = schemas.ReportIn()
        data, errors = schema.read({"accused": "  ", "description": "", "agency": "g" * 201})
        assert data["agency"] == "g" * 201  # over what may be sent: the domain's rules judge it
        assert list(schema.ordered({**errors, "agency": "…", "evidence": "…"})) == [
            "agency", "accused", "description", "evidence"]


@pytest.fixture()
def entry(app, users):
    ds = f.dataset("呼和浩特市公交线路", slug="hhht-bus")
    f.csv_resource(ds, "线路,首班车\n1路,06:00\n", filename="公交线路.csv")
    return ds


def test_both_channels_refuse_with_the_domains_message(app, users, entry):
    token = create_token(users["data_user"], "程序", "read_write", 30)[1]
    api = app.test_client().post("/api/v1/corrections", headers={"Authorization": f"Bearer {token}"},
                                 data={"dataset": entry.slug, "location": " ", "description": "应为05:30。",
                                       "attachment": [(io.BytesIO(PNG), "截图.png")]},
                                 content_type="multipart/form-data")
    assert api.status_code == 422
    message = api.get_json()["error"]["details"]["location"]
    assert message == "请说明哪个字段或哪些行有误。"
    site = app.test_client()
    login(site, "user@example.cn")
    page = post_form(site, f"/dataset/{entry.slug}/corrections/new", {"location": " ", "description": "应为05:30。"},
                     content_type="multipart/form-data")
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert db.session.query(Correction).count() == 0


def test_a_value_over_the_sent_limit_api_first_page_by_the_domain(app, users, entry):
    token = create_token(users["data_user"], "程序", "read_write", 30)[1]
    too_long = {"dataset": "", "agency": "g" * 201, "accused": "某网站", "description": "转售。"}
    api = app.test_client().post("/api/v1/reports", headers={"Authorization": f"Bearer {token}"}, data=too_long,
                                 content_type="multipart/form-data")
    assert api.status_code == 422
    assert api.get_json()["error"]["details"] == {"agency": ["Longer than maximum length 200."]}
    site = app.test_client()
    login(site, "user@example.cn")
    page = post_form(site, "/reports/new", too_long, content_type="multipart/form-data")
    assert page.status_code == 422 and "请从列表中选择部门" in page.get_data(as_text=True)
    assert db.session.query(Report).count() == 0
