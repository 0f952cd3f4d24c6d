"""The sharing figures of SHARING.md §7 (R2024 §39「共享、开放工作的评估机制」) and who sees them (§6).

Per agency and period, computed from the portal's own records only: share requests and their timelines,
grants and their `share` access events, demands, verifications, error checks, disputes, stop notices and the
agency's published entries. Never a request's content: counts and rates only.

"On time" is read off the due dates the workflows and supervision stored on each case (answer_due,
delivery_due, due_date, negotiation_due, ...; recounted there when a year's holiday arrangement changes) and
judged by supervision's own rule (`deadline_marks`: on time through the due date, overdue the day after).
Nothing is recounted here. A case belongs to the period its due date falls in (docs/decisions.md); one still
open and not yet due is not counted; one open past its due date counts late.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..agencies.models import Agency
from ..audit.models import AccessEvent
from ..catalog.models import Dataset, DatasetState, ShareType
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..reassessment import services as reassessment
from ..supervision.services import deadline_marks
from . import catalog
from .demand_models import DemandRequest, VerificationRequest, VerificationState
from .dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport
from .grants import ACCESS_KIND
from .models import ShareGrant, ShareGrantState, ShareRequest

NO_CASE = "—"
BASIS_UNSTATED = "unstated"
MAX_DAYS = 3 * 366  # the longest period asked at once


# ---- the period -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str = "custom"  # half | year | custom

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def today() -> date:
    return workdays.china_date(utcnow())


def half_year(day: date) -> Period:
    if day.month <= 6:
        return Period(date(day.year, 1, 1), date(day.year, 6, 30), "half")
    return Period(date(day.year, 7, 1), date(day.year, 12, 31), "half")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def period_of(args: Mapping[str, Any]) -> Period:
    """The period from loaded query values (schemas FiguresQueryIn): `from`/`to` dates, or `year` with an
    optional `half` (1 or 2); the current half-year when nothing is given. Invalid (422) naming the field."""
    start, end, y, half = args.get("start"), args.get("end"), args.get("year"), args.get("half")
    if start or end:
        if not start or not end:
            missing = "from" if not start else "to"
            message = _("Give both the first and the last day of the period.")
            raise Invalid(message, {missing: message})
        if end < start:
            message = _("The last day must not be before the first day.")
            raise Invalid(message, {"to": message})
        if (end - start).days > MAX_DAYS:
            message = _("A period is at most three years.")
            raise Invalid(message, {"to": message})
        return Period(start, end, "custom")
    if y:
        if half:
            return half_year(date(y, 1 if half == 1 else 7, 1))
        return year(y)
    if half:
        message = _("Give the year of the half-year.")
        raise Invalid(message, {"year": message})
    return half_year(today())


# ---- a rate -----------------------------------------------------------------------------------------------
@dataclass
class Rate:
    """Cases counted and those on time; no case is "—", never 0 % or 100 %."""

    cases: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.cases - self.on_time

    @property
    def percent(self) -> int | None:
        if not self.cases:
            return None
        return (200 * self.on_time + self.cases) // (2 * self.cases)  # rounded half up

    @property
    def text(self) -> str:
        p = self.percent
        return NO_CASE if p is None else f"{self.on_time}/{self.cases} ({p}%)"

    def add(self, other: "Rate") -> None:
        self.cases += other.cases
        self.on_time += other.on_time

    def count(self, done: datetime | date | None, due: date | None, now: date) -> None:
        """One case with its stored due date: done (a datetime or day) or still open. An open case not yet
        overdue is not counted; supervision's rule says whether it was (or is) overdue."""
        if due is None:
            return
        if done is None:
            if deadline_marks(due, now)[0]:
                self.cases += 1
            return
        day = workdays.china_date(done) if isinstance(done, datetime) else done
        self.cases += 1
        if not deadline_marks(due, day)[0]:
            self.on_time += 1


RATES = ("answered", "delivered", "demand_answered", "demand_fulfilled", "verification_answered",
         "error_answered", "dispute_negotiated", "dispute_coordinated", "reassessed")
COUNTS = ("unconditional", "conditional", "verifications", "refusals", "demands", "error_reports",
          "late_reports", "disputes", "notices", "short_notices", "violations", "unused_grants",
          "entries_unconditional", "entries_conditional", "entries_none")


@dataclass
class Figures:
    """One agency's figures (or the totals: agency None)."""

    agency: Agency | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    rates: dict[str, Rate] = field(default_factory=lambda: {k: Rate() for k in RATES})
    refusals_by_basis: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else _("All agencies")

    def add(self, other: "Figures") -> None:
        for k, v in other.counts.items():
            self.counts[k] += v
        for k, r in other.rates.items():
            self.rates[k].add(r)
        for k, v in other.refusals_by_basis.items():
            self.refusals_by_basis[k] = self.refusals_by_basis.get(k, 0) + v


@dataclass
class Table:
    period: Period
    rows: list[Figures]
    totals: Figures
    on: date  # the day the figures were computed (open cases are judged on it)


# ---- computing ------------------------------------------------------------------------------------------
def _first_event(events: Iterable[Any], kinds: tuple[str, ...]) -> datetime | None:
    return next((e.at for e in events if e.kind in kinds), None)


def compute(period: Period, agency_ids: Iterable[int] | None = None) -> Table:
    """Every agency's figures for the period (or only those of `agency_ids`), and their totals."""
    now = today()
    wanted = None if agency_ids is None else set(agency_ids)
    rows: dict[int, Figures] = {}

    def of(agency_id: int | None) -> Figures | None:
        if agency_id is None or (wanted is not None and agency_id not in wanted):
            return None
        if agency_id not in rows:
            rows[agency_id] = Figures(db.session.get(Agency, agency_id))
        return rows[agency_id]

    # share requests (§3.1, §3.2): by the providing agency, which owes the answer and the delivery
    for r in db.session.scalars(select(ShareRequest).where(ShareRequest.submitted_at.is_not(None))):
        f = of(r.provider_agency_id)
        if f is None:
            continue
        if period.holds(workdays.china_date(r.submitted_at)):
            f.counts["unconditional" if r.share_type == ShareType.UNCONDITIONAL else "conditional"] += 1
        if r.share_type == ShareType.UNCONDITIONAL:
            continue
        answered = _first_event(r.events, ("agreed", "refused"))
        if period.holds(r.answer_due) and not (answered is None and r.state == "withdrawn"):
            f.rates["answered"].count(answered, r.answer_due, now)
        if period.holds(r.delivery_due):
            f.rates["delivered"].count(r.delivered_at, r.delivery_due, now)
        refused = _first_event(r.events, ("refused",))
        if refused is not None and period.holds(workdays.china_date(refused)):
            f.counts["refusals"] += 1
            kind = r.dataset.share_basis_kind or BASIS_UNSTATED
            f.refusals_by_basis[kind] = f.refusals_by_basis.get(kind, 0) + 1

    # demands (§3.4): by the source agency they were forwarded to
    for d in db.session.scalars(select(DemandRequest).where(DemandRequest.provider_agency_id.is_not(None))):
        f = of(d.provider_agency_id)
        if f is None:
            continue
        if period.holds(d.answer_due):
            f.counts["demands"] += 1
            f.rates["demand_answered"].count(d.answered_at, d.answer_due, now)
        if period.holds(d.completion_due):
            f.rates["demand_fulfilled"].count(d.fulfilled_at, d.completion_due, now)

    # verifications (§3.5): by the provider; a withdrawn one owed nothing
    for v in db.session.scalars(select(VerificationRequest).where(VerificationRequest.submitted_at.is_not(None))):
        f = of(v.provider_agency_id)
        if f is None:
            continue
        if period.holds(workdays.china_date(v.submitted_at)):
            f.counts["verifications"] += 1
        done = _first_event(v.events, ("answer", "decline"))
        if period.holds(v.due_date) and not (done is None and v.state == VerificationState.WITHDRAWN):
            f.rates["verification_answered"].count(done, v.due_date, now)

    # error checks (§3.6): answered by the provider; late reports are the reporting agency's
    for e in db.session.scalars(select(ShareErrorReport)):
        f = of(e.provider_agency_id)
        if f is not None and period.holds(e.due_date):
            f.rates["error_answered"].count(e.answered_at, e.due_date, now)
        g = of(e.requester_agency_id)
        if g is not None and period.holds(workdays.china_date(e.reported_at)):
            g.counts["error_reports"] += 1
            g.counts["late_reports"] += int(bool(e.late))

    # disputes (§3.7): by the providing agency whose refusal or `none` entry is disputed
    for s in db.session.scalars(select(ShareDispute)):
        f = of(s.provider_agency_id)
        if f is None:
            continue
        if period.holds(workdays.china_date(s.opened_at)):
            f.counts["disputes"] += 1
        if period.holds(s.negotiation_due):
            in_negotiation = s.resolved_at if s.negotiation_ended_on is None else None
            rate = f.rates["dispute_negotiated"]
            if s.negotiation_ended_on is not None:
                rate.cases += 1  # negotiation ended without agreement: not resolved within it
            else:
                rate.count(in_negotiation, s.negotiation_due, now)
        if period.holds(s.coordination_due):
            f.rates["dispute_coordinated"].count(s.resolved_at, s.coordination_due, now)

    # stop or change notices (§3.8)
    for n in db.session.scalars(select(ShareChangeNotice)):
        f = of(n.provider_agency_id)
        if f is not None and period.holds(workdays.china_date(n.filed_at)):
            f.counts["notices"] += 1
            f.counts["short_notices"] += int(bool(n.short_notice_ground.strip()))

    # grants never used: the requester's, over the period, no `share` access event that was served
    used = set(db.session.scalars(select(AccessEvent.grant_id).where(
        AccessEvent.kind == ACCESS_KIND, AccessEvent.grant_id.is_not(None), AccessEvent.status < 400)))
    for gr in db.session.scalars(select(ShareGrant).where(
            ShareGrant.state.in_((ShareGrantState.ACTIVE, ShareGrantState.EXPIRED)))):
        f = of(gr.requester_agency_id)
        if f is not None and gr.start <= period.end and gr.end >= period.start and gr.id not in used:
            f.counts["unused_grants"] += 1

    # the agency's published entries, as they stand at the end of the period (or today)
    as_of = min(period.end, now)
    for ds in db.session.scalars(select(Dataset).where(Dataset.state == DatasetState.PUBLISHED)):
        f = of(ds.agency_id)
        if f is None:
            continue
        f.counts[f"entries_{ds.share_type}"] = f.counts.get(f"entries_{ds.share_type}", 0) + 1
        if ds.share_type == ShareType.CONDITIONAL:
            # the one due date (OVERSIGHT.md §3); an entry with no assessment on record was never reassessed
            due = reassessment.due_date(ds, "share")
            rate = f.rates["reassessed"]
            rate.cases += 1
            rate.on_time += int(ds.share_assessed_at is not None and due is not None and as_of <= due)
    for v in catalog.violations(None if wanted is None else sorted(wanted)):
        f = of(v.dataset.agency_id)
        if f is not None:
            f.counts["violations"] += 1

    for agency_id in wanted or ():
        of(agency_id)  # an agency asked for shows its (empty) row
    ordered = sorted(rows.values(), key=lambda fig: (fig.agency.name if fig.agency else "", fig.agency.id
                                                     if fig.agency else 0))
    totals = Figures(None)
    for fig in ordered:
        totals.add(fig)
    return Table(period, ordered, totals, now)


# ---- who sees what (SHARING.md §6) ------------------------------------------------------------------------
def figures_for(period: Period, actor: Any) -> Table:
    """The authority, auditors and administrators: every agency; agency staff: their own agency only."""
    if roles.is_overseer(actor):
        return compute(period)
    if roles.is_agency_staff(actor) and getattr(actor, "agency_id", None):
        return compute(period, [actor.agency_id])
    raise Forbidden(_("Only agency staff, the data authority and auditors see the sharing figures."))


def public_setting() -> str:
    return current_app.config["SHARE_FIGURES_PUBLIC"]


def check_public() -> None:
    """404 when the deployment publishes no sharing statistics (before any input is read)."""
    if public_setting() == "none":
        raise NotFound(_("The sharing statistics are not published."))


def public_figures(period: Period) -> Table:
    """What the public sees (SHARE_FIGURES_PUBLIC): `totals` only the all-agency totals, `by_agency` every
    agency's row too, `none` nothing (404)."""
    check_public()
    table = compute(period)
    if public_setting() == "totals":
        table.rows = []
    return table


def report_period(kind: str, y: int, half: int | None = None) -> Period:
    """The period of a draft report: a half-year (R2018 「每半年」) or a year (due by the end of January)."""
    if kind == "half":
        if half not in (1, 2):
            message = _("Choose the first or the second half-year.")
            raise Invalid(message, {"half": message})
        return half_year(date(y, 1 if half == 1 else 7, 1))
    if kind != "year":
        message = _("Choose a half-yearly or a yearly report.")
        raise Invalid(message, {"kind": message})
    return year(y)


def report_for(actor: Any) -> None:
    if not roles.is_overseer(actor):
        raise Forbidden(_("Only the data authority and auditors draw up the evaluation reports."))
