"""Authorised operation (授权运营, OVERSIGHT §10): R2024 §31「建立健全公共数据授权运营」, §35 (risk assessment
first), §36「反馈公共数据的使用情况」.

The authority enters an agreement with an operator (an account of role operator, a legal person whose 统一社会信用
代码 is checked with its check character): only entries of registered assets in the 授权运营 scope (assets,
OVERSIGHT §9), a purpose, a period, security measures and products. It records the risk assessment, then puts the
agreement in force; it may suspend, resume or revoke it with a reason, as a grant (the one workflow engine). The
operator never downloads on the site (catalog.downloads refuses an operator there); within the period it fetches
the entries' files by API token, each call an access event naming the agreement, refusals too.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..accounts.identifiers import normalise_identifier, uscc_problem
from ..accounts.models import User
from ..assets.models import AssetState, DataAsset, asset_entries
from ..assets.services import split_codes
from ..audit import services as audit
from ..catalog import downloads
from ..catalog.models import Dataset, Resource
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..opening.workflow import today
from ..workflow import Transition, Workflow
from .models import STATE_LABELS, AgreementState, OperationAgreement
from .schemas import AgreementActionIn, AgreementIn

S = AgreementState
OPERATOR, AUTHORITY = "operator", roles.AUTHORITY_ACTOR
DECISIONS = ("assess", "activate", "suspend", "resume", "revoke")


def _relations(agreement: OperationAgreement, actor: Any) -> set[str]:
    found = roles.relations(actor)
    if roles.is_operator(actor) and getattr(actor, "id", None) == agreement.operator_id:
        found.add(OPERATOR)
    return found


def _tell_operator(agreement: OperationAgreement, _actor: Any, reason: str) -> None:
    notify_all([agreement.operator_id], _("Operation agreement #%(id)d: %(state)s", id=agreement.id,
                                          state=str(STATE_LABELS[agreement.state])), reason, link=f"/operation/{agreement.id}",
               kind=f"operation.{agreement.state}")


AGREEMENT = Workflow("operation_agreement", [
    Transition("create", (None,), S.DRAFT, (AUTHORITY,), "operation.create"),
    Transition("assess", (S.DRAFT,), S.ASSESSED, (AUTHORITY,), "operation.risk_assessed", needs_reason=True,
               reason_missing=lambda a: _("Record the risk assessment's conclusion.")),
    Transition("activate", (S.ASSESSED,), S.ACTIVE, (AUTHORITY,), "operation.activate", notify=_tell_operator,
               conflict=lambda a: _("Record the risk assessment before the agreement comes into force.")),
    Transition("suspend", (S.ACTIVE,), S.SUSPENDED, (AUTHORITY,), "operation.suspend", needs_reason=True,
               notify=_tell_operator),
    Transition("resume", (S.SUSPENDED,), S.ACTIVE, (AUTHORITY,), "operation.resume", needs_reason=True,
               notify=_tell_operator),
    Transition("revoke", (S.ACTIVE, S.SUSPENDED), S.REVOKED, (AUTHORITY,), "operation.revoke", needs_reason=True,
               notify=_tell_operator),
], relations=_relations, object_type="operation_agreement")


# ---- reading -----------------------------------------------------------------------------------------
def may_read(actor: Any, agreement: OperationAgreement) -> bool:
    return roles.is_overseer(actor) or (roles.is_operator(actor) and actor.id == agreement.operator_id)


def get(agreement_id: int, actor: Any) -> OperationAgreement:
    agreement = db.session.get(OperationAgreement, agreement_id)
    if agreement is None or not may_read(actor, agreement):
        raise NotFound(_("There is no operation agreement of yours with this number."))
    return agreement


def visible(actor: Any) -> list[OperationAgreement]:
    stmt = select(OperationAgreement).order_by(OperationAgreement.id.desc())
    if not roles.is_overseer(actor):
        if not roles.is_operator(actor):
            return []
        stmt = stmt.where(OperationAgreement.operator_id == actor.id)
    return list(db.session.scalars(stmt))


def allowed_actions(agreement: OperationAgreement, actor: Any) -> list[str]:
    return [a for a in AGREEMENT.allowed_actions(agreement, actor) if a in DECISIONS]


def public_operators() -> list[OperationAgreement]:
    """The agreements in force, for the public list of operators (only with PORTAL_OPERATION_PUBLIC=1)."""
    if not current_app.config["OPERATION_PUBLIC"]:
        raise NotFound(_("This page does not exist."))
    return list(db.session.scalars(select(OperationAgreement).where(OperationAgreement.state == S.ACTIVE)
                                   .order_by(OperationAgreement.operator_name)))


# ---- entering an agreement ---------------------------------------------------------------------------
def operable(codes: list[str]) -> tuple[list[Dataset], list[str]]:
    """The entries of these codes that belong to a registered asset in the 授权运营 scope, and the codes that
    do not (unknown, unregistered, awaiting a change registration, or outside the scope)."""
    found = {d.code: d for d in db.session.scalars(
        select(Dataset).join(asset_entries, asset_entries.c.dataset_id == Dataset.id)
        .join(DataAsset, DataAsset.id == asset_entries.c.asset_id)
        .where(Dataset.code.in_(codes), DataAsset.state == AssetState.REGISTERED,
               DataAsset.in_operation_scope.is_(True)))}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


def create(values: Mapping[str, Any], actor: Any) -> OperationAgreement:
    """The authority enters an agreement (the fields of AgreementIn); 422 naming each field, nothing kept."""
    if not roles.is_authority(actor):
        raise Forbidden(_("Only the data authority enters operation agreements."))
    data, errors = AgreementIn().read(values)
    operator = None
    if data.get("operator"):
        operator = db.session.scalar(select(User).where(User.email == data["operator"].lower()))
        if operator is None or not roles.is_operator(operator):
            errors["operator"] = _("No operator account has this address.")
    uscc = normalise_identifier(data.get("uscc"))
    if uscc and "uscc" not in errors and uscc_problem(uscc):
        errors["uscc"] = uscc_problem(uscc)
    elif uscc and operator is not None and operator.uscc and operator.uscc != uscc:
        errors["uscc"] = _("The operator's account is registered with another credit code.")
    codes = split_codes(data.get("entries") or [])
    entries, refused = operable(codes)
    if refused and "entries" not in errors:
        errors["entries"] = _("Not an entry of a registered asset in the scope of authorised operation: %(codes)s.",
                              codes="、".join(refused))
    if data.get("start") and data.get("end") and data["end"] < data["start"]:
        errors["end"] = _("The last day cannot be before the first day.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    agreement = OperationAgreement(operator=operator, operator_name=data["operator_name"], uscc=uscc,
                                   purpose=data["purpose"], start=data["start"], end=data["end"],
                                   security_measures=data["security_measures"], products=data.get("products", ""),
                                   created_by_id=actor.id, state=None,
                                   report_every_days=data.get("report_every_days")
                                   or current_app.config["USAGE_REPORT_DAYS"])

    def add(_t: Transition) -> None:
        db.session.add(agreement)
        agreement.entries = entries
    AGREEMENT.perform(agreement, "create", actor, effect=add, details=lambda: {
        "operator": operator.id, "uscc": uscc, "entries": codes, "start": agreement.start.isoformat(),
        "end": agreement.end.isoformat()})
    return agreement


def act(agreement: OperationAgreement, values: Mapping[str, Any], actor: Any) -> OperationAgreement:
    data, _errors = AgreementActionIn().read(values)
    action, reason = data.get("action", ""), data.get("reason", "")
    if action not in DECISIONS:
        action = ""

    def effect(_t: Transition) -> None:
        agreement.state_changed_at = utcnow()  # a revocation ends the report schedule (opening.reports)
        if action == "assess":
            agreement.risk_note, agreement.risk_assessed_by_id = reason, actor.id
            agreement.risk_assessed_at = utcnow()
        else:
            agreement.state_reason = reason
        if action == "activate":
            _entries, refused = operable(agreement.codes)
            if refused:  # registration required before the agreement starts (OVERSIGHT §9)
                message = _("Not an entry of a registered asset in the scope of authorised operation: %(codes)s.",
                            codes="、".join(refused))
                raise Invalid(message, {"entries": message})
    AGREEMENT.perform(agreement, action, actor, reason, effect=effect, version=data.get("version"))
    return agreement


# ---- the operator's access ---------------------------------------------------------------------------
def _refuse(agreement: OperationAgreement, res: Resource | None, message: str) -> Forbidden:
    audit.record_access("api", 403, dataset_id=res.dataset_id if res else None, resource_id=res.id if res else None,
                        detail=message[:500], agreement_id=agreement.id)
    db.session.commit()
    return Forbidden(message)


def operated_file(agreement_id: int, resource_id: str, actor: Any) -> downloads.StoredFile:
    """A file of one of the agreement's entries for its operator, while the agreement is in force (its period,
    not suspended or revoked); Forbidden saying why otherwise, logged with the agreement's id."""
    agreement = get(agreement_id, actor)
    if actor.id != agreement.operator_id:
        raise Forbidden(_("Only the operator fetches data under its agreement."))
    res = db.session.get(Resource, resource_id) if len(resource_id) <= 36 else None
    if res is None or res.dataset_id not in {d.id for d in agreement.entries}:
        raise _refuse(agreement, None, _("This file is not within the agreement."))
    on = today()
    if not agreement.in_force_on(on):
        if agreement.state in (S.SUSPENDED, S.REVOKED):
            message = _("The agreement is %(state)s: %(reason)s", state=str(STATE_LABELS[agreement.state]),
                        reason=agreement.state_reason)
        elif agreement.state != S.ACTIVE:
            message = _("The agreement is not in force.")
        elif on < agreement.start:
            message = _("The agreement comes into force on %(date)s.", date=agreement.start.isoformat())
        else:
            message = _("The agreement ended on %(date)s.", date=agreement.end.isoformat())
        raise _refuse(agreement, res, message)
    return downloads.operated_file(res.id, agreement.id)


def file_links(agreement: OperationAgreement) -> list[str]:
    return [f"/api/v1/operation/agreements/{agreement.id}/files/{r.id}" for d in agreement.entries
            for r in d.resources]
