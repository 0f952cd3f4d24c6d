"""Reading the public catalog: which entries are public, looking one up, an entry's page as plain rows,
the home page figures and the listings (themes, newest, most downloaded, negative list)."""
from __future__ import annotations

from collections import defaultdict, namedtuple
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from ..agencies.models import Agency
from ..errors import NotFound
from ..extensions import db
from ..feedback.models import Correction, CorrectionState
from ..side_db import read_committed
from .models import DataItem, Dataset, DatasetChange, DatasetState, OpenType, Resource, Tag, Theme, dataset_tags


# ---- visibility -------------------------------------------------------------
def public_filter():
    """The WHERE clause of "on the public channels": published and not suspended (= Dataset.is_public)."""
    return (Dataset.state == DatasetState.PUBLISHED) & Dataset.suspended_at.is_(None)


def public_datasets():
    """A select() of entries the public may see; every public read (listings, search, API, exports)
    starts here. Entries suspended by a rights complaint are not in it."""
    return select(Dataset).where(public_filter())


def get_public_dataset(slug: str) -> Dataset:
    """The public entry with this slug, or NotFound (a suspended entry is not public)."""
    ds = db.session.scalar(public_datasets().where(Dataset.slug == slug))
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return ds


def get_published_dataset(slug: str) -> Dataset:
    """The entry behind a dataset page: public, or suspended (its page stays, saying it is suspended)."""
    ds = db.session.scalar(_PUBLISHED_BY_SLUG, {"slug": slug})
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return ds


def without_lists(stmt):
    """`stmt`'s entries without their tags, data items and resources, each loaded only when first used,
    with the plain lazy loader: for a single entry the models' default (SELECT ... IN, built for lists of
    entries) costs more to prepare than the query, and many readers do not use them at all."""
    return stmt.options(lazyload(Dataset.tags), lazyload(Dataset.items), lazyload(Dataset.resources))


_PUBLISHED_BY_SLUG = without_lists(select(Dataset).where(Dataset.slug == bindparam("slug"),
                                                         Dataset.state == DatasetState.PUBLISHED))


@dataclass(frozen=True)
class EntryLists:
    """An entry's tags, data items and resources as plain read-only rows, with the attributes of the
    models' (tags: id, name; items: name, type, description; resources: the columns pages and the CKAN
    dicts read). The dataset page and the CKAN package lists only read them, and loading them as model
    objects cost more than the queries themselves."""
    tags: list = ()
    items: list = ()
    resources: list = ()


_IDS = bindparam("ids", expanding=True)
# In the order of the models' relationships (tags by name, items and resources by position).
_LIST_TAGS = select(dataset_tags.c.dataset_id, Tag.id, Tag.name).join(Tag, Tag.id == dataset_tags.c.tag_id) \
    .where(dataset_tags.c.dataset_id.in_(_IDS)).order_by(Tag.name)
_LIST_ITEMS = select(DataItem.dataset_id, DataItem.name, DataItem.type, DataItem.description) \
    .where(DataItem.dataset_id.in_(_IDS)).order_by(DataItem.dataset_id, DataItem.position)
_LIST_RESOURCES = select(
    Resource.id, Resource.dataset_id, Resource.name, Resource.description, Resource.format, Resource.kind,
    Resource.url, Resource.size, Resource.sha256, Resource.media_type, Resource.position, Resource.created_at,
    Resource.updated_at, Resource.encoding, Resource.row_count, Resource.columns, Resource.download_count,
    Resource.storage_key,
).where(Resource.dataset_id.in_(_IDS)).order_by(Resource.dataset_id, Resource.position)


def entry_lists(ids: list[str]) -> dict[str, EntryLists]:
    """The lists of these entries, three queries for all of them (every id gets one, empty when it has none)."""
    found: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    if ids:
        for place, stmt in enumerate((_LIST_TAGS, _LIST_ITEMS, _LIST_RESOURCES)):
            for row in read_committed(stmt, {"ids": ids}):
                found[row.dataset_id][place].append(row)
    return {i: EntryLists(*found[i]) for i in ids}


@dataclass(frozen=True)
class DatasetPage:
    """What an entry's public page shows: the entry, its lists (EntryLists) and its history, all plain rows."""
    ds: PageEntry
    lists: EntryLists
    changes: list  # rows of _PAGE_CHANGES, newest first

    @property
    def formats(self) -> list[str]:
        """As Dataset.formats."""
        return sorted({r.format for r in self.lists.resources if r.format})


_PAGE_CHANGES = select(DatasetChange.at, DatasetChange.summary, DatasetChange.field, DatasetChange.from_value,
                       DatasetChange.to_value, DatasetChange.reason) \
    .where(DatasetChange.dataset_id == bindparam("id"), DatasetChange.kind != "regraded") \
    .order_by(DatasetChange.at.desc())  # a change of grading is internal (catalog.grading)


_Named = namedtuple("_Named", "id slug name")


class PageEntry:
    """An entry as its page reads it: the columns of its row as attributes, its agency and theme (id, slug,
    name), and the model's state properties. One plain query; the model object with its joined agency and
    theme costs about three times as much, and the page only reads it."""
    __slots__ = ("_row", "agency", "theme")

    def __init__(self, row) -> None:
        self._row = row
        self.agency = _Named(row.agency_id, row.agency_slug, row.agency_name)
        self.theme = _Named(row.theme_id, row.theme_slug, row.theme_name)

    def __getattr__(self, name: str):
        return getattr(self._row, name)

    is_published = Dataset.is_published
    is_suspended = Dataset.is_suspended
    is_public = Dataset.is_public


# The number of open corrections, which mark the page "纠错处理中" (R2024 §45), read with the entry.
_OPEN_CORRECTIONS = select(func.count(Correction.id)).where(
    Correction.dataset_id == Dataset.id, Correction.state == CorrectionState.OPEN).scalar_subquery()
# The withdrawal announced on the entry (停止提供预告, portal/withdrawal), read with the entry: its last day, reason.
def _announced(name: str):
    from ..withdrawal.models import Withdrawal, WithdrawalState
    return select(getattr(Withdrawal, name)).where(Withdrawal.dataset_id == Dataset.id, Withdrawal.state.in_(
        (WithdrawalState.FILED, WithdrawalState.APPROVED))).order_by(Withdrawal.id).limit(1).scalar_subquery()


_PAGE_ENTRY = select(*(c for c in Dataset.__table__.c if c.name != "pending"),  # a waiting edit is not shown
                     Agency.slug.label("agency_slug"), Agency.name.label("agency_name"),
                     Agency.contact.label("agency_contact"),
                     Theme.slug.label("theme_slug"), Theme.name.label("theme_name"),
                     _OPEN_CORRECTIONS.label("open_corrections"),
                     _announced("last_day").label("withdrawal_last_day"),
                     _announced("reason").label("withdrawal_reason")) \
    .join(Agency, Agency.id == Dataset.agency_id).join(Theme, Theme.id == Dataset.theme_id) \
    .where(Dataset.slug == bindparam("slug"), Dataset.state == DatasetState.PUBLISHED)


def related_public(ids: list[str] | None) -> list[tuple[str, str]]:
    """The public entries among related ids, as (slug, title), in the order given."""
    if not ids:
        return []
    found = {row.id: (row.slug, row.title) for row in db.session.execute(
        select(Dataset.id, Dataset.slug, Dataset.title).where(public_filter(), Dataset.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def dataset_page(slug: str) -> DatasetPage:
    """A published entry (suspended or not) with what its page lists; NotFound as get_published_dataset."""
    rows = read_committed(_PAGE_ENTRY, {"slug": slug})
    if not rows:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    ds = PageEntry(rows[0])
    return DatasetPage(ds, entry_lists([ds.id])[ds.id], read_committed(_PAGE_CHANGES, {"id": ds.id}))


# ---- home page and listings -------------------------------------------------
@dataclass
class Figures:
    datasets: int
    agencies: int
    files: int
    downloads: int


def figures() -> Figures:
    """Key figures of the public catalog."""
    pub = public_datasets().subquery()
    n_datasets = db.session.scalar(select(func.count()).select_from(pub)) or 0
    n_agencies = db.session.scalar(select(func.count(func.distinct(pub.c.agency_id)))) or 0
    n_files = db.session.scalar(select(func.count(Resource.id)).join(pub, Resource.dataset_id == pub.c.id)
                                .where(pub.c.open_type != OpenType.CLOSED)) or 0
    n_downloads = db.session.scalar(select(func.coalesce(func.sum(pub.c.download_count), 0))) or 0
    return Figures(n_datasets, n_agencies, n_files, int(n_downloads))


def themes_with_counts() -> list[tuple[Theme, int]]:
    """Every theme with its number of public entries, in the theme order."""
    counts = dict(db.session.execute(
        select(Dataset.theme_id, func.count()).where(public_filter())
        .group_by(Dataset.theme_id)).all())
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    return [(t, counts.get(t.id, 0)) for t in themes]


def newest(limit: int = 6) -> list[Dataset]:
    return list(db.session.scalars(public_datasets().order_by(Dataset.published_at.desc(), Dataset.id).limit(limit)))


def most_downloaded(limit: int = 6) -> list[Dataset]:
    return list(db.session.scalars(public_datasets().order_by(Dataset.download_count.desc(), Dataset.id).limit(limit)))


def negative_list(agency_slug: str | None = None) -> list[Dataset]:
    """Published conditional and closed entries with their conditions, reason and legal basis (R2021 §30)."""
    stmt = (public_datasets().where(Dataset.open_type.in_([OpenType.CONDITIONAL, OpenType.CLOSED]))
            .join(Agency).order_by(Agency.name, Dataset.open_type, Dataset.code))
    if agency_slug:
        stmt = stmt.where(Agency.slug == agency_slug)
    return list(db.session.scalars(stmt))
