"""Every protected route, walked as every role: wrong role 403, anonymous to login (pages) or 401 (API)."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from portal.accounts.models import Role
from tests.conftest import PASSWORD, build_app

ROLES = ["anonymous", *[r.value for r in Role]]


def protected_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        allowed = getattr(view, "required_roles", None)
        if allowed is None:
            continue
        args = {name: (999999 if isinstance(conv, IntegerConverter) else "x")  # ids that exist nowhere
                for name, conv in rule._converters.items()}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule, args, set(allowed)


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("walk"), WTF_CSRF_ENABLED=False)  # roles only; CSRF is tested apart
    from portal.accounts.services import create_staff_user
    from portal.extensions import db
    from tests import factories as f

    with app.app_context():
        f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        db.session.commit()
        from portal.accounts.tokens import create_token

        app.tokens = {}
        for role in Role:
            user = create_staff_user(f"{role.value}@example.cn", role.value, PASSWORD, role.value,
                                     "hhht-sthjj" if role == Role.AGENCY_STAFF else None)
            app.tokens[role.value] = create_token(user, "walk", "read_write", 30)[1]
    return app


def test_there_are_protected_routes_to_walk(walk_app):
    endpoints = {endpoint for endpoint, *_ in protected_routes(walk_app)}
    assert {"console.home", "console.new_entry", "console.upload", "review.queue", "review.decide",
            "review.calendar", "accounts.account", "audit.audit_log", "audit.audit_csv",
            "audit.access_log", "audit.access_csv", "audit.verify"} <= endpoints


@pytest.mark.parametrize("role", ROLES)
def test_every_protected_route_as(walk_app, role):
    client = walk_app.test_client()
    if role != "anonymous":
        from tests.conftest import login

        login(client, f"{role}@example.cn")
    failures = []
    for endpoint, method, rule, args, allowed in protected_routes(walk_app):
        with walk_app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **args)
        # pages use the session; the API uses the role's read-write token
        headers = {"Authorization": f"Bearer {walk_app.tokens[role]}"} if role != "anonymous" and \
            url.startswith("/api/") else {}
        r = client.open(url, method=method, headers=headers)
        if role == "anonymous":
            ok = r.status_code == 401 if url.startswith("/api/") else (
                r.status_code == 302 and "/login" in r.headers["Location"])
        elif role in allowed:
            ok = r.status_code not in (401, 403) and "/login" not in r.headers.get("Location", "")
        else:
            ok = r.status_code == 403
        if not ok:
            failures.append(f"{method} {url} as {role}: {r.status_code}")
    assert failures == []
