"""Verification against a `none` entry (核实比对, SHARING.md §3.5, R2024 §23「可以向数源部门提出核实、比对需求」).

The requesting agency's share officer uploads records (a UTF-8 CSV) and names the key field(s) records are
matched by and the fields to compare; only those fields are kept. When the provider's officer answers, the
portal compares them with the entry's tabular file on the portal and keeps one verdict per record: 一致
(match), 不一致 (mismatch) or 查无 (not found) — never a value of the provider's file. Files (the records and
the result) are seen by the parties' officers and auditors only; the authority and the parties' other staff
see the case (§6). The compare run and each file access are access events.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import workdays
from ..accounts import roles
from ..audit import services as audit
from ..catalog.models import Dataset, ResourceKind, ShareType
from ..catalog.vocab import label
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..fields import FormFile
from ..models_base import utcnow
from ..spreadsheet import csv_line
from ..storage import storage
from ..supervision.services import Case, Deadlines, register_workflow
from .demand_models import Verdict, VerificationRequest, VerificationState
from .demand_vocab import VERDICT_LABELS, VERIFICATION_STATE_LABELS
from .demand_workflow import VERIFICATION, VERIFICATION_OPEN, verification_event, verification_link
from .grants import ACCESS_KIND as SHARE_ACCESS_KIND
from .workflow import officer_ids

V = VerificationState
# The access-event kind of a compare run and of each file access: `share`, as every use under a grant
# (SHARING.md §5「verification under a grant」, kept ≥ 2 years); the detail names the verification.
ACCESS_KIND = SHARE_ACCESS_KIND
MAX_RECORDS = 10000
MAX_BYTES = 5 * 1024 * 1024


# ---- who reads what ---------------------------------------------------------------------------------
def readable(v: VerificationRequest, actor) -> bool:
    return roles.reads_share_case(actor, requester_agency_id=v.requester_agency_id,
                                  provider_agency_id=v.provider_agency_id)


def may_see_files(v: VerificationRequest, actor) -> bool:
    """The parties' share officers and auditors; not the authority, not other staff (§3.5, §6)."""
    return (roles.is_share_officer_of(actor, v.requester_agency_id)
            or roles.is_share_officer_of(actor, v.provider_agency_id) or roles.is_auditor(actor))


def get_verification(verification_id: int, actor) -> VerificationRequest:
    v = db.session.get(VerificationRequest, verification_id)
    if v is None or not readable(v, actor):
        raise NotFound(_("No such verification."))
    return v


def visible_verifications(actor) -> list[VerificationRequest]:
    stmt = select(VerificationRequest).order_by(VerificationRequest.id.desc())
    if roles.is_overseer(actor):
        return list(db.session.scalars(stmt))
    if roles.is_agency_staff(actor) and actor.agency_id:
        return list(db.session.scalars(stmt.where(or_(VerificationRequest.requester_agency_id == actor.agency_id,
                                                      VerificationRequest.provider_agency_id == actor.agency_id))))
    return []


# ---- filing -----------------------------------------------------------------------------------------
def entry_for_verification(key: str) -> Dataset:
    """A published `none` entry by id or slug (the share-request form points here for such entries)."""
    ds = db.session.scalar(select(Dataset).where(or_(Dataset.id == key, Dataset.slug == key))) if key else None
    if ds is None or not ds.is_published or ds.share_type != ShareType.NONE:
        raise NotFound(_("No entry not shared (不予共享) by that name; verification is for such entries only."))
    return ds


def _tabular(ds: Dataset):
    res = next((r for r in ds.resources if r.kind == ResourceKind.FILE and r.storage_key
                and (r.format or "").upper() == "CSV"), None)
    if res is None:
        message = _("The entry has no tabular file on the portal to compare with.")
        raise Invalid(message, {"dataset": message})
    return res


def _read_csv(raw: bytes, what: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("The %(what)s is not UTF-8 text; save the CSV as UTF-8 and upload it again.", what=what)
        raise Invalid(message, {RECORDS_FIELD: message})
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        message = _("The %(what)s is empty: it needs a header row and at least one record.", what=what)
        raise Invalid(message, {RECORDS_FIELD: message})
    header = [h.strip() for h in rows[0]]
    return header, [dict(zip(header, (c.strip() for c in r))) for r in rows[1:]]


RECORDS_FIELD = "records"


def file_verification(data: dict[str, Any], files: Sequence[FormFile], actor) -> VerificationRequest:
    """A verification filed by the requesting agency's share officer; 422 naming the problem, nothing stored."""
    if not (roles.is_agency_staff(actor) and roles.is_share_officer_of(actor, actor.agency_id)):
        raise Forbidden(_("Only your agency's share officer files verifications."))
    ds = entry_for_verification(data["dataset"])
    if ds.agency_id == actor.agency_id:
        raise Invalid(_("Your agency holds this entry itself."), {"dataset": _("Your agency holds this entry itself.")})
    keys = [k.strip() for k in data.get("key_fields") or [] if k.strip()]
    compared = [k.strip() for k in data.get("compare_fields") or [] if k.strip() and k.strip() not in keys]
    if not keys:
        raise Invalid(_("Name the field records are matched by."), {"key_fields": _("Name the field records are matched by.")})
    if not compared:
        raise Invalid(_("Name the fields to compare."), {"compare_fields": _("Name the fields to compare.")})
    res = _tabular(ds)
    provider_header, _rows = provider_rows(res)
    for name in (*keys, *compared):
        if name not in provider_header:
            message = _("The entry has no field “%(name)s”.", name=name)
            raise Invalid(message, {"compare_fields" if name in compared else "key_fields": message})
    if len(files) != 1 or not files[0].filename:
        message = _("Upload the records as one CSV file.")
        raise Invalid(message, {RECORDS_FIELD: message})
    raw = files[0].stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        message = _("The records file is larger than %(n)d MB.", n=MAX_BYTES // (1024 * 1024))
        raise Invalid(message, {RECORDS_FIELD: message})
    header, records = _read_csv(raw, _("records file"))
    for name in (*keys, *compared):
        if name not in header:
            message = _("The records file has no column “%(name)s”.", name=name)
            raise Invalid(message, {RECORDS_FIELD: message})
    if len(records) > MAX_RECORDS:
        message = _("At most %(n)d records per verification.", n=MAX_RECORDS)
        raise Invalid(message, {RECORDS_FIELD: message})
    v = VerificationRequest(requester_agency_id=actor.agency_id, provider_agency_id=ds.agency_id, dataset_id=ds.id,
                            resource_id=res.id, created_by_id=actor.id, state=V.DRAFT, key_fields=keys,
                            compare_fields=compared, purpose=data["purpose"].strip(),
                            legal_duty=data["legal_duty"].strip(), filename=files[0].filename[:300],
                            records=[{k: r.get(k, "") for k in (*keys, *compared)} for r in records])
    db.session.add(v)
    try:
        db.session.flush()
    except BaseException:
        db.session.rollback()
        raise

    def effect(_t) -> None:
        v.submitted_at = utcnow()
        verification_event(v, "file", actor, _("%(n)d records", n=len(v.records)))
    VERIFICATION.perform(v, "file", actor, effect=effect, details=lambda: {
        "dataset": ds.slug, "records": len(v.records), "key_fields": keys, "compare_fields": compared,
        "due": v.due_date.isoformat()})
    return v


# ---- the comparison -------------------------------------------------------------------------------------
def provider_rows(res) -> tuple[list[str], list[dict[str, str]]]:
    raw = storage().path(res.storage_key).read_bytes()
    try:
        text = raw.decode(res.encoding or "utf-8-sig") if (res.encoding or "").lower() not in ("utf-8", "utf8") \
            else raw.decode("utf-8-sig")
    except (UnicodeDecodeError, LookupError):
        text = raw.decode("utf-8-sig", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    return header, [dict(zip(header, (c.strip() for c in r))) for r in rows[1:]]


def compare(records: list[dict], provider: list[dict], keys: list[str], compared: list[str]) -> list[str]:
    """One verdict per record: match when a provider record with the same key has the same compared values,
    mismatch when records with the key exist but none agrees, not_found when none has the key."""
    by_key: dict[tuple, list[tuple]] = {}
    for row in provider:
        by_key.setdefault(tuple(row.get(k, "") for k in keys), []).append(tuple(row.get(c, "") for c in compared))
    verdicts = []
    for rec in records:
        found = by_key.get(tuple(rec.get(k, "") for k in keys))
        if not found:
            verdicts.append(Verdict.NOT_FOUND.value)
        elif tuple(rec.get(c, "") for c in compared) in found:
            verdicts.append(Verdict.MATCH.value)
        else:
            verdicts.append(Verdict.MISMATCH.value)
    return verdicts


def act(v: VerificationRequest, action: str, actor, legal_basis: str = "", version: int | None = None):
    """answer (the portal compares), decline (legal basis), withdraw."""
    details: dict[str, Any] = {}

    def effect(_t) -> None:
        note = ""
        if action == "answer":
            res = next((r for r in v.dataset.resources if r.id == v.resource_id), None) or _tabular(v.dataset)
            _header, rows = provider_rows(res)
            v.verdicts = compare(v.records, rows, v.key_fields, v.compare_fields)
            v.answered_at = utcnow()
            details.update({k: v.verdicts.count(k) for k in Verdict})
            audit.record_access(ACCESS_KIND, 200, dataset_id=v.dataset_id, resource_id=res.id,
                                detail=f"verification {v.id}: compare run, {len(v.records)} records")
            note = ", ".join(f"{label(VERDICT_LABELS, k)} {v.verdicts.count(k)}" for k in Verdict)
        elif action == "decline":
            v.decline_basis = legal_basis.strip()
            note = v.decline_basis
        verification_event(v, action, actor, note)
    VERIFICATION.perform(v, action, actor, legal_basis if action == "decline" else "", effect=effect,
                         details=lambda: details, version=version)
    return v


def counts(v: VerificationRequest) -> dict[str, int]:
    return {k.value: v.verdicts.count(k) for k in Verdict}


def _files(v: VerificationRequest, actor, what: str) -> None:
    """Files to the parties' officers and auditors only; each access (and each refusal) logged."""
    allowed = may_see_files(v, actor)
    audit.record_access(ACCESS_KIND, 200 if allowed else 403, dataset_id=v.dataset_id,
                        detail=f"verification {v.id}: {what}")
    db.session.commit()
    if not allowed:
        raise Forbidden(_("The verification's files are seen by the parties' share officers and auditors only."))


def results(v: VerificationRequest, actor) -> list[dict]:
    """Row number, the requester's own key values, and the verdict: nothing of the provider's file."""
    if not v.verdicts:
        return []
    return [{"row": i + 1, "key": " / ".join(rec.get(k, "") for k in v.key_fields), "verdict": verdict,
             "label": label(VERDICT_LABELS, verdict)} for i, (rec, verdict) in enumerate(zip(v.records, v.verdicts))]


def records_csv(v: VerificationRequest, actor) -> str:
    _files(v, actor, "records file")
    cols = [*v.key_fields, *v.compare_fields]
    return csv_line(cols) + "".join(csv_line([r.get(c, "") for c in cols]) for r in v.records)


def result_csv(v: VerificationRequest, actor) -> str:
    if not v.verdicts:
        raise NotFound(_("The verification has no result yet."))
    _files(v, actor, "result file")
    return csv_line([_("Row"), *v.key_fields, _("Result")]) + "".join(
        csv_line([r["row"], *(rec.get(k, "") for k in v.key_fields), r["label"]])
        for r, rec in zip(results(v, actor), v.records))


# ---- supervision ------------------------------------------------------------------------------------
def _running() -> list[VerificationRequest]:
    return list(db.session.scalars(select(VerificationRequest).where(
        VerificationRequest.state.in_(VERIFICATION_OPEN), VerificationRequest.due_date.is_not(None))))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Verification"), title=v.dataset.title,
                 url=verification_link(v), due=v.due_date,
                 agency=v.provider.name, state=label(VERIFICATION_STATE_LABELS, v.state),
                 assignees=officer_ids(v.provider_agency_id),
                 provisional=bool(workdays.provisional(v.submitted_at, v.due_date)))
            for v in _running()]


register_workflow(supervision_cases, Deadlines(
    "share_verification", _running, start=lambda v: v.submitted_at,
    label=lambda v: _("Verification No. %(n)d on “%(title)s”", n=v.id, title=v.dataset.title),
    link=verification_link, parties=lambda v: [*officer_ids(v.requester_agency_id),
                                               *officer_ids(v.provider_agency_id)]))
