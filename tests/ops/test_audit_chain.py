"""The audit chain is keyed and checked against signed checkpoints kept outside the database: someone with
full database access but without PORTAL_AUDIT_KEY can neither rewrite the chain nor cut its end unseen."""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal.audit import chain
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import build_app, login
from tests.ops.test_audit import _behind_the_portals_back, _events, _verify


def _public_sha256(prev: str, event: AuditEvent) -> str:
    """The chain's formula as anyone can read it in the source, without the key."""
    return hashlib.sha256(chain._body(prev, event)).hexdigest()


def _recompute_from(first_id: int, *, mark_plain: bool) -> None:
    """Rewrite every hash from `first_id` on with the public formula, as an attacker without the key would."""
    db.session.expire_all()
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    db.session.expunge_all()
    prev = chain.GENESIS
    for e in events:
        if e.id >= first_id:
            new = _public_sha256(prev, e)
            _behind_the_portals_back("UPDATE audit_events SET prev_hash = :p, hash = :h, keyed = :k WHERE id = :id",
                                     {"p": prev, "h": new, "k": not mark_plain, "id": e.id})
            prev = new
        else:
            prev = e.hash


def _checkpoint(app) -> str:
    result = app.test_cli_runner().invoke(args=["portal", "audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_chain_recomputed_with_the_public_formula_is_caught(app):
    events = _events(5)
    _behind_the_portals_back("UPDATE audit_events SET reason = '伪造' WHERE id = :id", {"id": events[2].id})
    _recompute_from(events[2].id, mark_plain=False)
    result = _verify(app)
    assert result.exit_code == 1 and f"ids {events[2].id}, {events[3].id}, {events[4].id}" in result.output


def test_a_chain_rewritten_as_plain_events_is_caught_by_the_checkpoint(app):
    events = _events(5)
    _checkpoint(app)
    _behind_the_portals_back("UPDATE audit_events SET reason = '伪造' WHERE id = :id", {"id": events[1].id})
    _recompute_from(events[0].id, mark_plain=True)  # every event passed off as one from before the key
    assert chain.broken_events() == []  # the rewritten chain holds together on its own
    result = _verify(app)
    assert result.exit_code == 1 and "DISAGREES" in result.output and "hashed without the key" in result.output


def test_plain_events_that_no_checkpoint_vouches_for_fail_the_check(app):
    events = _events(3)
    _recompute_from(events[0].id, mark_plain=True)
    result = _verify(app)
    assert result.exit_code == 1 and "no checkpoint vouches" in result.output


def test_events_from_before_the_key_verify_once_a_checkpoint_vouches_for_them(app):
    """An upgraded installation: its old events keep their plain hashes, new ones are keyed after them."""
    old = _events(2)
    _recompute_from(old[0].id, mark_plain=True)
    _checkpoint(app)
    _events(2)
    result = _verify(app)
    assert result.exit_code == 0 and "intact: 4 events" in result.output and "agrees with 1 checkpoints" in result.output
    db.session.expire_all()
    assert [e.keyed for e in db.session.query(AuditEvent).order_by(AuditEvent.id)] == [False, False, True, True]


def test_a_plain_event_after_a_keyed_one_is_a_break(app):
    events = _events(4)
    _recompute_from(events[3].id, mark_plain=True)
    result = _verify(app)
    assert result.exit_code == 1 and f"ids {events[3].id}" in result.output


def test_cutting_the_newest_events_is_caught_by_the_checkpoint(app):
    ids = [e.id for e in _events(5)]
    _checkpoint(app)
    _behind_the_portals_back("DELETE FROM audit_events WHERE id >= :id", {"id": ids[3]})
    assert chain.broken_events() == []  # a shortened chain is still a valid chain
    result = _verify(app)
    assert result.exit_code == 1 and f"event {ids[4]} is gone" in result.output


def test_another_key_does_not_verify_the_chain(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_AUDIT_KEY", "one-key-of-at-least-thirty-two-characters-0001")
    app = build_app(tmp_path / "a")
    with app.app_context():
        _events(3)
        assert _verify(app).exit_code == 0
    app.config["AUDIT_KEY"] = "another-key-of-at-least-thirty-two-characters-2"
    with app.app_context():
        result = _verify(app)
        assert result.exit_code == 1 and "BROKEN at 3 of 3 events" in result.output
        db.session.remove()


def test_checkpoints_are_files_outside_the_database_and_a_public_page_anyone_can_check(app, client):
    _events(3)
    output = _checkpoint(app)
    folder = Path(app.config["AUDIT_CHECKPOINT_DIR"])
    files = sorted(folder.glob("checkpoint-*.json"))
    assert len(files) == 1 and str(files[0]) in output
    head_id, head_hash = audit.chain_head()
    page = client.get("/audit/checkpoints")  # no account needed
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and head_hash in html and "审计" in html
    published = client.get("/audit/checkpoints.json").get_json()
    (cp,) = published["checkpoints"]
    assert (cp["newest_id"], cp["hash"], cp["count"]) == (head_id, head_hash, 3)
    # An outsider checks the signature with the published key only.
    payload = json.dumps({k: v for k, v in cp.items() if k != "signature"}, ensure_ascii=False, sort_keys=True,
                         separators=(",", ":")).encode()
    Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"])).verify(
        base64.b64decode(cp["signature"]), payload)


def test_a_forged_checkpoint_file_is_reported(app):
    _events(3)
    _checkpoint(app)
    (path,) = Path(app.config["AUDIT_CHECKPOINT_DIR"]).glob("checkpoint-*.json")
    data = json.loads(path.read_text())
    data["count"] = 2
    path.write_text(json.dumps(data))
    result = _verify(app)
    assert result.exit_code == 1 and "signature is not this portal's" in result.output


def test_the_console_shows_a_cut_chain(app, users, client):
    newest = _events(4)[-1].id
    _checkpoint(app)
    _behind_the_portals_back("DELETE FROM audit_events WHERE id = :id", {"id": newest})
    login(client, "auditor@example.cn")
    page = client.get("/console/audit/verify").get_data(as_text=True)
    assert 'data-intact="false"' in page and f"event {newest} is gone" in page


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET reason = '改过的理由'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_delete_audit_events(app, statement):
    """Append-only triggers on both databases, also for tables made without the migrations."""
    _events(2)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert audit.audit_count() == 2 and chain.broken_events() == []


def test_every_backup_leaves_a_signed_checkpoint_beside_the_archive(app, tmp_path):
    from portal.backup.services import backup

    _events(2)
    out = tmp_path / "backups" / "portal.backup"
    out.parent.mkdir()
    backup(out, "k" * 40)
    beside = chain.read_checkpoint(out.with_name("portal.backup.audit-checkpoint.json"))
    assert beside.signature_valid(chain.public_key())
    head_id, head_hash = audit.chain_head()
    assert (beside.newest_id, beside.hash, beside.count) == (head_id, head_hash, 3)  # with the backup's own event
    (kept,) = Path(app.config["AUDIT_CHECKPOINT_DIR"]).glob("checkpoint-*.json")  # and one in the directory
    assert chain.read_checkpoint(kept).hash == head_hash
    assert _verify(app).exit_code == 0
