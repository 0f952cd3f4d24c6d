"""What test apps share (tests/compiled.py): compiled templates and SQL statements, each app still reading
its own database and rendering its own data."""
from __future__ import annotations

import contextlib

from sqlalchemy import select

from portal.catalog.models import Dataset
from portal.extensions import db
from tests import compiled, databases, factories as f
from tests.conftest import build_app

TITLES = ("呼和浩特市空气质量监测数据", "包头市公交线路数据")


@contextlib.contextmanager
def two_apps(tmp_path):
    """Two test apps, each with its own database holding one entry (TITLES[i])."""
    apps = [build_app(tmp_path / name) for name in ("one", "two")]
    try:
        for app, title in zip(apps, TITLES):
            with app.app_context():
                f.dataset(title, slug=f"entry-{title}")
                db.session.commit()
                db.session.remove()
        yield apps
    finally:
        for app in apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            databases.release_schema(app.config)


def test_the_sqlalchemy_release_is_the_one_the_sql_share_was_written_for():
    assert compiled.sql_shared(), (
        "SQLAlchemy changed: check tests/compiled.py (Engine.dialect, Engine._compiled_cache, Pool._dialect) "
        "against the new release and update SQL_VERSION")


def test_two_apps_share_compiled_statements_and_each_reads_its_own_database(tmp_path):
    statement = select(Dataset.title).where(Dataset.title.like("%数据")).order_by(Dataset.id.desc())
    with two_apps(tmp_path) as apps:
        engines, seen = [], []
        for app in apps:
            with app.app_context():
                engines.append(db.engine)
                before = len(db.engine._compiled_cache)
                seen.append(db.session.scalars(statement).all())
                seen.append(len(db.engine._compiled_cache) - before)
                db.session.remove()
        assert engines[0] is not engines[1]
        assert engines[0].dialect is engines[1].dialect
        assert engines[0]._compiled_cache is engines[1]._compiled_cache
        # compiled once, by the first app; each app reads its own entry
        assert seen == [[TITLES[0]], 1, [TITLES[1]], 0]


def test_a_template_is_compiled_once_per_process_and_renders_each_apps_data(tmp_path):
    with two_apps(tmp_path) as apps:
        pages, kept = [], []
        for app, title in zip(apps, TITLES):
            assert app.jinja_env.bytecode_cache is compiled.TEMPLATES
            pages.append(app.test_client().get(f"/dataset/entry-{title}").get_data(as_text=True))
            kept.append(dict(compiled.TEMPLATES.codes))
        assert TITLES[0] in pages[0] and TITLES[1] not in pages[0]
        assert TITLES[1] in pages[1] and TITLES[0] not in pages[1]
        assert kept[0] and kept[1] == kept[0]  # compiled by the first app (or an earlier test), none by the second
