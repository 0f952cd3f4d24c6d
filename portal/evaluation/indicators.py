"""The evaluation indicators (OVERSIGHT §8(b); R2024 §39「公共数据采集、使用和管理情况评估」, §41「年度评估」): ONE
table, a row per indicator. Adding an indicator is adding a row.

Each row says what the indicator measures and how it is computed for one agency and one period, and gives:
- `inputs(scope)`: the counts it is computed from, read from the portal's own records (and the ids they count,
  so a snapshot keeps its evidence); the counting itself is the statistics page's (portal/statistics) or the
  sharing figures' (portal/sharing/figures.py), never a second copy;
- `figure(inputs)`: a percentage 0–100 (None: nothing to judge) from the inputs alone, so that a frozen
  snapshot's figures can be recomputed from the inputs it stored;
- `actions(inputs)`: the concrete to-dos the inputs show ("3 entries overdue for update"), with links;
- `weight`: the default weight (the authority sets a round's own).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from ..audit.models import AccessEvent
from ..catalog import quality
from ..catalog.models import Dataset, Resource
from ..catalog.queries import public_filter
from ..extensions import db
from ..sharing import figures as sharing_figures
from ..statistics import services as statistics

CHINA_OFFSET = timedelta(hours=8)


@dataclass(frozen=True)
class Scope:
    """One agency and one period, judged on the day `on` (China time) at the moment `now` (UTC)."""

    agency_id: int
    period: sharing_figures.Period
    on: date
    now: datetime


@dataclass(frozen=True)
class Action:
    text: str
    links: tuple[tuple[str, str], ...] = ()   # (label, url)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Any
    measures: Any                    # what it measures
    method: Any                      # how it is computed from the records, for one agency and one period
    weight: int                      # the default weight
    inputs: Callable[[Scope], dict[str, Any]]
    figure: Callable[[dict[str, Any]], int | None]
    actions: Callable[[dict[str, Any]], list[Action]] = lambda inputs: []


def percent(part: int, whole: int) -> int | None:
    """part of whole in whole per cent, rounded half up (as the sharing figures' rates); None without a case."""
    return sharing_figures.Rate(whole, part).percent


def _entries(scope: Scope) -> list[tuple[str, str, str]]:
    """The agency's public entries: (id, slug, title)."""
    return list(db.session.execute(select(Dataset.id, Dataset.slug, Dataset.title).where(
        public_filter(), Dataset.agency_id == scope.agency_id).order_by(Dataset.id)).all())


def _entry_links(rows: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((title, f"/dataset/{slug}") for _id, slug, title in rows)


# ---- catalog completeness ----------------------------------------------------------------------------------
def _completeness_inputs(scope: Scope) -> dict[str, Any]:
    entries = _entries(scope)
    with_data = set(db.session.scalars(select(Resource.dataset_id).where(
        Resource.dataset_id.in_([e[0] for e in entries])).distinct())) if entries else set()
    empty = [list(e) for e in entries if e[0] not in with_data]
    return {"entries": len(entries), "with_data": len(entries) - len(empty), "without_data": empty}


def _completeness_actions(inputs: dict[str, Any]) -> list[Action]:
    empty = inputs.get("without_data") or []
    if not empty:
        return []
    return [Action(ngettext("%(num)d catalog entry carries no file or API", "%(num)d catalog entries carry no file "
                            "or API", len(empty)), _entry_links(empty))]


# ---- update timeliness --------------------------------------------------------------------------------------
def _timeliness_inputs(scope: Scope) -> dict[str, Any]:
    current, overdue = statistics.overdue_entries(scope.now, scope.agency_id)
    return {"regular": len(current) + len(overdue), "overdue": len(overdue),
            "overdue_entries": [[d.id, d.slug, d.title] for d in overdue]}


def _timeliness_actions(inputs: dict[str, Any]) -> list[Action]:
    overdue = inputs.get("overdue_entries") or []
    if not overdue:
        return []
    return [Action(ngettext("%(num)d entry overdue for update", "%(num)d entries overdue for update", len(overdue)),
                   _entry_links(overdue))]


# ---- answers on time ----------------------------------------------------------------------------------------
ANSWER_KINDS = ("applications", "complaints", "corrections", "share_requests")
ANSWER_LINKS = {"applications": "/applications", "complaints": "/console/cases",
                "corrections": "/console/cases", "share_requests": "/sharing/requests"}


def _answers_inputs(scope: Scope) -> dict[str, Any]:
    rates = statistics.answer_rates(scope.on, scope.agency_id, scope.period)
    shared = sharing_figures.compute(scope.period, [scope.agency_id]).totals.rates["answered"]
    rates["share_requests"] = shared
    return {kind: {"cases": rates[kind].cases, "on_time": rates[kind].on_time} for kind in ANSWER_KINDS}


def _answers_figure(inputs: dict[str, Any]) -> int | None:
    return percent(sum(inputs[k]["on_time"] for k in ANSWER_KINDS), sum(inputs[k]["cases"] for k in ANSWER_KINDS))


def _answers_actions(inputs: dict[str, Any]) -> list[Action]:
    texts = {"applications": lambda n: ngettext("%(num)d application answered late",
                                                "%(num)d applications answered late", n),
             "complaints": lambda n: ngettext("%(num)d rights complaint answered late",
                                              "%(num)d rights complaints answered late", n),
             "corrections": lambda n: ngettext("%(num)d correction request answered late",
                                               "%(num)d correction requests answered late", n),
             "share_requests": lambda n: ngettext("%(num)d sharing request answered late",
                                                  "%(num)d sharing requests answered late", n)}
    out = []
    for kind in ANSWER_KINDS:
        late = inputs[kind]["cases"] - inputs[kind]["on_time"]
        if late:
            out.append(Action(texts[kind](late), ((str(_l("Open the list")), ANSWER_LINKS[kind]),)))
    return out


# ---- open plan completion -----------------------------------------------------------------------------------
def _plan_inputs(scope: Scope) -> dict[str, Any]:
    items = statistics.plan_items(scope.on, scope.agency_id, scope.period)
    due = [i for i in items if i.state != "pending"]
    overdue = [[i.item.id, i.title] for i in items if i.state == "overdue"]
    return {"due": len(due), "on_time": sum(1 for i in due if i.state == "opened_on_time"),
            "late": sum(1 for i in due if i.state == "opened_late"), "overdue_items": overdue}


def _plan_actions(inputs: dict[str, Any]) -> list[Action]:
    overdue = inputs.get("overdue_items") or []
    if not overdue:
        return []
    return [Action(ngettext("%(num)d open plan item past its target date", "%(num)d open plan items past their "
                            "target date", len(overdue)), ((str(_l("Open plans")), "/plans"),))]


# ---- use: downloads and API calls ---------------------------------------------------------------------------
def _use_inputs(scope: Scope) -> dict[str, Any]:
    entries = _entries(scope)
    ids = [e[0] for e in entries]
    since = datetime.combine(scope.period.start, datetime.min.time()) - CHINA_OFFSET
    until = datetime.combine(scope.period.end + timedelta(days=1), datetime.min.time()) - CHINA_OFFSET
    counts = {"download": 0, "api": 0}
    used: set[str] = set()
    if ids:
        q = (select(AccessEvent.kind, AccessEvent.dataset_id, func.count(AccessEvent.id))
             .where(AccessEvent.kind.in_(statistics.ACCESS_KINDS), AccessEvent.status < statistics.SERVED,
                    AccessEvent.dataset_id.in_(ids), AccessEvent.at >= since, AccessEvent.at < until)
             .group_by(AccessEvent.kind, AccessEvent.dataset_id))
        for kind, dataset_id, n in db.session.execute(q):
            counts[kind] += int(n)
            used.add(dataset_id)
    unused = [list(e) for e in entries if e[0] not in used]
    return {"entries": len(entries), "used": len(used), "downloads": counts["download"],
            "api_calls": counts["api"], "unused": unused}


def _use_actions(inputs: dict[str, Any]) -> list[Action]:
    unused = inputs.get("unused") or []
    if not unused or not inputs.get("entries"):
        return []
    return [Action(ngettext("%(num)d entry neither downloaded nor called in the period", "%(num)d entries neither "
                            "downloaded nor called in the period", len(unused)), _entry_links(unused))]


# ---- metadata quality ---------------------------------------------------------------------------------------
QUALITY_LOW = 60   # an entry below this score is on the agency's list of actions


def _quality_inputs(scope: Scope) -> dict[str, Any]:
    rows = quality.agency_quality(scope.agency_id).rows
    return {"scores": [[r.dataset_id, r.slug, r.title, r.score] for r in rows]}


def _quality_figure(inputs: dict[str, Any]) -> int | None:
    scores = [row[3] for row in inputs.get("scores") or []]
    if not scores:
        return None
    return (2 * sum(scores) + len(scores)) // (2 * len(scores))  # the mean, rounded half up


def _quality_actions(inputs: dict[str, Any]) -> list[Action]:
    low = [row[:3] for row in inputs.get("scores") or [] if row[3] < QUALITY_LOW]
    if not low:
        return []
    return [Action(ngettext("%(num)d entry scores below %(low)d on metadata quality",
                            "%(num)d entries score below %(low)d on metadata quality", len(low), low=QUALITY_LOW),
                   _entry_links(low))]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "completeness", _l("Catalog completeness"),
        _l("Whether the agency's published catalog entries carry their data."),
        _l("Published entries of the agency with at least one file or API, divided by all its published entries."),
        20, _completeness_inputs, lambda i: percent(i["with_data"], i["entries"]), _completeness_actions),
    Indicator(
        "timeliness", _l("Update timeliness"),
        _l("Whether data is updated as often as each entry declares."),
        _l("Published entries with a regular update frequency that are not overdue for update on the day of "
           "computing, divided by all such entries (the statistics page's rule)."),
        25, _timeliness_inputs, lambda i: percent(i["regular"] - i["overdue"], i["regular"]), _timeliness_actions),
    Indicator(
        "answers", _l("Answers on time"),
        _l("Whether applications, rights complaints, correction requests and sharing requests are answered "
           "within their periods."),
        _l("Cases whose due date falls in the period, answered by the due date, divided by the cases counted: "
           "answered ones, and open ones only once overdue (the statistics page's and sharing figures' rule)."),
        25, _answers_inputs, _answers_figure, _answers_actions),
    Indicator(
        "plan", _l("Open plan completion"),
        _l("Whether the entries of the agency's published open plans are opened by their target dates."),
        _l("Plan items with a target date in the period that is reached, opened by the target date, divided by "
           "those items."),
        15, _plan_inputs, lambda i: percent(i["on_time"], i["due"]), _plan_actions),
    Indicator(
        "use", _l("Downloads and API calls"),
        _l("Whether the agency's data is used."),
        _l("Published entries with at least one served download or API call in the period, divided by all its "
           "published entries; the downloads and API calls are counted beside it."),
        15, _use_inputs, lambda i: percent(i["used"], i["entries"]), _use_actions),
    Indicator(
        "quality", _l("Metadata quality"),
        _l("Whether the agency's entries describe their data well enough to find, understand and reuse it."),
        _l("The mean of the quality scores (0–100) of the agency's published entries, each scored on the nine "
           "criteria shown on every entry page, on the day of computing."),
        10, _quality_inputs, _quality_figure, _quality_actions),
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def default_weights() -> list[dict[str, Any]]:
    return [{"key": i.key, "weight": i.weight} for i in INDICATORS]


def score(results: list[dict[str, Any]]) -> int | None:
    """The weighted mean of the figures there are (an indicator with nothing to judge leaves the weights)."""
    judged = [(r["weight"], r["figure"]) for r in results if r["figure"] is not None and r["weight"] > 0]
    total = sum(w for w, _f in judged)
    if not total:
        return None
    return (2 * sum(w * f for w, f in judged) + total) // (2 * total)  # rounded half up


def compute(scope: Scope, weights: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Each chosen indicator's inputs (from the records) and figure (from the inputs), with its weight."""
    out = []
    for chosen in weights or default_weights():
        ind = BY_KEY[chosen["key"]]
        inputs = ind.inputs(scope)
        out.append({"key": ind.key, "weight": int(chosen["weight"]), "inputs": inputs, "figure": ind.figure(inputs)})
    return out


def recompute(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures again, from stored inputs alone (a snapshot's check: no record is read)."""
    return [{**r, "figure": BY_KEY[r["key"]].figure(r["inputs"])} for r in results]


def actions(results: list[dict[str, Any]]) -> list[Action]:
    return [a for r in results if r["key"] in BY_KEY for a in BY_KEY[r["key"]].actions(r["inputs"])]
