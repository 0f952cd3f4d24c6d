"""Following and un-following; the links that stop the mail without a login.

The actor is an argument (never read from the request). A user follows only what they may see: a public
entry (a suspended one is not followable), an agency, a theme, a search, their own cases.
"""
from __future__ import annotations

import secrets
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..agencies.models import Agency
from ..catalog import queries
from ..catalog.filters import FILTERS_BY_NAME
from ..catalog.models import Theme
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..extensions import db
from . import schemas, searches
from .models import Follow

SALT = "follow-unsubscribe"


def _need_account(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Sign in to follow."))


def resolve(target: str, key: str) -> tuple[str, str]:
    """The stored key and the label of what is followed, or NotFound when it is not there to be seen."""
    key = (key or "").strip()
    if target == "dataset":
        ds = queries.get_public_dataset(key)  # a suspended or unpublished entry cannot be followed
        return ds.id, ds.title
    if target == "agency":
        agency = db.session.scalar(select(Agency).where(Agency.slug == key))
        if agency is None:
            raise NotFound(_("No agency is named %(slug)s.", slug=key))
        return str(agency.id), agency.name
    if target == "theme":
        theme = db.session.scalar(select(Theme).where(Theme.slug == key))
        if theme is None:
            raise NotFound(_("No theme is named %(slug)s.", slug=key))
        return str(theme.id), theme.name
    if target == "search":
        from urllib.parse import parse_qsl

        normal = searches.normalise(parse_qsl(key.lstrip("?")))
        return normal, search_label(normal)
    return "", _("Answers to my applications, complaints, corrections and requests")


def search_label(key: str) -> str:
    q, filters = searches.parts(key)
    bits = [f"“{q}”"] if q else []
    bits += [f"{FILTERS_BY_NAME[name].title}: {'、'.join(values)}" for name, values in filters.items()]
    return _("Search: %(what)s", what="；".join(bits) or _("all entries"))


def follow(actor: Any, raw: Mapping[str, Any]) -> Follow:
    """Follow something (or change how an existing follow of it tells); commits."""
    _need_account(actor)
    data = schemas.load(schemas.FollowIn(), raw)
    key, label = resolve(data["target"], data["key"])
    found = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, Follow.target == data["target"],
                                                   Follow.key == key))
    f = found or Follow(user_id=actor.id, target=data["target"], key=key, feed_token=secrets.token_urlsafe(32))
    f.label, f.email, f.feed = label[:300], data["email"], data["feed"]
    if found is None:
        if len(mine(actor)) >= current_app.config.get("FOLLOWS_MAX", 200):
            raise Conflict(_("You follow as many things as an account may; stop following something first."))
        db.session.add(f)
    db.session.commit()
    return f


def own(actor: Any, follow_id: int) -> Follow:
    _need_account(actor)
    f = db.session.get(Follow, follow_id)
    if f is None or f.user_id != actor.id:
        raise NotFound(_("You do not follow this."))
    return f


def change(actor: Any, follow_id: int, raw: Mapping[str, Any]) -> Follow:
    f = own(actor, follow_id)
    data = schemas.load(schemas.FollowChange(), raw)
    f.email, f.feed = data["email"], data["feed"]
    db.session.commit()
    return f


def stop(actor: Any, follow_id: int) -> None:
    db.session.delete(own(actor, follow_id))
    db.session.commit()


def mine(actor: Any) -> list[Follow]:
    return list(db.session.scalars(select(Follow).where(Follow.user_id == actor.id)
                                   .order_by(Follow.created_at.desc(), Follow.id.desc())))


def following(actor: Any, target: str, key: str) -> Follow | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return db.session.scalar(select(Follow).where(Follow.user_id == actor.id, Follow.target == target,
                                                  Follow.key == key))


# ---- the unsubscribe link: signed, no login, works once ------------------------------------------
def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(follows: list[Follow]) -> str:
    """The signed link's token for these follows (one mail may tell of several: the weekly digest)."""
    return _serializer().dumps([[f.id, f.unsubscribe_nonce] for f in follows])


def unsubscribe(token: str) -> list[str]:
    """Stop the mail of the follows in a link from one of their mails; commits. A link the portal did not
    sign is BadRequest; one already used (or whose follows are gone) is Conflict."""
    try:
        pairs = _serializer().loads(token)
        pairs = [(int(i), int(n)) for i, n in pairs]
    except (BadSignature, ValueError, TypeError):
        raise BadRequest(_("This unsubscribe link is not valid."))
    stopped = []
    for follow_id, nonce in pairs:
        f = db.session.get(Follow, follow_id)
        if f is None or f.unsubscribe_nonce != nonce or f.email == "none":
            continue
        f.email, f.unsubscribe_nonce = "none", f.unsubscribe_nonce + 1
        stopped.append(f.label)
        if not f.feed:
            db.session.delete(f)  # nothing left to tell it by
    if not stopped:
        raise Conflict(_("This unsubscribe link was already used; you no longer get these e-mails."))
    db.session.commit()
    return stopped
