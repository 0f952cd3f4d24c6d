"""Reuses (利用成果): data users submit what they built with public entries, with an image; the authority
publishes or rejects it (with a reason); published reuses show on their entries' pages and on the showcase."""
from __future__ import annotations

import io
from typing import Any, Mapping

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts import roles
from ..accounts.models import User
from ..catalog.models import Dataset, Theme
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..feedback.common import authority_users
from ..fields import FormFile
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from ..storage import StorageError
from ..storage import TooLarge as StorageTooLarge
from ..storage import files as stored_files
from ..units import filesize
from ..workflow import Transition, Workflow
from . import images
from .common import Page, display_name, public_entry
from .models import Reuse, ReuseKind, ReuseState, reuse_entries
from .schemas import ReuseIn

KIND_LABELS = {ReuseKind.APP: _l("App"), ReuseKind.VISUALISATION: _l("Visualisation"),
               ReuseKind.PAPER: _l("Paper or research report"), ReuseKind.NEWS: _l("News story"),
               ReuseKind.OTHER: _l("Other")}
STATE_LABELS = {ReuseState.PENDING: _l("Awaiting moderation"), ReuseState.PUBLISHED: _l("Published"),
                ReuseState.REJECTED: _l("Rejected")}
PER_PAGE = 12


def _tell_authority(reuse: Reuse, actor: User, reason: str) -> None:
    notify_all(authority_users(), _("A reuse awaits moderation"), reuse.title,
               link=url_for("reuses.moderation"), kind="reuse.submitted")


def _tell_published(reuse: Reuse, actor: User, reason: str) -> None:
    notify(reuse.submitter_id, _("Your reuse was published"), reuse.title,
           link=url_for("reuses.show", reuse_id=reuse.id), kind="reuse.published")


def _tell_rejected(reuse: Reuse, actor: User, reason: str) -> None:
    notify(reuse.submitter_id, _("Your reuse was not published"), reason,
           link=url_for("reuses.show", reuse_id=reuse.id), kind="reuse.rejected")


SUBMIT, PUBLISH, REJECT = "submit", "publish", "reject"
REUSE = Workflow("reuse", [
    Transition(SUBMIT, (None,), ReuseState.PENDING, (roles.OWNER,), "reuse.submit", notify=_tell_authority),
    Transition(PUBLISH, (ReuseState.PENDING,), ReuseState.PUBLISHED, (roles.AUTHORITY_ACTOR,), "reuse.publish",
               notify=_tell_published),
    Transition(REJECT, (ReuseState.PENDING,), ReuseState.REJECTED, (roles.AUTHORITY_ACTOR,), "reuse.reject",
               needs_reason=True, notify=_tell_rejected),
    # a published reuse that turns out to be wrong (gone, misleading) is taken down the same way
    Transition(REJECT, (ReuseState.PUBLISHED,), ReuseState.REJECTED, (roles.AUTHORITY_ACTOR,), "reuse.unpublish",
               needs_reason=True, notify=_tell_rejected),
], relations=lambda r, actor: roles.relations(actor, owner_id=r.submitter_id), reason_max=2000,
    reason_missing=lambda r: _("State why the reuse is rejected."),
    conflict=lambda r: _("This reuse has already been moderated."),
    forbidden=lambda r: _("Only the data authority moderates reuses."))


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def may_submit(actor: Any) -> bool:
    return roles.in_group(actor, roles.RATERS)


def image_limit() -> str:
    return filesize(images.MAX_BYTES)


def _image(upload: FormFile | None) -> images.Image | None:
    """The uploaded image checked and cleaned, or None when none was sent; Invalid (field "image")."""
    if upload is None or not upload.filename:
        return None
    try:
        return images.clean(images.read_limited(upload.stream))
    except images.TooLarge:
        message = _("The image is larger than %(limit)s.", limit=image_limit())
    except images.NotAnImage:
        message = _("The image must be a PNG or JPEG picture.")
    raise Invalid(message, {"image": message})


def submit(values: Mapping[str, Any], upload: FormFile | None, actor: User) -> Reuse:
    """Record a reuse (schemas.ReuseIn) and its image; it awaits the authority's moderation. Every refusal is
    raised together (Invalid, one message per field) and then nothing is stored."""
    if not may_submit(actor):
        raise Forbidden(_("Reuses are submitted from a data user's account."))
    errors: dict[str, str] = {}
    try:
        data = ReuseIn().read(values)
    except Invalid as exc:
        data, errors = {}, dict(exc.details)
    entries: list[Dataset] = []
    refs = data.get("entries") if data else ([] if "entries" in errors else values.get("entries") or [])
    for ref in refs if isinstance(refs, list) else []:
        ds = public_entry(str(ref))
        if ds is None:
            errors["entries"] = _("No public catalog entry is named %(name)s.", name=str(ref)[:120])
        elif ds not in entries:
            entries.append(ds)
    try:
        image = _image(upload)
    except Invalid as exc:
        image, errors = None, {**errors, **exc.details}
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    saved = None
    if image is not None:
        try:
            saved = stored_files.save(io.BytesIO(image.data), max_size=images.MAX_BYTES)
        except (StorageError, StorageTooLarge):
            message = _("The image could not be stored; please try again.")
            raise Invalid(message, {"image": message})
    reuse = Reuse(title=data["title"], kind=data["kind"], url=data["url"], description=data["description"],
                  display_name=display_name(actor, data["display_name"]), submitter_id=actor.id,
                  image_key=saved.key if saved else "", image_type=image.media_type if image else "",
                  submitted_at=utcnow())

    def record(_step: Transition) -> None:
        reuse.entries = entries
        db.session.add(reuse)
        db.session.flush()
    try:
        REUSE.perform(reuse, SUBMIT, actor, effect=record,
                      details=lambda: {"entries": [d.id for d in entries], "image": reuse.image_key})
    except BaseException:
        if saved is not None:
            stored_files.discard([saved.key])
        raise
    return reuse


def decide(reuse: Reuse, action: str, reason: str, actor: User, version: int | None = None) -> Reuse:
    """The authority publishes or rejects (with a reason) a reuse."""
    def record(_step: Transition) -> None:
        reuse.decided_at, reuse.decided_by_id = utcnow(), actor.id
        reuse.reason = reason.strip() if action == REJECT else ""
    REUSE.perform(reuse, action, actor, reason, effect=record, version=version)
    return reuse


def may_see(reuse: Reuse, actor: Any) -> bool:
    return reuse.state == ReuseState.PUBLISHED or bool(REUSE.relations(reuse, actor)) or roles.is_overseer(actor)


def get_reuse(reuse_id: int, actor: Any) -> Reuse:
    reuse = db.session.get(Reuse, reuse_id)
    if reuse is None or not may_see(reuse, actor):
        raise NotFound(_("No reuse has this number."))
    return reuse


def allowed_actions(reuse: Reuse, actor: Any) -> list[str]:
    return REUSE.allowed_actions(reuse, actor)


def _published():
    return select(Reuse).where(Reuse.state == ReuseState.PUBLISHED)


def showcase(theme: str = "", kind: str = "", dataset: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Published reuses, newest first, of the entries of one theme (its slug), one kind, or one entry."""
    stmt = _published()
    if theme or dataset:
        uses = select(reuse_entries.c.reuse_id).join(Dataset, Dataset.id == reuse_entries.c.dataset_id)
        if theme:
            uses = uses.join(Theme, Theme.id == Dataset.theme_id).where(Theme.slug == theme)
        if dataset:
            uses = uses.where(Dataset.slug == dataset)
        stmt = stmt.where(Reuse.id.in_(uses))
    if kind:
        stmt = stmt.where(Reuse.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Reuse.decided_at.desc(), Reuse.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(rows, total, page, per_page)


def themes_with_reuses() -> list[tuple[Theme, int]]:
    """Each theme with the number of published reuses of its entries (the showcase's theme filter)."""
    q = (select(Theme, func.count(func.distinct(Reuse.id)))
         .join(Dataset, Dataset.theme_id == Theme.id)
         .join(reuse_entries, reuse_entries.c.dataset_id == Dataset.id)
         .join(Reuse, Reuse.id == reuse_entries.c.reuse_id)
         .where(Reuse.state == ReuseState.PUBLISHED).group_by(Theme.id).order_by(Theme.name))
    return [(t, int(n)) for t, n in db.session.execute(q).all()]


def entry_reuses(ds: Dataset, limit: int = 6) -> Page:
    return showcase(dataset=ds.slug, per_page=limit)


def pending() -> list[Reuse]:
    return list(db.session.scalars(select(Reuse).where(Reuse.state == ReuseState.PENDING).order_by(Reuse.submitted_at)))


def own(actor: User) -> list[Reuse]:
    return list(db.session.scalars(select(Reuse).where(Reuse.submitter_id == actor.id)
                                   .order_by(Reuse.submitted_at.desc())))


def counts_by_kind() -> dict[str, int]:
    """Published reuses by kind (the statistics page)."""
    q = select(Reuse.kind, func.count(Reuse.id)).where(Reuse.state == ReuseState.PUBLISHED).group_by(Reuse.kind)
    return {k: int(n) for k, n in db.session.execute(q).all()}


def image_of(reuse_id: int, actor: Any) -> Reuse:
    reuse = get_reuse(reuse_id, actor)
    if not reuse.image_key:
        raise NotFound(_("This reuse has no image."))
    return reuse


def out(reuse: Reuse) -> dict[str, Any]:
    """A reuse as the API gives it (the submitter's display name only)."""
    return {"id": reuse.id, "title": reuse.title, "kind": reuse.kind, "url": reuse.url,
            "description": reuse.description, "display_name": reuse.display_name, "state": reuse.state,
            "reason": reuse.reason, "submitted_at": reuse.submitted_at,
            "image_url": url_for("reuses.image", reuse_id=reuse.id, _external=True) if reuse.image_key else None,
            "entries": [{"slug": d.slug, "title": d.title} for d in reuse.entries]}
