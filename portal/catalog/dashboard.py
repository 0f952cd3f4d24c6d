"""The console dashboard: entries by state (counted in the database; the entries themselves a page at a
time, newest change first), entries overdue for update, recent review decisions, and the console's other
sections the actor may open."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..accounts import roles
from ..accounts.models import User
from ..extensions import db
from ..sharing.navigation import NavLink, console_links as sharing_links
from .models import Dataset, DatasetState, Review, ReviewState
from .services import UpdateStatus, update_status


PER_PAGE = 25


@dataclass
class EntryPage:
    """One page of the dashboard's entries (the `pagination` macro reads `pages` and `params.page`)."""
    results: list[Dataset]
    total: int
    page: int
    per_page: int = PER_PAGE
    shown: str = ""                              # the state listed; "" for every state

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def params(self) -> "EntryPage":
        return self

    @property
    def rows(self) -> list[tuple[Dataset, str]]:
        """(entry, its state) for the list: the page shows the state's badge, worked out here."""
        return [(ds, ds.state) for ds in self.results]


@dataclass
class Board:
    scope: str                                   # agency name, or "all"
    by_state: dict[str, int] = field(default_factory=dict)  # how many entries in each state
    entries: EntryPage = field(default_factory=lambda: EntryPage([], 0, 1))
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


def board(actor: User, decisions: int = 10, state: str = "", page: int = 1, per_page: int = PER_PAGE) -> Board:
    """What the actor's console shows: their agency's entries, or every entry for the authority and auditors;
    of the entries (in `state`, or all) the page `page`, newest change first (then by id: a stable order)."""
    own_agency = roles.is_agency_staff(actor)
    scope = (Dataset.agency_id == actor.agency_id,) if own_agency else ()
    reviews = select(Review).where(Review.state != ReviewState.PENDING).order_by(Review.decided_at.desc(),
                                                                                 Review.id.desc())
    if own_agency:
        reviews = reviews.join(Dataset).where(Dataset.agency_id == actor.agency_id)
    result = Board(scope=actor.agency.name if own_agency and actor.agency else "all", links=console_links(actor),
                   sharing=sharing_links(actor))
    counts = dict(db.session.execute(select(Dataset.state, func.count()).where(*scope).group_by(Dataset.state)).all())
    result.by_state = {s: counts.get(s, 0) for s in DatasetState}
    listed = select(Dataset).where(*scope)
    if state:
        listed = listed.where(Dataset.state == state)
    total = result.by_state.get(state, 0) if state else sum(result.by_state.values())
    rows = db.session.scalars(listed.order_by(Dataset.modified_at.desc(), Dataset.id.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    result.entries = EntryPage(list(rows), total, page, per_page, state)
    edits = select(Dataset).where(*scope, Dataset.pending_state.is_not(None)).order_by(Dataset.modified_at.desc())
    result.pending_edits = [(ds, ds.pending_state) for ds in db.session.scalars(edits)]
    for ds in db.session.scalars(select(Dataset).where(*scope, Dataset.state == DatasetState.PUBLISHED)):
        status = update_status(ds)
        if status.overdue:
            result.overdue.append((ds, status))
    result.overdue.sort(key=lambda pair: (pair[1].due, pair[0].id))
    result.decisions = list(db.session.scalars(reviews.limit(decisions)))
    return result
