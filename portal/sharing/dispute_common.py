"""What error checks, disputes and stop notices share: the grants of an entry and who holds them, who
reads a case, the months of a notice period (民法典 §202)."""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import roles
from ..errors import NotFound
from ..extensions import db
from .models import ShareGrant, ShareGrantState
from .workflow import officer_ids

LIVE_GRANT_STATES = (ShareGrantState.ACTIVE, ShareGrantState.SUSPENDED)  # what a stop notice ends


def grants_of(dataset_id: str, resource_ids: Iterable[str] = (), states=(ShareGrantState.ACTIVE,)) -> list[ShareGrant]:
    """The grants of an entry in `states`; with `resource_ids`, those that reach one of these files (a grant
    naming no file reaches all)."""
    rows = db.session.scalars(select(ShareGrant).where(ShareGrant.dataset_id == dataset_id,
                                                       ShareGrant.state.in_(states)).order_by(ShareGrant.id))
    wanted = set(resource_ids)
    return [g for g in rows if not wanted or not g.resource_ids or wanted & set(g.resource_ids)]


def holder_agency_ids(grants: Iterable[ShareGrant]) -> list[int]:
    return list(dict.fromkeys(g.requester_agency_id for g in grants))


def officers_of(agency_ids: Iterable[int]) -> list[int]:
    return [uid for agency_id in agency_ids for uid in officer_ids(agency_id)]



def reads_pair(actor: Any, case: Any) -> bool:
    return roles.reads_share_case(actor, requester_agency_id=case.requester_agency_id,
                                  provider_agency_id=case.provider_agency_id)


def not_found(kind: str) -> NotFound:
    return NotFound(_("There is no %(kind)s of yours with this number.", kind=kind))
