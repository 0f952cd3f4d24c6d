"""The sharing catalog and the lists of SHARING.md §2.2 (三清单) that concern entries.

- The sharing catalog: every published entry's share attribute, for agency staff, the authority and auditors.
- 负面清单 (sharing negative list): published entries not shared (`none`), with reason and basis; public like
  every share attribute (SHARING.md §6). Apart from the open negative list (catalog.services / queries).
- 责任清单 (responsibility list): per providing agency, its published entries that are shared; agency staff
  see their own agency's, the authority and auditors all.
- 需求清单 (demand list): its rows are the requests and demands of SHARING.md §3.2 and §3.4, which come
  from their own workflows: each registers one row source (`register_demand_source`), and a confirmed
  demand's rows on the 责任清单 one more (`register_responsibility_source`).
- Entries breaking the share-attribute rules (§2.1 rules 2-4), listed for the authority: not taken offline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts import roles
from ..agencies.models import Agency
from ..catalog.models import Classification, Dataset, DatasetState, Review, ReviewState, ShareType
from ..catalog.schemas import share_rule_errors, share_settings
from ..catalog.vocab import SHARE_BASIS_KIND_LABELS, SHARE_MODE_LABELS, SHARE_TYPE_LABELS, label
from ..errors import BadRequest, Forbidden
from ..extensions import db
from ..spreadsheet import csv_line

PAGE_SIZE = 50
MAX_PAGE = 2000


# ---- who sees what (SHARING.md §6) ------------------------------------------------------------------
def sees_all_agencies(actor: Any) -> bool:
    """The authority, auditors and administrators see every agency's lists; agency staff their own."""
    return roles.is_overseer(actor)


def may_see_violations(actor: Any) -> bool:
    return roles.is_overseer(actor)


# ---- filters and pages --------------------------------------------------------------------------------
@dataclass
class ListQuery:
    share_type: str = ""  # a ShareType code, or "" for all
    agency: str = ""      # an agency's slug, or "" for all
    page: int = 1


@dataclass
class ListPage:
    params: ListQuery
    rows: list
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_query(args: Mapping[str, str]) -> ListQuery:
    """Read the filters from the URL; BadRequest (naming the parameter) on nonsense."""
    q = ListQuery(share_type=(args.get("share_type") or "").strip(), agency=(args.get("agency") or "").strip()[:80])
    if q.share_type and q.share_type not in tuple(ShareType):
        raise BadRequest(_("Choose one of the listed values."), {"share_type": q.share_type[:40]})
    raw_page = (args.get("page") or "1").strip()
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        raise BadRequest(_("The page number must be between 1 and %(max)d.", max=MAX_PAGE), {"page": raw_page[:40]})
    q.page = int(raw_page)
    return q


def agencies_with_entries() -> list[Agency]:
    """The agencies that have published entries, for the agency filter."""
    ids = select(Dataset.agency_id).where(Dataset.state == DatasetState.PUBLISHED)
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)))


def _filtered_agency(q: ListQuery) -> list[int] | None:
    """The agency filtered on, as a list of its id (None: all)."""
    if not q.agency:
        return None
    found = db.session.scalar(select(Agency.id).where(Agency.slug == q.agency))
    if found is None:
        raise BadRequest(_("No agency has this name."), {"agency": q.agency})
    return [found]


def _scoped_agency_ids(q: ListQuery, actor: Any, *, own_only: bool) -> list[int] | None:
    """The agencies a list shows: the one filtered on (None: all); agency staff only their own where
    `own_only` (the 责任清单 and 需求清单, SHARING.md §6)."""
    filtered = _filtered_agency(q)
    wanted = filtered[0] if filtered else None
    if own_only and not sees_all_agencies(actor):
        if wanted is not None and wanted != actor.agency_id:
            raise Forbidden(_("Agency staff see their own agency's list only."))
        return [actor.agency_id]
    return None if wanted is None else [wanted]


def _published(agency_ids: Sequence[int] | None, share_type: str = ""):
    stmt = select(Dataset).join(Agency, Agency.id == Dataset.agency_id).where(
        Dataset.state == DatasetState.PUBLISHED)
    if agency_ids is not None:
        stmt = stmt.where(Dataset.agency_id.in_(agency_ids))
    if share_type:
        stmt = stmt.where(Dataset.share_type == share_type)
    return stmt.order_by(Agency.name, Dataset.code)


def _paged(stmt, q: ListQuery) -> ListPage:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.offset((q.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return ListPage(q, list(rows), total)


# ---- the sharing catalog --------------------------------------------------------------------------------
def sharing_catalog(q: ListQuery, actor: Any) -> ListPage:
    """Every published entry's share attribute, filtered by share type and agency (any agency: the catalog
    is how agencies find each other's data)."""
    return _paged(_published(_scoped_agency_ids(q, actor, own_only=False), q.share_type), q)


def negative_list(q: ListQuery) -> ListPage:
    """The sharing negative list: published entries not shared, with reason and basis (R2024 §20)."""
    return _paged(_published(_filtered_agency(q), ShareType.NONE), q)


# ---- the 责任清单 and the 需求清单: rows from several sources ------------------------------------------
@dataclass(frozen=True)
class ListRow:
    """One row of the 责任清单 or the 需求清单: an entry the agency shares, or (added by the request
    workflows) a request or demand with its due date and state."""
    agency: str                  # the providing agency (责任清单) or the requesting one (需求清单)
    kind: str                    # a translated label: 目录条目, 共享申请, 需求申请
    title: str
    url: str
    code: str = ""
    share_type: str = ""
    conditions: str = ""
    modes: tuple[str, ...] = ()
    due: date | None = None
    state: str = ""              # a translated state label
    party: str = ""              # the other agency: the requesting one (责任清单), the providing one (需求清单)
    extra: dict = field(default_factory=dict)  # e.g. the case's number and state code

    @property
    def state_label(self) -> str:
        """What the page shows in the state column (already translated by the row's source)."""
        return self.state


RowSource = Callable[[Sequence[int] | None], Iterable[ListRow]]  # the agencies' ids (None: all) → rows
_RESPONSIBILITY_SOURCES: list[RowSource] = []
_DEMAND_SOURCES: list[RowSource] = []


def register_responsibility_source(source: RowSource) -> RowSource:
    """Add rows to the 责任清单 (usable as a decorator); registering again changes nothing."""
    if source not in _RESPONSIBILITY_SOURCES:
        _RESPONSIBILITY_SOURCES.append(source)
    return source


def register_demand_source(source: RowSource) -> RowSource:
    """Add rows to the 需求清单: each requesting agency's requests and demands (SHARING.md §3.2, §3.4)."""
    if source not in _DEMAND_SOURCES:
        _DEMAND_SOURCES.append(source)
    return source


@register_responsibility_source
def shared_entries(agency_ids: Sequence[int] | None) -> Iterator[ListRow]:
    """The providing agencies' published entries that are shared (unconditionally or on conditions)."""
    stmt = _published(agency_ids).where(Dataset.share_type != ShareType.NONE)
    for ds in db.session.scalars(stmt):
        yield ListRow(agency=ds.agency.name, kind=_("Catalog entry"), title=ds.title, code=ds.code,
                      url=f"/dataset/{ds.slug}", share_type=ds.share_type, conditions=ds.share_conditions,
                      modes=tuple(ds.share_modes or ()))


def _rows(sources: list[RowSource], q: ListQuery, actor: Any) -> list[ListRow]:
    agency_ids = _scoped_agency_ids(q, actor, own_only=True)
    rows = [row for source in sources for row in source(agency_ids)]
    if q.share_type:
        rows = [r for r in rows if r.share_type == q.share_type]
    return rows


def responsibility_list(q: ListQuery, actor: Any) -> ListPage:
    rows = _rows(_RESPONSIBILITY_SOURCES, q, actor)
    start = (q.page - 1) * PAGE_SIZE
    return ListPage(q, rows[start:start + PAGE_SIZE], len(rows))


def demand_list(q: ListQuery, actor: Any) -> ListPage:
    rows = _rows(_DEMAND_SOURCES, q, actor)
    start = (q.page - 1) * PAGE_SIZE
    return ListPage(q, rows[start:start + PAGE_SIZE], len(rows))


# ---- entries breaking the share-attribute rules (SHARING.md §2.1) -------------------------------------
@dataclass(frozen=True)
class Violation:
    dataset: Dataset
    problems: tuple[str, ...]


def _confirmed(ds: Dataset) -> bool:
    """Whether the approval that made the entry's current version carries the authority's 核定 of a basic
    resource shared on conditions."""
    review = db.session.scalars(select(Review).where(
        Review.dataset_id == ds.id, Review.state == ReviewState.APPROVED).order_by(Review.decided_at.desc())).first()
    return bool(review and review.comment.strip() and review.snapshot.get("classification") == Classification.BASIC
                and review.snapshot.get("share_type") == ShareType.CONDITIONAL)


def problems_of(ds: Dataset, kinds: tuple[str, ...], basic_conditional: str) -> tuple[str, ...]:
    data = {"classification": ds.classification, "share_type": ds.share_type,
            "share_basis_kind": ds.share_basis_kind, "share_conditions": ds.share_conditions,
            "items": [{"name": i.name} for i in ds.items]}
    found = list(share_rule_errors(data, kinds, basic_conditional).values())
    if (ds.classification == Classification.BASIC and ds.share_type == ShareType.CONDITIONAL
            and basic_conditional == "confirm" and not _confirmed(ds)):
        found.append(_("Shared on conditions without the authority's confirmation (核定) on record."))
    return tuple(found)


def violations(agency_ids: Sequence[int] | None = None) -> list[Violation]:
    """Published entries whose share attribute breaks rules 2-4 of SHARING.md §2.1. They stay published:
    the authority has the agency correct them (SHARING.md §2.1「go to supervision, not offline」)."""
    kinds, basic_conditional = share_settings()
    stmt = _published(agency_ids).where(Dataset.share_type != ShareType.UNCONDITIONAL)
    found = []
    for ds in db.session.scalars(stmt):
        problems = problems_of(ds, kinds, basic_conditional)
        if problems:
            found.append(Violation(ds, problems))
    return found


def violating_ids(datasets: Iterable[Dataset]) -> set[str]:
    """Which of these entries break the rules (marked in the sharing catalog)."""
    kinds, basic_conditional = share_settings()
    return {ds.id for ds in datasets if ds.share_type != ShareType.UNCONDITIONAL
            and problems_of(ds, kinds, basic_conditional)}


# ---- CSV exports ------------------------------------------------------------------------------------
def _modes(codes: Iterable[str]) -> str:
    return "、".join(label(SHARE_MODE_LABELS, m) for m in codes)


def _attribute_cells(ds: Dataset) -> list[Any]:
    return [ds.agency.name, ds.code, ds.title, label(SHARE_TYPE_LABELS, ds.share_type), ds.share_conditions,
            ds.share_reason, label(SHARE_BASIS_KIND_LABELS, ds.share_basis_kind) if ds.share_basis_kind else "",
            ds.share_legal_basis, ds.share_scope, _modes(ds.share_modes or ())]


def _attribute_header() -> list[str]:
    return [_("Providing agency"), _("Resource code"), _("Title"), _("Share type"), _("Share conditions"),
            _("Reason not fully shared"), _("Kind of legal basis"), _("Legal basis for sharing"), _("Share scope"),
            _("Share modes")]


def _all(stmt) -> Iterator[Dataset]:
    return iter(db.session.scalars(stmt.execution_options(yield_per=500)))


def catalog_csv(q: ListQuery, actor: Any) -> Iterator[str]:
    """The filtered sharing catalog as CSV lines (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
    stmt = _published(_scoped_agency_ids(q, actor, own_only=False), q.share_type)
    yield "\ufeff" + csv_line(_attribute_header())
    for ds in _all(stmt):
        yield csv_line(_attribute_cells(ds))


def negative_csv(q: ListQuery) -> Iterator[str]:
    stmt = _published(_filtered_agency(q), ShareType.NONE)
    yield "\ufeff" + csv_line(_attribute_header())
    for ds in _all(stmt):
        yield csv_line(_attribute_cells(ds))


def rows_csv(rows: Iterable[ListRow]) -> Iterator[str]:
    """The 责任清单 or 需求清单 as CSV lines."""
    yield "\ufeff" + csv_line([_("Agency"), _("Kind"), _("Resource code"), _("Title"), _("Share type"),
                               _("Share conditions"), _("Share modes"), _("Due"), _("State")])
    for r in rows:
        yield csv_line([r.agency, r.kind, r.code, r.title, label(SHARE_TYPE_LABELS, r.share_type) if r.share_type
                        else "", r.conditions, _modes(r.modes), r.due.isoformat() if r.due else "", r.state])


def responsibility_csv(q: ListQuery, actor: Any) -> Iterator[str]:
    return rows_csv(_rows(_RESPONSIBILITY_SOURCES, q, actor))


def demand_csv(q: ListQuery, actor: Any) -> Iterator[str]:
    """The 需求清单 as CSV lines: each requesting agency's requests and demands with provider, due date, state."""
    rows = _rows(_DEMAND_SOURCES, q, actor)
    yield "\ufeff" + csv_line([_("Requesting agency"), _("Kind"), _("Resource code"), _("Title"),
                               _("Providing agency"), _("Share type"), _("Share modes"), _("Due"), _("State")])
    for r in rows:
        yield csv_line([r.agency, r.kind, r.code, r.title, r.party, label(SHARE_TYPE_LABELS, r.share_type)
                        if r.share_type else "", _modes(r.modes), r.due.isoformat() if r.due else "", r.state])
