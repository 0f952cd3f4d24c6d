"""The sharing figures on /api/v1 (SHARING.md §6, §7): /sharing/figures for agency staff (their own agency),
the authority and auditors (every agency), by API token; /sharing/statistics for everyone, as
PORTAL_SHARE_FIGURES_PUBLIC allows (totals, by agency, or 404). Counts and rates only."""
from __future__ import annotations

from flask import request

from ..accounts import roles
from ..api.cases import token_required
from ..api.routes import route
from . import figures
from .figures_schemas import SharingFiguresOut, FiguresQueryIn, dump, load_period

TAG = "sharing"


@route("/sharing/figures", summary="Sharing figures per agency", tag=TAG, query=FiguresQueryIn, response=SharingFiguresOut,
       errors=(401, 403, 422), auth=True)
@token_required(*roles.SHARING_VIEWERS)
def sharing_figures(user):
    """Requests by type, answers and deliveries on time, refusals by kind of basis, demands, verifications,
    error checks, disputes, stop notices, the share-type mix, entries breaking the rules, reassessment and
    unused grants for the period (default: the current half-year). Agency staff get their own agency; the
    authority and auditors every agency and the totals. A rate with no case has percent null."""
    return dump(figures.figures_for(load_period(request.args), user))


@route("/sharing/statistics", summary="Public sharing statistics", tag=TAG, query=FiguresQueryIn,
       response=SharingFiguresOut, errors=(404, 422))
def sharing_statistics():
    """The same figures for everyone, as the deployment publishes them: the totals only, or every agency's
    row too; 404 when it publishes none. Never the content of a request."""
    figures.check_public()
    return dump(figures.public_figures(load_period(request.args)))
