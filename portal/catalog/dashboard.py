"""The console dashboard: entries by state, entries overdue for update, recent review decisions, and the
console's other sections the actor may open."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import User
from ..extensions import db
from ..sharing.navigation import NavLink, console_links as sharing_links
from .models import Dataset, DatasetState, Review, ReviewState
from .services import UpdateStatus, update_status


@dataclass
class Board:
    scope: str                                   # agency name, or "all"
    by_state: dict[str, list[Dataset]] = field(default_factory=dict)
    overdue: list[tuple[Dataset, UpdateStatus]] = field(default_factory=list)
    pending_edits: list[tuple[Dataset, str]] = field(default_factory=list)  # (entry, its staged edit's state)
    decisions: list[Review] = field(default_factory=list)
    links: frozenset[str] = frozenset()          # see console_links
    sharing: tuple[NavLink, ...] = ()            # the 数据共享 group (sharing/navigation.py)


def console_links(actor: User) -> frozenset[str]:
    """The console's sections the dashboard links for the actor, by the groups of accounts/roles.py: a new
    entry (agency staff), the review queue and the working-day calendar (the authority), supervision and
    the audit and access logs (overseers), accounts (administrators), the asset register (agency staff and
    overseers) and operation agreements (those who read them: overseers). The sharing pages are the board's
    `sharing` group (sharing/navigation.py)."""
    links = set()
    if roles.is_agency_staff(actor):
        links.add("new_entry")
    if roles.is_authority(actor):
        links.add("review")
    if roles.is_overseer(actor):
        links |= {"supervision", "audit"}
    if roles.is_admin(actor):
        links.add("accounts")
    if roles.is_agency_staff(actor) or roles.is_overseer(actor):
        links.add("assets")
    if roles.role_of(actor) in roles.OPERATION_VIEWERS:
        links.add("operation")
    return frozenset(links)


def board(actor: User, decisions: int = 10) -> Board:
    """What the actor's console shows: their agency's entries, or every entry for the authority and auditors."""
    stmt = select(Dataset).order_by(Dataset.modified_at.desc())
    reviews = select(Review).where(Review.state != ReviewState.PENDING).order_by(Review.decided_at.desc())
    own_agency = roles.is_agency_staff(actor)
    if own_agency:
        stmt = stmt.where(Dataset.agency_id == actor.agency_id)
        reviews = reviews.join(Dataset).where(Dataset.agency_id == actor.agency_id)
    result = Board(scope=actor.agency.name if own_agency and actor.agency else "all", links=console_links(actor),
                   sharing=sharing_links(actor))
    for state in DatasetState:
        result.by_state[state] = []
    for ds in db.session.scalars(stmt):
        result.by_state.setdefault(ds.state, []).append(ds)
        if ds.pending_state:
            result.pending_edits.append((ds, ds.pending_state))
        if ds.state == DatasetState.PUBLISHED:
            status = update_status(ds)
            if status.overdue:
                result.overdue.append((ds, status))
    result.overdue.sort(key=lambda pair: pair[1].due)
    result.decisions = list(db.session.scalars(reviews.limit(decisions)))
    return result
