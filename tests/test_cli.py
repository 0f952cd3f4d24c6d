"""`flask portal reindex` rebuilds search from the database; `demo --if-empty` never loads twice; settings
that cannot work are refused at start."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from portal.config import Config
from portal.extensions import db
from portal.search import backend
from portal.search.base import SearchQuery
from tests import factories as f


def test_reindex_restores_a_lost_index(app):
    f.dataset("呼和浩特市空气质量实时监测数据")
    f.dataset("草稿条目", state="draft", index=False)
    backend().clear()
    assert backend().search(SearchQuery(text="空气质量")).total == 0
    result = app.test_cli_runner().invoke(args=["portal", "reindex"])
    assert result.exit_code == 0 and "1" in result.output
    assert backend().search(SearchQuery(text="空气质量")).total == 1
    assert backend().search(SearchQuery(text="草稿")).total == 0


def test_demo_if_empty_does_not_touch_a_filled_catalog(app):
    f.dataset("已有条目")
    result = app.test_cli_runner().invoke(args=["portal", "demo", "--if-empty"])
    assert result.exit_code == 0
    assert backend().count() == 1


def test_create_user_command(app):
    from portal.accounts.models import User
    from portal.extensions import db
    from tests import factories as f

    f.agency("呼和浩特市交通运输局", slug="hhht-jtysj")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "create-user", "--email", "s@example.cn", "--name", "经办人",
                                 "--role", "agency_staff", "--agency", "hhht-jtysj", "--password", "Strong-Passw0rd"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="s@example.cn").one()
    assert user.role == "agency_staff" and user.agency.slug == "hhht-jtysj"
    result = runner.invoke(args=["portal", "create-user", "--email", "t@example.cn", "--name", "x",
                                 "--role", "agency_staff", "--password", "Strong-Passw0rd"])
    assert result.exit_code != 0 and db.session.query(User).count() == 1
    result = runner.invoke(args=["portal", "create-user", "--email", "u@example.cn", "--name", "x",
                                 "--role", "auditor", "--password", "weak"])
    assert result.exit_code != 0 and db.session.query(User).count() == 1


def test_reindex_if_needed(app):
    f.dataset("呼和浩特市空气质量实时监测数据")
    runner = app.test_cli_runner()
    assert "current" in runner.invoke(args=["portal", "reindex", "--if-needed"]).output
    backend().clear()
    if app.config["SEARCH_BACKEND"] == "postgres":  # production profile: the search table is gone
        db.session.execute(text("DROP TABLE search_documents"))
        db.session.commit()
    else:
        import shutil

        shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    result = runner.invoke(args=["portal", "reindex", "--if-needed"])
    assert "Indexed 1" in result.output
    assert backend().search(SearchQuery(text="空气质量")).total == 1


def test_an_index_of_older_words_is_rebuilt_by_reindex_if_needed(app):
    """After an upgrade that changes the index's words (here: each Chinese character of titles, tags and
    agencies), `reindex --if-needed` rebuilds the index, so that every entry is found the new way and
    not only those changed since."""
    f.dataset("呼和浩特市供水水质监测数据")
    assert not backend().needs_rebuild()
    if app.config["SEARCH_BACKEND"] == "postgres":  # a table built before the layout was kept with it
        db.session.execute(text("COMMENT ON TABLE search_documents IS NULL"))
        db.session.commit()
    else:  # an index of the previous layout, whose stored field was meta_v2
        import shutil

        from whoosh import index as whoosh_index
        from whoosh.fields import ID, STORED, TEXT, Schema

        shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
        os.makedirs(app.config["SEARCH_INDEX_DIR"])
        whoosh_index.create_in(app.config["SEARCH_INDEX_DIR"],
                               Schema(id=ID(stored=True, unique=True), meta_v2=STORED(), text=TEXT()))
    assert backend().needs_rebuild()
    result = app.test_cli_runner().invoke(args=["portal", "reindex", "--if-needed"])
    assert "Indexed 1" in result.output
    assert not backend().needs_rebuild()
    assert backend().search(SearchQuery(text="水")).total == 1


def test_an_in_memory_database_is_refused_at_start(monkeypatch, tmp_path):
    """Every worker and the side connections of each thread must see the same database."""
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "test-secret")
    for url in ("sqlite://", "sqlite:///:memory:"):
        monkeypatch.setenv("PORTAL_DATABASE_URL", url)
        with pytest.raises(ValueError, match="in-memory SQLite"):
            Config()
