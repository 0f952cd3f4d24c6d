"""One reading rule for experts in both kinds of dispute (OVERSIGHT §7 "experts only cases referred to them",
disputes/referral.py): a sharing dispute referred to expert X is read by X and by no other expert — not by one
the referral did not name, nor by one whose account was made after it; the list shows X that dispute only."""
from __future__ import annotations

from portal.accounts.services import create_staff_user
from portal.extensions import db
from tests.clock import freeze
from tests.conftest import PASSWORD, post_form
from tests.sharing.test_dispute_experts import QUESTION, coordinating


def test_a_sharing_dispute_is_read_only_by_the_experts_it_was_referred_to(parties, as_user, monkeypatch):
    d = coordinating(parties)
    x = create_staff_user("expert-x@example.cn", "专家甲", PASSWORD, "expert")
    y = create_staff_user("expert-y@example.cn", "专家乙", PASSWORD, "expert")
    freeze(monkeypatch, "2026-10-26")
    authority = as_user(parties["authority"])
    page = authority.get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
    assert f'name="experts" value="{x.id}"' in page and f'name="experts" value="{y.id}"' in page
    r = post_form(authority, f"/sharing/disputes/{d.id}/act", {"action": "refer", "question": QUESTION,
                                                               "experts": ["999999"]})
    assert r.status_code == 422 and 'id="error-experts"' in r.get_data(as_text=True)
    assert post_form(authority, f"/sharing/disputes/{d.id}/act", {"action": "refer", "question": QUESTION,
                                                                  "experts": [str(x.id)]}).status_code == 302
    late = create_staff_user("expert-z@example.cn", "专家丙", PASSWORD, "expert")
    db.session.commit()
    assert as_user(x).get(f"/sharing/disputes/{d.id}").status_code == 200
    assert f"/sharing/disputes/{d.id}" in as_user(x).get("/sharing/disputes").get_data(as_text=True)
    for other in (y, late):
        assert as_user(other).get(f"/sharing/disputes/{d.id}").status_code == 404
        assert f"/sharing/disputes/{d.id}" not in as_user(other).get("/sharing/disputes").get_data(as_text=True)
    assert "专家甲" in as_user(parties["b_officer"]).get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
