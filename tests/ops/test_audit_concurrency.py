"""Concurrent appends never fork the audit chain (threads here; workers share the same database lock)."""
from __future__ import annotations

import threading

from portal.audit.models import AuditEvent
from portal.audit.services import record, verify_chain
from portal.extensions import db


def test_threads_appending_at_once_keep_one_chain(app):
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for n in range(15):
                    db.session.query(AuditEvent.id).limit(1).all()  # a read first, as a request would do
                    record(None, "test.concurrent", "worker", f"{worker}-{n}", "concurrency test")
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(action="test.concurrent").count() == 90
    assert verify_chain() == []
    hashes = [e.prev_hash for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert len(hashes) == len(set(hashes))  # no two events link to the same predecessor
