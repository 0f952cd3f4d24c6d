"""Suggestions while typing, "did you mean" and popular searches, from the names the public catalog holds
(entry titles, agencies, themes, their words and tags) and from the queries many people ran.

The names are read from the database and kept per process until the site changes (the page cache's site
generation), so both search profiles answer alike; matching by pinyin is search/pinyin.py's."""
from __future__ import annotations

import difflib
import hashlib
import hmac
import random
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..agencies.models import Agency
from ..catalog.models import Dataset, Tag, Theme, dataset_tags
from ..catalog.queries import public_filter
from ..extensions import db
from ..models_base import utcnow
from ..pagecache import generation
from ..search import SearchQuery, SearchUnavailable, backend
from ..search import pinyin
from ..search.text import tokenize
from ..side_db import side_connections
from .models import SearchMark

MAX_SUGGESTIONS = 8
PER_KIND = 4                 # at most this many suggestions of one kind
MAX_TITLES = 20_000          # entry titles offered (the most downloaded first)
PERIOD_DAYS = 30             # popular searches are counted per period of this many days
TERM_CHARS = 60
DID_YOU_MEAN_BELOW = 3       # "did you mean" is offered when a search finds fewer entries than this
KIND_ORDER = ("search", "entry", "theme", "agency")


@dataclass(frozen=True)
class Name:
    text: str
    kind: str        # "entry", "agency", "theme", "search"
    key: str         # the entry's slug, the agency's or theme's slug, the query itself
    weight: int = 0  # downloads of an entry, searchers of a query


@dataclass(frozen=True)
class Vocabulary:
    names: tuple[Name, ...]
    words: tuple[str, ...]   # the words of titles, tags, agency and theme names ("did you mean")


def _vocabulary() -> Vocabulary:
    """The catalog's names, kept per process until the site generation moves."""
    cache = current_app.extensions.setdefault("discovery_vocabulary", {})
    gen = generation()
    if cache.get("generation") != gen:
        cache.update(generation=gen, vocabulary=_load_vocabulary())
    return cache["vocabulary"]


def _load_vocabulary() -> Vocabulary:
    entries = db.session.execute(select(Dataset.title, Dataset.slug, Dataset.download_count).where(public_filter())
                                 .order_by(Dataset.download_count.desc()).limit(MAX_TITLES)).all()
    agencies = db.session.execute(select(Agency.name, Agency.slug).where(
        Agency.id.in_(select(Dataset.agency_id).where(public_filter())))).all()
    themes = db.session.execute(select(Theme.name, Theme.slug).where(
        Theme.id.in_(select(Dataset.theme_id).where(public_filter())))).all()
    tags = db.session.scalars(select(Tag.name).where(Tag.id.in_(
        select(dataset_tags.c.tag_id).join(Dataset, Dataset.id == dataset_tags.c.dataset_id)
        .where(public_filter())))).all()
    names = ([Name(t, "entry", s, w or 0) for t, s, w in entries] + [Name(n, "agency", s) for n, s in agencies]
             + [Name(n, "theme", s) for n, s in themes])
    words: dict[str, None] = {}
    for text in [n.text for n in names] + list(tags):
        words[text] = None
        for word in tokenize(text):
            if len(word) >= 2 and pinyin.has_han(word):
                words[word] = None
    return Vocabulary(tuple(names), tuple(words))


# ---- suggestions --------------------------------------------------------------------------------
def suggestions(typed: str, limit: int = MAX_SUGGESTIONS) -> list[Name]:
    """What may complete the typed input: popular searches, entry titles, themes and agencies whose
    characters contain it or whose pinyin starts with it at any syllable (full, initials or mixed)."""
    if not pinyin.normalise(typed):
        return []
    found: list[tuple[tuple, Name]] = []
    for name in (*popular(PER_KIND * 3), *_vocabulary().names):
        at = pinyin.position(typed, name.text)
        if at is not None:
            found.append(((at != 0, KIND_ORDER.index(name.kind), -name.weight, len(name.text)), name))
    found.sort(key=lambda pair: pair[0])
    out: list[Name] = []
    per_kind: dict[str, int] = {}
    seen: set[str] = set()
    for _, name in found:
        if name.text in seen or per_kind.get(name.kind, 0) >= PER_KIND:
            continue
        seen.add(name.text)
        per_kind[name.kind] = per_kind.get(name.kind, 0) + 1
        out.append(name)
        if len(out) >= limit:
            break
    return out


# ---- did you mean -------------------------------------------------------------------------------
def did_you_mean(query: str, total: int) -> str | None:
    """A better query when this one found little: the catalog's word or name its pinyin spells
    ("kongqizhiliang", "kqzl"), one that reads the same (空汽质量 -> 空气质量), or a close spelling;
    only if it finds more entries than the query did."""
    query = " ".join((query or "").split())
    if not query or total >= DID_YOU_MEAN_BELOW:
        return None
    candidates = [*(n.text for n in popular(20)), *_vocabulary().words]
    found = [w for w in candidates if pinyin.spells(query, w)]
    if not found:
        found = [w for w in candidates if pinyin.sounds_like(query, w)]
    if not found and pinyin.has_han(query):
        found = difflib.get_close_matches(query, candidates, n=3, cutoff=0.6)
    if not found:
        spelled = {pinyin.spelled(w): w for w in candidates if pinyin.has_han(w)}
        close = difflib.get_close_matches(pinyin.spelled(query) or query.lower(), list(spelled), n=3, cutoff=0.8)
        found = [spelled[c] for c in close]
    found = [w for w in dict.fromkeys(found) if w != query]
    for word in sorted(found, key=lambda w: -len(w))[:3]:
        if _total(word) > total:
            return word
    return None


def _total(text: str) -> int:
    try:
        return backend().search(SearchQuery(text=text, limit=1, with_facets=False)).total
    except SearchUnavailable:
        return 0


# ---- popular searches ---------------------------------------------------------------------------
_PERSONAL = re.compile(r"\d{5,}|@")  # a telephone, identity or account number, an e-mail address


def term_of(query: str) -> str | None:
    """The query as it is counted, or None when it is not counted (empty, too long, or looking like a
    number or address that could name a person)."""
    term = " ".join((query or "").split()).lower()
    if not term or len(term) > TERM_CHARS or _PERSONAL.search(term):
        return None
    return term


def _period(day: date) -> int:
    return day.toordinal() // PERIOD_DAYS


def count_search(query: str, address: str, found: bool | None) -> None:
    """Count one searcher of a query that found something (`found` None: not known, the page came from the
    cache; the index is asked): a mark of the searcher's address, keyed by a secret that changes every
    period, so the same searcher counts once a period and nobody is stored."""
    term = term_of(query)
    if term is None or not (found if found is not None else _total(query) > 0):
        return
    period = _period(utcnow().date())
    key = f"{current_app.config['SECRET_KEY']}|search-mark|{period}".encode()
    mark = hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()[:3]
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SearchMark.__table__).values(term=term, period=period, mark=mark).on_conflict_do_nothing()
    statements = [(insert, {})]
    if random.random() < 0.02:  # now and then, forget periods no longer counted
        statements.append((delete(SearchMark.__table__).where(SearchMark.__table__.c.period < period - 1), {}))
    side_connections().write(statements)


def popular(limit: int = 8) -> list[Name]:
    """Queries at least POPULAR_SEARCH_MIN different searchers ran in this period or the last one, the
    most searched first."""
    period = _period(utcnow().date())
    minimum = current_app.config["POPULAR_SEARCH_MIN"]
    counted = func.count(SearchMark.id)
    rows = db.session.execute(select(SearchMark.term, counted).where(SearchMark.period >= period - 1)
                              .group_by(SearchMark.term, SearchMark.period).having(counted >= minimum)
                              .order_by(counted.desc(), SearchMark.term)).all()
    best: dict[str, int] = {}
    for term, n in rows:
        best[term] = max(n, best.get(term, 0))
    return [Name(t, "search", t, n) for t, n in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
