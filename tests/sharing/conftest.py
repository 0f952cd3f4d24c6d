"""The parties of SHARING.md §8: A = 自治区生态环境厅 (nmg-sthjt), B = 呼和浩特市交通运输局 (hhht-jtysj), C =
呼和浩特市生态环境局 (hhht-sthjj), each with a share officer and another staff member; A's entries; a clock
frozen on a day of the 2026 calendar."""
from __future__ import annotations


import pytest

from portal.accounts.services import create_staff_user
from portal.agencies.models import RegionLevel
from portal.catalog.models import ShareType
from portal.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, login

def officer(email: str, name: str, slug: str):
    user = create_staff_user(email, name, PASSWORD, "agency_staff", slug)
    user.share_officer = True
    db.session.commit()
    return user


@pytest.fixture()
def parties(app):
    """A, B and C with their officers (a_officer, b_officer, c_officer), B's other staff (b_staff, b_user2),
    the authority and an auditor; A's entries: unconditional, conditional and none, each with a CSV file."""
    a = f.agency("内蒙古自治区生态环境厅", slug="nmg-sthjt", region="内蒙古自治区", level=RegionLevel.REGION)
    b = f.agency("呼和浩特市交通运输局", slug="hhht-jtysj")
    c = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    db.session.commit()
    made = {
        "A": a, "B": b, "C": c,
        "a_officer": officer("a-officer@example.cn", "生态环境厅共享专员", a.slug),
        "b_officer": officer("b-officer@example.cn", "交通运输局共享专员", b.slug),
        "c_officer": officer("c-officer@example.cn", "生态环境局共享专员", c.slug),
        "a_staff": create_staff_user("a-staff@example.cn", "生态环境厅经办人", PASSWORD, "agency_staff", a.slug),
        "b_staff": create_staff_user("b-staff@example.cn", "交通运输局用数人员", PASSWORD, "agency_staff", b.slug),
        "b_user2": create_staff_user("b-user2@example.cn", "交通运输局另一人", PASSWORD, "agency_staff", b.slug),
        "c_staff": create_staff_user("c-staff@example.cn", "生态环境局经办人", PASSWORD, "agency_staff", c.slug),
        "authority": create_staff_user("authority@example.cn", "数据局审核员", PASSWORD, "authority"),
        "auditor": create_staff_user("auditor@example.cn", "审计员", PASSWORD, "auditor"),
    }
    items = ("站点", "监测时间", "AQI", "联系人电话")
    for key, share_type, title in (("open", ShareType.UNCONDITIONAL, "全区空气质量监测数据"),
                                   ("conditional", ShareType.CONDITIONAL, "重点排污单位监测数据"),
                                   ("none", ShareType.NONE, "环境违法举报人信息")):
        extra = {} if share_type == ShareType.UNCONDITIONAL else {
            "share_reason": "涉及商业秘密", "share_legal_basis": "《中华人民共和国环境保护法》第五十五条",
            "share_conditions": "仅用于交通执法" if share_type == ShareType.CONDITIONAL else ""}
        ds = f.dataset(title, agency_obj=a, items=items, share_type=share_type, index=False, **extra)
        made[key] = ds
        made[key + "_file"] = f.csv_resource(ds, "站点,监测时间,AQI,联系人电话\n新华广场,2026-03-01,56,13800000000\n"
                                                 "如意区,2026-03-01,61,13900000000\n", filename=f"{key}.csv")
    return made


@pytest.fixture()
def as_user(client):
    """Log the client in as one of the parties' accounts (by e-mail), logging out whoever was in."""
    def switch(user):
        with client.session_transaction() as s:
            s.clear()
        login(client, user.email)
        return client
    return switch
