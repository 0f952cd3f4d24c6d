"""The review checks of a submission (OVERSIGHT.md §5): one table, CHECKS, says who records each and when it binds.

保密审查 and 公开审查 are the agency's (SZ §23「开放属性应当经过政务部门政务公开审查确定」, R2018 §26「应事先经过本部门
的保密检查」, R2024 §36「保密审查」): recorded on the content it is about to submit (a draft, or the staged edit of a
published entry) with reviewer, day and note, before `review.submit`, which refuses without them. The disclosure
review binds while PORTAL_AGENCY_DISCLOSURE_REVIEW=1 (the default); with PORTAL_AGENCY_REVIEW_FOUR_EYES=1 the
reviewer is not one of those who drafted the content. A check covers the content as it was recorded (a hash of the
fields and files): an edit or upload after it asks for the check again. The authority sees them on the review page and may record its own of the
same two (the columns of `Review`); the data level is confirmed by the authority only (R2024 §9「识别认定」).

A check with a `field` is given with the decision itself, in the approve form's and the API's field of that name, and
binds only where its `applies` says so: the confirmation that an unconditional entry's file in which the privacy scan
(tables/privacy.py) found personal information is published as open data, with the reviewer's reason (422 naming the
field without it; the audit log keeps the reason and the flagged columns).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..accounts.models import User
from ..audit import services as audit
from ..audit.models import AuditEvent
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..models_base import utcnow
from . import editing
from .models import Dataset, DatasetState, EntryCheck, OpenType, Review
from .schemas import CheckIn, entry_errors


@dataclass(frozen=True)
class Check:
    """One check of a submission. `agency`: the agency records it before submitting (and `approve` requires the
    agency's record); `setting`: the setting that makes the agency's record binding (None: always binding). A
    check the agency need not record is the authority's to record before approving."""
    name: str
    label: Any
    agency: bool
    setting: str | None = None
    field: str | None = None                            # given with the approval, in this field of its form/API
    applies: Callable[[Review], bool] | None = None     # binds only for the submissions this says (None: every one)
    details: Callable[[Review], dict[str, Any]] | None = None  # what the audit event of the confirmation keeps


def privacy_findings(review: Review) -> list[dict[str, Any]]:
    """The privacy scan's findings in the current files of the submission's entry: [{resource, name, column, kind,
    count, examples (masked)}]."""
    from ..tables.services import privacy_findings as scanned  # the derived tables build on the catalog

    return scanned(review.dataset)


def _open_with_personal_information(review: Review) -> bool:
    return review.snapshot.get("open_type") == OpenType.UNCONDITIONAL and bool(privacy_findings(review))


CHECKS = (
    Check("confidentiality", _l("Confidentiality review"), agency=True),
    Check("disclosure", _l("Disclosure review"), agency=True, setting="AGENCY_DISCLOSURE_REVIEW"),
    Check("level", _l("Confirmation of the data level"), agency=False),
    Check("privacy", _l("Confirmation of personal information in open files"), agency=False,
          field="privacy_confirmation", applies=_open_with_personal_information,
          details=lambda review: {"columns": [{k: f[k] for k in ("resource", "name", "column", "kind", "count")}
                                              for f in privacy_findings(review)]}),
)
LEVEL_CHECK = "level"
BY_NAME = {c.name: c for c in CHECKS if c.field is None}  # the checks recorded before the decision
RECORDED = tuple(BY_NAME.values())
AGENCY_CHECKS = tuple(c.name for c in CHECKS if c.agency)
# The entry's own events that write its content: whoever saved it since its last publication drafted it.
_DRAFTING = ("dataset.create", "dataset.edit", "dataset.edit_staged")
_PUBLISHING = ("dataset.publish", "dataset.revision_approved")


def _on(key: str) -> bool:
    return str(current_app.config.get(key, "0")).strip().lower() in ("1", "true", "yes", "on")


def binding(check: Check) -> bool:
    """The agency's record of this check is required to submit (and to approve)."""
    return check.agency and (check.setting is None or _on(check.setting))


def agency_required() -> list[Check]:
    return [c for c in CHECKS if binding(c)]


def authority_required() -> list[Check]:
    """What the authority records before approving: the level, and any check the agency need not record."""
    return [c for c in CHECKS if not binding(c) and c.field is None]


def at_decision(review: Review) -> list[Check]:
    """The checks given with this submission's approval (their fields binding)."""
    return [c for c in CHECKS if c.field and (c.applies is None or c.applies(review))]


def confirmations(review: Review, given: dict[str, str]) -> dict[Check, str]:
    """Each check given with the approval and its reason, or Invalid (422) naming every field left empty."""
    needed = at_decision(review)
    missing = [c for c in needed if not (given.get(c.field) or "").strip()]
    if missing:
        raise Invalid(_("Files of this unconditionally open entry look like they hold personal information: "
                        "publish them only by confirming it with your reason."),
                      {c.field: _("Confirm with your reason.") for c in missing})
    return {c: given[c.field].strip() for c in needed}


def record_confirmations(review: Review, given: dict[Check, str], actor: User) -> None:
    """Each confirmation given with the approval, in the audit log with its reason (in the decision's transaction)."""
    for c, reason in given.items():
        audit.record(actor, f"review.{c.name}_confirmed", "dataset", review.dataset_id, reason,
                     {"review": review.id, **(c.details(review) if c.details else {})})


def four_eyes() -> bool:
    return _on("AGENCY_REVIEW_FOUR_EYES")


# ---- the content a check covers -----------------------------------------------------------------------
def content_hash(ds: Dataset) -> str:
    """The SHA-256 of what a submission would send now: the staged edit (else the entry's data) and its files
    (a new file or version is data the review has not seen)."""
    files = sorted([r.id, r.sha256 or "", r.url or ""] for r in ds.resources)
    text = json.dumps([editing.current_data(ds), files], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def submittable(ds: Dataset) -> bool:
    """There is content to submit: a draft or returned entry, or a staged edit not under review."""
    if ds.state == DatasetState.PUBLISHED:
        return ds.pending is not None and ds.pending_state in (DatasetState.DRAFT, DatasetState.RETURNED)
    return ds.state in (DatasetState.DRAFT, DatasetState.RETURNED)


def drafters(ds: Dataset) -> set[int]:
    """The users who saved the entry's content since it was last published (audit events, who and when)."""
    events = db.session.execute(select(AuditEvent.id, AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.object_type == "dataset", AuditEvent.object_id == str(ds.id),
        AuditEvent.action.in_(_DRAFTING + _PUBLISHING)).order_by(AuditEvent.id)).all()
    found: set[int] = set()
    for _id, action, actor_id in events:
        if action in _PUBLISHING:
            found.clear()
        elif actor_id is not None:
            found.add(actor_id)
    if not events and ds.created_by_id:
        found.add(ds.created_by_id)
    return found


@dataclass(frozen=True)
class Standing:
    """An agency check as the console shows it before submission."""
    check: Check
    record: EntryCheck | None   # the newest record of it on this entry not yet submitted
    current: bool               # the record covers the content as it is now
    required: bool


def unsubmitted(ds: Dataset) -> list[EntryCheck]:
    return list(db.session.scalars(select(EntryCheck).where(
        EntryCheck.dataset_id == ds.id, EntryCheck.review_id.is_(None)).order_by(EntryCheck.id)))


def all_of(ds: Dataset) -> list[EntryCheck]:
    """Every check the agency recorded on the entry, newest first."""
    return list(db.session.scalars(select(EntryCheck).where(EntryCheck.dataset_id == ds.id)
                                   .order_by(EntryCheck.id.desc())))


def standing(ds: Dataset) -> list[Standing]:
    """Each agency check of the content to submit: recorded (and on this content) or not."""
    if not submittable(ds):
        return []
    now = content_hash(ds)
    newest = {r.check: r for r in unsubmitted(ds)}
    return [Standing(c, newest.get(c.name), newest.get(c.name) is not None and newest[c.name].content_hash == now,
                     binding(c)) for c in CHECKS if c.agency]


def may_record(ds: Dataset, actor: Any) -> bool:
    """The console offers the form: staff of the entry's agency, while there is content to submit."""
    return roles.is_staff_of(actor, ds.agency_id) and submittable(ds)


def record(ds: Dataset, check: str, raw: dict[str, Any], actor: User) -> EntryCheck:
    """The agency records one of its checks on the content it is about to submit; audited. Invalid (422) naming
    the field; with four eyes on, a drafter of the content may not record it."""
    if not roles.is_staff_of(actor, ds.agency_id):
        raise Forbidden(_("Only staff of %(agency)s may change this entry.", agency=ds.agency.name))
    if not submittable(ds):
        raise Conflict(_("There is nothing to submit, so nothing to review."))
    if check not in AGENCY_CHECKS:
        raise Invalid(_("Unknown review check."), {"check": check})
    try:
        data = CheckIn().load({**{k: v for k, v in raw.items() if v not in (None, "")}, "check": check})
    except ValidationError as exc:
        raise Invalid(_("Please correct the marked fields."), entry_errors(exc.messages))
    if not data["note"]:  # left out altogether (the schema's rule sees only a given note)
        raise Invalid(_("Write down what was reviewed and the conclusion."), {"note": ""})
    if data["reviewed_on"] > workdays.china_date(utcnow()):
        raise Invalid(_("The review cannot be dated in the future."), {"reviewed_on": data["reviewed_on"].isoformat()})
    if four_eyes() and actor.id in drafters(ds):
        message = _("With four eyes, the review is recorded by an officer who did not draft this version.")
        raise Invalid(message, {"reviewer": message})
    row = EntryCheck(dataset_id=ds.id, check=data["check"], reviewer_id=actor.id, reviewed_on=data["reviewed_on"],
                     note=data["note"], content_hash=content_hash(ds))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "dataset.agency_check", "dataset", ds.id, data["note"],
                 {"check": row.check, "reviewed_on": row.reviewed_on.isoformat(), "entry_check": row.id,
                  "content": row.content_hash, "staged": ds.state == DatasetState.PUBLISHED})
    db.session.commit()
    return row


def require_for_submit(ds: Dataset) -> list[EntryCheck]:
    """The agency's binding checks on the content to submit, or Invalid (422) naming each one missing (or recorded
    by a drafter while four eyes are required). Returns every current record, binding or not, to go with it."""
    now = content_hash(ds)
    current = {r.check: r for r in unsubmitted(ds) if r.content_hash == now}
    missing = [c for c in agency_required() if c.name not in current]
    if missing:
        raise Invalid(_("Record the agency's %(checks)s of this version before submitting it.",
                        checks="、".join(str(c.label) for c in missing)),
                      {c.name: _("Not recorded for this version.") for c in missing})
    if four_eyes():
        authors = drafters(ds)
        by_author = [c for c in agency_required() if current[c.name].reviewer_id in authors]
        if by_author:
            message = _("With four eyes, the review is recorded by an officer who did not draft this version.")
            raise Invalid(message, {c.name: message for c in by_author})
    return list(current.values())


def missing_for_approval(review: Review) -> tuple[list[Check], list[Check]]:
    """(the agency's binding checks the submission lacks, the authority's checks not yet recorded)."""
    have = {r.check for r in review.agency_checks}
    agency = [c for c in agency_required() if c.name not in have]
    authority = [c for c in authority_required() if getattr(review, f"{c.name}_at") is None]
    return agency, authority


def today() -> date:
    return workdays.china_date(utcnow())
