"""What a rights complaint does to its entry (R2024 §28): suspended on every channel while a complaint is
open; opening resumes with exactly the files of the day of the complaint, or a processed version opens (the
complained-about bytes quarantined for good), or the entry is withdrawn (its files kept for audit).

These are the effects of the complaint workflow's steps (complaints.COMPLAINT); each runs inside the step's
transaction, and the caller commits.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..catalog import review as catalog_review
from ..catalog.models import Dataset, DatasetChange, DatasetState, QuarantinedFile, ResourceKind
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models_base import utcnow
from .models import CaseState, Complaint


def open_complaints(ds: Dataset, *states: str) -> list[Complaint]:
    """The entry's complaints in the given states (default: open, i.e. those that keep it suspended)."""
    return list(db.session.scalars(select(Complaint).where(
        Complaint.dataset_id == ds.id, Complaint.state.in_(states or (CaseState.OPEN,))).order_by(Complaint.filed_at)))


def suspend(ds: Dataset, actor: User, complaint: Complaint) -> None:
    """Suspend the entry at once (if not already); a history line without the complainant."""
    if ds.suspended_at is not None:
        return
    ds.suspended_at = utcnow()
    ds.changes.append(DatasetChange(kind="suspended", at=ds.suspended_at,
                                    summary=_("Opening suspended pending verification of a rights complaint.")))
    audit.record(actor, "dataset.suspend", "dataset", ds.id, _("Rights complaint received"),
                 {"complaint": complaint.id})


def changed_files(complaint: Complaint) -> list[str]:
    """Names of the entry's files that differ from when the complaint was filed (or were added since)."""
    ds = complaint.dataset
    now = {r.id: r for r in ds.resources if r.kind == ResourceKind.FILE}
    changed = [r.name for rid, r in now.items()
               if rid not in complaint.snapshot or complaint.snapshot[rid]["sha256"] != r.sha256]
    changed += [s["name"] for rid, s in complaint.snapshot.items() if rid not in now]
    return changed


def lift_if_last(ds: Dataset, complaint: Complaint, summary: str) -> bool:
    """End the suspension when no other complaint on the entry is still open."""
    others = [c for c in open_complaints(ds) if c.id != complaint.id]
    if others or ds.suspended_at is None:
        return False
    ds.suspended_at = None
    if ds.state == DatasetState.PUBLISHED:
        ds.changes.append(DatasetChange(kind="resumed", summary=summary))
    return True


def resume(complaint: Complaint, reason: str, actor: User) -> None:
    """Opening resumes only with exactly the files of the day of the complaint (else Conflict)."""
    ds = complaint.dataset
    changed = changed_files(complaint)
    if changed:
        message = _("Files changed since the complaint (%(names)s): opening can resume only with exactly the "
                    "files of that day. Choose “open after processing” instead.", names="、".join(changed))
        raise Conflict(message, {"outcome": message})
    lift_if_last(ds, complaint, _("Opening resumed after verification."))
    audit.record(actor, "dataset.resume", "dataset", ds.id, reason, {"complaint": complaint.id})


def open_processed(complaint: Complaint, reason: str, actor: User) -> None:
    """Every complained-about file must have been replaced (else Invalid); the old bytes are quarantined."""
    ds = complaint.dataset
    targets = [rid for rid in complaint.resource_ids if rid in complaint.snapshot]
    current = {r.id: r for r in ds.resources}
    unchanged = [complaint.snapshot[rid]["name"] for rid in targets
                 if rid in current and current[rid].sha256 == complaint.snapshot[rid]["sha256"]]
    if unchanged:
        message = _("Upload the processed version of %(names)s first; the complained-about version is then "
                    "withdrawn for good.", names="、".join(unchanged))
        raise Invalid(message, {"outcome": message})
    for rid in targets:
        old = complaint.snapshot[rid]
        if db.session.get(QuarantinedFile, old["sha256"]) is None:
            db.session.add(QuarantinedFile(sha256=old["sha256"], reason=reason, source=f"complaint:{complaint.id}",
                                           dataset_id=ds.id, resource_id=rid, version=old["version"]))
        audit.record(actor, "resource.quarantine", "resource", rid, reason,
                     {"complaint": complaint.id, "version": old["version"], "sha256": old["sha256"]})
    lift_if_last(ds, complaint, _("Opened again after processing; the complained-about version is withdrawn."))
    audit.record(actor, "dataset.open_after_processing", "dataset", ds.id, reason, {"complaint": complaint.id})


def restore_if_last(complaint: Complaint, was: str, reason: str, actor: User) -> bool:
    """A rejected complaint: only an open one suspended the entry, and it stays suspended while another
    open one remains. Whether opening was restored."""
    ds = complaint.dataset
    restored = was == CaseState.OPEN and lift_if_last(ds, complaint,
                                                      _("Opening restored: a rights complaint was rejected."))
    if restored:
        audit.record(actor, "dataset.resume", "dataset", ds.id, reason, {"complaint": complaint.id, "rejected": True})
    return restored


def withdraw(complaint: Complaint, reason: str, actor: User) -> None:
    """Off the portal; the files are kept for audit."""
    ds = complaint.dataset
    if ds.state == DatasetState.PUBLISHED:
        ds.state = catalog_review.next_state(ds.state, "unpublish")
        ds.changes.append(DatasetChange(kind="withdrawn",
                                        summary=_("Withdrawn from the portal after verification of a rights complaint.")))
    ds.suspended_at = None
    audit.record(actor, "dataset.withdraw", "dataset", ds.id, reason, {"complaint": complaint.id})
