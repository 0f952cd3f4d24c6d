"""`flask portal reindex` rebuilds search from the database; `demo --if-empty` never loads twice."""
from __future__ import annotations

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
