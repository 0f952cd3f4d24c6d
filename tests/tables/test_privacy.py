"""The privacy scan before publishing (issue 24): ID numbers with valid check digits, mobile numbers, Luhn-valid
bank cards, door-level addresses and the names beside them are flagged with counts and masked examples to the
agency (the file's table page) and the reviewer (the review page); an unconditional entry with such a file is
approved only with the reviewer's confirmation and reason, which the audit log keeps with the flagged columns."""
from __future__ import annotations

import re

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset
from portal.extensions import db
from portal.tables.privacy import id_check_digit, luhn_valid, mask
from tests import factories as f
from tests.catalog.test_console import ENTRY, create, put_file
from tests.conftest import login, post_form

BODIES = ["15020419850312123", "15010219900101456", "11010519491231002", "44030419791127051"]


def valid_id(body: str) -> str:
    return body + id_check_digit(body)


def invalid_id(body: str) -> str:
    return body + next(c for c in "0123456789X" if c != id_check_digit(body))


def card(prefix: str, valid: bool = True) -> str:
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d) == valid)


IDS = [valid_id(b) for b in BODIES]
PHONES = ["13812345678", "15947110023", "18604711234", "13998765432"]
CARDS = [card(f"62220215020012{i:03d}") for i in range(4)]
NAMES = ["张伟", "王秀英", "李娜", "欧阳明"]
ADDRESSES = ["新城区新华大街12号3单元501室", "赛罕区昭乌达路88号", "回民区中山西路5号2栋", "玉泉区南二环路16号"]
PERSONAL_CSV = ("姓名,公民身份号码,手机号码,银行卡号,住址,性别\n" + "".join(
    f"{n},{i},{p},{c},{a},男\n" for n, i, p, c, a in zip(NAMES, IDS, PHONES, CARDS, ADDRESSES))).encode()
# the same shapes with wrong check digits and failing Luhn: nothing is personal information here
HARMLESS_CSV = ("编号,证件号,卡号\n" + "".join(
    f"{k},{invalid_id(b)},{card(f'62220215020012{k:03d}', valid=False)}\n" for k, b in enumerate(BODIES))).encode()


def test_check_digit_luhn_and_masks():
    assert id_check_digit("11010519491231002") == "X"           # the standard's own example
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert mask("id_number", "150204198503121234") == "1502**********1234"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("name", "欧阳明") == "欧**"


def _entry(client, body: bytes, **changes) -> Dataset:
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    assert create(client, **changes).status_code == 302
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    assert put_file(client, ds, body, filename="人员.csv").status_code == 201
    db.session.expire_all()
    return db.session.get(Dataset, ds.id)


def _submit(client, ds: Dataset):
    assert all(r.status_code == 302 for r in f.post_agency_checks(client, ds.id))
    assert post_form(client, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    authority = client.application.test_client()
    login(authority, "authority@example.cn")
    db.session.expire_all()
    r = db.session.get(Dataset, ds.id).reviews[0]
    for which in ("confidentiality", "disclosure", "level"):
        assert post_form(authority, f"/review/{r.id}/check/{which}", {"note": "已审查。"}).status_code == 302
    return authority, r


def decide(authority, review_id, data):
    url = f"/review/{review_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', authority.get(url).get_data(as_text=True)).group(1)
    return authority.post(f"{url}/decide", data={"csrf_token": token, "action": "approve", **data})


def _unmasked_absent(html: str) -> None:
    for value in IDS + PHONES + CARDS + ADDRESSES:
        assert value not in html


def test_personal_columns_flagged_masked_and_approval_needs_confirmation(app, users, client):
    ds = _entry(client, PERSONAL_CSV)
    res = ds.resources[0]
    page = client.get(f"/console/datasets/{ds.id}/resources/{res.id}/table")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    section = html[html.index('id="privacy"'):html.index("</section>", html.index('id="privacy"'))]
    for column, kind, example in [("公民身份号码", "id_number", mask("id_number", IDS[0])),
                                  ("手机号码", "mobile", "138****5678"), ("银行卡号", "bank_card", mask("bank_card", CARDS[0])),
                                  ("住址", "address", "新城区新华大街**号*单元***室"), ("姓名", "name", "张*")]:
        row = re.search(rf'<tr data-privacy-kind="{kind}">(.*?)</tr>', section, re.S)
        assert row and column in row.group(1) and "<td>4</td>" in row.group(1) and example in row.group(1), kind
    assert "性别" not in section
    _unmasked_absent(html)  # neither in the findings nor in the column profile's values

    authority, r = _submit(client, ds)
    review_html = authority.get(f"/review/{r.id}").get_data(as_text=True)
    assert 'id="privacy"' in review_html and mask("id_number", IDS[1]) in review_html and "159****0023" in review_html
    assert 'name="privacy_confirmation"' in review_html
    _unmasked_absent(review_html)

    refused = decide(authority, r.id, {"comment": "同意发布"})
    assert refused.status_code == 422
    assert 'id="f-privacy_confirmation-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "submitted"

    reason = "经核实，住址为办事网点地址，号码为公开服务电话，已取得权利人同意。"
    assert decide(authority, r.id, {"comment": "同意发布", "privacy_confirmation": reason}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "published"
    event = db.session.query(AuditEvent).filter_by(action="review.privacy_confirmed", object_id=ds.id).one()
    assert event.reason == reason and event.details["review"] == r.id
    assert {(c["column"], c["kind"]) for c in event.details["columns"]} == {
        ("公民身份号码", "id_number"), ("手机号码", "mobile"), ("银行卡号", "bank_card"), ("住址", "address"),
        ("姓名", "name")}


def test_wrong_check_digits_and_luhn_failures_not_flagged(app, users, client):
    ds = _entry(client, HARMLESS_CSV)
    res = ds.resources[0]
    html = client.get(f"/console/datasets/{ds.id}/resources/{res.id}/table").get_data(as_text=True)
    assert "证件号" in html and 'id="privacy"' not in html
    authority, r = _submit(client, ds)
    assert 'name="privacy_confirmation"' not in authority.get(f"/review/{r.id}").get_data(as_text=True)
    assert decide(authority, r.id, {"comment": "同意发布"}).status_code == 302


def test_conditional_entry_is_not_gated(app, users, client):
    ds = _entry(client, PERSONAL_CSV, open_type="conditional", open_conditions="仅向科研机构开放",
               open_reason="含个人信息", open_legal_basis="《个人信息保护法》第十三条")
    assert ds.open_type == "conditional"
    authority, r = _submit(client, ds)
    review_html = authority.get(f"/review/{r.id}").get_data(as_text=True)
    assert 'id="privacy"' in review_html and 'name="privacy_confirmation"' not in review_html
    assert decide(authority, r.id, {"comment": "同意发布"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).state == "published"
    assert not db.session.query(AuditEvent).filter_by(action="review.privacy_confirmed").count()


def test_approval_through_the_api_needs_the_confirmation_field(app, users, client):
    ds = _entry(client, PERSONAL_CSV)
    authority, r = _submit(client, ds)
    token = create_token(users["authority"], "review", "read_write", 30)[1]
    headers = {"Authorization": f"Bearer {token}"}
    seen = client.get(f"/api/v1/reviews/{r.id}", headers=headers)
    assert seen.status_code == 200
    body = seen.get_json()
    assert body["confirmations"] == ["privacy_confirmation"]
    assert {"column": "手机号码", "kind": "mobile", "count": 4}.items() <= {
        k: v for k, v in next(x for x in body["privacy"] if x["kind"] == "mobile").items()}.items()
    assert all(v not in seen.get_data(as_text=True) for v in IDS + PHONES + CARDS)
    refused = client.post(f"/api/v1/reviews/{r.id}/approve", json={"comment": "同意"}, headers=headers)
    assert refused.status_code == 422 and "privacy_confirmation" in refused.get_json()["error"]["details"]
    done = client.post(f"/api/v1/reviews/{r.id}/approve", headers=headers,
                       json={"comment": "同意", "privacy_confirmation": "已取得权利人同意公开。"})
    assert done.status_code == 201 and done.get_json()["state"] == "approved"
    event = db.session.query(AuditEvent).filter_by(action="review.privacy_confirmed", object_id=ds.id).one()
    assert event.reason == "已取得权利人同意公开。"
