"""API tokens: created on the account page and shown once, stored hashed, expiring, revocable."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from portal.accounts.models import ApiToken
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import login


def post_form_to(client, page, url, data):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


def test_token_is_shown_once_and_stored_hashed(app, users, client):
    login(client, "staff@example.cn")
    r = post_form_to(client, "/account", "/account/tokens", {"name": "上传脚本", "scope": "read_write", "days": "90"})
    assert r.status_code == 201
    raw = re.search(r'<code class="token">(odp_[^<]+)</code>', r.get_data(as_text=True)).group(1)
    row = db.session.query(ApiToken).one()
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in row.token_hash
    assert (row.expires_at - row.created_at).days == 90
    assert r.get_data(as_text=True).count(raw) == 1  # once, in the notice (not in the page title)
    assert "<title>我的账户 · " in r.get_data(as_text=True)
    page = client.get("/account").get_data(as_text=True)
    assert raw not in page and row.prefix in page  # never shown again; the prefix tells tokens apart
    assert db.session.query(AuditEvent).filter_by(action="token.create").count() == 1


def test_bad_token_form_creates_nothing(app, users, client):
    login(client, "staff@example.cn")
    r = post_form_to(client, "/account", "/account/tokens", {"name": "", "scope": "admin", "days": "7"})
    assert r.status_code == 422
    assert db.session.query(ApiToken).count() == 0


def test_revoked_and_expired_tokens_are_refused(app, users, client):
    login(client, "staff@example.cn")
    post_form_to(client, "/account", "/account/tokens", {"name": "a", "scope": "read", "days": "30"})
    r = post_form_to(client, "/account", "/account/tokens", {"name": "b", "scope": "read", "days": "30"})
    raw = re.search(r'<code class="token">(odp_[^<]+)</code>', r.get_data(as_text=True)).group(1)
    api = client.application.test_client()
    url = "/api/v1/datasets/x/resources/y"
    assert api.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 404  # known user, no such entry
    assert api.get(url, headers={"Authorization": raw}).status_code == 404  # the raw token, as CKAN clients send it
    tokens = db.session.query(ApiToken).order_by(ApiToken.id).all()
    tokens[1].expires_at = tokens[1].created_at - timedelta(seconds=1)
    db.session.commit()
    r = api.get(url, headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    assert post_form_to(client, "/account", f"/account/tokens/{tokens[0].id}/revoke", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, tokens[0].id).revoked_at is not None


def test_another_users_token_cannot_be_revoked(app, users, client):
    login(client, "staff@example.cn")
    post_form_to(client, "/account", "/account/tokens", {"name": "a", "scope": "read", "days": "30"})
    token_id = db.session.query(ApiToken).one().id
    other = client.application.test_client()
    login(other, "user@example.cn")
    assert post_form_to(other, "/account", f"/account/tokens/{token_id}/revoke", {}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is None
