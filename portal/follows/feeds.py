"""Atom feeds (RFC 4287), written with the standard library's ElementTree.

Public, without an account: the whole catalog, one agency, one theme — their newest and latest updated
public entries. Private: one follow's events, at the follow's unguessable token. Only public metadata
goes in (title, summary, agency, the entry's page); a suspended or unpublished entry is left out at once,
as every public read starts from catalog.queries.public_datasets().
"""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from flask_babel import gettext as _
from sqlalchemy import select

from ..agencies.models import Agency
from ..catalog import queries
from ..catalog.models import Dataset, Theme
from ..errors import NotFound
from ..extensions import db
from .mailing import still_public
from .models import Follow, FollowEvent

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
ET.register_namespace("", ATOM)


def _stamp(at: datetime | None) -> str:
    return (at or datetime(2000, 1, 1)).replace(microsecond=0).isoformat() + "Z"  # stored times are UTC


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _feed(base: str, self_path: str, page_path: str, title: str, entries: list[dict]) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", base + self_path)
    _sub(feed, "title", title)
    _sub(feed, "updated", max((e["updated"] for e in entries), default=_stamp(None)))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _sub(feed, "link", rel="alternate", type="text/html", href=base + page_path)
    _sub(_sub(feed, "author"), "name", _("Open data portal"))
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e["id"])
        _sub(entry, "title", e["title"])
        _sub(entry, "updated", e["updated"])
        _sub(entry, "link", rel="alternate", type="text/html", href=e["link"])
        if e.get("author"):
            _sub(_sub(entry, "author"), "name", e["author"])
        if e.get("summary"):
            _sub(entry, "summary", e["summary"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entries(base: str, where=None) -> list[dict]:
    stmt = queries.public_datasets().order_by(Dataset.modified_at.desc(), Dataset.id).limit(LIMIT)
    if where is not None:
        stmt = stmt.where(where)
    return [{"id": f"{base}/dataset/{ds.slug}", "title": ds.title, "updated": _stamp(ds.modified_at),
             "link": f"{base}/dataset/{ds.slug}", "author": ds.agency.name if ds.agency else "",
             "summary": ds.summary or ""} for ds in db.session.scalars(stmt)]


def catalog_feed(base: str) -> bytes:
    return _feed(base, "/feeds/catalog.atom", "/dataset", _("New and updated catalog entries"), _entries(base))


def agency_feed(base: str, slug: str) -> bytes:
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFound(_("No agency is named %(slug)s.", slug=slug))
    return _feed(base, f"/feeds/agency/{slug}.atom", f"/agency/{slug}",
                 _("New and updated entries of %(name)s", name=agency.name), _entries(base, Dataset.agency_id == agency.id))


def theme_feed(base: str, slug: str) -> bytes:
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is None:
        raise NotFound(_("No theme is named %(slug)s.", slug=slug))
    return _feed(base, f"/feeds/theme/{slug}.atom", f"/dataset?theme={slug}",
                 _("New and updated entries in the theme %(name)s", name=theme.name),
                 _entries(base, Dataset.theme_id == theme.id))


def follow_feed(base: str, token: str) -> bytes:
    """One follow's private feed: its events, newest first, those of entries no longer public left out."""
    follow = db.session.scalar(select(Follow).where(Follow.feed_token == token, Follow.feed.is_(True))) if token else None
    if follow is None:
        raise NotFound(_("No feed has this address."))
    events = db.session.scalars(select(FollowEvent).where(FollowEvent.follow_id == follow.id)
                                .order_by(FollowEvent.at.desc(), FollowEvent.id.desc()).limit(LIMIT))
    entries = [{"id": f"{base}/follows/feed/{token}.atom#event-{e.id}", "title": e.title, "updated": _stamp(e.at),
                "link": base + e.link, "summary": e.summary} for e in events if still_public(e)]
    return _feed(base, f"/follows/feed/{token}.atom", "/follows", follow.label or _("Follow"), entries)
