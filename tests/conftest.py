"""Shared fixtures: a fresh empty app per test, and one demo-loaded app for read-only tests."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db


def build_app(data_dir, **overrides):
    app = create_app(TestConfig(data_dir, **overrides))
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture()
def app(tmp_path):
    """An empty portal with its own database, index and files."""
    app = build_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """A portal loaded with the demo catalog, shared by read-only tests."""
    from portal.demo import load_demo

    app = build_app(tmp_path_factory.mktemp("demo"))
    with app.app_context():
        load_demo()
        db.session.remove()
    return app


@pytest.fixture()
def demo_client(demo_app):
    with demo_app.app_context():
        yield demo_app.test_client()
        db.session.remove()
