"""Where the sharing pages are reached from: the "数据共享" group of the console home, by the groups of
accounts/roles.py, and the action a published entry's page offers to staff of another agency (申请共享, or
申请核实比对 for an entry not shared). The pages only show what these functions return."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..accounts import roles
from ..catalog.models import Dataset, DatasetState, ShareType
from .models import ShareGrant, ShareGrantState


@dataclass(frozen=True)
class NavLink:
    key: str        # the element's id on the page: sharing-<key>
    endpoint: str   # url_for's endpoint
    label: Any      # a lazy text


# Every sharing page of the console, in the order of the work: cases first, then the catalog and its lists.
_CASES = (
    NavLink("requests", "sharing.index", _l("Share requests and grants")),
    NavLink("demands", "sharing_demands.demand_list", _l("Demands for data")),
    NavLink("verifications", "sharing_demands.verification_list", _l("Verifications")),
    NavLink("errors", "sharing_disputes.error_list", _l("Error checks of shared data")),
    NavLink("disputes", "sharing_disputes.dispute_list", _l("Sharing disputes")),
    NavLink("notices", "sharing_disputes.notice_list", _l("Stop or change notices")),
    NavLink("catalog", "sharing_catalog.index", _l("Sharing catalog")),
    NavLink("responsibility", "sharing_catalog.responsibility", _l("Responsibility list")),
    NavLink("negative", "sharing_catalog.negative", _l("Sharing negative list")),
    NavLink("figures", "sharing_figures.index", _l("Sharing figures")),
)
_VIOLATIONS = NavLink("violations", "sharing_catalog.violations", _l("Entries breaking the sharing rules"))
_OFFICERS = NavLink("officers", "accounts.share_officers", _l("Share officers"))


def console_links(actor: Any) -> tuple[NavLink, ...]:
    """The 数据共享 group of the console home: every sharing page for those who open the sharing pages (agency
    staff see their agency's cases, the authority and auditors all); the entries breaking the sharing rules
    for overseers; naming the share officers for the authority."""
    if not roles.in_group(actor, roles.SHARING_VIEWERS):
        return ()
    links = list(_CASES)
    if roles.is_overseer(actor):
        links.append(_VIOLATIONS)
    if roles.is_authority(actor):
        links.append(_OFFICERS)
    return tuple(links)


@dataclass(frozen=True)
class EntryAction:
    """What a published entry's page offers a member of another agency's staff."""
    kind: str          # "request" (申请共享) or "verify" (申请核实比对)
    endpoint: str
    args: dict[str, str]
    officer: bool      # whether the actor files it (only the agency's share officer does, R2018 art. 27)


def entry_action(ds: Dataset, actor: Any) -> EntryAction | None:
    """The sharing action of a published entry for agency staff of another agency: a share request, or, for
    an entry not shared (不予共享), a verification; nothing for its own agency, the public or data users."""
    if (not roles.is_agency_staff(actor) or getattr(actor, "agency_id", None) in (None, ds.agency_id)
            or ds.state != DatasetState.PUBLISHED):
        return None
    officer = roles.is_share_officer_of(actor, actor.agency_id)
    if ds.share_type == ShareType.NONE:
        return EntryAction("verify", "sharing_demands.new_verification", {"dataset": ds.id}, officer)
    return EntryAction("request", "sharing.new", {"dataset": ds.slug}, officer)


@dataclass(frozen=True)
class PageLink:
    key: str
    endpoint: str
    args: dict[str, Any]
    label: Any


def grant_links(grant: ShareGrant, actor: Any) -> tuple[PageLink, ...]:
    """The filings a delivery page leads to: the requesting agency's share officer reports an error in data
    received under an active grant (校核); the providing agency's share officer gives notice that sharing of
    the entry stops or narrows."""
    links = []
    if grant.state == ShareGrantState.ACTIVE and roles.is_share_officer_of(actor, grant.requester_agency_id):
        links.append(PageLink("report-error", "sharing_disputes.new_error", {"grant": grant.id},
                              _l("Report an error in this data")))
    if roles.is_share_officer_of(actor, grant.provider_agency_id):
        links.append(PageLink("notice", "sharing_disputes.new_notice", {"dataset": grant.dataset_id},
                              _l("Give notice that sharing stops or changes")))
    return tuple(links)
