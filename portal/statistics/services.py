"""The public statistics (OVERSIGHT §8(a); R2024 §39「定期开展公共数据采集、使用和管理情况评估，并通报评估结果」).

Every figure is counted from the portal's own records and is a count or a rate, never a person: public entries by
open type, share type, agency, theme and region, and per 盟市 with the downloads of their files (the map); their
files and bytes by open type; served downloads and API calls by month (access events); applications by state and
cases answered on time; entries overdue for update
against their declared frequency (catalog.services.update_status); plan items by progress (plans.services); and
the sharing figures' public totals (sharing.figures.public_figures, not recounted here).

"On time" is read off each case's stored due date and judged by supervision's rule (through sharing.figures.Rate,
which calls supervision's deadline_marks): on time through the due date; a case still open counts only once it
is overdue (then late); an application waiting for the applicant is judged on the day its clock stopped.

The time-based figures (downloads and API calls, cases, downloads per 盟市) count what happened within the
period (period.py: whole months in China time; by default the last twelve): a case counts in the period it was
filed (an application: submitted), judged on time or late as of today.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import workdays
from ..agencies.models import Agency
from ..audit.models import AccessEvent
from ..catalog import vocab
from ..catalog.models import Dataset, Resource, Theme
from ..catalog.queries import public_filter
from ..catalog.services import update_status
from ..datarequests.models import STATE_LABELS as DATA_REQUEST_STATE_LABELS, DataRequest, DataRequestState
from ..divisions import CITIES, REGION, city_of
from ..extensions import db
from ..feedback.models import Complaint, Correction, Report
from ..models_base import utcnow
from ..opening.models import Application, ApplicationState
from ..opening.vocab import STATE_LABELS as APPLICATION_STATE_LABELS
from ..plans.models import OpenPlan, PlanState
from ..plans.services import plan_progress
from ..plans.vocab import PROGRESS_LABELS
from ..sharing import figures as sharing_figures
from ..supervision.services import deadline_marks
from . import period as periods
from .period import Period

MONTHS = periods.MONTHS  # by default downloads and API calls count over the last twelve months, this one included
SERVED = 400           # an access event below this status was served
ACCESS_KINDS = ("download", "api")
APPLICATION_STATES = (ApplicationState.SUBMITTED, ApplicationState.INFO_REQUESTED, ApplicationState.APPROVED,
                      ApplicationState.REFUSED, ApplicationState.WITHDRAWN)
PROGRESS_STATES = ("opened_on_time", "opened_late", "pending", "overdue")


@dataclass
class Row:
    key: str
    label: str
    values: list[int | None]  # None: no case, so no rate ("—", never 0 % or 100 %)


@dataclass
class Chart:
    """One figure of the page: a bar chart (`bars`), a time series (`series`) or on-time rates (`rates`), with
    the same figures as its table and CSV. `columns` names each value of a row."""

    id: str
    title: str
    kind: str
    label_column: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not any(any(v for v in r.values if v) for r in self.rows)

    @property
    def total(self) -> list[int]:
        return [sum(r.values[i] or 0 for r in self.rows) for i in range(len(self.columns))]


@dataclass
class Statistics:
    on: date
    charts: list[Chart]
    sharing: Any | None  # sharing.figures.Table (public totals) or None when the deployment publishes none
    period: Period | None = None
    region_wide: int = 0  # public entries of the whole region (on no 盟市 of the map)

    def chart(self, chart_id: str) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)


def today() -> date:
    return workdays.china_date(utcnow())


def _grouped(column, *, measure=None) -> dict[Any, int]:
    """Public entries (or a measure over them) grouped by a column of Dataset."""
    q = select(column, measure if measure is not None else func.count(Dataset.id)).where(public_filter())
    return {k: int(v or 0) for k, v in db.session.execute(q.group_by(column)).all()}


def _bars(chart_id: str, title: str, label_column: str, counts: dict[Any, int], labels: dict[Any, str],
          order: list[Any] | None = None, column: str | None = None, unit: str = "") -> Chart:
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], str(labels.get(k, k))))
    rows = [Row(str(k), str(labels.get(k, k)), [counts.get(k, 0)]) for k in keys]
    return Chart(chart_id, title, "bars", label_column, [column or _("Entries")], rows, unit)


def _entry_charts() -> list[Chart]:
    open_types = list(vocab.OPEN_TYPE_LABELS)
    share_types = list(vocab.SHARE_TYPE_LABELS)
    agencies = {a.id: a.name for a in db.session.scalars(select(Agency))}
    themes = {t.id: t.name for t in db.session.scalars(select(Theme))}
    by_region = _grouped(Dataset.region)
    files = dict(db.session.execute(
        select(Dataset.open_type, func.count(Resource.id)).join(Resource, Resource.dataset_id == Dataset.id)
        .where(public_filter()).group_by(Dataset.open_type)).all())
    volume = dict(db.session.execute(
        select(Dataset.open_type, func.coalesce(func.sum(Resource.size), 0))
        .join(Resource, Resource.dataset_id == Dataset.id).where(public_filter()).group_by(Dataset.open_type)).all())
    type_label = _("Open type")
    return [
        _bars("entries-open-type", _("Entries by open type"), type_label, _grouped(Dataset.open_type),
              vocab.OPEN_TYPE_LABELS, open_types),
        _bars("entries-share-type", _("Entries by share type"), _("Share type"), _grouped(Dataset.share_type),
              vocab.SHARE_TYPE_LABELS, share_types),
        _bars("entries-agency", _("Entries by agency"), _("Agency"), _grouped(Dataset.agency_id), agencies),
        _bars("entries-theme", _("Entries by theme"), _("Theme"), _grouped(Dataset.theme_id), themes),
        _bars("entries-region", _("Entries by region"), _("Region"), by_region, {k: k for k in by_region}),
        _bars("files-open-type", _("Files by open type"), type_label, {k: int(v) for k, v in files.items()},
              vocab.OPEN_TYPE_LABELS, open_types, _("Files")),
        _bars("volume-open-type", _("Data volume by open type"), type_label,
              {k: int(v) for k, v in volume.items()}, vocab.OPEN_TYPE_LABELS, open_types, _("Bytes"), "bytes"),
    ]


def month_starts(on: date, months: int = MONTHS) -> list[date]:
    """The first day of each of the last `months` months, oldest first, the month of `on` last."""
    n = periods.month_index(on)
    return [periods.month_of(k) for k in range(n - months + 1, n + 1)]


def _map_chart(period: Period) -> tuple[Chart, int]:
    """Public entries per 盟市 (catalog region: the 盟市, a place written after it, or one of its 旗县区) and the
    served downloads of their files within the period; and how many entries cover the whole region."""
    entries = dict.fromkeys(CITIES, 0)
    region_wide = 0
    for region, n in _grouped(Dataset.region).items():
        city = city_of(region)
        if city is not None:
            entries[city] += n
        elif region.strip() == REGION:
            region_wide += n
    downloads = dict.fromkeys(CITIES, 0)
    q = (select(Dataset.region, func.count(AccessEvent.id)).join(Dataset, Dataset.id == AccessEvent.dataset_id)
         .where(public_filter(), AccessEvent.kind == "download", AccessEvent.status < SERVED,
                AccessEvent.at >= period.since, AccessEvent.at < period.until).group_by(Dataset.region))
    for region, n in db.session.execute(q):
        city = city_of(region)
        if city is not None:
            downloads[city] += int(n)
    rows = [Row(city, city, [entries[city], downloads[city]]) for city in CITIES]
    return Chart("entries-map", _("Entries and downloads by league and city"), "map", _("League or city"),
                 [_("Entries"), _("Downloads")], rows), region_wide


def _access_chart(period: Period) -> Chart:
    """Served downloads and API calls per month (China time) within the period."""
    starts = period.months
    counts = {(m.year, m.month): [0, 0] for m in starts}
    q = (select(AccessEvent.kind, AccessEvent.at).where(AccessEvent.kind.in_(ACCESS_KINDS),
                                                         AccessEvent.status < SERVED, AccessEvent.at >= period.since,
                                                         AccessEvent.at < period.until))
    for kind, at in db.session.execute(q):
        day = workdays.china_date(at)
        slot = counts.get((day.year, day.month))
        if slot is not None:
            slot[ACCESS_KINDS.index(kind)] += 1
    rows = [Row(m.strftime("%Y-%m"), m.strftime("%Y-%m"), counts[(m.year, m.month)]) for m in starts]
    return Chart("access-month", _("Downloads and API calls by month"), "series", _("Month"),
                 [_("Downloads"), _("API calls")], rows)


def _count(rate: sharing_figures.Rate, done: datetime | date | None, due: date | None, on: date,
           stopped_on: date | None = None) -> None:
    if stopped_on is not None and done is None:
        if due is not None and deadline_marks(due, on, stopped_on)[0]:
            rate.cases += 1
        return
    rate.count(done, due, on)


def _of_agency(q, model, agency_id: int | None):
    """Cases of one agency's entries (all when agency_id is None): by the case's own agency or its entry's."""
    if agency_id is None:
        return q
    if hasattr(model, "agency_id"):
        return q.where(model.agency_id == agency_id)
    return q.join(Dataset, Dataset.id == model.dataset_id).where(Dataset.agency_id == agency_id)


def _filed_in(q, column, filed: Period | None):
    return q if filed is None else q.where(column >= filed.since, column < filed.until)


def _in_period(due: date | None, period) -> bool:
    return period is None or period.holds(due)


def answer_rates(on: date, agency_id: int | None = None, period=None,
                 filed: Period | None = None) -> dict[str, sharing_figures.Rate]:
    """Applications, complaints, corrections and reports answered on time, judged on `on`: every case, or those
    of one agency's entries; those whose due date falls in `period` (a sharing.figures.Period, as the sharing
    figures count theirs: the agency scorecards, portal/evaluation) or those filed within `filed` (the
    statistics page's period). The statistics page and the scorecards read the same rates."""
    rates = {k: sharing_figures.Rate() for k in ("applications", "complaints", "corrections", "reports")}
    q = _filed_in(select(Application).where(Application.submitted_at.is_not(None)), Application.submitted_at, filed)
    for a in db.session.scalars(_of_agency(q, Application, agency_id)):
        if a.state == ApplicationState.WITHDRAWN and a.decided_at is None:
            continue  # withdrawn before an answer: nothing was owed
        if _in_period(a.due_date, period):
            _count(rates["applications"], a.decided_at, a.due_date, on, a.clock_stopped_on)
    for key, model, done in (("complaints", Complaint, "decided_at"), ("corrections", Correction, "decided_at"),
                             ("reports", Report, "answered_at")):
        for c in db.session.scalars(_of_agency(_filed_in(select(model), model.filed_at, filed), model, agency_id)):
            if _in_period(c.due_date, period):
                _count(rates[key], getattr(c, done), c.due_date, on)
    return rates


def _on_time_chart(on: date, period: Period) -> tuple[Chart, Chart]:
    by_state = dict.fromkeys(APPLICATION_STATES, 0)
    q = _filed_in(select(Application.state).where(Application.submitted_at.is_not(None)),
                  Application.submitted_at, period)
    for state in db.session.scalars(q):
        if state in by_state:
            by_state[state] += 1
    counted = answer_rates(on, filed=period)
    applications, complaints = counted["applications"], counted["complaints"]
    corrections, reports = counted["corrections"], counted["reports"]
    data_requests = sharing_figures.Rate()
    for r in db.session.scalars(_filed_in(select(DataRequest), DataRequest.filed_at, period)):
        _count(data_requests, r.answered_at, r.due_date, on)
    outcome = _bars("applications-state", _("Applications by state"), _("State"),
                    {str(k): v for k, v in by_state.items()}, {str(k): v for k, v in APPLICATION_STATE_LABELS.items()},
                    [str(k) for k in APPLICATION_STATES], _("Applications"))
    rates = Chart("on-time", _("Answered on time"), "rates", _("Kind of case"),
                  [_("Cases counted"), _("On time"), _("Late"), _("On time (%)")])
    for key, label, rate in (("applications", _("Applications"), applications),
                             ("complaints", _("Rights complaints"), complaints),
                             ("corrections", _("Correction requests"), corrections),
                             ("reports", _("Reports of illegal use"), reports),
                             ("data_requests", _("Data requests"), data_requests)):
        rates.rows.append(Row(key, label, [rate.cases, rate.on_time, rate.late,
                                           rate.percent]))
    return outcome, rates


def _data_request_chart(period: Period) -> Chart:
    """Public data requests filed within the period, by state (数据需求, issue 25)."""
    counts = dict.fromkeys((str(s) for s in DataRequestState), 0)
    q = (select(DataRequest.state, func.count(DataRequest.id))
         .where(DataRequest.filed_at >= period.since, DataRequest.filed_at < period.until).group_by(DataRequest.state))
    for state, n in db.session.execute(q):
        counts[str(state)] = int(n)
    return _bars("data-requests-state", _("Data requests by state"), _("State"), counts,
                 {str(k): str(v) for k, v in DATA_REQUEST_STATE_LABELS.items()}, [str(s) for s in DataRequestState],
                 _("Data requests"))


def overdue_entries(now: datetime, agency_id: int | None = None) -> tuple[list[Dataset], list[Dataset]]:
    """Public entries with a regular update frequency (catalog.update_status), of every agency or one: those
    updated as declared and those overdue for update. The page's chart and the agency scorecards read this."""
    q = select(Dataset).where(public_filter())
    if agency_id is not None:
        q = q.where(Dataset.agency_id == agency_id)
    current, overdue = [], []
    for ds in db.session.scalars(q.order_by(Dataset.id)):
        status = update_status(ds, now)
        if status.due is None:
            continue
        (overdue if status.overdue else current).append(ds)
    return current, overdue


def _overdue_chart(now: datetime) -> Chart:
    """Public entries with a regular update frequency: overdue for update or not (catalog.update_status)."""
    current, overdue = (len(x) for x in overdue_entries(now))
    labels = {"current": _("Updated as declared"), "overdue": _("Overdue for update")}
    return _bars("update-timeliness", _("Entries with a regular update frequency"), _("Update"),
                 {"current": current, "overdue": overdue}, labels, ["current", "overdue"])


def plan_items(on: date, agency_id: int | None = None, period=None) -> list:
    """Items of published open plans with their progress on `on` (plans.plan_progress): every plan's, or one
    agency's items whose target date falls in `period`."""
    q = select(OpenPlan).where(OpenPlan.state == PlanState.PUBLISHED)
    if agency_id is not None:
        q = q.where(OpenPlan.agency_id == agency_id)
    return [item for plan in db.session.scalars(q.order_by(OpenPlan.id)) for item in plan_progress(plan, on).items
            if period is None or period.holds(item.item.target_date)]


def _plan_chart(on: date) -> Chart:
    counts = dict.fromkeys(PROGRESS_STATES, 0)
    for item in plan_items(on):
        counts[item.state] = counts.get(item.state, 0) + 1
    return _bars("plan-items", _("Open plan items by progress"), _("Progress"), counts,
                 {k: str(v) for k, v in PROGRESS_LABELS.items()}, list(PROGRESS_STATES), _("Plan items"))


def _reuse_chart() -> Chart:
    """Published reuses (利用成果) by kind."""
    from ..reuses import services as reuses

    kinds = list(reuses.KIND_LABELS)
    return _bars("reuses-kind", _("Published reuses by kind"), _("Kind"), reuses.counts_by_kind(),
                 reuses.KIND_LABELS, kinds, _("Reuses"))


def sharing_totals(on: date):
    """The sharing figures' public totals for the current year, as the deployment publishes them (or None)."""
    if sharing_figures.public_setting() == "none":
        return None
    table = sharing_figures.public_figures(sharing_figures.year(on.year))
    table.rows = []  # the statistics page shows the totals; per agency rows stay on the sharing page
    return table


def read_period(values: Any) -> Period:
    """The period asked for (a mapping of `from`, `to`, `year`), as of today; Invalid (422) naming the field."""
    return periods.read(values or {}, today())


def compute(period: Period | None = None) -> Statistics:
    now = utcnow()
    on = workdays.china_date(now)
    period = period or periods.default(on)
    outcome, rates = _on_time_chart(on, period)
    entry_charts = _entry_charts()
    by_city, region_wide = _map_chart(period)
    entry_charts.insert(5, by_city)  # after entries by region
    charts = [*entry_charts, _access_chart(period), outcome, rates, _data_request_chart(period), _overdue_chart(now),
              _plan_chart(on), _reuse_chart()]
    return Statistics(on, charts, sharing_totals(on), period, region_wide)
