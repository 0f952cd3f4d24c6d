"""The derived tables' tests: an entry of the agency's and a read-write token of its staff."""
from __future__ import annotations

import pytest

from portal.accounts.tokens import create_token
from tests import factories as f


@pytest.fixture()
def setup(app, users):
    ds = f.dataset("呼和浩特市空气质量监测数据", agency_obj=users["agency_staff"].agency,
                   items=("编号", "日期", "站点"))
    tokens = {"rw": create_token(users["agency_staff"], "rw", "read_write", 30)[1]}
    return ds, tokens
