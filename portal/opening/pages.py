"""What the pages of applications offer an actor: the workflow tables' `allowed_actions` and the flags the
templates render, computed here so that no template tests a role or a state."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from ..accounts import access
from ..accounts.models import AccessBlock, User
from ..catalog.models import Resource, ResourceKind
from . import grants, permissions, reports
from .models import Application, ApplicationState, Grant, GrantState
from .workflow import APPLICATION, GRANT, WAITING_STATES

S = ApplicationState


@dataclass
class FileRow:
    resource: Resource
    download: bool  # the holder may download it on the site now (Grant.covers, and no suspension)
    api: bool       # the grant provides the entry's files through the API


@dataclass
class BlockRow:
    block: AccessBlock
    may_lift: bool


@dataclass
class Decision:
    state: str                    # approved or refused: the heading
    tone: str                     # granted or returned: the notice's colour
    at: datetime | None
    lines: list[tuple[str, str]]  # (label, text)
    procedure: str                # the legal purpose whose article the decision follows


@dataclass
class GrantNotice:
    state: str
    at: datetime | None
    reason: str
    cites_suspension: bool


@dataclass
class CasePage:
    application: Application
    is_applicant: bool
    actions: list[str]                      # APPLICATION.allowed_actions: the buttons and forms offered
    deadline: str | None                    # which sentence says what is due (see show.html)
    question: str                           # the agency's last question, for the applicant's answer
    decision: Decision | None
    files: list[Resource]                   # every file of the entry (the approval chooses among them)
    default_every: int
    grant: Grant | None = None
    grant_actions: list[str] = field(default_factory=list)  # GRANT.allowed_actions
    grant_notice: GrantNotice | None = None
    covered: list[FileRow] = field(default_factory=list)
    schedule: list = field(default_factory=list)
    may_report: bool = False
    blocks: list[BlockRow] = field(default_factory=list)
    block_closes: str | None = None         # "agency" or "all": the actor may suspend the applicant's access


def _deadline(a: Application) -> str | None:
    if a.due_date is None or a.state not in WAITING_STATES:
        return None
    if a.state == S.SUBMITTED:
        return "due"
    stopped = a.clock_stopped_on
    if stopped is None:
        return "still_due"
    if a.due_date < stopped:
        return "overdue_when_paused"
    return "paused_left" if a.remaining_workdays else "paused_restart"


def _decision(a: Application) -> Decision | None:
    if a.state == S.APPROVED:
        return Decision(S.APPROVED, "granted", a.decided_at, [
            (_("Permitted purpose"), a.permitted_purpose), (_("Permitted scope"), a.permitted_scope)],
            "application_approval")
    if a.state == S.REFUSED:
        return Decision(S.REFUSED, "returned", a.decided_at, [
            (_("Reason"), a.refusal_reason), (_("Legal basis"), a.refusal_legal_basis)], "application_refusal")
    return None


def answer_due(a: Application) -> date | None:
    """The day the agency must answer by, while it owes an answer."""
    return a.due_date if a.state in WAITING_STATES else None


def case_page(a: Application, actor: User) -> CasePage:
    is_applicant = a.applicant_id == actor.id
    manages = permissions.can_manage_access(actor, a.agency_id)
    asked = [e for e in a.events if e.kind == "info_requested"]
    page = CasePage(a, is_applicant, APPLICATION.allowed_actions(a, actor), _deadline(a),
                    asked[-1].note if asked else "", _decision(a),
                    [r for r in a.dataset.resources if r.kind == ResourceKind.FILE],
                    current_app.config["USAGE_REPORT_DAYS"])
    if is_applicant or manages:
        page.blocks = [BlockRow(b, grants.may_lift(actor, b)) for b in access.active_blocks(a.applicant_id)]
    if manages:
        page.block_closes = "all" if grants.block_scope(actor) is None else "agency"
    g = a.grant
    if g is not None:
        page.grant, page.grant_actions = g, GRANT.allowed_actions(g, actor)
        if g.state != GrantState.ACTIVE:
            page.grant_notice = GrantNotice(g.state, g.state_changed_at, g.state_reason,
                                            g.state == GrantState.SUSPENDED)
        downloadable = grants.files_covered(g, actor, "download")
        page.covered = [FileRow(r, r.id in downloadable, "api" in g.provision_methods)
                        for r in page.files if g.covers_file(r.id)]
        page.schedule = reports.report_schedule(g)
        page.may_report = reports.may_report(g, actor, page.schedule)
    return page


def console_blocks(actor: User) -> list[BlockRow]:
    return [BlockRow(b, grants.may_lift(actor, b)) for b in grants.blocks_for(actor)]
