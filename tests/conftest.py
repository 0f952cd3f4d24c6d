"""Shared fixtures: a fresh empty app per test, and one demo-loaded app for read-only tests."""
from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db
from tests import compiled, databases
from tests.clock import thaw
from tests.url_rules import share_url_builders

PRODUCTION = os.environ.get("PORTAL_TEST_PROFILE") == "production"
# Servers and commands the tests start in other processes (gunicorn, flask) inherit this: they run as
# development, with the tests' weak keys. The tests of production start-up set their own environment
# (tests/production/servers.py, tests/accounts/test_keys.py).
os.environ["PORTAL_ENV"] = "development"
# tests/production/ needs the real PostgreSQL and Redis that `scripts/services.py run` starts
collect_ignore = [] if PRODUCTION else ["production"]
share_url_builders()  # each test app compiles its URL rules; the builders are the same every time
if PRODUCTION and os.environ.get("PYTEST_XDIST_WORKER"):  # gw0, gw1… under `pytest -n`
    databases.use_worker_database(os.environ["PYTEST_XDIST_WORKER"])


def pytest_unconfigure(config):
    databases.clean_up()


def pytest_collection_modifyitems(config, items):
    """Under `pytest -n --dist loadgroup` (make test) every test needs an id of its own: the workers report
    and are sent tests by id. Tests sharing a fixture that is made once per module (a server, a catalog of
    their own) or per directory (the browser) run in one worker, which makes it once. Fixtures of this file
    (demo_app) and pytest's own are made in every worker that needs them."""
    from _pytest.nodeid import coerce_node_id

    _own_node_ids(items)
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        places = {defs[-1].baseid for defs in (info.name2fixturedefs.values() if info else ()) if defs
                  and defs[-1].scope != "function" and defs[-1].baseid not in ("", "tests")}
        if places:
            group = min(places, key=len)
            item.add_marker(pytest.mark.xdist_group(group))
            if getattr(config.option, "loadgroup", False):
                # xdist (3.8) puts the group into the test's id through Node._nodeid, which pytest 9.2
                # no longer reads; the id is what the run is divided by, so the group is put in here
                item._id = coerce_node_id(f"{item.nodeid}@{group}")


def _own_node_ids(items) -> None:
    """schemathesis 4.32 names the test of each API operation `test_x[GET /path]`, but under pytest 9.2
    they all get the id of the function `test_x` (pytest now builds it from the original name), and a
    parallel run would run one of them. Each such test gets its name as its id; two tests that still
    share one stop the run."""
    from collections import Counter

    from _pytest.nodeid import coerce_node_id

    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and item.nodeid.endswith("::" + getattr(item, "originalname", "")):
            item._id = coerce_node_id(f"{item.parent.nodeid}::{item.name}")
    twice = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if twice:
        raise pytest.UsageError(f"tests that share an id (a parallel run would run one of each): {twice[:5]}")


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (its own `g` and database session), as in production,
    even while the test itself holds an app context; otherwise the logged-in user and the CSRF
    token cached in `g` would leak from one test client to another."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(data_dir, **overrides):
    """A test app on `data_dir` whose database holds every table (tests/databases.py says how that is made
    cheaply: a copy of a template SQLite file, or an emptied PostgreSQL schema of an earlier test)."""
    reused = None
    if "TEST_SCHEMA" not in overrides and "SQLALCHEMY_DATABASE_URI" not in overrides:
        reused = databases.pooled_schema(os.environ.get("PORTAL_TEST_DATABASE_URL", ""))
        if reused:
            overrides["TEST_SCHEMA"] = reused
    config = TestConfig(data_dir, **overrides)
    tables_made = bool(reused) or databases.copy_sqlite_template(config.SQLALCHEMY_DATABASE_URI)
    try:
        app = create_app(config)
    except BaseException:
        if reused:
            databases.release_schema(vars(config))  # untouched: it waits for the next test
        raise
    app.test_client_class = IsolatedClient
    compiled.share(app)  # templates and SQL statements compiled once per process (tests/compiled.py)
    app.extensions["mail_outbox"] = []  # (to, subject, body) of every mail the portal sends (inbox.mail.send)
    # Flask-Limiter keeps the key prefix of the first init_app in the process; each test app counts apart,
    # also in the production profile's shared Redis.
    from portal.extensions import limiter

    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]
    if not tables_made:
        with app.app_context():
            db.create_all()
    return app


@pytest.fixture(autouse=True)
def real_clock_after():
    """No portal module keeps a clock a test froze (tests/clock.py)."""
    yield
    thaw()


@pytest.fixture()
def app(tmp_path):
    """An empty portal with its own database, index and files."""
    app = build_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    databases.release_schema(app.config)  # emptied for the next test, or dropped


@pytest.fixture()
def client(app):
    return app.test_client()


def demo_loaded_app(data_dir):
    """A test app loaded with the demo catalog."""
    from portal.demo import load_demo

    app = build_app(data_dir)
    with app.app_context():
        load_demo()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """A portal loaded with the demo catalog, shared by read-only tests (the browser journeys, which
    write, have one of their own: tests/browser/conftest.py)."""
    return demo_loaded_app(tmp_path_factory.mktemp("demo"))


@pytest.fixture()
def demo_client(demo_app):
    with demo_app.app_context():
        yield demo_app.test_client()
        db.session.remove()


PASSWORD = "Test-Passw0rd!"


def csrf_token_for(client) -> str:
    """The CSRF token any page would carry for this client's session, made without loading a page.

    Flask-WTF (1.3) keeps a random value in the session under the field's name and puts it on forms
    signed with URLSafeTimedSerializer(secret, salt="wtf-csrf-token"). Should that change, every form
    test fails with 400 at once; tests/ops/test_security.py checks the token that pages really carry.
    """
    import hashlib

    from itsdangerous import URLSafeTimedSerializer

    app = client.application
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    with client.session_transaction() as session:
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw = session[field]
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def post_form(client, url: str, data: dict, **kwargs):
    """POST a form with the CSRF token a browser would send."""
    return client.post(url, data={**data, "csrf_token": csrf_token_for(client)}, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    r = post_form(client, "/login", {"email": email, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return r


def mails_to(app, address: str) -> list[tuple[str, str, str]]:
    """The mails the portal sent to one address, oldest first."""
    return [m for m in app.extensions["mail_outbox"] if m[0] == address]


def link_in(body: str, path: str) -> str:
    """The path of the first link in a mail's body that goes to `path` (e.g. /register/confirm/)."""
    import re

    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S*)", body)
    assert match, body
    return match.group(1)


@pytest.fixture()
def users(app):
    """One account per role; the agency staff belongs to 呼和浩特市生态环境局; the data user is a person with a
    verified identity, registered a month ago."""
    from portal.accounts.services import create_staff_user
    from tests import factories as f

    agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    other = f.agency("包头市生态环境局", slug="bt-sthjj", region="包头市")
    db.session.commit()
    made = {
        "data_user": f.data_user("user@example.cn", "数据用户"),  # verified: confirmed e-mail, citizen ID
        "agency_staff": create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff", agency.slug),
        "other_staff": create_staff_user("staff2@example.cn", "包头经办人", PASSWORD, "agency_staff", other.slug),
        "authority": create_staff_user("authority@example.cn", "数据局审核员", PASSWORD, "authority"),
        "auditor": create_staff_user("auditor@example.cn", "审计员", PASSWORD, "auditor"),
        "admin": create_staff_user("admin@example.cn", "管理员", PASSWORD, "admin"),
    }
    return made
