"""The OpenAPI document is valid and complete; the APIs are rate-limited per token or client address."""
from __future__ import annotations

import pytest

from portal.api.openapi import openapi_path
from tests.conftest import build_app


def test_openapi_document_is_valid_openapi_3(demo_client):
    from openapi_spec_validator import validate

    spec = demo_client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "DatasetPageOut" in spec["components"]["schemas"]


def test_every_api_v1_route_is_documented(demo_app, demo_client):
    spec = demo_client.get("/api/v1/openapi.json").get_json()
    routes = [(openapi_path(rule.rule), method.lower()) for rule in demo_app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1") for method in rule.methods - {"HEAD", "OPTIONS"}]
    assert len(routes) >= 14
    missing = [f"{m.upper()} {p}" for p, m in routes if m not in spec["paths"].get(p, {})]
    assert missing == []
    documented = [(p, m) for p, ops in spec["paths"].items() for m in ops]
    assert sorted(documented) == sorted(routes)  # nothing documented that does not exist


def test_documented_parameters_and_responses_follow_the_schemas(demo_client):
    spec = demo_client.get("/api/v1/openapi.json").get_json()
    search = spec["paths"]["/api/v1/datasets"]["get"]
    params = {p["name"]: p for p in search["parameters"]}
    assert params["per_page"]["schema"]["maximum"] == 100 and params["page"]["schema"]["maximum"] == 500
    assert params["agency"]["schema"]["type"] == "array"
    assert set(search["responses"]) >= {"200", "422", "429"}
    assert "Retry-After" in search["responses"]["429"]["headers"]
    body = spec["components"]["schemas"]["DatasetPageOut"]["properties"]
    assert {"total", "page", "per_page", "pages", "results", "facets"} <= set(body)
    upload = spec["paths"]["/api/v1/datasets/{dataset_id}/resources"]["put"]
    assert upload["security"] == [{"token": []}]


def test_the_developers_page_shows_examples_and_is_linked(demo_client):
    html = demo_client.get("/developers").get_data(as_text=True)
    assert "开发者接口" in html and "curl" in html and "import requests" in html and "RemoteCKAN" in html
    assert "/api/v1/openapi.json" in html and "package_search" in html
    assert 'href="/developers"' in demo_client.get("/").get_data(as_text=True)
    demo_client.get("/lang/en")
    en = demo_client.get("/developers").get_data(as_text=True)
    assert "Developer API" in en


def test_the_developers_page_states_the_limits_in_words(tmp_path):
    app = build_app(tmp_path, RATELIMIT_API="120/minute", RATELIMIT_API_TOKEN="1000 per 2 hours")
    client = app.test_client()
    html = client.get("/developers").get_data(as_text=True)
    limits = html.split('id="tokens"')[1].split("</p>")[0]
    assert "每个客户端地址访问接口的限额为每分钟 120 次" in limits and "每个令牌的限额为每 2 小时 1000 次" in limits
    assert "/minute" not in html and "per 2 hours" not in html
    client.get("/lang/en")
    limits = client.get("/developers").get_data(as_text=True).split('id="tokens"')[1].split("</p>")[0]
    assert "may send 120 requests per minute to the APIs" in limits
    assert "the limit is 1000 requests per 2 hours per token" in limits


@pytest.fixture()
def limited(tmp_path):
    return build_app(tmp_path, RATELIMIT_API="3/minute", RATELIMIT_API_TOKEN="5/minute")


def test_anonymous_clients_are_limited_per_address_across_both_apis(limited):
    client = limited.test_client()
    addr = {"REMOTE_ADDR": "10.6.0.1"}
    codes = [client.get(url, environ_base=addr).status_code
             for url in ("/api/v1/figures", "/api/3/action/site_read", "/api/v1/themes", "/api/v1/figures")]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/figures", environ_base=addr)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.headers["X-RateLimit-Limit"] == "3" and r.headers["X-RateLimit-Remaining"] == "0"
    assert int(r.headers["X-RateLimit-Reset"]) > 0
    body = r.get_json()
    assert body["error"]["code"] == "rate_limited" and body["error"]["message"]
    # the header is written a moment after the body, so a second may tick over between them
    assert abs(body["error"]["details"]["retry_after"] - int(r.headers["Retry-After"])) <= 1
    assert "3 per 1 minute" in body["error"]["details"]["limit"]
    # the CKAN API answers in CKAN's envelope
    r = client.get("/api/3/action/site_read", environ_base=addr)
    assert r.status_code == 429 and r.headers["Retry-After"]
    assert r.get_json()["success"] is False and r.get_json()["error"]["__type"] == "Rate Limit Error"
    # another address has its own budget; pages of the site are not counted against the API
    assert client.get("/api/v1/figures", environ_base={"REMOTE_ADDR": "10.6.0.2"}).status_code == 200
    assert client.get("/", environ_base=addr).status_code == 200


def test_the_publishing_api_shares_the_budget_and_site_pages_stay_outside_it(limited):
    """Blueprint limits are checked only in the API blueprints: all three count, pages of the site do not."""
    client = limited.test_client()
    addr = {"REMOTE_ADDR": "10.6.0.7"}
    assert client.get("/api/v1/figures", environ_base=addr).status_code == 200
    r = client.get("/api/v1/datasets/no-such-entry/resources/no-such-file", environ_base=addr)
    assert r.status_code == 401 and r.headers["X-RateLimit-Remaining"] == "1"  # the publishing API counted
    for _ in range(5):
        page = client.get("/agency", environ_base=addr)  # a page without a limit of its own
        assert page.status_code == 200 and "X-RateLimit-Limit" not in page.headers
    assert client.get("/api/3/action/site_read", environ_base=addr).status_code == 200
    assert client.get("/api/v1/figures", environ_base=addr).status_code == 429


def test_with_rate_limits_turned_off_the_portal_starts_and_nothing_is_limited(tmp_path):
    client = build_app(tmp_path, RATELIMIT_ENABLED=False, RATELIMIT_API="1/minute").test_client()
    for _ in range(3):
        r = client.get("/api/v1/figures")
        assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers


def test_successful_answers_carry_the_rate_limit_headers(limited):
    r = limited.test_client().get("/api/v1/figures", environ_base={"REMOTE_ADDR": "10.6.0.3"})
    assert r.status_code == 200
    assert r.headers["X-RateLimit-Limit"] == "3" and r.headers["X-RateLimit-Remaining"] == "2"


def test_token_holders_get_their_own_budget_wherever_they_call_from(limited):
    from portal.accounts.services import create_staff_user
    from portal.accounts.tokens import create_token
    from portal.extensions import db
    from tests.conftest import PASSWORD

    with limited.app_context():
        user = create_staff_user("dev@example.cn", "开发者", PASSWORD, "data_user")
        raw = create_token(user, "script", "read", 30)[1]
        other = create_token(user, "other", "read", 30)[1]
        db.session.remove()
    client = limited.test_client()
    auth = {"Authorization": f"Bearer {raw}"}
    codes = [client.get("/api/v1/figures", headers=auth, environ_base={"REMOTE_ADDR": f"10.6.1.{i}"}).status_code
             for i in range(6)]
    assert codes == [200] * 5 + [429]  # 5 per token, although every call came from a new address
    r = client.get("/api/3/action/site_read", headers={"Authorization": raw}, environ_base={"REMOTE_ADDR": "10.6.1.9"})
    assert r.status_code == 429 and r.headers["X-RateLimit-Limit"] == "5"  # the raw token is the same token
    assert client.get("/api/v1/figures", headers={"Authorization": f"Bearer {other}"},
                      environ_base={"REMOTE_ADDR": "10.6.1.1"}).status_code == 200
    # an invented token counts against the address, so it buys nothing
    fake = [client.get("/api/v1/figures", headers={"Authorization": f"Bearer fake-{i}"},
                       environ_base={"REMOTE_ADDR": "10.6.2.1"}).status_code for i in range(4)]
    assert fake == [200, 200, 200, 429]
