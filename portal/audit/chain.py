"""The audit chain: keyed hashes, signed checkpoints kept outside the database, and the check of both.

Each audit event's hash is an HMAC-SHA256 of its content and its predecessor's hash, keyed with
PORTAL_AUDIT_KEY, a key that is never in the database. Someone who can write to the database but does
not hold the key cannot recompute the chain after changing an event. Events written before the chain
was keyed (the `keyed` column is false) keep their plain SHA-256 hashes; a plain event after a keyed
one is a break.

A key alone cannot show that the newest events were deleted (the shortened chain is still valid), nor
that the chain was rewritten as plain SHA-256 events. A **checkpoint** can: the newest event's id and
hash, the number of events up to it and the number of plain events, signed with an Ed25519 key derived
from the audit key. Since the portal writes no plain event any more, plain events that no checkpoint
vouches for, or more or fewer of them than a checkpoint counted, are a rewrite. Checkpoints are written as files outside the database (`flask portal audit checkpoint`, run
on a schedule, and beside every backup) and shown on a public page that anyone can archive and check
with the published public key. `verify()` checks the chain and then the chain against every checkpoint.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models_base import utcnow
from .models import AuditEvent

GENESIS = "0" * 64
CHECKPOINT_FORMAT = "odp-audit-checkpoint/1"


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode("utf-8")


def _body(prev_hash: str, event: AuditEvent) -> bytes:
    return json.dumps([prev_hash, event.at.isoformat(), event.actor_id, event.actor_label, event.action,
                       event.object_type, event.object_id, event.reason, event.details],
                      ensure_ascii=False, sort_keys=True, default=str).encode()


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """The event's hash: keyed (HMAC-SHA256) unless it is an event from before the chain was keyed."""
    if event.keyed is False:
        return hashlib.sha256(_body(prev_hash, event)).hexdigest()
    return hmac.new(_key(), _body(prev_hash, event), hashlib.sha256).hexdigest()


def broken_events() -> list[int]:
    """Ids of audit events whose hash does not follow from their content and predecessor (with the key)."""
    broken, prev, seen_keyed = [], GENESIS, False
    for event in db.session.query(AuditEvent).order_by(AuditEvent.id).yield_per(1000):
        plain_after_keyed = seen_keyed and event.keyed is False
        if plain_after_keyed or event.prev_hash != prev or not hmac.compare_digest(event_hash(prev, event),
                                                                                    event.hash):
            broken.append(event.id)
        seen_keyed = seen_keyed or event.keyed is not False
        prev = event.hash
    return broken


def chain_head() -> tuple[int, str]:
    """The newest event's id and hash."""
    row = db.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


# ---- checkpoints ------------------------------------------------------------------------------
def _signing_key() -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"odp audit checkpoint signing").derive(_key())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> str:
    """The checkpoints' public key (raw Ed25519, base64): published so that anyone can check a checkpoint."""
    raw = _signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Checkpoint:
    newest_id: int
    hash: str
    count: int
    plain_events: int
    at: str
    public_key: str
    signature: str = ""
    name: str = ""

    def payload(self) -> dict[str, Any]:
        return {"format": CHECKPOINT_FORMAT, "newest_id": self.newest_id, "hash": self.hash, "count": self.count,
                "plain_events": self.plain_events, "at": self.at, "public_key": self.public_key}

    def as_json(self) -> dict[str, Any]:
        return {**self.payload(), "signature": self.signature}

    def signature_valid(self, key: str) -> bool:
        """Whether the signature is the holder of `key`'s (the public key published by this portal)."""
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(
                base64.b64decode(self.signature), _canonical(self.payload()))
        except (InvalidSignature, ValueError):
            return False
        return True


def checkpoint_dir() -> Path:
    return Path(current_app.config["AUDIT_CHECKPOINT_DIR"])


def _plain_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.keyed.is_(False))) or 0


def current_checkpoint() -> Checkpoint:
    """A signed checkpoint of the chain as it stands."""
    newest_id, newest_hash = chain_head()
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id <= newest_id)) or 0
    cp = Checkpoint(newest_id=newest_id, hash=newest_hash, count=count, plain_events=_plain_events(),
                    at=utcnow().replace(microsecond=0).isoformat() + "Z", public_key=public_key())
    cp.signature = base64.b64encode(_signing_key().sign(_canonical(cp.payload()))).decode()
    return cp


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_checkpoint(*extra_paths: Path) -> tuple[Checkpoint, Path]:
    """Sign a checkpoint of the chain now and write it into the checkpoint directory (and to each extra
    path, e.g. beside a backup archive). Files are never overwritten: each checkpoint has its own name."""
    cp = current_checkpoint()
    stamp = datetime.fromisoformat(cp.at.rstrip("Z")).strftime("%Y%m%dT%H%M%SZ")
    path = checkpoint_dir() / f"checkpoint-{stamp}-{cp.newest_id:010d}.json"
    data = json.dumps(cp.as_json(), ensure_ascii=False, indent=1).encode()
    for target in (path, *extra_paths):
        _write_atomically(Path(target), data)
    cp.name = path.name
    return cp, path


def read_checkpoint(path: Path) -> Checkpoint:
    """One checkpoint file; ValueError when it is not one."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path.name}: not an audit checkpoint")
    return Checkpoint(newest_id=int(data["newest_id"]), hash=str(data["hash"]), count=int(data["count"]),
                      plain_events=int(data["plain_events"]), at=str(data["at"]),
                      public_key=str(data["public_key"]), signature=str(data["signature"]), name=path.name)


def checkpoints(limit: int | None = None) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in the directory, newest first, and the names of files that could not be read."""
    folder = checkpoint_dir()
    if not folder.is_dir():
        return [], []
    names = sorted((p for p in folder.glob("checkpoint-*.json")), key=lambda p: p.name, reverse=True)
    found, unreadable = [], []
    for path in names[:limit] if limit else names:
        try:
            found.append(read_checkpoint(path))
        except (ValueError, KeyError, TypeError, OSError):
            unreadable.append(path.name)
    return found, unreadable


@dataclass
class Verdict:
    total: int
    head_id: int
    head_hash: str
    broken: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # disagreements with the checkpoints
    checkpoints: int = 0

    @property
    def intact(self) -> bool:
        return not self.broken and not self.problems


def _against(cp: Checkpoint, key: str) -> list[str]:
    label = cp.name or cp.at
    if not cp.signature_valid(key):
        return [f"{label}: the signature is not this portal's (a forged or altered checkpoint)"]
    problems = []
    row = db.session.execute(select(AuditEvent.hash).where(AuditEvent.id == cp.newest_id)).first()
    if cp.newest_id and row is None:
        newest, _ = chain_head()
        problems.append(f"{label}: event {cp.newest_id} is gone (the newest event is now {newest}); "
                        "events were removed from the chain")
    elif cp.newest_id and not hmac.compare_digest(row[0], cp.hash):
        problems.append(f"{label}: event {cp.newest_id} has another hash than at the checkpoint; "
                        "the chain up to it was rewritten")
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id <= cp.newest_id)) or 0
    if count != cp.count:
        problems.append(f"{label}: {count} events up to {cp.newest_id}, the checkpoint counted {cp.count}")
    plain = _plain_events()
    if plain != cp.plain_events:
        problems.append(f"{label}: {plain} events are hashed without the key, the checkpoint counted "
                        f"{cp.plain_events}; events were rewritten with the public formula")
    return problems


def verify() -> Verdict:
    """Check the chain with the key, then against every checkpoint outside the database."""
    head_id, head_hash = chain_head()
    total = db.session.scalar(select(func.count(AuditEvent.id))) or 0
    verdict = Verdict(total=total, head_id=head_id, head_hash=head_hash, broken=broken_events())
    found, unreadable = checkpoints()
    verdict.checkpoints = len(found)
    verdict.problems += [f"{name}: not a readable checkpoint" for name in unreadable]
    key = public_key()
    for cp in found:
        verdict.problems += _against(cp, key)
    plain = _plain_events()
    if not found and plain:
        verdict.problems.append(f"{plain} events are hashed without the key and no checkpoint vouches for them; "
                                "if they are from before the chain was keyed, write a checkpoint now")
    return verdict
