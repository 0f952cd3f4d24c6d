"""Audit events (hash-chained decisions) and access events (downloads, API calls, searches)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from ..models_base import utcnow
from .models import AccessEvent, AuditEvent

GENESIS = "0" * 64


def _event_hash(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps([prev_hash, event.at.isoformat(), event.actor_id, event.actor_label, event.action,
                       event.object_type, event.object_id, event.reason, event.details],
                      ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def record(actor: Any, action: str, object_type: str, object_id: str, reason: str = "",
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Append an audit event in the caller's transaction (the caller commits with its change)."""
    last = db.session.query(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).scalar()
    prev = last or GENESIS
    event = AuditEvent(at=utcnow(), actor_id=getattr(actor, "id", None),
                       actor_label=getattr(actor, "email", None) or str(actor or "system"),
                       action=action, object_type=object_type, object_id=str(object_id),
                       reason=reason, details=details or {}, prev_hash=prev)
    event.hash = _event_hash(prev, event)
    db.session.add(event)
    return event


def verify_chain() -> list[int]:
    """Ids of audit events whose hash does not follow from their content and predecessor."""
    broken, prev = [], GENESIS
    for event in db.session.query(AuditEvent).order_by(AuditEvent.id):
        if event.prev_hash != prev or _event_hash(prev, event) != event.hash:
            broken.append(event.id)
        prev = event.hash
    return broken


def client_addr() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record_access(kind: str, status: int, *, dataset_id: str | None = None, resource_id: str | None = None,
                  bytes_sent: int = 0, detail: str = "", grant_id: int | None = None) -> AccessEvent:
    """Log one access (kept at least two years, R2018 §24); the caller commits."""
    user_id = None
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        user_id = current_user.id
    event = AccessEvent(kind=kind, status=status, dataset_id=dataset_id, resource_id=resource_id,
                        user_id=user_id, client_addr=client_addr(), bytes_sent=bytes_sent, detail=detail[:500],
                        grant_id=grant_id)
    db.session.add(event)
    return event
