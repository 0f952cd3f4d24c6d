"""Open-plan rules: who writes which plan, drafting and publishing, and progress measured on the catalog.

A plan is drafted, then published: the table PLAN, driven by the workflow engine (portal/workflow.py).
Its owner changes a draft (each change a step from draft to draft, with its own audit event); a
published plan is a public commitment and is not edited any more (Conflict, 409). Progress is never
stored: it is computed from the catalog each time, so it follows publications, withdrawals and
reclassifications of the entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any, Callable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts import roles
from ..agencies.models import Agency
from ..audit import services as audit
from ..catalog.models import Dataset, DatasetState, OpenType
from ..search.text import title_sort_key
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from . import permissions
from .models import OpenPlan, PlanItem, PlanState
from .permissions import can_create, can_view

CHINA = ZoneInfo("Asia/Shanghai")  # target dates are Chinese calendar dates
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PRIORITIES = 10_000
MAX_TITLE = 300
MAX_NOTE = 2_000



def _not_owner(plan: OpenPlan) -> str:
    if plan.agency_id is None:
        return _("Only the data authority writes the regional open plan.")
    return _("Only staff of %(agency)s may change this plan.", agency=plan.agency.name)


def _raced(_plan: Any = None) -> str:
    return _("The plan was changed by someone else at the same time. Please reload and retry.")


OWNERS = (roles.AGENCY, roles.AUTHORITY_ACTOR)  # of their plan: see permissions.relations
D = PlanState.DRAFT
PLAN = Workflow("open_plan", [
    Transition("priorities", (D,), D, OWNERS, "plan.priorities"),
    Transition("add_item", (D,), D, OWNERS, "plan.item.add"),
    Transition("update_item", (D,), D, OWNERS, "plan.item.update"),
    Transition("remove_item", (D,), D, OWNERS, "plan.item.remove"),
    Transition("publish", (D,), PlanState.PUBLISHED, OWNERS, "plan.publish",
               conflict=lambda plan: _("This plan is already published.")),
], relations=permissions.relations, forbidden=_not_owner, stale=_raced,
   conflict=lambda plan: _("A published plan is not edited any more."))
EDITS = ("priorities", "add_item", "update_item", "remove_item")
TARGET_OPEN_TYPES = (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL)
# How open an entry is; an entry meets its target when it is at least as open as the target.
OPENNESS = {OpenType.CLOSED: 0, OpenType.CONDITIONAL: 1, OpenType.UNCONDITIONAL: 2}


class Progress(StrEnum):
    OPENED_ON_TIME = "opened_on_time"
    OPENED_LATE = "opened_late"
    PENDING = "pending"
    OVERDUE = "overdue"


OPENED = (Progress.OPENED_ON_TIME, Progress.OPENED_LATE)


def china_today() -> date:
    """Today's date in China (where the target dates are set)."""
    return datetime.now(CHINA).date()


def china_date(value: datetime) -> date:
    """The Chinese calendar date of a stored (naive UTC) timestamp."""
    aware = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return aware.astimezone(CHINA).date()


# ---- reading ----------------------------------------------------------------
def get_plan(plan_id: int, actor: Any) -> OpenPlan:
    """A plan as the console shows it, or NotFound / Forbidden."""
    plan = db.session.get(OpenPlan, plan_id)
    if plan is None:
        raise NotFound(_("No open plan has this address."))
    if not can_view(actor, plan):
        raise Forbidden(_("Only the plan's own agency may see this draft plan."))
    return plan


def console_plans(actor: Any) -> list[OpenPlan]:
    """The plans an actor sees in the console: their agency's, or every plan for the authority and auditors."""
    query = select(OpenPlan)
    if not permissions.sees_every_plan(actor):
        agency_id = getattr(actor, "agency_id", None)
        if agency_id is None:
            return []
        query = query.where(OpenPlan.agency_id == agency_id)
    plans = db.session.scalars(query).all()
    return sorted(plans, key=lambda p: (-p.year, p.agency_id is not None, title_sort_key(p.agency.name)
                                        if p.agency else ""))


def candidate_entries(plan: OpenPlan) -> list[Dataset]:
    """Entries a plan item may name: the agency's own (any agency's for the regional plan), not withdrawn."""
    query = select(Dataset).where(Dataset.state != DatasetState.WITHDRAWN)
    if plan.agency_id is not None:
        query = query.where(Dataset.agency_id == plan.agency_id)
    return sorted(db.session.scalars(query).all(), key=lambda d: title_sort_key(d.title))


# ---- drafting ---------------------------------------------------------------
def may_edit(plan: OpenPlan, actor: Any) -> bool:
    """Whether the console offers this actor to change the plan now (its owner, while it is a draft)."""
    return bool(set(EDITS) & set(PLAN.allowed_actions(plan, actor)))


def require_editable(plan: OpenPlan, actor: Any) -> None:
    """Forbidden unless the actor owns the plan; Conflict once it is published (views check first, so
    403 and 409 win over a form's 422). Every change of a draft follows the same rule in PLAN."""
    PLAN.check(plan, EDITS[0], actor)


def _change(plan: OpenPlan, action: str, actor: Any, change: Callable[[], None],
            details: Callable[[], dict[str, Any]]) -> None:
    """Take one step of PLAN: `change` makes it (it may refuse with Invalid or Conflict), then the audit
    event is written, all in one transaction.

    The plan's row version is bumped and checked before the event is written, so of two changes made at
    the same time on the same plan (say a publish and an added item) one wins and one is a Conflict, and
    the loser leaves neither change nor event.
    """
    def effect(_t: Transition) -> None:
        change()
        plan.updated_at = utcnow()  # bumps the row version even when only an item changed
    try:
        PLAN.perform(plan, action, actor, effect=effect, details=details)
    except IntegrityError as exc:  # the engine has rolled back
        raise Conflict(_raced()) from exc


def create_plan(year: int, actor: Any, agency: Agency | None = None) -> OpenPlan:
    """Start a draft plan for a year: the actor's agency plan, or the regional plan (agency None)."""
    if agency is None:
        if not roles.is_authority(actor):
            raise Forbidden(_("Only the data authority writes the regional open plan."))
    elif not can_create(actor) or getattr(actor, "agency_id", None) != agency.id:
        raise Forbidden(_("Only staff of %(agency)s may write its open plan.", agency=agency.name))
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        message = _("Give a year between %(low)d and %(high)d.", low=MIN_YEAR, high=MAX_YEAR)
        raise Invalid(message, {"year": message})
    agency_id = agency.id if agency is not None else None
    exists = db.session.scalar(select(func.count(OpenPlan.id)).where(
        OpenPlan.year == year,
        OpenPlan.agency_id.is_(None) if agency_id is None else OpenPlan.agency_id == agency_id))
    if exists:
        message = _("There is already a plan for %(year)d.", year=year)
        raise Conflict(message, {"year": message})
    plan = OpenPlan(year=year, agency_id=agency_id, agency=agency, state=PlanState.DRAFT,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(plan)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same plan created at the same moment by a colleague
        db.session.rollback()
        message = _("There is already a plan for %(year)d.", year=year)
        raise Conflict(message, {"year": message}) from exc
    audit.record(actor, "plan.create", "open_plan", str(plan.id),
                 details={"year": year, "agency": agency.slug if agency else None})
    db.session.commit()
    return plan


def update_priorities(plan: OpenPlan, priorities: str, actor: Any) -> OpenPlan:
    """Replace the plan's priorities text (重点), while it is a draft."""
    priorities = (priorities or "").strip()

    def change() -> None:
        if len(priorities) > MAX_PRIORITIES:
            message = _("At most %(n)d characters.", n=MAX_PRIORITIES)
            raise Invalid(message, {"priorities": message})
        plan.priorities = priorities
    _change(plan, "priorities", actor, change, lambda: {"length": len(priorities)})
    return plan


@dataclass
class ItemData:
    """What a plan item says, as the form or an API gives it."""

    target_open_type: str
    target_date: date | None
    dataset_id: str | None = None
    new_title: str = ""
    livelihood: bool = False
    urgent_demand: bool = False
    commercial_value: bool = False
    note: str = ""


def _check_item(plan: OpenPlan, data: ItemData, current: PlanItem | None = None) -> tuple[Dataset | None, str]:
    """The entry and new title an item data names, or Invalid with a message per field."""
    errors: dict[str, str] = {}
    new_title = (data.new_title or "").strip()
    entry: Dataset | None = None
    others = [i for i in plan.items if i is not current]
    if data.dataset_id and new_title:
        errors["new_title"] = _("Choose an existing entry or type a new title, not both.")
    elif data.dataset_id:
        entry = db.session.get(Dataset, data.dataset_id) if len(data.dataset_id) <= 36 else None
        if entry is None or entry.state == DatasetState.WITHDRAWN or (
                plan.agency_id is not None and entry.agency_id != plan.agency_id):
            errors["dataset_id"] = _("Choose an entry of this agency's catalog.")
            entry = None
        elif any(i.dataset_id == entry.id for i in others):
            errors["dataset_id"] = _("This entry is already in the plan.")
    elif new_title:
        if len(new_title) > MAX_TITLE:
            errors["new_title"] = _("At most %(n)d characters.", n=MAX_TITLE)
        elif any(i.dataset_id is None and i.new_title == new_title for i in others):
            errors["new_title"] = _("This entry is already in the plan.")
        elif (current is None or current.new_title != new_title) and _entries_titled(plan, new_title):
            errors["new_title"] = _("The catalog already has an entry with this title; choose it from the list.")
    else:
        errors["dataset_id"] = _("Choose an existing entry or type the title of a new one.")
    if data.target_open_type not in TARGET_OPEN_TYPES:
        errors["target_open_type"] = _("Choose unconditional or conditional opening.")
    if data.target_date is None:
        errors["target_date"] = _("Give the target date as YYYY-MM-DD.")
    elif data.target_date.year != plan.year:
        errors["target_date"] = _("The target date must fall in %(year)d, the plan's year.", year=plan.year)
    if len(data.note or "") > MAX_NOTE:
        errors["note"] = _("At most %(n)d characters.", n=MAX_NOTE)
    changed_entry = entry is not None and (current is None or current.dataset_id != entry.id)
    if changed_entry and "target_open_type" not in errors and _meets_target(entry, data.target_open_type):
        # Planning what is already open would only inflate the completion rate.
        errors["dataset_id"] = _("This entry is already open as planned.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    return entry, new_title


def _apply(item: PlanItem, data: ItemData, entry: Dataset | None, new_title: str) -> None:
    item.dataset_id = entry.id if entry is not None else None
    item.dataset = entry
    item.new_title = "" if entry is not None else new_title
    item.target_open_type = data.target_open_type
    item.target_date = data.target_date
    item.livelihood = bool(data.livelihood)
    item.urgent_demand = bool(data.urgent_demand)
    item.commercial_value = bool(data.commercial_value)
    item.note = (data.note or "").strip()


def _item_details(item: PlanItem) -> dict[str, Any]:
    return {"item": item.id, "dataset": item.dataset_id, "new_title": item.new_title,
            "target_open_type": item.target_open_type, "target_date": item.target_date.isoformat(),
            "livelihood": item.livelihood, "urgent_demand": item.urgent_demand,
            "commercial_value": item.commercial_value}


def add_item(plan: OpenPlan, data: ItemData, actor: Any) -> PlanItem:
    """Add an entry to open (existing, or a new one to create) to a draft plan."""
    item = PlanItem()

    def change() -> None:
        entry, new_title = _check_item(plan, data)
        item.position = max((i.position for i in plan.items), default=0) + 1
        _apply(item, data, entry, new_title)
        plan.items.append(item)
    _change(plan, "add_item", actor, change, lambda: _item_details(item))  # after the flush: the item has its id
    return item


def get_item(plan: OpenPlan, item_id: int) -> PlanItem:
    """One item of the plan, or NotFound."""
    item = next((i for i in plan.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("This plan has no such item."))
    return item


def update_item(item: PlanItem, data: ItemData, actor: Any) -> PlanItem:
    """Change an item of a draft plan."""
    plan = item.plan

    def change() -> None:
        entry, new_title = _check_item(plan, data, current=item)
        _apply(item, data, entry, new_title)
    _change(plan, "update_item", actor, change, lambda: _item_details(item))
    return item


def remove_item(item: PlanItem, actor: Any) -> None:
    """Take an item out of a draft plan."""
    plan = item.plan
    details = _item_details(item)
    _change(plan, "remove_item", actor, lambda: plan.items.remove(item), lambda: details)


def publish_plan(plan: OpenPlan, actor: Any) -> OpenPlan:
    """Publish a draft plan with at least one item; from then on it is public and fixed."""
    def change() -> None:
        if not plan.items:
            raise Conflict(_("A plan needs at least one entry before it is published."), {"items": 0})
        plan.published_at = utcnow()
    _change(plan, "publish", actor, change, lambda: {
        "year": plan.year, "agency": plan.agency.slug if plan.agency else None, "items": len(plan.items)})
    return plan


# ---- progress ---------------------------------------------------------------
def _meets_target(entry: Dataset, target_open_type: str) -> bool:
    """Published and at least as open as the target (unconditional satisfies a conditional target)."""
    return (entry.state == DatasetState.PUBLISHED and entry.published_at is not None
            and OPENNESS.get(entry.open_type, 0) >= OPENNESS.get(target_open_type, 2))


def _entries_titled(plan: OpenPlan, title: str) -> list[Dataset]:
    query = select(Dataset).where(Dataset.title == title, Dataset.state != DatasetState.WITHDRAWN)
    if plan.agency_id is not None:
        query = query.where(Dataset.agency_id == plan.agency_id)
    return list(db.session.scalars(query))


def item_entry(item: PlanItem) -> Dataset | None:
    """The catalog entry an item stands for: its chosen entry, or the entry later created with its title
    (in the plan's agency; in any agency for the regional plan), the best-progressed one first."""
    if item.dataset_id is not None:
        return item.dataset
    if not item.new_title:
        return None
    found = _entries_titled(item.plan, item.new_title)
    if not found:
        return None
    opened = sorted((d for d in found if _meets_target(d, item.target_open_type)), key=lambda d: d.published_at)
    return opened[0] if opened else found[0]


def _progress(item: PlanItem, entry: Dataset | None, today: date) -> str:
    if entry is not None and _meets_target(entry, item.target_open_type):
        opened = china_date(entry.published_at)
        return Progress.OPENED_ON_TIME if opened <= item.target_date else Progress.OPENED_LATE
    return Progress.OVERDUE if today > item.target_date else Progress.PENDING


def item_progress(item: PlanItem, today: date | None = None) -> str:
    """opened_on_time | opened_late | pending | overdue, from the catalog as it is today.

    Opened means the entry is published at the target open type or a more open one; it is on time
    when its publication date (China time) is on or before the target date.
    """
    return _progress(item, item_entry(item), today or china_today())


@dataclass(frozen=True)
class ItemProgress:
    item: PlanItem
    entry: Dataset | None
    state: str
    opened_on: date | None

    @property
    def title(self) -> str:
        return self.entry.title if self.entry is not None else self.item.title

    @property
    def opened(self) -> bool:
        return self.state in OPENED


def completion_percent(opened: int, total: int) -> int:
    """Opened items as a whole percentage (what the pages show), 0 for an empty plan."""
    return round(100 * opened / total) if total else 0


@dataclass(frozen=True)
class PlanProgress:
    plan: OpenPlan
    items: list[ItemProgress]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def opened(self) -> int:
        return sum(1 for i in self.items if i.opened)

    @property
    def completion(self) -> float:
        """Opened items / all items (0 for an empty plan)."""
        return self.opened / self.total if self.total else 0.0

    @property
    def completion_percent(self) -> int:
        return completion_percent(self.opened, self.total)

    def count(self, state: str) -> int:
        return sum(1 for i in self.items if i.state == state)


def plan_progress(plan: OpenPlan, today: date | None = None) -> PlanProgress:
    """Each item's entry and progress, and the plan's completion rate."""
    today = today or china_today()
    rows = []
    for item in plan.items:
        entry = item_entry(item)
        state = _progress(item, entry, today)
        opened_on = china_date(entry.published_at) if state in OPENED and entry is not None else None
        rows.append(ItemProgress(item, entry, state, opened_on))
    return PlanProgress(plan, rows)


@dataclass(frozen=True)
class YearProgress:
    year: int
    plans: list[PlanProgress]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.plans)

    @property
    def opened(self) -> int:
        return sum(p.opened for p in self.plans)

    @property
    def completion_percent(self) -> int:
        return completion_percent(self.opened, self.total)


def public_plans(year: int, today: date | None = None) -> YearProgress:
    """Published plans of a year with their progress: the regional plan first, then agencies by name."""
    plans = db.session.scalars(select(OpenPlan).where(OpenPlan.year == year,
                                                      OpenPlan.state == PlanState.PUBLISHED)).all()
    plans = sorted(plans, key=lambda p: (p.agency_id is not None, title_sort_key(p.agency.name) if p.agency else ""))
    return YearProgress(year, [plan_progress(p, today) for p in plans])


def years() -> list[int]:
    """Years with at least one published plan, newest first."""
    return list(db.session.scalars(select(OpenPlan.year).where(OpenPlan.state == PlanState.PUBLISHED)
                                   .distinct().order_by(OpenPlan.year.desc())))
