"""The speed machinery (portal/machinery/) relies on libraries' internals: these tests fail loudly when a
library changes under it. For each piece: the installed version is the one its module names (and the pin
of requirements.txt), the internal it uses is still there with the same signature, and the trick still has
its effect. When one fails after an upgrade, read the module named in the test before changing anything.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest
from flask import Flask, g, render_template_string, request

import portal.machinery
from tests.conftest import build_app

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.txt").read_text()
    return {_norm(name): pin for name, pin in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", text, re.M)}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _machinery_modules():
    for info in pkgutil.iter_modules(portal.machinery.__path__):
        yield importlib.import_module(f"portal.machinery.{info.name}")


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


# ---- every piece names the versions it relies on, and they are the ones installed and pinned ----------
def test_every_machinery_module_names_the_versions_it_relies_on():
    modules = list(_machinery_modules())
    assert {m.__name__.rsplit(".", 1)[1] for m in modules} >= {
        "database", "rate_limits", "limit_storage", "gettext", "sessions", "login", "gunicorn"}
    for module in modules:
        assert isinstance(getattr(module, "RELIES_ON", None), dict) and module.RELIES_ON, module.__name__
        for library, expected in module.RELIES_ON.items():
            assert f"{library} {expected}".lower() in module.__doc__.lower(), (module.__name__, library)


@pytest.mark.parametrize("module", list(_machinery_modules()), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_the_installed_and_pinned_versions_are_the_ones_the_machinery_was_written_for(module):
    pins = _pins()
    for library, expected in module.RELIES_ON.items():
        assert pins.get(_norm(library)) == expected, (
            f"requirements.txt pins {library} {pins.get(_norm(library))}, but {module.__name__} was written for "
            f"{expected}: read that module (and this test) before upgrading, then change its RELIES_ON")
        assert version(library) == expected, f"{library} {version(library)} is installed, {module.__name__} relies on {expected}"


# ---- database: SQLAlchemy events, psycopg's socket, Flask-SQLAlchemy's teardown ------------------------
def test_flask_sqlalchemy_registers_the_teardown_the_portal_replaces(tmp_path):
    from flask_sqlalchemy import SQLAlchemy

    plain, sqla = Flask("plain"), SQLAlchemy()
    plain.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'x.db'}"
    sqla.init_app(plain)
    assert _params(SQLAlchemy._teardown_session) == ["self", "exc"]
    assert sqla._teardown_session in plain.teardown_appcontext_funcs  # the one safe_session_teardown takes out

    from portal.extensions import db

    app = build_app(tmp_path / "portal")
    assert db._teardown_session not in app.teardown_appcontext_funcs
    assert any(f.__name__ == "_remove_session" for f in app.teardown_appcontext_funcs)


def test_sqlite_connections_are_set_up_for_several_processes(tmp_path):
    from sqlalchemy import create_engine, text

    build_app(tmp_path / "portal")  # installs the engine listeners, once per process
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def test_invalidate_pool_error_in_checkout_makes_the_pool_connect_afresh(tmp_path):
    """What still_connected relies on: raising InvalidatePoolError in a "checkout" listener drops the
    connection and the pool hands out a fresh one, without an error for the caller."""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.exc import DisconnectionError, InvalidatePoolError
    from sqlalchemy.pool import QueuePool

    assert issubclass(InvalidatePoolError, DisconnectionError)
    made = []
    engine = create_engine("sqlite://", poolclass=QueuePool,
                           creator=lambda: made.append(1) or sqlite3.connect(tmp_path / "p.db", check_same_thread=False))
    refuse = [True]

    def checkout(dbapi_connection, record, proxy):
        if refuse and len(made) == 1:
            refuse.pop()
            raise InvalidatePoolError("gone")

    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    event.listen(engine, "checkout", checkout)
    assert _params(checkout) == ["dbapi_connection", "record", "proxy"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert len(made) == 2  # the refused connection was replaced
    engine.dispose()


def test_psycopg_exposes_the_socket_and_status_the_pool_check_reads():
    import psycopg
    from psycopg import pq

    assert pq.ConnStatus.OK == 0
    assert "self.pgconn = pgconn" in inspect.getsource(psycopg.BaseConnection.__init__)
    assert {"socket", "status"} <= set(dir(pq.PGconn))


# ---- rate limits: Flask-Limiter's hook and key prefix; limits' storages --------------------------------
def test_flask_limiter_registers_the_request_hook_the_portal_moves(tmp_path):
    from flask_limiter import Limiter

    assert _params(Limiter._check_request_limit) == ["self", "callable_name", "in_middleware"]
    plain = Flask("plain")
    limiter = Limiter(key_func=lambda: "k", storage_uri="memory://")
    limiter.init_app(plain)
    assert limiter._check_request_limit in plain.before_request_funcs[None]

    from portal.extensions import limiter as portal_limiter

    app = build_app(tmp_path / "portal", RATELIMIT_ENABLED=True)
    check = portal_limiter._check_request_limit
    assert check not in app.before_request_funcs.get(None, [])
    assert all(check in app.before_request_funcs[name] for name in ("api_v1", "ckan_api"))


def test_the_key_prefix_separates_the_counts():
    from flask_limiter import Limiter

    from portal.machinery.rate_limits import set_key_prefix

    app = Flask("prefix")
    limiter = Limiter(key_func=lambda: "same-client", storage_uri="memory://", app=app)
    app.add_url_rule("/x", "x", limiter.limit("1/minute")(lambda: "ok"))
    client = app.test_client()
    set_key_prefix(limiter, "first")
    assert [client.get("/x").status_code, client.get("/x").status_code] == [200, 429]
    set_key_prefix(limiter, "second")
    assert client.get("/x").status_code == 200


def test_the_storages_take_over_their_schemes():
    from limits.storage import RedisStorage, Storage, storage_from_string

    from portal.machinery.limit_storage import RedisWindowStorage, WorkerMemoryStorage

    assert isinstance(storage_from_string("worker-memory://"), WorkerMemoryStorage)
    assert type(storage_from_string("redis://127.0.0.1:1")) is RedisWindowStorage  # no connection made yet
    abstract = {n for n, v in vars(Storage).items() if getattr(v, "__isabstractmethod__", False)}
    assert abstract <= set(vars(WorkerMemoryStorage)), abstract - set(vars(WorkerMemoryStorage))
    assert _params(RedisStorage.initialize_storage) == ["self", "_uri"]
    assert _params(RedisStorage.get_connection) == ["self", "readonly"]
    assert _params(RedisStorage.prefixed_key) == ["self", "key"]
    assert _params(RedisStorage.incr) == ["self", "key", "expiry", "amount"]


def test_limits_counts_a_fixed_window_as_the_redis_script_repeats():
    """RedisWindowStorage's script does what limits' own incr script does, and also answers the window's
    remaining time: limits' script must still be INCRBY, then EXPIRE on the window's first hit."""
    import limits

    from portal.machinery.limit_storage import RedisWindowStorage

    own = Path(limits.__file__).parent / "resources" / "redis" / "lua_scripts" / "incr_expire.lua"
    words = " ".join(own.read_text().split())
    assert words == ('local current local amount = tonumber(ARGV[2]) current = redis.call("incrby", KEYS[1], amount) '
                     'if tonumber(current) == amount then redis.call("expire", KEYS[1], ARGV[1]) end return current')
    ours = " ".join(RedisWindowStorage.SCRIPT_INCR_WINDOW.split())
    assert 'redis.call("incrby", KEYS[1], ARGV[2])' in ours and 'redis.call("expire", KEYS[1], ARGV[1])' in ours


# ---- template gettext: Jinja's newstyle callables, Flask-Babel's catalog ------------------------------
def test_jinja_installs_gettext_callables_as_the_portal_calls_it():
    from jinja2 import Environment
    from jinja2.ext import _make_new_gettext

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    assert _params(env.install_gettext_callables) == ["gettext", "ngettext", "newstyle", "pgettext", "npgettext"]
    assert getattr(_make_new_gettext(str), "jinja_pass_arg", None) is not None  # it takes the template context


def test_plain_template_gettext_gives_what_jinja_newstyle_gives(tmp_path):
    from jinja2 import Environment

    from portal.machinery.gettext import make_gettext

    source = '{{ _("Hello %(x)s", x="<b>") }}|{{ _("100%% plain") }}|{{ _("<i>") }}'
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_callables(gettext=lambda s: s, ngettext=lambda s, p, n: s if n == 1 else p, newstyle=True)
    expected = env.from_string(source).render()
    app = build_app(tmp_path, BABEL_DEFAULT_LOCALE="en")
    with app.test_request_context("/"):
        app.preprocess_request()
        assert render_template_string(source) == expected
        assert app.jinja_env.globals["_"].__qualname__ == make_gettext(lambda: "en").__qualname__


def test_the_catalog_is_looked_up_once_per_request(tmp_path, monkeypatch):
    import flask_babel

    from portal.machinery import gettext

    assert _params(flask_babel.get_translations) == []
    calls = []
    monkeypatch.setattr(gettext, "get_translations", lambda: calls.append(1) or flask_babel.get_translations())
    app = build_app(tmp_path)
    with app.test_request_context("/"):
        app.preprocess_request()
        render_template_string('{{ _("a %(n)s", n=1) }}{{ _("b %(n)s", n=2) }}{{ ngettext("c", "cs", 2) }}'
                               '{{ _("Theme") }}')
        assert len(calls) == 1
        assert {"_translations", "_plain_strings"} <= set(vars(g))
    from babel.support import NullTranslations, Translations

    assert all(hasattr(cls, n) for cls in (Translations, NullTranslations)
               for n in ("ugettext", "ungettext", "upgettext", "unpgettext"))


# ---- cookie sessions: Flask's interface ------------------------------------------------------------------
def test_a_request_without_a_session_cookie_builds_no_signer(tmp_path, monkeypatch):
    from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

    from portal.machinery.sessions import SessionInterface

    assert _params(SecureCookieSessionInterface.open_session) == ["self", "app", "request"]
    assert _params(SecureCookieSessionInterface.get_cookie_name) == ["self", "app"]
    assert SecureCookieSessionInterface.session_class is SecureCookieSession
    app = build_app(tmp_path)
    assert type(app.session_interface) is SessionInterface
    built = []
    original = SecureCookieSessionInterface.get_signing_serializer
    monkeypatch.setattr(SecureCookieSessionInterface, "get_signing_serializer",
                        lambda self, a: built.append(1) or original(self, a))
    with app.test_request_context("/"):
        session = app.session_interface.open_session(app, request)
        assert isinstance(session, SecureCookieSession) and not session and built == []
    cookie = f"{app.config['SESSION_COOKIE_NAME']}=anything"
    with app.test_request_context("/", headers={"Cookie": cookie}):
        built.clear()
        app.session_interface.open_session(app, request)
        assert built == [1]


# ---- Flask-Login's per-request user --------------------------------------------------------------------
def test_a_forgotten_user_is_anonymous_without_loading(tmp_path, monkeypatch):
    import flask_login.utils
    from flask_login import current_user

    from portal.machinery.login import forget_user

    assert '"_login_user" not in g' in inspect.getsource(flask_login.utils._get_user)
    app = build_app(tmp_path)
    with app.test_request_context("/", headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}=x"}):
        monkeypatch.setattr(app.login_manager, "_load_user", lambda: pytest.fail("the user was loaded"))
        forget_user()
        assert current_user.is_anonymous


# ---- gunicorn's application object ---------------------------------------------------------------------
def test_the_number_of_workers_is_read_from_the_gunicorn_application():
    from gunicorn.app.base import BaseApplication

    from portal.machinery.gunicorn import gunicorn_workers

    class Loading(BaseApplication):
        def load_config(self):
            self.cfg.set("workers", 3)

        def load(self):
            return lambda: gunicorn_workers()  # what create_app asks while gunicorn loads it

    assert Loading().wsgi()() is None  # called later, outside the load: no gunicorn on the stack

    class Loaded(Loading):
        def load(self):
            return gunicorn_workers()

    assert Loaded().wsgi() == 3


# ---- the one piece still outside the package: Whoosh's block reader (portal/search/whoosh.py) -----------
def test_whoosh_reads_postings_a_block_at_a_time(tmp_path):
    """search/whoosh.py reads a word's postings a block at a time through the W3 codec's private matcher
    methods, with a slower fallback when they are missing: this makes their loss loud instead of slow."""
    from whoosh import fields, index

    assert version("whoosh-reloaded") == _pins()["whoosh-reloaded"] == "2.7.5"
    ix = index.create_in(tmp_path, fields.Schema(id=fields.ID(stored=True), text=fields.TEXT))
    with ix.writer() as w:
        for i in range(300):
            w.add_document(id=str(i), text="word" if i % 2 else "word other")
    with ix.reader() as reader:
        matcher = reader.postings("text", "word")
        assert all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_blocklength"))
        from portal.machinery.whoosh_postings import read_postings

        ids, weights = read_postings(reader, "word")
        assert len(ids) == len(weights) == 300 and list(ids) == sorted(ids)
